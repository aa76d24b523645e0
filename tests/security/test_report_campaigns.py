"""Finding 4 of the penetration test, the campaign half: many reports of one item from one network or from
accounts made for the purpose are flagged for the moderator and cannot hide content by themselves; the
network is kept only as a keyed fingerprint; the moderator sees each reporter's history, not who they are;
an author whose content is hidden or merged is told the reasons (docs/THREAT_MODEL.md)."""

from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone, translation

from portal.accounts import privacy
from portal.accounts import services as account_services
from portal.accounts.models import User
from portal.accounts.privacy import personal_data_of
from portal.accounts.verification.services import identity_verification_record
from portal.core.http import network_fingerprint
from portal.core.roles import Role
from portal.notifications.messages import render_message
from portal.notifications.models import Notification
from proposals.models import ModerationCase, Report
from proposals.services.comment import comment_create
from proposals.services.moderation import moderation_case_claim, moderation_case_open, moderation_decide
from proposals.services.reader_report import report_create
from tests.conftest import give_totp
from tests.factories import UserFactory
from tests.identity import make_iin
from tests.proposals.factories import ProposalFactory

pytestmark = pytest.mark.django_db
LONG_AGO = timezone.now() - timedelta(days=400)
STATEMENT = "The proposal repeats proposal 12 word for word; its supporters are counted there."


def _reporter(*, established: bool = True, verified: bool = True):
    user = UserFactory(date_joined=LONG_AGO if established else timezone.now())
    if verified:
        identity_verification_record(user=user, method="iin", identity=make_iin(), verified_by=None)
    return user


def _report_through_the_page(user, proposal, *, address: str, kind: str = "abuse"):
    """As the attacker does it: the report form behind the portal's proxy, from the given address."""
    client = Client(HTTP_X_FORWARDED_FOR=address)
    client.force_login(user)
    client.post(f"/en/proposals/{proposal.pk}/report/", {"kind": kind})


@pytest.fixture
def behind_proxy(settings):
    settings.PORTAL_TRUSTED_PROXY_HOPS = 1


# --- the network fingerprint ------------------------------------------------------------------------------


def test_a_report_keeps_a_keyed_fingerprint_of_the_client_network_never_the_address(behind_proxy):
    proposal = ProposalFactory()
    _report_through_the_page(_reporter(), proposal, address="1.2.3.4, 203.0.113.57")
    report = Report.objects.get(proposal=proposal)
    # The proxy's view of the client (the spoofable left entry ignored), reduced to its /24 and keyed.
    assert report.network == network_fingerprint("203.0.113.200") != network_fingerprint("1.2.3.4")
    assert report.network != network_fingerprint("203.0.114.57")
    row = str(Report.objects.filter(pk=report.pk).values().get())
    assert "203.0.113" not in row and "1.2.3.4" not in row
    assert len(report.network) == 16


def test_network_fingerprints_group_ipv6_by_48_and_depend_on_the_secret(settings):
    same = network_fingerprint("2001:db8:abcd:1::1")
    assert same == network_fingerprint("2001:db8:abcd:ffff::2") != network_fingerprint("2001:db8:abce::1")
    assert network_fingerprint("::ffff:203.0.113.9") == network_fingerprint("203.0.113.1")
    assert network_fingerprint("not an address") == network_fingerprint(None) == ""
    settings.SECRET_KEY = "another-deployment-secret-key-0123456789-abcdefghijklmnop"
    assert network_fingerprint("2001:db8:abcd:1::1") != same


