import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from portal.accounts.models import Organisation, User
from portal.accounts.permissions import is_verified_person
from portal.accounts.validators import validate_display_name
from portal.core.roles import is_admin, is_auditor, is_commission_member, is_moderator
from portal.notifications.models import Notification
from proposals.demo import DEMO_MEMBERS
from proposals.demo.accounts import DEMO_ACCOUNTS
from proposals.demo.bulk import SEED_TAG, STATUS_PATHS
from proposals.models import Comment, Follow, Hearing, Proposal, ProposalStatus, ProposalTransition, Support
from proposals.services.proposal import PROPOSAL_LIFECYCLE

pytestmark = pytest.mark.django_db


def test_seed_demo_twice_adds_nothing_twice(settings):
    settings.DEBUG = True
    options = {"users": 7, "proposals": 6, "supports": 20, "comments": 9}
    call_command("seed_demo", demo_accounts=True, demo_password="demo-pass-123", **options)
    counts = _counts()
    call_command("seed_demo", demo_accounts=True, demo_password="demo-pass-123", **options)
    assert _counts() == counts
    # The closed consultation adds 8 proposals with their supports (6, 6, 5, 4, 3, 2, 1, 0 of the 7 demo
    # citizens, never the author's own) and a draft law in two versions; the two members who post and approve
    # the demo commitments are accounts too.
    assert counts == (7 + len(DEMO_ACCOUNTS) + 2, 1, 6 + 8, 20 + 27, 9, 2 + 2)
    assert sum(Proposal.objects.values_list("supports_count", flat=True)) == Support.objects.count()


def _counts():
    from proposals.models import DocumentVersion

    return (
        User.objects.count(),
        Organisation.objects.count(),
        Proposal.objects.count(),
        Support.objects.count(),
        Comment.objects.count(),
        DocumentVersion.objects.count(),
    )


def test_demo_document_has_two_versions_of_at_least_30_articles_in_three_languages(settings):
    from proposals.models import Article, Paragraph

    call_command("seed_demo", users=1, proposals=0, supports=0, comments=0)
    for position in (1, 2):
        articles = Article.objects.filter(version__position=position)
        assert articles.count() >= 30
    assert not Paragraph.objects.filter(text_kk="").exists()
    assert not Paragraph.objects.filter(text_ru="").exists()
    assert not Paragraph.objects.filter(text_en="").exists()


def test_demo_accounts_have_their_roles_and_can_log_in(client, settings):
    settings.DEBUG = True
    call_command("seed_demo", users=0, proposals=0, demo_accounts=True, demo_password="demo-pass-123")
    assert is_moderator(User.objects.get(email="moderator@demo.test"))
    assert is_commission_member(User.objects.get(email="commission@demo.test"))
    assert is_admin(User.objects.get(email="admin@demo.test"))
    auditor = User.objects.get(email="auditor@demo.test")
    assert is_auditor(auditor) and not (is_admin(auditor) or is_moderator(auditor))
    response = client.post("/en/accounts/login/", {"login": "citizen@demo.test", "password": "demo-pass-123"})
    assert response.status_code == 302
    assert client.get("/en/accounts/profile/").status_code == 200


def test_demo_accounts_are_refused_with_debug_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo", users=0, proposals=0, demo_accounts=True, demo_password="demo-pass-123")
    assert not User.objects.filter(email="admin@demo.test").exists()


def test_the_demo_shows_the_whole_loop_on_a_first_run(client, settings):
    from proposals.demo.outcome import SLUG

    settings.DEBUG = True
    call_command(
        "seed_demo",
        users=8,
        proposals=6,
        supports=10,
        comments=3,
        demo_accounts=True,
        demo_password="demo-pass-123",
    )
    listing = client.get("/en/consultations/").content.decode()
    assert 'id="consultations-open"' in listing and 'id="consultations-closed"' in listing
    outcome = client.get(f"/en/consultations/{SLUG}/outcome/")
    stats = outcome.context["stats"]
    assert stats["answered"] == 6 and stats["answered_late"] >= 2
    assert all(stats["by_response_status"][status] >= 1 for status in stats["by_response_status"])
    assert [identity.key for identity in outcome.context["changed_articles"]] == ["members", "meetings"]
    assert "The Commission answered 6 of 8 proposals" in outcome.content.decode()
    overdue = client.get(f"/en/consultations/{SLUG}/overdue/")
    assert len(overdue.context["rows"]) == 2
    hearing = Hearing.objects.get(consultation__slug=SLUG)
    assert hearing.status == "finished" and hearing.minutes_html_kk and hearing.recording_url


