"""Personal data: consent, download my data, account deletion, retention, staff access on the record."""

import io
import json
import zipfile
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from portal.accounts import privacy
from portal.accounts.models import ConsentRecord, DataExport, IdentityVerification, SignatureChallenge, User
from portal.accounts.permissions import can_delete_account, can_reveal_personal_details, can_view_person_page
from portal.accounts.tokens import api_token_create
from portal.accounts.verification.services import identity_verification_record
from portal.accounts.verification.signature import signature_challenge_issue
from portal.core.models import AuditEntry
from portal.notifications.models import Notification, SuppressedAddress
from portal.notifications.services import notify
from proposals.models import RetainedSupport, Support
from proposals.services.comment import comment_create
from proposals.services.follow import follow_add
from proposals.services.hearing_registration import hearing_register
from proposals.services.reader_report import report_create
from proposals.services.support import support_add
from tests.conftest import give_totp
from tests.factories import UserFactory
from tests.identity import make_iin
from tests.proposals.factories import (
    ConsultationFactory,
    HearingFactory,
    ProposalFactory,
    close_intake,
)

pytestmark = pytest.mark.django_db

IIN = "900101300126"


@pytest.fixture
def person(db):
    """A participant with one of every kind of object the portal keeps about a person."""
    user = UserFactory(
        email="person.seeded@example.test",
        display_name="Seeded Person",
        first_name="Aliya",
        last_name="Nurlanova",
    )
    verification = identity_verification_record(user=user, method="iin", identity=IIN, verified_by=None)
    privacy.consent_accept(user=user, version=1)
    consultation = ConsultationFactory()
    own = ProposalFactory(
        author=user, consultation=consultation, title="My own proposal", submission_ip="10.1.2.3"
    )
    other = ProposalFactory(consultation=consultation, title="Someone else's proposal")
    support_add(user=user, proposal=other)
    # Through the service: it tells the proposal's author, whose notification names the person.
    comment_create(author=user, proposal=other, body="A comment by the seeded person.")
    report_create(reporter=user, proposal=other, kind="spam", details="Looks like advertising")
    follow_add(user=user, proposal=other)
    hearing_register(user=user, hearing=HearingFactory(consultation=consultation))
    notify(recipients=[user], category="proposals", kind="proposal.published", params={"title": "x"})
    _token, plain = api_token_create(user=user, name="My dashboard")
    user.seed = {
        "own": own,
        "other": other,
        "consultation": consultation,
        "hash": verification.identity_hash,
        "token": plain,
    }
    return user


def _logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _request_export(client, django_capture_on_commit_callbacks) -> tuple[DataExport, str]:
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/en/accounts/privacy/export/")
    assert response.status_code == 302
    export = DataExport.objects.latest("pk")
    return export, client.session["data_export_tokens"][str(export.pk)]


# --- 1. Download my data --------------------------------------------------------------------------------


