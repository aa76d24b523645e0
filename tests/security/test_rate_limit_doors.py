"""Every limited action counts on one counter per client address (and one per account, where it has one),
whichever door it came through: the HTML form, the htmx fragment, the JSON API with a bearer token, allauth's
forms. The address is the one the trusted proxy saw (PORTAL_TRUSTED_PROXY_HOPS = 1, the last entry of
X-Forwarded-For), never what the client wrote there: not before the proxy's entry, not on a connection that
came around the proxy, not when no proxy is configured.

Each action is tried as a farm tries it: a fresh throw-away account for every attempt (the per-address counter),
or one account from a new address for every attempt (the per-account counter), turning from door to door, so
that a door which kept a counter of its own, or keyed it on the wrong address, lets one more attempt in."""

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.conf import settings as django_settings
from django.contrib.messages import get_messages
from django.test import Client

from portal.accounts import invitations, privacy
from portal.accounts import services as account_services
from portal.accounts.models import DataExport, OrganisationInvitation
from portal.accounts.tokens import api_token_create
from portal.accounts.verification.services import identity_verification_record
from portal.accounts.views import account as account_views
from proposals.models import Comment, HearingRegistration, Proposal, Report, Support
from proposals.services import reader_report
from proposals.services import support as support_services
from proposals.services.proposal import ProposalInput, proposal_draft_save
from proposals.views import actions as action_views
from tests.conftest import give_totp
from tests.factories import PASSWORD, UserFactory
from tests.identity import make_iin
from tests.proposals.factories import CommentFactory, ConsultationFactory, HearingFactory, ProposalFactory

pytestmark = pytest.mark.django_db

PROXY = "127.0.0.1"  # nginx on the web machine
FARM = "203.0.113.9"  # the address a farm of accounts shares
NEIGHBOUR = "198.51.100.4"

# How a request reaches the web process: through the trusted proxy, which appends the address it saw to what
# the client wrote; straight to the web process around a configured proxy; with no proxy configured at all.
NETWORKS = ("behind the proxy", "around the proxy", "no proxy configured")


