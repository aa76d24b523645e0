"""Application logs never hold emails, IINs, tokens or passwords: the main journeys, captured at DEBUG."""

import logging
import re

import pytest
from allauth.account.models import EmailAddress
from django.db import connection
from django.test import Client

from portal.accounts.models import User
from portal.core.logging import RedactPersonalDataFilter
from proposals.models import Proposal
from tests.conftest import give_totp
from tests.proposals.factories import ConsultationFactory, ProposalFactory

pytestmark = pytest.mark.django_db

EMAIL = "leaky.citizen@example.test"
IIN = "900101300126"
PASSWORD = "Seeded-Pa55word-for-logs"
STATEMENT = "This text insults other participants and breaks rule 3 of the consultation."


class _Capture(logging.Handler):
    def __init__(self, filters):
        super().__init__(level=logging.DEBUG)
        for log_filter in filters:
            self.addFilter(log_filter)
        self.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
        self.lines: list[str] = []

    def emit(self, record):
        self.lines.append(self.format(record))


@pytest.fixture
def captured_logs():
    """Every record of every logger at DEBUG, through the filters of the configured console handler."""
    root = logging.getLogger()
    configured = [
        handler
        for handler in root.handlers
        if any(isinstance(f, RedactPersonalDataFilter) for f in handler.filters)
    ]
    assert configured, "the LOGGING setting must put the redaction filter on the root handler"
    capture = _Capture(configured[0].filters)
    loggers = [root] + [logging.getLogger(name) for name in list(logging.root.manager.loggerDict)]
    levels = [(logger, logger.level) for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.DEBUG)
    root.addHandler(capture)
    # SQL with its parameters, the classic leak, is logged too.
    connection.force_debug_cursor = True
    try:
        yield capture.lines
    finally:
        connection.force_debug_cursor = False
        root.removeHandler(capture)
        for logger, level in levels:
            logger.setLevel(level)


def _citizen_journey(client, django_capture_on_commit_callbacks) -> str:
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/en/accounts/signup/",
            {
                "email": EMAIL,
                "display_name": "Leaky",
                "preferred_language": "en",
                "password1": PASSWORD,
                "password2": PASSWORD,
                "accept_privacy": "on",
            },
        )
    user = User.objects.get(email=EMAIL)
    EmailAddress.objects.filter(user=user).update(verified=True)
    client.post("/en/accounts/login/", {"login": EMAIL, "password": "wrong-" + PASSWORD})
    assert client.post("/en/accounts/login/", {"login": EMAIL, "password": PASSWORD}).status_code == 302
    client.post("/en/accounts/verify/", {"iin": IIN[:-1] + "9"})  # a typo first
    assert client.post("/en/accounts/verify/", {"iin": IIN}).status_code == 302
    token = client.post("/en/accounts/tokens/", {"name": "scripts"}).context["new_token"]
    consultation = ConsultationFactory()
    other = ProposalFactory(consultation=consultation)
    payload = {
        "title": "Budgets heard first",
        "summary": "A hearing first.",
        "body": "Text.",
        "language": "en",
    }
    with django_capture_on_commit_callbacks(execute=True):
        created = client.post(
            "/api/v1/proposals",
            payload,
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )
        client.post(f"/api/v1/proposals/{other.pk}/support", HTTP_AUTHORIZATION=f"Bearer {token}")
        client.get("/api/v1/proposals", HTTP_AUTHORIZATION=f"Bearer {token}x")
        client.post(f"/en/proposals/{other.pk}/comments/", {"body": f"Write to me at {EMAIL}"})
        client.post("/en/accounts/privacy/export/")
    assert created.status_code == 201, created.content
    # Requests that Django itself logs, with personal data in the path.
    assert client.get(f"/en/people/{EMAIL}/{IIN}/?token={token}").status_code == 404
    assert client.get("/en/moderation/").status_code == 403
    return token


def test_logs_of_citizen_moderator_and_commission_journeys_hold_no_personal_data(
    captured_logs, moderator, commissioner, admin_user, django_capture_on_commit_callbacks
):
    token = _citizen_journey(Client(), django_capture_on_commit_callbacks)
    citizen = User.objects.get(email=EMAIL)
    proposal = Proposal.objects.get(author=citizen)

    give_totp(moderator)
    moderator_client = Client()
    moderator_client.force_login(moderator)
    assert moderator_client.get("/en/moderation/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        acted = moderator_client.post(
            f"/en/moderation/proposals/{proposal.pk}/act/",
            {"decision": "hide", "reason_code": "abuse", "statement": STATEMENT},
        )
    assert acted.status_code == 302
    assert moderator_client.get(f"/en/staff/people/{citizen.pk}/").status_code == 200

    give_totp(commissioner)
    commission_client = Client()
    commission_client.force_login(commissioner)
    other = Proposal.objects.exclude(author=citizen).get()
    assert commission_client.get("/en/staff/commission/").status_code == 200
    assert commission_client.get(f"/en/staff/commission/proposals/{other.pk}/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        commission_client.post(
            f"/en/staff/commission/proposals/{other.pk}/notes/", {"body": f"Author's email is {EMAIL}"}
        )
        commission_client.post(
            f"/en/staff/commission/proposals/{other.pk}/assign/", {"assignee": commissioner.pk}
        )

    give_totp(admin_user)
    admin_client = Client()
    admin_client.force_login(admin_user)
    revealed = admin_client.post(
        f"/en/staff/people/{citizen.pk}/reveal/", {"reason": "Checking an impersonation report"}
    )
    assert EMAIL in revealed.content.decode()

    text = "\n".join(captured_logs)
    assert len(captured_logs) > 50  # the journeys did log (SQL included), so the search means something
    assert re.search(r"Not Found: /en/people/\[email\]/\[iin\]/", text)
    for secret in (EMAIL, IIN, token, token[4:], PASSWORD):
        assert secret not in text, secret


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("token qat_AbCdEf1234567890_-xyz was used", "qat_AbCdEf1234567890_-xyz"),
        ("Authorization: Bearer abc.DEF-123", "abc.DEF-123"),
        ("login with password=hunter2-horse", "hunter2-horse"),
        ("{'password1': 'x-Secret-9', 'email': 'a@b.kz'}", "x-Secret-9"),
        ("/download/" + "Zx9" * 15 + "/", "Zx9" * 15),
    ],
)
def test_filter_masks_tokens_passwords_and_random_secrets(text, secret):
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "%s", (text,), None)
    RedactPersonalDataFilter().filter(record)
    assert secret not in record.getMessage()


def test_filter_masks_tracebacks():
    try:
        raise ValueError(f"bad address {EMAIL}")
    except ValueError:
        import sys

        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed", None, sys.exc_info())
    RedactPersonalDataFilter().filter(record)
    assert EMAIL not in logging.Formatter().format(record)


def test_filter_masks_extra_fields_that_the_json_formatter_prints():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "sent", None, None)
    record.recipient = EMAIL
    RedactPersonalDataFilter().filter(record)
    assert record.recipient == "[email]"