def test_network_fingerprints_go_after_the_retention_period_and_with_the_person(behind_proxy, settings):
    first, second = _reporter(), _reporter()
    _report_through_the_page(first, ProposalFactory(), address="203.0.113.5")
    _report_through_the_page(second, ProposalFactory(), address="198.51.100.5")
    assert Report.objects.exclude(network="").count() == 2
    # The person's archive names the fingerprint kept about them (not an address).
    (exported,) = personal_data_of(first)["reports"]
    assert exported["network_fingerprint"] == network_fingerprint("203.0.113.77")
    privacy.account_deletion_request(user=first, requested_by=first, withdraw_content=False)
    User.objects.filter(pk=first.pk).update(deletion_due_at=timezone.now() - timedelta(minutes=1))
    assert privacy.account_erase(user_id=first.pk)
    assert Report.objects.get(reporter=first).network == ""
    assert Report.objects.get(reporter=second).network != ""
    later = timezone.now() + timedelta(days=settings.PRIVACY_IP_RETENTION_DAYS - 1)
    assert privacy.retention_purge(now=later)["report_networks"] == 0
    after = timezone.now() + timedelta(days=settings.PRIVACY_IP_RETENTION_DAYS + 1)
    assert privacy.retention_purge(now=after)["report_networks"] == 1
    assert not Report.objects.exclude(network="").exists()


# --- campaigns are flagged and count once --------------------------------------------------------------------


def test_verified_reporters_on_one_network_are_flagged_and_count_as_one_voice(behind_proxy):
    proposal = ProposalFactory(supports_count=0)
    for host in (5, 6, 7, 8):
        _report_through_the_page(_reporter(), proposal, address=f"203.0.113.{host}")
    proposal.refresh_from_db()
    assert proposal.status == "published"
    case = ModerationCase.objects.get(proposal=proposal, status="open")
    assert case.reports.count() == 4
    assert "report_campaign_network" in case.reasons
    # Two more people on networks of their own make three independent voices: now it is hidden.
    _report_through_the_page(_reporter(), proposal, address="198.51.100.9")
    proposal.refresh_from_db()
    assert proposal.status == "published"
    _report_through_the_page(_reporter(), proposal, address="2001:db8:1::9")
    proposal.refresh_from_db()
    assert proposal.status == "hidden"


def test_verified_accounts_made_shortly_before_count_as_one_voice_together(behind_proxy):
    proposal = ProposalFactory(supports_count=0)
    for network in ("203.0.113.5", "198.51.100.5", "192.0.2.5", "2001:db8:2::5"):
        _report_through_the_page(_reporter(established=False), proposal, address=network)
    proposal.refresh_from_db()
    assert proposal.status == "published"
    assert "report_campaign" in ModerationCase.objects.get(proposal=proposal, status="open").reasons
    for network in ("100.64.0.5", "100.65.0.5"):
        _report_through_the_page(_reporter(), proposal, address=network)
    proposal.refresh_from_db()
    assert proposal.status == "hidden"


def test_reports_from_different_networks_of_established_people_are_not_flagged(behind_proxy):
    proposal = ProposalFactory(supports_count=0)
    for network in ("203.0.113.5", "198.51.100.5"):
        _report_through_the_page(_reporter(), proposal, address=network)
    reasons = ModerationCase.objects.get(proposal=proposal, status="open").reasons
    assert "report_campaign" not in reasons and "report_campaign_network" not in reasons


# --- the moderator sees each reporter's history, not who they are ---------------------------------------------


def _decided(reporter, decision, reason_code=""):
    proposal = ProposalFactory()
    report_create(reporter=reporter, proposal=proposal, kind="spam")
    moderator = UserFactory()
    account_services.user_grant_role(user=moderator, role=Role.MODERATOR, granted_by=None)
    case = ModerationCase.objects.get(proposal=proposal, status="open")
    moderation_case_claim(case=case, moderator=moderator)
    moderation_decide(
        case=case,
        moderator=moderator,
        decision=decision,
        reason_code=reason_code,
        statement="" if decision == "approve" else "Advertising of a shop, not a proposal.",
    )


