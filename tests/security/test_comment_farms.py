"""Comments are paced per address as well as per person: throw-away accounts (they need only a confirmed
email) each got the per-person pace afresh, and one address could fill every thread."""

import pytest
from django.test import Client

from proposals.models import Comment
from tests.factories import UserFactory
from tests.proposals.factories import CommentFactory, ProposalFactory

pytestmark = pytest.mark.django_db


def _comment_from(address: str, proposal, n: int, *, forwarded: str | None = None) -> bool:
    """As the farm does it: a fresh account each time, the form behind the proxy (or straight to the web
    process, naming any address it likes). True when the comment was saved."""
    extra = {"REMOTE_ADDR": address}
    if forwarded:
        extra = {"REMOTE_ADDR": "203.0.113.50", "HTTP_X_FORWARDED_FOR": forwarded}
    client = Client(**extra)
    client.force_login(UserFactory())
    before = Comment.objects.count()
    response = client.post(
        f"/en/proposals/{proposal.pk}/comments/", {"body": f"Comment number {n}"}, follow=True
    )
    assert response.status_code == 200
    saved = Comment.objects.count() > before
    if not saved:
        assert "Too many comments came from your network this hour" in response.content.decode()
    return saved


def test_comments_from_one_address_are_limited_whichever_accounts_write_them(settings):
    settings.PORTAL_TRUSTED_PROXY_HOPS = 1
    settings.COMMENTS_PER_ADDRESS_PER_HOUR = 3
    proposal = ProposalFactory()
    assert [_comment_from("198.51.100.7", proposal, n) for n in range(5)] == [True, True, True, False, False]
    assert _comment_from("198.51.100.8", proposal, 5)  # a neighbour has a count of its own
    # An IPv6 client counts by its /64: another address of it does not start afresh.
    assert [_comment_from(f"2001:db8:5:6::{n}", proposal, n) for n in range(1, 5)] == [
        True,
        True,
        True,
        False,
    ]
    # Straight to the web process, around the proxy: what it forwards is ignored.
    saved = [_comment_from("", proposal, n, forwarded=f"192.0.2.{n}") for n in range(5)]
    assert saved == [True, True, True, False, False]


def test_edits_over_the_pace_leave_the_comment_as_it_was_and_say_so_in_the_readers_language(settings):
    """Each edit is screened again: a script rewriting its comments is paced as one writing new ones."""
    settings.COMMENT_EDITS_PER_ACCOUNT_PER_HOUR = 2
    author = UserFactory()
    comment = CommentFactory(author=author, body="First text.")
    client = Client()
    client.force_login(author)
    for n in range(2):
        client.post(f"/ru/comments/{comment.pk}/edit/", {"body": f"Edit {n}"})
    response = client.post(f"/ru/comments/{comment.pk}/edit/", {"body": "One edit too many"}, follow=True)
    comment.refresh_from_db()
    assert comment.body == "Edit 1"
    assert "комментарии редактировались слишком часто" in response.content.decode()
