"""A refused comment's text comes back in the comment box (proposals/views/refused_comments.py): the box posts
to another address and the refusal redirects to the proposal's page, which showed it empty."""

import pytest
from django.test import Client

from tests.proposals.factories import CommentFactory

pytestmark = pytest.mark.django_db

TEXT = "Мәтін: 12-бапқа нақты түзету ұсынамын, себебі қазіргі редакция екіұшты."


def _comment(client, proposal, body=TEXT):
    return client.post(f"/kk/proposals/{proposal.pk}/comments/", {"body": body}, follow=True)


def test_a_comment_refused_for_its_pace_comes_back_in_the_box_once(citizen, published, settings):
    settings.COMMENTS_PER_ADDRESS_PER_HOUR = 0
    client = Client()
    client.force_login(citizen)
    page = _comment(client, published).content.decode()
    assert "Too many comments" not in page  # the refusal in the reader's language
    assert TEXT in page.split('id="comments"')[1], "the refused text is not in the comment box"
    assert published.comments.count() == 0
    # Given back once: the page read again has an empty box, and another reader never sees it.
    again = client.get(f"/kk/proposals/{published.pk}/").content.decode()
    assert TEXT not in again


def test_a_comment_refused_by_the_form_comes_back_and_no_one_else_gets_it(citizen, other_citizen, published):
    client = Client()
    client.force_login(citizen)
    too_long = "Ұзын мәтін. " * 400
    page = _comment(client, published, too_long).content.decode()
    assert too_long.strip()[:200] in page
    neighbour = Client()
    neighbour.force_login(other_citizen)
    for _ in range(2):
        assert "Ұзын мәтін." not in neighbour.get(f"/kk/proposals/{published.pk}/").content.decode()


def test_an_edit_refused_for_its_pace_comes_back_in_that_comments_open_edit_box(citizen, published, settings):
    settings.COMMENT_EDITS_PER_ACCOUNT_PER_HOUR = 0
    comment = CommentFactory(proposal=published, author=citizen, body="Бастапқы мәтін.")
    client = Client()
    client.force_login(citizen)
    edited = "Түзетілген мәтін: 12-бап екіұшты оқылады."
    page = client.post(f"/kk/comments/{comment.pk}/edit/", {"body": edited}, follow=True).content.decode()
    comment.refresh_from_db()
    assert comment.body == "Бастапқы мәтін."
    box = page.split(f'id="edit-{comment.pk}"')[1].split("</textarea>")[0]
    assert edited in box, "the refused edit is not in the comment's edit box"
    assert page.count("<details open>") == 1
    # Once: read again, the edit box holds the comment as it is.
    again = client.get(f"/kk/proposals/{published.pk}/").content.decode()
    assert edited not in again