def test_case_page_shows_each_reporters_history_and_campaign_signs_without_personal_data(behind_proxy):
    serial = _reporter()
    serial.display_name, serial.email = "Serial Reporter", "serial.reporter@example.test"
    serial.save()
    _decided(serial, "hide", "spam")
    _decided(serial, "approve")
    _decided(serial, "approve")
    proposal = ProposalFactory()
    _report_through_the_page(serial, proposal, address="203.0.113.5")
    _report_through_the_page(_reporter(established=False, verified=False), proposal, address="203.0.113.6")
    moderator = UserFactory()
    account_services.user_grant_role(user=moderator, role=Role.MODERATOR, granted_by=None)
    give_totp(moderator)
    client = Client()
    client.force_login(moderator)
    case = ModerationCase.objects.get(proposal=proposal, status="open")
    page = client.get(f"/en/moderation/cases/{case.pk}/").content.decode()
    assert "Reporter 1" in page and "Reporter 2" in page
    assert "reporter's history: reports made 4, upheld 1, rejected 2" in page
    assert "reporter's history: reports made 1, upheld 0, rejected 0" in page
    assert "new account" in page and "not verified" in page
    assert "other reporters on the same network: 1" in page
    for personal in (
        "Serial Reporter",
        "serial.reporter@example.test",
        "203.0.113",
        Report.objects.get(proposal=proposal, reporter=serial).network,
    ):
        assert personal not in page


# --- the author is told the reasons -------------------------------------------------------------------------------


def test_author_of_a_proposal_hidden_by_reports_is_told_the_reasons_in_their_language(
    behind_proxy, django_capture_on_commit_callbacks
):
    author = UserFactory(preferred_language="kk")
    proposal = ProposalFactory(author=author, supports_count=0)
    with django_capture_on_commit_callbacks(execute=True):
        for network, kind in (("203.0.113.5", "abuse"), ("198.51.100.5", "spam"), ("192.0.2.5", "abuse")):
            _report_through_the_page(_reporter(), proposal, address=network, kind=kind)
    proposal.refresh_from_db()
    assert proposal.status == "hidden"
    notice = Notification.objects.get(recipient=author, kind="proposal.hidden_pending")
    with translation.override("en"):
        english = render_message(notice.kind, notice.params)
    assert "Abusive or hateful, Spam or advertising" in english
    assert "3 independent reports from verified people" in english
    assert "automatically, not by a moderator's decision" in english
    with translation.override("kk"):
        kazakh = render_message(notice.kind, notice.params)
    assert "автоматты түрде" in kazakh and "Балағат немесе өшпенділік, Спам немесе жарнама" in kazakh
    (email,) = [message for message in mail.outbox if author.email in message.to]
    assert kazakh.split("“")[0] in email.body


def test_author_of_a_comment_hidden_by_reports_is_told_the_reasons(behind_proxy):
    proposal = ProposalFactory()
    commenter = UserFactory()
    comment = comment_create(author=commenter, proposal=proposal, body="Buy cheap watches at my shop.")
    for network in ("203.0.113.5", "198.51.100.5", "192.0.2.5"):
        client = Client(HTTP_X_FORWARDED_FOR=network)
        client.force_login(_reporter())
        client.post(f"/en/comments/{comment.pk}/report/", {"kind": "spam"})
    comment.refresh_from_db()
    assert comment.hidden_at is not None
    notice = Notification.objects.get(recipient=commenter, kind="comment.hidden_pending")
    with translation.override("en"):
        assert "readers reported it as: Spam or advertising" in render_message(notice.kind, notice.params)


def test_author_of_a_merged_proposal_is_told_the_reasons_and_where_it_went():
    target = ProposalFactory(title="Open district budgets")
    duplicate = ProposalFactory(consultation=target.consultation, status="in_moderation")
    moderator = UserFactory()
    account_services.user_grant_role(user=moderator, role=Role.MODERATOR, granted_by=None)
    case = moderation_case_open(proposal=duplicate, reasons=["near_duplicate"])
    moderation_case_claim(case=case, moderator=moderator)
    moderation_decide(
        case=case,
        moderator=moderator,
        decision="merge",
        reason_code="duplicate",
        statement=STATEMENT,
        merge_into=target,
    )
    notice = Notification.objects.get(recipient=duplicate.author, kind="proposal.merged")
    with translation.override("en"):
        text = render_message(notice.kind, notice.params)
    assert "“Open district budgets”" in text and STATEMENT in text