def test_demo_citizens_show_both_paths_of_verification(settings):
    settings.DEBUG = True
    call_command(
        "seed_demo",
        users=1,
        proposals=0,
        supports=0,
        comments=0,
        demo_accounts=True,
        demo_password="demo-pass-123",
    )
    assert is_verified_person(User.objects.get(email="citizen@demo.test"))
    assert not is_verified_person(User.objects.get(email="citizen2@demo.test"))


def test_daily_digests_after_the_demo_deliver_to_the_demo_citizens(settings):
    from django.core import mail

    settings.DEBUG = True
    call_command(
        "seed_demo",
        users=3,
        proposals=3,
        supports=0,
        comments=0,
        demo_accounts=True,
        demo_password="demo-pass-123",
    )
    call_command("send_digests", frequency="daily")
    recipients = {address for message in mail.outbox for address in message.to}
    assert {"citizen@demo.test", "citizen2@demo.test"} <= recipients


def test_the_demo_digest_speaks_only_of_proposals_its_readers_follow(settings):
    settings.DEBUG = True
    call_command("seed_demo", users=3, proposals=4, supports=0, comments=0, demo_accounts=True,
                 demo_password="demo-pass-123")  # fmt: skip
    for email in ("citizen@demo.test", "citizen2@demo.test"):
        person = User.objects.get(email=email)
        digest = Notification.objects.filter(recipient=person, category__in=["proposals", "comments"])
        followed = {
            proposal.get_absolute_url()
            for proposal in Proposal.objects.filter(
                pk__in=Follow.objects.filter(user=person).values("proposal")
            )
        }
        assert digest.count() == 3
        assert {notification.url for notification in digest} <= followed


def test_seeded_proposals_have_the_timeline_of_their_status(client):
    call_command("seed_demo", users=3, proposals=5, supports=0, comments=0)
    seeded = Proposal.objects.filter(summary__startswith=SEED_TAG)
    assert seeded.count() == 5
    for proposal in seeded:
        steps = [(step.from_status, step.to_status) for step in proposal.transitions.order_by("pk")]
        assert steps == [("draft", "submitted"), ("submitted", "published")]
        assert proposal.status == ProposalStatus.PUBLISHED
    with translation.override("en"):
        url = seeded.first().get_absolute_url()
    page = client.get(url).content.decode()
    assert "— Submitted" in page and "— Published" in page
    steps = ProposalTransition.objects.count()
    call_command("seed_demo", users=3, proposals=5, supports=0, comments=0)
    assert ProposalTransition.objects.count() == steps


def test_a_seed_made_without_timelines_gets_them_on_the_next_run():
    call_command("seed_demo", users=3, proposals=4, supports=0, comments=0)
    ProposalTransition.objects.filter(proposal__summary__startswith=SEED_TAG).delete()
    call_command("seed_demo", users=3, proposals=4, supports=0, comments=0)
    assert ProposalTransition.objects.filter(proposal__summary__startswith=SEED_TAG).count() == 4 * 2


@pytest.mark.parametrize("status", list(STATUS_PATHS))
def test_every_seeded_path_is_one_the_lifecycle_allows(status):
    previous = ProposalStatus.DRAFT
    for step in STATUS_PATHS[status]:
        assert PROPOSAL_LIFECYCLE.allows(previous, step), (previous, step)
        previous = step
    assert previous == status


def test_every_demo_account_can_save_its_own_profile():
    """Staff sign in to the demo and change their language or name like anyone: the public names seeded for
    them pass the same rules (no staff badge words: those are for badges alone)."""
    for _email, name, _role in DEMO_ACCOUNTS:
        validate_display_name(name)


def test_the_demo_commitment_members_are_named_as_people_on_the_kazakh_and_russian_staff_pages(settings):
    """Named "Commission", they were listed in English on the roles page and the queue's member choice, and
    greeted "Сәлеметсіз бе, Commission!" in their approval emails."""
    call_command("seed_demo", users=1, proposals=0, supports=0, comments=0)
    members = User.objects.filter(email__in=DEMO_MEMBERS)
    names = [member.display_name for member in members]
    assert len(names) == 2 and len(set(names)) == 2
    assert "Commission" not in names
    for member in members:
        validate_display_name(member.display_name)
