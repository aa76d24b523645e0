"""The audit log's CSV export: the entries the page's filters select, each with who, what, when and on what,
nothing more about a person than the page shows, safe to open in a spreadsheet; and the export itself is on
record."""

import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone

from portal.core.audit import audit_record
from portal.core.models import AuditEntry
from tests.conftest import sign_in_staff
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _rows(response) -> list[dict]:
    text = b"".join(response.streaming_content).decode()
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:])))


def test_the_export_has_the_filtered_entries_and_is_itself_recorded(client, admin_user, moderator):
    person = UserFactory(email="secret.person@example.test")
    revealed = audit_record(
        actor=moderator, action="person.details_revealed", target=person, details={"reason": "Appeal 12"}
    )
    audit_record(actor=moderator, action="role.granted", target=person, details={"role": "moderator"})
    old = audit_record(actor=None, action="retention.purged")
    AuditEntry.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=10))
    moderator.display_name = '=HYPERLINK("http://evil.test")'
    moderator.save()
    sign_in_staff(client, admin_user)
    response = client.get(f"/ru/staff/audit/export.csv?action=person.&actor={moderator.pk}")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = _rows(response)
    assert len(rows) == 1
    row = rows[0]
    assert row["id"] == str(revealed.pk) and row["actor"] == str(moderator.pk)
    assert row["action"] == "person.details_revealed" and row["action_name"] != "person.details_revealed"
    assert (row["target_type"], row["target_id"]) == ("accounts.user", str(person.pk))
    assert row["when"].endswith("+00:00") and row["details"] == '{"reason": "Appeal 12"}'
    # A name typed as a formula stays text in a spreadsheet.
    assert row["actor_name"].startswith("'=")
    assert "secret.person@example.test" not in str(rows) and moderator.email not in str(rows)
    exported = AuditEntry.objects.get(action="audit.exported")
    assert exported.actor == admin_user
    assert exported.details == {"filter_action": "person.", "filter_actor": str(moderator.pk)}
    log = client.get("/ru/staff/audit/?action=audit.").content.decode()
    assert "Журнал аудита выгружен" in log and "Действие начинается с: person." in log
    assert 'href="/ru/staff/audit/export.csv?action=audit."' in log


def test_an_invalid_filter_exports_nothing_and_says_why(client, admin_user):
    audit_record(actor=admin_user, action="role.granted")
    sign_in_staff(client, admin_user)
    response = client.get("/en/staff/audit/export.csv?since=yesterday")
    assert response.status_code == 400
    assert "Enter a valid date." in response.content.decode()
    assert not AuditEntry.objects.filter(action="audit.exported").exists()


@pytest.mark.parametrize("persona", ["moderator", "commissioner"])
def test_staff_other_than_admins_export_nothing(client, request, persona):
    sign_in_staff(client, request.getfixturevalue(persona))
    assert client.get("/en/staff/audit/export.csv").status_code == 403
