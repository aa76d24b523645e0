"""The auditor: an independent observer (an Accounts Committee member, an observer mission) who reads what
staff did and changes nothing. An administrator gives and takes the role as any other, and every reading of
the audit log, the auditor's included, is itself an entry of it."""

import csv
import io

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from portal.accounts.verification.services import identity_verification_record
from portal.core.audit import audit_record
from portal.core.models import AuditEntry
from portal.core.roles import Role, held_roles
from tests.conftest import give_totp, sign_in_staff
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# A made-up number that passes the IIN check digit.
IIN = "900101300017"


def test_an_administrator_gives_and_takes_the_auditor_role_as_any_other(
    client, admin_user, django_capture_on_commit_callbacks
):
    person = UserFactory(preferred_language="ru", email="observer@example.test")
    sign_in_staff(client, admin_user)
    # The second factor comes before the power, as for every staff role.
    refused = client.post("/ru/staff/roles/", {"email": person.email, "role": "auditor"})
    assert refused.status_code == 400 and held_roles(person) == frozenset()
    give_totp(person)
    form = client.get("/kk/staff/roles/").content.decode()
    assert '<option value="auditor">Аудитор</option>' in form
    assert "Аудитор: аудит журналын, модерация шешімдерін" in form
    with django_capture_on_commit_callbacks(execute=True):
        granted = client.post("/ru/staff/roles/", {"email": person.email, "role": "auditor"})
    assert granted.status_code == 302
    assert held_roles(type(person).objects.get(pk=person.pk)) == {Role.AUDITOR}
    assert AuditEntry.objects.filter(
        action="role.granted", target_id=str(person.pk), actor=admin_user
    ).exists()
    [notice] = mail.outbox
    assert notice.to == ["observer@example.test"] and "«Аудитор»" in notice.subject
    log = client.get("/ru/staff/audit/?action=role.").content.decode()
    assert "Роль: Аудитор" in log
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("staff_role_revoke", kwargs={"pk": person.pk, "role": "auditor"}))
    assert held_roles(type(person).objects.get(pk=person.pk)) == frozenset()
    assert AuditEntry.objects.filter(action="role.revoked", target_id=str(person.pk)).exists()
    assert "«Аудитор»" in mail.outbox[1].subject


def test_the_auditors_readings_of_the_log_are_in_the_log_with_their_filters(
    client, auditor, moderator, admin_user
):
    audit_record(actor=moderator, action="role.granted", target=moderator, details={"role": "moderator"})
    sign_in_staff(client, auditor)
    page = client.get(f"/kk/staff/audit/?action=role.&actor={moderator.pk}&page=1")
    assert page.status_code == 200 and "Moderator Dana" in page.content.decode()
    reading = AuditEntry.objects.get(action="audit.viewed")
    assert reading.actor == auditor
    assert reading.details == {"filter_action": "role.", "filter_actor": str(moderator.pk), "page": 1}
    export = client.get("/kk/staff/audit/export.csv?action=role.")
    assert export.status_code == 200
    b"".join(export.streaming_content)
    assert AuditEntry.objects.get(action="audit.exported").actor == auditor
    # An administrator reading the log sees who looked, and with which filters, in words.
    admin = sign_in_staff(Client(), admin_user)
    log = admin.get("/ru/staff/audit/?action=audit.").content.decode()
    assert (
        "Журнал аудита просмотрен" in log
        and "Auditor Gulnara" in log
        and "Действие начинается с: role." in log
    )


def test_an_auditor_sees_no_iin_in_the_log_nor_its_export(client, auditor, admin_user, citizen):
    identity_verification_record(user=citizen, method="iin", identity=IIN, verified_by=None)
    audit_record(
        actor=admin_user, action="person.details_revealed", target=citizen, details={"reason": "Appeal"}
    )
    sign_in_staff(client, auditor)
    page = client.get("/ru/staff/audit/").content.decode()
    assert "Appeal" in page
    export = b"".join(client.get("/ru/staff/audit/export.csv").streaming_content).decode()
    rows = list(csv.DictReader(io.StringIO(export[1:])))
    assert rows and all(IIN not in str(row) for row in rows)
    assert IIN not in page and citizen.email not in page and citizen.email not in export


def test_the_auditors_staff_area_leads_to_what_they_read_and_offers_no_action(client, auditor, citizen):
    sign_in_staff(client, auditor)
    dashboard = client.get("/kk/staff/").content.decode()
    assert "Аудитор" in dashboard and "Қызметкерлер не істеді" in dashboard
    for name in ("staff_audit_log", "moderation_queue", "commission_queue", "staff_roles"):
        url = reverse(name).replace("/en/", "/kk/", 1)
        assert f'href="{url}"' in dashboard
        page = client.get(url)
        assert page.status_code == 200, name
        # No form but the filters (GET) and signing out.
        posts = page.content.decode().count('method="post"')
        assert posts == dashboard.count('method="post"'), name
    roles = client.get("/ru/staff/roles/").content.decode()
    revoke = reverse("staff_role_revoke", kwargs={"pk": auditor.pk, "role": "auditor"}).replace(
        "/en/", "/ru/"
    )
    assert '<span class="badge">Аудитор</span>' in roles
    assert 'name="email"' not in roles and revoke not in roles
    assert client.post("/ru/staff/roles/", {"email": citizen.email, "role": "auditor"}).status_code == 403
    person = client.get(reverse("staff_person", kwargs={"pk": citizen.pk})).content.decode()
    assert f"?actor={citizen.pk}" in person and "staff_person_reveal" not in person
    assert reverse("staff_person_reveal", kwargs={"pk": citizen.pk}) not in person
    assert AuditEntry.objects.filter(action__startswith="role.", actor=auditor).count() == 0


def test_an_auditors_commission_queue_offers_no_filter_for_work_they_do_not_do(client, auditor, commissioner):
    """ "Assigned to: me" and "Awaiting my approval" always showed an auditor an empty queue."""
    sign_in_staff(client, auditor)
    page = client.get("/ru/staff/commission/").content.decode()
    assert '<option value="me"' not in page and "Ждёт моего утверждения" not in page
    assert "Пока никому" in page and "Возвращено на доработку" in page
    member_page = sign_in_staff(Client(), commissioner).get("/ru/staff/commission/").content.decode()
    assert '<option value="me"' in member_page and "Ждёт моего утверждения" in member_page
