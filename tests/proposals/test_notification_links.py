"""A notification about a comment opens the page of the thread that shows it: a popular proposal's thread runs
over several pages, and its newest comments are on the last one."""

import re

import pytest
from django.utils import translation

from portal.notifications.messages import link_in, render_message
from portal.notifications.models import Notification
from proposals.models import ModerationCase
from proposals.services.follow import follow_add
from proposals.services.moderation import moderation_act, moderation_case_claim, moderation_decide
from tests.factories import UserFactory
from tests.proposals.factories import CommentFactory, ProposalFactory, comment_posted

pytestmark = pytest.mark.django_db


@pytest.fixture
def long_thread(consultation):
    """A published proposal whose thread already fills its first page (20 comments) and some of the second."""
    proposal = ProposalFactory(consultation=consultation)
    CommentFactory.create_batch(24, proposal=proposal, announced_at=proposal.published_at)
    return proposal


def _opened(client, reader, notification) -> str:
    """The page the reader lands on from the centre, and whether the comment is on it."""
    client.force_login(reader)
    target = link_in(notification.url, "ru")
    response = client.get(target)
    assert response.status_code == 200
    return response.content.decode()


def test_a_new_comment_on_a_long_thread_links_to_the_page_that_shows_it(client, long_thread):
    commenter = UserFactory()
    comment = comment_posted(author=commenter, proposal=long_thread, body="The twenty-fifth comment.")
    notification = Notification.objects.get(recipient=long_thread.author, kind="comment.new")
    assert notification.url.endswith(f"#comment-{comment.pk}")
    assert f'id="comment-{comment.pk}"' in _opened(client, long_thread.author, notification)


def test_a_reply_links_to_the_page_of_the_comment_it_answers(client, long_thread):
    first_page_comment = long_thread.comments.order_by("created_at", "id").first()
    replier = UserFactory()
    reply = comment_posted(
        author=replier, proposal=long_thread, body="A reply on the first page.", parent=first_page_comment
    )
    notification = Notification.objects.get(recipient=first_page_comment.author, kind="comment.reply")
    assert f'id="comment-{reply.pk}"' in _opened(client, first_page_comment.author, notification)


@pytest.mark.parametrize("hidden", ["comment", "proposal"])
def test_hiding_a_comment_on_a_later_page_takes_back_what_others_were_told_of_it(
    long_thread, moderator, hidden
):
    """What followers were told of hidden content leaves their centre, whichever page of the thread it is on."""
    follower = UserFactory()
    follow_add(user=follower, proposal=long_thread)
    comment = comment_posted(author=UserFactory(), proposal=long_thread, body="A comment a moderator hides.")
    told = Notification.objects.get(recipient=follower, kind="comment.new")
    assert re.search(r"\?page=2#comment-\d+$", told.url)
    moderation_act(
        moderator=moderator,
        proposal=long_thread,
        comment=comment if hidden == "comment" else None,
        decision="hide",
        reason_code="personal_data",
        statement="It gives a private person's phone number.",
    )
    assert not Notification.objects.filter(pk=told.pk).exists()


def test_the_notice_of_a_hidden_comment_leads_to_its_appeal_however_much_the_author_wrote_since(
    client, consultation, moderator
):
    """ "You can appeal once from My participation": that page lists the newest comments, and the hidden one of
    an active commenter had dropped off it, appeal and all."""
    author = UserFactory()
    proposal = ProposalFactory(consultation=consultation)
    hidden = CommentFactory(proposal=proposal, author=author, body="The comment a moderator hides.")
    moderation_act(
        moderator=moderator,
        proposal=proposal,
        comment=hidden,
        decision="hide",
        reason_code="personal_data",
        statement="It gives a private person's phone number.",
    )
    CommentFactory.create_batch(60, proposal=proposal, author=author)
    notice = Notification.objects.get(recipient=author, kind="comment.hidden")
    page = _opened(client, author, notice)
    assert notice.url.endswith(f"#my-comment-{hidden.pk}")
    assert f'id="my-comment-{hidden.pk}"' in page
    assert f'id="comment-appeal-{hidden.pk}"' in page


def test_a_comment_posted_or_liked_past_the_first_page_is_shown_after_the_redirect(client, long_thread):
    """The commenter was sent to the first page, where their comment was not: it seemed lost."""
    commenter = UserFactory()
    client.force_login(commenter)
    response = client.post(f"/kk/proposals/{long_thread.pk}/comments/", {"body": "The twenty-fifth comment."})
    comment = long_thread.comments.get(author=commenter)
    assert response["Location"] == f"/kk/proposals/{long_thread.pk}/?page=2#comment-{comment.pk}"
    assert f'id="comment-{comment.pk}"' in client.get(response["Location"]).content.decode()
    last = long_thread.comments.exclude(pk=comment.pk).order_by("-created_at", "-id").first()
    liked = client.post(f"/kk/comments/{last.pk}/like/")
    assert liked["Location"] == f"/kk/proposals/{long_thread.pk}/?page=2#comment-{last.pk}"


def test_a_reader_who_reports_a_comment_past_the_first_page_is_sent_back_to_it(client, long_thread):
    reader = UserFactory()
    client.force_login(reader)
    last = long_thread.comments.order_by("-created_at", "-id").first()
    response = client.post(f"/kk/comments/{last.pk}/report/", {"kind": "spam"})
    assert response["Location"] == f"/kk/proposals/{long_thread.pk}/?page=2#comment-{last.pk}"


def test_my_participation_links_each_comment_to_the_page_of_the_thread_that_shows_it(client, long_thread):
    commenter = UserFactory()
    first = long_thread.comments.order_by("created_at", "id").first()
    late = comment_posted(author=commenter, proposal=long_thread, body="On the second page.")
    reply = comment_posted(author=commenter, proposal=long_thread, body="On the first.", parent=first)
    client.force_login(commenter)
    page = client.get("/kk/me/").content.decode()
    assert f'href="/kk/proposals/{long_thread.pk}/?page=2#comment-{late.pk}"' in page
    assert f'href="/kk/proposals/{long_thread.pk}/#comment-{reply.pk}"' in page


@pytest.mark.parametrize(
    ("language", "said"), [("kk", "пікіріңізді"), ("ru", "ваш комментарий"), ("en", "your comment")]
)
def test_the_author_of_a_held_comment_hears_that_a_moderator_let_it_through(
    consultation, moderator, language, said
):
    """Told "held until a moderator has looked at it", the author never heard the outcome when it was shown."""
    proposal = ProposalFactory(consultation=consultation)
    author = UserFactory(preferred_language=language)
    comment = comment_posted(author=author, proposal=proposal, body="Call the akimat on +7 701 000 0000.")
    assert Notification.objects.filter(recipient=author, kind="comment.held").exists()
    case = ModerationCase.objects.get(comment=comment, status="open")
    moderation_case_claim(case=case, moderator=moderator)
    moderation_decide(case=case, moderator=moderator, decision="approve")
    notice = Notification.objects.get(recipient=author, kind="comment.shown")
    assert notice.url.endswith(f"#comment-{comment.pk}")
    with translation.override(language):
        text = render_message(notice.kind, notice.params)
    assert proposal.title in text and said in text
