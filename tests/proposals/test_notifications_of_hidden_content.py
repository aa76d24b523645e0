"""What moderation hides, or its author withdraws, leaves the notifications and the pages of everyone but its
author: a notification repeats the proposal's title, and the title may be why it was hidden (a name, a phone
number). The next digest, the notification centre, the bell and "My participation" say nothing more about it."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client, TestCase
from django.utils import timezone

from portal.notifications.models import Notification
from proposals.models import AgendaItem, ModerationCase
from proposals.services import hearing_agenda as agenda
from proposals.services.comment import comment_delete, comment_edit
from proposals.services.follow import follow_add
from proposals.services.moderation import moderation_act, moderation_case_claim, moderation_decide
from proposals.services.proposal import proposal_withdraw
from proposals.services.support import support_add
from tests.factories import UserFactory
from tests.proposals.factories import ProposalFactory, comment_posted
from tests.proposals.moderation_helpers import STATEMENT, hide

pytestmark = pytest.mark.django_db

TITLE = "Call Aidos Bekov at +7 701 123 4567"


def _a_day_passes():
    Notification.objects.update(created_at=timezone.now() - timedelta(days=1))


def test_a_hidden_proposal_leaves_its_followers_digest_and_centre(published, citizen, moderator):
    published.title = TITLE
    published.save(update_fields=["title"])
    follower = UserFactory()
    follow_add(user=follower, proposal=published)
    comment_posted(author=citizen, proposal=published, body="A comment before it was hidden.")
    hide(moderator=moderator, proposal=published)
    _a_day_passes()
    call_command("send_digests", frequency="daily")
    assert not Notification.objects.filter(recipient=follower).exists()
    assert all(TITLE not in message.body for message in mail.outbox if message.to == [follower.email])
    # The author is told why, and keeps what they were told.
    assert Notification.objects.filter(recipient=published.author, kind="proposal.hidden").exists()
    assert Notification.objects.filter(recipient=published.author, kind="comment.new").exists()


def test_a_hidden_comment_leaves_the_notifications_of_others_but_not_the_rest_of_the_thread(
    published, citizen, moderator
):
    hidden = comment_posted(author=citizen, proposal=published, body="Aidos Bekov on Abai street cheats.")
    kept = comment_posted(author=UserFactory(), proposal=published, body="A fair point.")
    assert Notification.objects.filter(url__endswith=f"#comment-{hidden.pk}").exists()
    moderation_act(
        moderator=moderator,
        proposal=published,
        comment=hidden,
        decision="hide",
        reason_code="personal_data",
        statement=STATEMENT,
    )
    urls = set(Notification.objects.filter(recipient=published.author).values_list("url", flat=True))
    assert not any(url.endswith(f"#comment-{hidden.pk}") for url in urls)
    assert any(url.endswith(f"#comment-{kept.pk}") for url in urls)
    assert Notification.objects.filter(recipient=citizen, kind="comment.hidden").exists()


def test_a_comment_its_author_deleted_is_no_longer_announced(published, citizen):
    comment = comment_posted(author=citizen, proposal=published, body="Posted in haste.")
    assert Notification.objects.filter(recipient=published.author).exists()
    comment_delete(comment=comment, deleted_by=citizen)
    assert not Notification.objects.filter(recipient=published.author).exists()


def test_a_comment_screening_holds_is_announced_to_nobody_until_a_moderator_restores_it(
    published, citizen, moderator
):
    follower = UserFactory()
    follow_add(user=follower, proposal=published)
    mail.outbox.clear()
    held = comment_posted(author=citizen, proposal=published, body="Phone me at +7 701 123 4567.")
    held.refresh_from_db()
    assert held.hidden_at is not None and held.announced_at is None
    for reader in (published.author, follower):
        assert not Notification.objects.filter(recipient=reader).exists()
        assert not [message for message in mail.outbox if message.to == [reader.email]]
    assert Notification.objects.filter(recipient=citizen, kind="comment.held").exists()

    case = ModerationCase.objects.get(comment=held, status="open")
    moderation_case_claim(case=case, moderator=moderator)
    moderation_decide(case=case, moderator=moderator, decision="approve")
    for reader in (published.author, follower):
        assert list(Notification.objects.filter(recipient=reader).values_list("kind", flat=True)) == [
            "comment.new"
        ]


def test_a_comment_is_announced_once_however_often_it_is_screened_again(published, citizen):
    comment = comment_posted(author=citizen, proposal=published, body="A first thought.")
    with TestCase.captureOnCommitCallbacks(execute=True):
        comment_edit(comment=comment, editor=citizen, body="A first thought, better put.")
    comment.refresh_from_db()
    assert comment.screened_at is not None and comment.announced_at is not None
    assert Notification.objects.filter(recipient=published.author, kind="comment.new").count() == 1


def test_a_proposal_its_author_withdrew_leaves_the_notifications_of_others(published, citizen):
    published.title = TITLE
    published.save(update_fields=["title"])
    follower = UserFactory()
    follow_add(user=follower, proposal=published)
    comment = comment_posted(author=follower, proposal=published, body="Why this article?")
    comment_posted(author=published.author, proposal=published, body="Because.", parent=comment)
    assert Notification.objects.filter(recipient=follower).exists()
    proposal_withdraw(proposal=published, author=published.author, reason="I wrote a name in the title.")
    _a_day_passes()
    call_command("send_digests", frequency="daily")
    assert not Notification.objects.filter(recipient=follower).exists()
    assert all(TITLE not in message.body for message in mail.outbox if message.to == [follower.email])
    assert Notification.objects.filter(recipient=published.author, kind="comment.new").exists()


@pytest.mark.parametrize("how", ["withdrawn", "hidden"])
def test_my_participation_names_a_withdrawn_or_hidden_proposal_of_another_by_what_happened(
    how, published, citizen, moderator, verify
):
    published.title = TITLE
    published.save(update_fields=["title"])
    verify(citizen)
    support_add(user=citizen, proposal=published)
    follow_add(user=citizen, proposal=published)
    comment_posted(author=citizen, proposal=published, body="My own words stay mine.")
    if how == "withdrawn":
        proposal_withdraw(proposal=published, author=published.author, reason="Second thoughts.")
    else:
        hide(moderator=moderator, proposal=published)
    reader = Client()
    reader.force_login(citizen)
    page = reader.get("/en/me/").content.decode()
    assert TITLE not in page
    assert page.count("Withdrawn by its author" if how == "withdrawn" else "Hidden by moderation") == 3
    assert "My own words stay mine." in page
    author = Client()
    author.force_login(published.author)
    assert TITLE in author.get("/en/me/").content.decode()


def test_a_hidden_proposal_leaves_the_agenda_its_request_to_speak_put_it_on(
    client, hearing, consultation, commissioner, citizen, moderator
):
    """Accepting a request to speak copies the proposal's title into the agenda: hidden for the phone number in
    it, the title stayed on the hearing's public page. A title staff wrote themselves stays."""
    hidden = ProposalFactory(
        consultation=consultation, author=citizen, language="ru", title="Звоните Айдосу +7 701 123 4567"
    )
    reworded = ProposalFactory(consultation=consultation, author=citizen, language="ru", title="О земле")
    for proposal in (hidden, reworded):
        request = agenda.speaker_request_create(user=citizen, hearing=hearing, proposal=proposal)
        agenda.speaker_request_decide(speaker_request=request, actor=commissioner, accept=True)
    AgendaItem.objects.filter(proposals=reworded).update(title_ru="Земельные вопросы")
    for proposal in (hidden, reworded):
        moderation_act(
            moderator=moderator,
            proposal=proposal,
            decision="hide",
            reason_code="personal_data",
            statement=STATEMENT,
        )
    page = client.get(f"/ru/hearings/{hearing.pk}/").content.decode()
    assert "+7 701 123 4567" not in page
    assert "Предложение больше не показывается" in page and "Земельные вопросы" in page
    kazakh = client.get(f"/kk/hearings/{hearing.pk}/").content.decode()
    assert "Ұсыныс енді көрсетілмейді" in kazakh