def test_export_holds_every_kind_of_object_and_no_iin(person, django_capture_on_commit_callbacks):
    client = _logged_in(person)
    export, token = _request_export(client, django_capture_on_commit_callbacks)
    export.refresh_from_db()
    assert export.status == DataExport.Status.READY and export.progress == 100
    page = client.get("/en/accounts/privacy/")
    assert f"/en/accounts/privacy/export/download/{token}/" in page.content.decode()

    response = client.post(f"/en/accounts/privacy/export/download/{token}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    files = {name: json.loads(archive.read(name)) for name in archive.namelist()}
    raw = b"".join(archive.read(name) for name in archive.namelist()).decode()
    assert files["profile.json"]["email"] == "person.seeded@example.test"
    assert files["verification.json"] == {
        "verified": True,
        "method": "iin",
        "verified_at": files["verification.json"]["verified_at"],
    }
    assert [p["title"] for p in files["proposals.json"]] == ["My own proposal"]
    assert files["comments.json"][0]["body"] == "A comment by the seeded person."
    assert files["supports.json"][0]["proposal"] == person.seed["other"].pk
    assert files["reports.json"][0]["kind"] == "spam"
    assert files["follows.json"][0]["proposal"] == person.seed["other"].pk
    assert len(files["hearing_registrations.json"]) == 1
    assert {n["kind"] for n in files["notifications.json"]} == {"hearing.registered", "proposal.published"}
    assert files["consents.json"][0]["version"] == 1
    assert files["api_tokens.json"][0]["name"] == "My dashboard"
    for name in ("organisations", "comment_likes", "speaker_requests", "account_blocks"):
        assert files[f"{name}.json"] == []
    assert IIN not in raw
    assert person.seed["hash"] not in raw
    assert person.seed["token"] not in raw


def test_export_link_works_once(person, django_capture_on_commit_callbacks):
    client = _logged_in(person)
    export, token = _request_export(client, django_capture_on_commit_callbacks)
    file_name = DataExport.objects.get(pk=export.pk).file_name
    assert client.post(f"/en/accounts/privacy/export/download/{token}/").status_code == 200
    assert client.post(f"/en/accounts/privacy/export/download/{token}/").status_code == 403
    from django.core.files.storage import default_storage

    assert not default_storage.exists(file_name)


def test_export_link_fails_for_another_account_and_another_session(
    person, other_citizen, django_capture_on_commit_callbacks
):
    client = _logged_in(person)
    _export, token = _request_export(client, django_capture_on_commit_callbacks)
    assert _logged_in(other_citizen).post(f"/en/accounts/privacy/export/download/{token}/").status_code == 403
    # The same account in another browser session.
    assert _logged_in(person).post(f"/en/accounts/privacy/export/download/{token}/").status_code == 403
    # Anonymous: sent to log in, nothing handed out.
    assert Client().post(f"/en/accounts/privacy/export/download/{token}/").status_code == 302
    # The owner's link still works after those attempts.
    assert client.post(f"/en/accounts/privacy/export/download/{token}/").status_code == 200


def test_export_link_fails_after_expiry_and_the_retention_job_deletes_the_file(
    person, django_capture_on_commit_callbacks
):
    from django.core.files.storage import default_storage

    client = _logged_in(person)
    export, token = _request_export(client, django_capture_on_commit_callbacks)
    file_name = DataExport.objects.get(pk=export.pk).file_name
    assert export.expires_at <= timezone.now() + timedelta(hours=24)
    DataExport.objects.filter(pk=export.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.post(f"/en/accounts/privacy/export/download/{token}/").status_code == 403
    assert privacy.retention_purge()["exports"] == 1
    assert not default_storage.exists(file_name)
    assert DataExport.objects.get(pk=export.pk).status == DataExport.Status.EXPIRED


def test_export_download_needs_post(person, django_capture_on_commit_callbacks):
    client = _logged_in(person)
    _export, token = _request_export(client, django_capture_on_commit_callbacks)
    assert client.get(f"/en/accounts/privacy/export/download/{token}/").status_code == 405
    assert client.get("/en/accounts/privacy/export/").status_code == 405


def test_export_progress_fragment_is_only_for_the_owner(
    person, other_citizen, django_capture_on_commit_callbacks
):
    client = _logged_in(person)
    export, _token = _request_export(client, django_capture_on_commit_callbacks)
    assert client.get(f"/en/accounts/privacy/export/{export.pk}/").status_code == 200
    assert _logged_in(other_citizen).get(f"/en/accounts/privacy/export/{export.pk}/").status_code == 404


def test_export_progress_is_told_in_a_live_region_that_polling_leaves_in_place(
    person, django_capture_on_commit_callbacks
):
    """A region replaced every 2 s may never be announced: the polled part is no live region, and names the
    persistent one its state is written into (static/js/live-status.js)."""
    client = _logged_in(person)
    export, _token = _request_export(client, django_capture_on_commit_callbacks)
    DataExport.objects.filter(pk=export.pk).update(status=DataExport.Status.BUILDING)
    page = client.get("/en/accounts/privacy/").content.decode()
    region = '<p id="data-export-said" class="visually-hidden" role="status"></p>'
    assert region in page
    assert "js/live-status.js" in page
    polled = client.get(f"/en/accounts/privacy/export/{export.pk}/").content.decode()
    assert 'data-hx-swap="outerHTML"' in polled and 'data-live-status="data-export-said"' in polled
    assert (
        "aria-live" not in polled and 'role="status"' not in polled and 'id="data-export-said"' not in polled
    )
    assert '<span class="live-status-text">Your archive is being prepared.</span>' in polled
    DataExport.objects.filter(pk=export.pk).update(status=DataExport.Status.READY)
    polled = client.get(f"/en/accounts/privacy/export/{export.pk}/").content.decode()
    assert '<p class="live-status-text">Your archive is ready.' in polled
    assert "data-hx-trigger" not in polled, "polling stops once the archive is ready"


# --- 2. Account deletion ---------------------------------------------------------------------------------


def _all_rows_text(*, except_tables: tuple[str, ...] = ()) -> str:
    """Every row of every table, as text: what a leaked database would show."""
    chunks = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            if table in except_tables:
                continue
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 (table names from introspection)
            chunks.extend(str(row) for row in cursor.fetchall())
    return "\n".join(chunks)


def _delete_and_pass_grace(client, person, **data):
    response = client.post("/en/accounts/privacy/delete/", {"confirm": "on", **data})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.deletion_due_at > timezone.now() + timedelta(days=6)
    User.objects.filter(pk=person.pk).update(deletion_due_at=timezone.now() - timedelta(minutes=1))


def test_after_the_grace_period_no_table_holds_the_person(person, other_citizen):
    own = person.seed["own"]
    identity_verification_record(user=other_citizen, method="iin", identity=make_iin(), verified_by=None)
    support_add(user=other_citizen, proposal=own)
    own.refresh_from_db()
    supports_before = own.supports_count
    other = person.seed["other"]
    other.refresh_from_db()
    other_supports_before = other.supports_count
    client = _logged_in(person)
    _delete_and_pass_grace(client, person)
    assert privacy.accounts_erase_due() == 1

    # The keyed IIN fingerprint stays only beside the proposals the person supported, linked to nobody.
    retained = RetainedSupport._meta.db_table
    text = _all_rows_text(except_tables=(retained,))
    assert {field.name for field in RetainedSupport._meta.get_fields()} == {"id", "proposal", "identity_hash"}
    for secret in (
        "person.seeded@example.test",
        "Seeded Person",
        "Aliya",
        "Nurlanova",
        person.seed["hash"],
        "10.1.2.3",
    ):
        assert secret not in text, secret
    person.refresh_from_db()
    assert not person.is_active and not person.has_usable_password()
    assert not IdentityVerification.objects.filter(user=person).exists()
    assert not person.api_tokens.exists()
    page = Client().get(own.get_absolute_url().replace("/kk/", "/en/"))
    assert "Former participant" in page.content.decode()
    own.refresh_from_db()
    other.refresh_from_db()
    assert own.status == "published"
    assert own.supports_count == supports_before
    assert other.supports_count == other_supports_before
    assert Support.objects.filter(proposal=other, user__isnull=True).count() == 1
    assert SuppressedAddress.objects.filter(email=person.email).exists()
    # Twice is once.
    assert privacy.accounts_erase_due() == 0


def test_deletion_can_withdraw_content_while_intake_is_open(person):
    client = _logged_in(person)
    _delete_and_pass_grace(client, person, withdraw_content="on")
    privacy.accounts_erase_due()
    own = person.seed["own"]
    own.refresh_from_db()
    assert own.status == "withdrawn"
    assert person.comments.get().deleted_at is not None


def test_withdrawal_choice_does_nothing_once_intake_closed(person):
    close_intake(person.seed["consultation"])
    client = _logged_in(person)
    _delete_and_pass_grace(client, person, withdraw_content="on")
    privacy.accounts_erase_due()
    own = person.seed["own"]
    own.refresh_from_db()
    assert own.status == "published"


def test_logging_in_during_the_grace_period_cancels_the_deletion(person):
    from tests.factories import PASSWORD

    client = _logged_in(person)
    client.post("/en/accounts/privacy/delete/", {"confirm": "on"})
    person.refresh_from_db()
    assert person.deletion_due_at is not None
    response = Client().post("/en/accounts/login/", {"login": person.email, "password": PASSWORD})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.deletion_due_at is None
    assert privacy.accounts_erase_due(now=timezone.now() + timedelta(days=30)) == 0


def test_deletion_needs_confirmation_post_and_login(person, other_citizen):
    client = _logged_in(person)
    assert client.get("/en/accounts/privacy/delete/").status_code == 405
    client.post("/en/accounts/privacy/delete/", {})
    person.refresh_from_db()
    assert person.deletion_due_at is None
    assert Client().post("/en/accounts/privacy/delete/", {"confirm": "on"}).status_code == 302
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(person)
    assert csrf_client.post("/en/accounts/privacy/delete/", {"confirm": "on"}).status_code == 403
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        privacy.account_deletion_request(user=person, requested_by=other_citizen, withdraw_content=False)
    person.refresh_from_db()
    assert person.deletion_due_at is None


# --- 3. Retention ----------------------------------------------------------------------------------------


def _state():
    from proposals.models import Proposal

    return (
        sorted(Proposal.objects.values_list("pk", "submission_ip")),
        sorted(IdentityVerification.objects.values_list("pk", "note")),
        sorted(Notification.objects.values_list("pk", flat=True)),
    )


def test_retention_removes_exactly_what_is_past_its_period_and_twice_is_once(
    settings, citizen, other_citizen, admin_user
):
    from proposals.models import Proposal

    now = timezone.now()
    old = ProposalFactory(submission_ip="10.0.0.1")
    recent = ProposalFactory(submission_ip="10.0.0.2")
    Proposal.objects.filter(pk=old.pk).update(
        created_at=now - timedelta(days=settings.PRIVACY_IP_RETENTION_DAYS, hours=1)
    )
    Proposal.objects.filter(pk=recent.pk).update(
        created_at=now - timedelta(days=settings.PRIVACY_IP_RETENTION_DAYS - 1)
    )
    old_check = identity_verification_record(
        user=citizen, method="staff", identity=None, verified_by=admin_user, note="ID card seen"
    )
    new_check = identity_verification_record(
        user=other_citizen, method="staff", identity=None, verified_by=admin_user, note="Passport seen"
    )
    IdentityVerification.objects.filter(pk=old_check.pk).update(
        verified_at=now - timedelta(days=settings.PRIVACY_VERIFICATION_NOTE_RETENTION_DAYS + 1)
    )
    notify(recipients=[citizen, other_citizen], category="proposals", kind="proposal.published", params={})
    old_note, new_note = Notification.objects.order_by("pk")
    Notification.objects.filter(pk=old_note.pk).update(
        created_at=now - timedelta(days=settings.PRIVACY_NOTIFICATION_RETENTION_DAYS + 1)
    )

    old_challenge = signature_challenge_issue(user=citizen)
    SignatureChallenge.objects.filter(pk=old_challenge.pk).update(expires_at=now - timedelta(days=2))
    fresh_challenge = signature_challenge_issue(user=citizen)

    first = privacy.retention_purge(now=now)
    assert first == {
        "submission_ips": 1,
        "report_networks": 0,
        "verification_notes": 1,
        "notifications": 1,
        "signature_challenges": 1,
        "organisation_invitations": 0,
        "exports": 0,
    }
    assert list(SignatureChallenge.objects.values_list("pk", flat=True)) == [fresh_challenge.pk]
    after_first = _state()
    assert privacy.retention_purge(now=now) == {
        "submission_ips": 0,
        "report_networks": 0,
        "verification_notes": 0,
        "notifications": 0,
        "signature_challenges": 0,
        "organisation_invitations": 0,
        "exports": 0,
    }
    assert _state() == after_first
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.submission_ip is None and recent.submission_ip == "10.0.0.2"
    assert IdentityVerification.objects.get(pk=old_check.pk).note == ""
    assert IdentityVerification.objects.get(pk=new_check.pk).note == "Passport seen"
    assert list(Notification.objects.values_list("pk", flat=True)) == [new_note.pk]


def test_retention_and_erasure_run_from_the_beat_schedule(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "portal.accounts.tasks.purge_expired_personal_data" in tasks
    assert "portal.accounts.tasks.erase_deleted_accounts" in tasks


# --- 4. Staff access on the record ----------------------------------------------------------------------


def _staff_client(user) -> Client:
    give_totp(user)
    client = Client()
    client.force_login(user)
    return client


def test_revealing_personal_details_needs_a_reason_and_is_audited(person, admin_user):
    client = _staff_client(admin_user)
    page = client.get(f"/en/staff/people/{person.pk}/")
    assert page.status_code == 200
    assert "Seeded Person" in page.content.decode()
    assert "person.seeded@example.test" not in page.content.decode()

    refused = client.post(f"/en/staff/people/{person.pk}/reveal/", {"reason": "because"})
    assert refused.status_code == 400
    assert "person.seeded@example.test" not in refused.content.decode()
    assert client.post(f"/en/staff/people/{person.pk}/reveal/", {}).status_code == 400
    assert not AuditEntry.objects.filter(action="person.details_revealed").exists()

    shown = client.post(
        f"/en/staff/people/{person.pk}/reveal/", {"reason": "Impersonation report #12 needs checking"}
    )
    assert shown.status_code == 200
    body = shown.content.decode()
    assert "person.seeded@example.test" in body and "Aliya Nurlanova" in body
    entry = AuditEntry.objects.get(action="person.details_revealed")
    assert entry.actor == admin_user and entry.target_id == str(person.pk)
    assert entry.details["reason"] == "Impersonation report #12 needs checking"

    log = client.get("/en/staff/audit/?action=person.details_revealed")
    assert "Impersonation report #12" in log.content.decode()


def test_only_admins_reveal_and_citizens_see_no_person_page(person, moderator, other_citizen):
    moderator_client = _staff_client(moderator)
    assert moderator_client.get(f"/en/staff/people/{person.pk}/").status_code == 200
    reason = {"reason": "Just curious about this person"}
    assert moderator_client.post(f"/en/staff/people/{person.pk}/reveal/", reason).status_code == 403
    assert _logged_in(other_citizen).get(f"/en/staff/people/{person.pk}/").status_code == 403
    assert _logged_in(other_citizen).post(f"/en/staff/people/{person.pk}/reveal/", reason).status_code == 403
    assert Client().post(f"/en/staff/people/{person.pk}/reveal/", reason).status_code == 302
    assert not AuditEntry.objects.filter(action="person.details_revealed").exists()


def test_admin_user_list_hides_email_from_non_superusers(person, admin_user):
    """Non-superusers get no Django admin at all, even with Django's own permissions on users."""
    from django.contrib.auth.models import Permission

    admin_user.user_permissions.add(*Permission.objects.filter(codename__in=["view_user", "change_user"]))
    client = _staff_client(admin_user)
    listing = client.get("/en/admin/accounts/user/")
    assert listing.status_code == 302 and "/admin/login/" in listing["Location"]
    change = client.get(f"/en/admin/accounts/user/{person.pk}/change/")
    assert change.status_code == 302
    assert "person.seeded@example.test" not in change.content.decode()


# --- Consent ---------------------------------------------------------------------------------------------


def test_signup_requires_accepting_the_notice_and_records_it(client, django_capture_on_commit_callbacks):
    data = {
        "email": "new.person@example.test",
        "display_name": "New person",
        "preferred_language": "en",
        "password1": "a-long-enough-password",
        "password2": "a-long-enough-password",
    }
    with django_capture_on_commit_callbacks(execute=True):
        refused = client.post("/en/accounts/signup/", data)
    assert refused.status_code == 200
    assert not User.objects.filter(email="new.person@example.test").exists()
    with django_capture_on_commit_callbacks(execute=True):
        accepted = client.post("/en/accounts/signup/", {**data, "accept_privacy": "on"})
    assert accepted.status_code == 302
    user = User.objects.get(email="new.person@example.test")
    assert user.privacy_notice_version == 1
    assert ConsentRecord.objects.filter(user=user, version=1).exists()


@pytest.mark.parametrize(
    ("language", "words"), [("kk", "Біз не жинаймыз"), ("ru", "Что мы собираем"), ("en", "What we collect")]
)
def test_privacy_notice_is_public_in_each_language(client, language, words):
    response = client.get(f"/{language}/privacy/")
    assert response.status_code == 200
    assert words in response.content.decode()


def test_a_new_notice_version_is_asked_for_at_the_next_request(citizen):
    client = _logged_in(citizen)
    assert client.get("/en/").status_code == 200
    privacy.privacy_notice_publish(text_kk="Жаңа нұсқа", text_ru="Новая версия", text_en="New version two")
    try:
        response = client.get("/en/")
        assert response.status_code == 302
        assert response.url.startswith("/en/accounts/privacy/consent/")
        assert client.get("/en/privacy/").status_code == 200
        consent_page = client.get(response.url)
        assert "New version two" in consent_page.content.decode()
        assert client.post("/en/accounts/privacy/consent/", {"version": 2}).status_code == 200
        accepted = client.post(
            "/en/accounts/privacy/consent/", {"version": 2, "accept": "on", "next": "/en/"}
        )
        assert accepted.status_code == 302 and accepted.url == "/en/"
        assert client.get("/en/").status_code == 200
        assert ConsentRecord.objects.filter(user=citizen, version=2).exists()
    finally:
        privacy.forget_current_notice()


def test_consent_redirect_does_not_follow_foreign_next(citizen):
    client = _logged_in(citizen)
    User.objects.filter(pk=citizen.pk).update(privacy_notice_version=0)
    response = client.post(
        "/en/accounts/privacy/consent/", {"version": 1, "accept": "on", "next": "https://evil.example/"}
    )
    assert response.status_code == 302 and response.url == "/en/"


def test_consent_page_sends_back_whoever_has_nothing_to_accept(citizen):
    response = _logged_in(citizen).get("/en/accounts/privacy/consent/?next=/en/proposals/")
    assert response.status_code == 302 and response.url == "/en/proposals/"
    assert Client().get("/en/accounts/privacy/consent/").status_code == 302  # anonymous → login


def test_an_erased_accounts_open_sessions_end(person):
    other_browser = _logged_in(person)
    assert other_browser.get("/en/accounts/profile/").status_code == 200
    privacy.account_deletion_request(user=person, requested_by=person, withdraw_content=False)
    User.objects.filter(pk=person.pk).update(deletion_due_at=timezone.now() - timedelta(seconds=1))
    assert privacy.accounts_erase_due() == 1
    response = other_browser.get("/en/accounts/profile/")
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_personal_data_predicates(citizen, other_citizen, moderator, commissioner, admin_user):
    from django.contrib.auth.models import AnonymousUser

    assert can_delete_account(citizen, citizen)
    assert not can_delete_account(other_citizen, citizen)
    assert not can_delete_account(admin_user, citizen)
    assert not can_delete_account(AnonymousUser(), citizen)
    assert [can_reveal_personal_details(u) for u in (citizen, moderator, commissioner, admin_user)] == [
        False,
        False,
        False,
        True,
    ]
    assert not can_reveal_personal_details(AnonymousUser())
    assert [can_view_person_page(u) for u in (citizen, moderator, commissioner, admin_user)] == [
        False,
        True,
        True,
        True,
    ]