def _from(network: str, address: str, n: int) -> dict:
    """The WSGI environ of a request from `address`, whose client wrote a new X-Forwarded-For each time."""
    claim = f"192.0.2.{n % 250 + 1}"
    if network == "behind the proxy":
        return {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": f"{claim}, {address}"}
    return {"REMOTE_ADDR": address, "HTTP_X_FORWARDED_FOR": claim}


def _client(user, environ: dict) -> Client:
    client = Client(**environ)
    if user is not None:
        client.force_login(user)
    return client


def _bearer(user) -> str:
    return f"Bearer {api_token_create(user=user, name='script')[1]}"


def _text(n: int) -> dict:
    return {
        "title": f"Idea number {n}",
        "summary": f"Summary of idea {n}.",
        "body": f"The text of idea number {n}, different each time.",
        "language": "en",
    }


# --- the doors: each makes one attempt by `user` from `environ` and says whether it was let through ---------


def _submit_by_form(world, user, environ, n) -> bool:
    draft = proposal_draft_save(
        author=user, consultation=world["consultation"], data=ProposalInput(**_text(n))
    )
    _client(user, environ).post(f"/en/proposals/{draft.pk}/submit/")
    return Proposal.objects.get(pk=draft.pk).status != "draft"


def _submit_by_api(world, user, environ, n) -> bool:
    response = _client(None, environ).post(
        "/api/v1/proposals", _text(n), content_type="application/json", HTTP_AUTHORIZATION=_bearer(user)
    )
    assert response.status_code in (201, 429), response.content
    return response.status_code == 201


def _draft_by_form(world, user, environ, n) -> bool:
    response = _client(user, environ).post("/en/proposals/new/", _text(n))
    assert response.status_code in (200, 302)
    return response.status_code == 302


def _support_door(*, htmx: bool = False, api: bool = False):
    def attempt(world, user, environ, n) -> bool:
        proposal = ProposalFactory(consultation=world["consultation"])
        if api:
            response = _client(None, environ).post(
                f"/api/v1/proposals/{proposal.pk}/support", HTTP_AUTHORIZATION=_bearer(user)
            )
        else:
            headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
            response = _client(user, environ).post(f"/en/proposals/{proposal.pk}/support/", **headers)
        assert response.status_code in (200, 302, 429)
        return Support.objects.filter(user=user, proposal=proposal).exists()

    return attempt


def _comment_by_form(world, user, environ, n) -> bool:
    _client(user, environ).post(f"/en/proposals/{world['proposal'].pk}/comments/", {"body": f"Comment {n}"})
    return Comment.objects.filter(author=user, body=f"Comment {n}").exists()


def _edit_comment_by_form(world, user, environ, n) -> bool:
    """An edit of a comment of the person's own, in its edit window: each is screened again."""
    comment = CommentFactory(proposal=world["proposal"], author=user)
    _client(user, environ).post(f"/en/comments/{comment.pk}/edit/", {"body": f"Edited {n}"})
    return Comment.objects.get(pk=comment.pk).body == f"Edited {n}"


def _report_proposal_by_form(world, user, environ, n) -> bool:
    proposal = ProposalFactory(consultation=world["consultation"])
    _client(user, environ).post(f"/en/proposals/{proposal.pk}/report/", {"kind": "spam"})
    return Report.objects.filter(reporter=user, proposal=proposal).exists()


def _report_comment_by_form(world, user, environ, n) -> bool:
    comment = CommentFactory(proposal=world["proposal"])
    _client(user, environ).post(f"/en/comments/{comment.pk}/report/", {"kind": "spam"})
    return Report.objects.filter(reporter=user, comment=comment).exists()


def _register_by_form(world, user, environ, n) -> bool:
    _client(user, environ).post(f"/en/hearings/{world['hearing'].pk}/register/")
    return HearingRegistration.objects.filter(user=user).exists()


def _invite_by_form(world, user, environ, n) -> bool:
    # An organisation of its own each time: the organisation's own daily cap is not what is tried here.
    organisation = account_services.organisation_register(name=f"Group {n}", kind="ngo", registered_by=user)
    _client(user, environ).post(
        f"/en/accounts/organisations/{organisation.slug}/members/",
        {"email": f"invitee{n}@example.test", "role": "member"},
    )
    return OrganisationInvitation.objects.filter(organisation=organisation).exists()


def _export_by_form(world, user, environ, n) -> bool:
    before = DataExport.objects.filter(user=user).count()
    _client(user, environ).post("/en/accounts/privacy/export/")
    return DataExport.objects.filter(user=user).count() > before


def _identity_by_form(world, user, environ, n) -> bool:
    # A number that verifies nobody: each try is counted before the number is read (and a valid one would
    # verify the account, which then has nothing left to try).
    response = _client(user, environ).post("/en/accounts/verify/", {"iin": "000000000000"})
    assert response.status_code in (200, 429)
    return response.status_code != 429


def _identity_by_signature(world, user, environ, n) -> bool:
    # Not base64: refused as unreadable, after the try is counted and before any certificate is looked at.
    response = _client(user, environ).post("/en/accounts/verify/signature/", {"nonce": "x", "signature": "!"})
    assert response.status_code == 302
    refusals = [str(message) for message in get_messages(response.wsgi_request)]
    return "Too many attempts. Try again in an hour." not in refusals


def _open_data(kind: str):
    def attempt(world, user, environ, n) -> bool:
        status = _client(None, environ).get(f"/open-data/proposals.{kind}").status_code
        assert status in (200, 429)
        return status == 200

    return attempt


def _password_reset_by_form(world, user, environ, n) -> bool:
    response = _client(None, environ).post(
        "/en/accounts/password/reset/", {"email": f"someone{n}@example.test"}
    )
    return response.status_code != 429


def _failed_login_by_form(world, user, environ, n) -> bool:
    response = _client(None, environ).post(
        "/en/accounts/login/", {"login": f"someone{n}@example.test", "password": "wrong"}
    )
    return "Too many failed login attempts" not in response.content.decode()


def _second_factor_by_form(world, user, environ, n) -> bool:
    """The code step of a sign-in whose password was right: a wrong code is a failed login too."""
    person = UserFactory()
    give_totp(person)
    client = _client(None, environ)
    signed_in = client.post("/en/accounts/login/", {"login": person.email, "password": PASSWORD})
    if signed_in.status_code != 302:  # refused at the password: the address is over its limit already
        return "Too many failed login attempts" not in signed_in.content.decode()
    assert signed_in["Location"] == "/en/accounts/2fa/authenticate/"
    response = client.post("/en/accounts/2fa/authenticate/", {"code": "000000"})
    return "Too many failed login attempts" not in response.content.decode()


def _signup_by_form(world, user, environ, n) -> bool:
    response = _client(None, environ).post(
        "/en/accounts/signup/", {"email": f"new{n}@example.test", "password1": "x", "password2": "y"}
    )
    return response.status_code != 429


# --- the actions ---------------------------------------------------------------------------------------------


def _setting(name: str):
    def set_limit(settings, monkeypatch, limit: int) -> None:
        setattr(settings, name, limit)

    return set_limit


def _constant(module, name: str):
    def set_limit(settings, monkeypatch, limit: int) -> None:
        monkeypatch.setattr(module, name, limit)

    return set_limit


def _constants(module, per_address: str, per_account: str) -> tuple:
    return _constant(module, per_address), _constant(module, per_account)


def _allauth(action: str, per: str):
    def set_limit(settings, monkeypatch, limit: int) -> None:
        settings.ACCOUNT_RATE_LIMITS = {**django_settings.ACCOUNT_RATE_LIMITS, action: f"{limit}/m/{per}"}

    return set_limit


def _verified_person(world):
    user = UserFactory()
    identity_verification_record(user=user, method="iin", identity=make_iin(), verified_by=None)
    return user


@dataclass(frozen=True)
class Action:
    name: str
    doors: dict[str, Callable]
    per_address: Callable | None = None
    per_account: Callable | None = None
    person: Callable = lambda world: UserFactory()
    # Limits of the same requests that this test does not try, set out of the way.
    others: dict = field(default_factory=dict)

    def __str__(self) -> str:
        return self.name


def _proposal_pace(name: str, doors: dict, *, paced: str, aside: str) -> Action:
    """Submissions or drafts, paced per account and per address an hour (`<paced>_PER_…_PER_HOUR`). One API
    request is both a draft and a submission: the pace not tried is set out of the way."""
    return Action(
        name,
        doors,
        per_address=_setting(f"{paced}_PER_ADDRESS_PER_HOUR"),
        per_account=_setting(f"{paced}_PER_ACCOUNT_PER_HOUR"),
        others={f"{aside}_PER_ADDRESS_PER_HOUR": 1000, f"{aside}_PER_ACCOUNT_PER_HOUR": 1000},
    )


ACTIONS = [
    _proposal_pace(
        "submission", {"form": _submit_by_form, "api": _submit_by_api}, paced="SUBMISSIONS", aside="DRAFTS"
    ),
    _proposal_pace(
        "draft", {"form": _draft_by_form, "api": _submit_by_api}, paced="DRAFTS", aside="SUBMISSIONS"
    ),
    Action(
        "support",
        {
            "form": _support_door(),
            "htmx": _support_door(htmx=True),
            "api": _support_door(api=True),
        },
        per_account=_constant(support_services, "SUPPORTS_PER_MINUTE"),
        person=_verified_person,
    ),
    Action(
        "comment",
        {"form": _comment_by_form},
        per_address=_setting("COMMENTS_PER_ADDRESS_PER_HOUR"),
        per_account=_constant(action_views, "COMMENTS_PER_MINUTE"),
    ),
    Action(
        "comment edit",
        {"form": _edit_comment_by_form},
        per_address=_setting("COMMENT_EDITS_PER_ADDRESS_PER_HOUR"),
        per_account=_setting("COMMENT_EDITS_PER_ACCOUNT_PER_HOUR"),
    ),
    Action(
        "report",
        {"proposal form": _report_proposal_by_form, "comment form": _report_comment_by_form},
        _setting("REPORTS_PER_ADDRESS_PER_HOUR"),
        _constant(reader_report, "REPORTS_PER_HOUR"),
    ),
    Action(
        "hearing registration",
        {"form": _register_by_form},
        per_address=_setting("HEARING_REGISTRATIONS_PER_ADDRESS_PER_DAY"),
    ),
    # A person may send as many invitations a day as one organisation may (INVITATIONS_PER_DAY).
    Action(
        "invitation",
        {"form": _invite_by_form},
        *_constants(invitations, "INVITATIONS_PER_ADDRESS_PER_DAY", "INVITATIONS_PER_DAY"),
    ),
    Action(
        "data export",
        {"form": _export_by_form},
        *_constants(privacy, "EXPORTS_PER_ADDRESS_PER_HOUR", "EXPORTS_PER_ACCOUNT_PER_DAY"),
    ),
    Action(
        "identity attempt",
        {"iin form": _identity_by_form, "signature": _identity_by_signature},
        per_address=_setting("IDENTITY_ATTEMPTS_PER_ADDRESS_PER_HOUR"),
        per_account=_constant(account_views, "IDENTITY_ATTEMPTS_PER_HOUR"),
        # The signature door opens where a trust store and a revocation responder are configured.
        others={"IDENTITY_EDS_TRUST_STORE": "/nonexistent", "IDENTITY_EDS_OCSP_URL": "http://127.0.0.1:9/"},
    ),
    Action(
        "open data",
        {"csv": _open_data("csv"), "json": _open_data("json")},
        per_address=_setting("OPEN_DATA_REQUESTS_PER_ADDRESS_PER_HOUR"),
        person=lambda world: None,
        others={"OPEN_DATA_DOWNLOADS_PER_ADDRESS_PER_HOUR": 1000},
    ),
    Action(
        "password reset",
        {"form": _password_reset_by_form},
        per_address=_allauth("reset_password", "ip"),
        person=lambda world: None,
    ),
    Action(
        "failed login",
        {"password form": _failed_login_by_form, "second factor form": _second_factor_by_form},
        per_address=_allauth("login_failed", "ip"),
        person=lambda world: None,
    ),
    Action(
        "sign-up", {"form": _signup_by_form}, per_address=_allauth("signup", "ip"), person=lambda world: None
    ),
]


def _world() -> dict:
    consultation = ConsultationFactory()
    return {
        "consultation": consultation,
        "proposal": ProposalFactory(consultation=consultation),
        "hearing": HearingFactory(consultation=consultation, capacity=100),
    }


def _turns(action: Action, limit: int, refusals: int):
    """The doors in turn: `limit` attempts that fit, then `refusals` more, so each door is refused once."""
    doors = list(action.doors.values())
    return [doors[n % len(doors)] for n in range(limit + refusals)]


@pytest.mark.parametrize("network", NETWORKS)
@pytest.mark.parametrize("action", [a for a in ACTIONS if a.per_address], ids=str)
def test_one_address_has_one_counter_whichever_door_and_whatever_it_forwards(
    action, network, settings, monkeypatch
):
    settings.PORTAL_TRUSTED_PROXY_HOPS = 0 if network == "no proxy configured" else 1
    for name, value in action.others.items():
        setattr(settings, name, value)
    limit = max(2, len(action.doors))
    action.per_address(settings, monkeypatch, limit)
    world = _world()
    let_in = [
        door(world, action.person(world), _from(network, FARM, n), n)
        for n, door in enumerate(_turns(action, limit, len(action.doors)))
    ]
    assert let_in == [True] * limit + [False] * len(action.doors)
    # Another client address has a count of its own, through each door.
    for n, door in enumerate(action.doors.values(), start=len(let_in)):
        assert door(world, action.person(world), _from(network, NEIGHBOUR, n), n)


@pytest.mark.parametrize("action", [a for a in ACTIONS if a.per_account], ids=str)
def test_one_account_has_one_counter_whichever_door_and_address(action, settings, monkeypatch):
    settings.PORTAL_TRUSTED_PROXY_HOPS = 1
    for name, value in action.others.items():
        setattr(settings, name, value)
    limit = max(2, len(action.doors))
    action.per_account(settings, monkeypatch, limit)
    world = _world()
    person = action.person(world)
    let_in = [
        door(world, person, _from("behind the proxy", f"198.51.100.{n + 10}", n), n)
        for n, door in enumerate(_turns(action, limit, len(action.doors)))
    ]
    assert let_in == [True] * limit + [False] * len(action.doors)


def test_no_other_sign_in_door_is_open():
    """allauth's headless API and sign-in by emailed code are further doors to sign-in, sign-up and reset
    limits; they are off. Turning one on means adding its doors to the actions above."""
    assert not {"allauth.headless", "allauth.usersessions"} & set(django_settings.INSTALLED_APPS)
    assert not getattr(django_settings, "ACCOUNT_LOGIN_BY_CODE_ENABLED", False)
    assert not getattr(django_settings, "ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED", False)
