"""Every action on a comment the reader cannot read (hidden by moderation, deleted, or on a proposal whose
content is withheld) answers 404, as its report did: a like of a hidden comment answered 302 and a reply to
one was posted under it."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from proposals.models import Comment, CommentLike
from proposals.services.comment import comment_create, comment_delete
from proposals.services.proposal import proposal_withdraw
from tests.factories import UserFactory

from .moderation_helpers import hide_comment

pytestmark = pytest.mark.django_db


def _actions(proposal, comment):
    """(name, path, data) of each action a reader takes on a comment."""
    return [
        ("like", f"/kk/comments/{comment.pk}/like/", {}),
        ("unlike", f"/kk/comments/{comment.pk}/like/", {"action": "unlike"}),
        ("report", f"/kk/comments/{comment.pk}/report/", {"kind": "spam", "body": "Жарнама."}),
        ("reply", f"/kk/proposals/{proposal.pk}/comments/", {"body": "Жауап беремін.", "parent": comment.pk}),
    ]


def _reader(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("how", ["hidden", "deleted", "proposal withdrawn"])
def test_acting_on_a_comment_nobody_may_read_is_not_found(published, citizen, moderator, how):
    comment = comment_create(author=citizen, proposal=published, body="Бюджет туралы пікір.")
    if how == "hidden":
        hide_comment(moderator=moderator, proposal=published, comment=comment)
    elif how == "deleted":
        comment_delete(comment=comment, deleted_by=citizen)
    else:
        proposal_withdraw(proposal=published, author=published.author, reason="Қайта жазамын.")
    comments_before = Comment.objects.count()
    # Neither the comment's author nor the proposal's, who may read it still.
    reader = _reader(UserFactory())
    for name, path, data in _actions(published, comment):
        assert reader.post(path, data).status_code == 404, name
    assert Comment.objects.count() == comments_before
    assert not CommentLike.objects.exists()


def test_a_reply_to_a_comment_that_does_not_exist_is_not_found(published, other_citizen):
    reader = _reader(other_citizen)
    answer = reader.post(f"/kk/proposals/{published.pk}/comments/", {"body": "Жауап.", "parent": 999_999})
    assert answer.status_code == 404
    assert not Comment.objects.exists()


def test_the_same_actions_on_a_shown_comment_go_through(published, citizen, other_citizen):
    comment = comment_create(author=citizen, proposal=published, body="Бюджет туралы пікір.")
    reader = _reader(other_citizen)
    for name, path, data in _actions(published, comment):
        assert reader.post(path, data).status_code == 302, name
    assert Comment.objects.filter(parent=comment).count() == 1


def test_the_service_refuses_a_reply_under_a_hidden_comment(published, citizen, other_citizen, moderator):
    """Whatever door a reply comes through, not only the page's form."""
    comment = comment_create(author=citizen, proposal=published, body="Бюджет туралы пікір.")
    hide_comment(moderator=moderator, proposal=published, comment=comment)
    comment.refresh_from_db()
    with pytest.raises(PermissionDenied):
        comment_create(author=other_citizen, proposal=published, body="Жауап беремін.", parent=comment)
    assert not Comment.objects.filter(parent=comment).exists()
