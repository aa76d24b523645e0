"""A comment carries the language it is written in: pages mark it for screen readers, and a comment held by
screening reaches the moderators who read that language, whatever the proposal's language."""

import importlib

import pytest
from django.apps import apps

from proposals.models import Comment, ModerationCase
from proposals.services.comment import comment_create, comment_edit

from .factories import CommentFactory, ProposalFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def kazakh_proposal(consultation, other_citizen):
    return ProposalFactory(consultation=consultation, author=other_citizen, language="kk")


def test_a_russian_comment_on_a_kazakh_proposal_is_marked_russian_on_its_page(
    client, kazakh_proposal, citizen
):
    comment_create(author=citizen, proposal=kazakh_proposal, body="Полностью согласен с этим предложением.")
    comment_create(author=citizen, proposal=kazakh_proposal, body="👍 +1")

    html = client.get(kazakh_proposal.get_absolute_url()).content.decode()

    assert '<div lang="ru"><p>Полностью согласен с этим предложением.</p></div>' in html
    # Nothing to tell by: the comment reads in the page's language rather than under a wrong guess.
    assert "<div><p>👍 +1</p></div>" in html


def test_an_edit_guesses_the_language_again(kazakh_proposal, citizen):
    comment = comment_create(author=citizen, proposal=kazakh_proposal, body="I agree with this.")
    assert comment.language == "en"

    comment_edit(comment=comment, editor=citizen, body="Мен бұл ұсынысты толық қолдаймын.")

    comment.refresh_from_db()
    assert comment.language == "kk"


def test_a_held_comment_goes_to_the_queue_of_its_own_language(
    kazakh_proposal, citizen, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        held = comment_create(author=citizen, proposal=kazakh_proposal, body="Только идиот мог это написать.")

    case = ModerationCase.objects.get(comment=held)
    assert case.language == "ru"
    assert ModerationCase.objects.filter(comment=None, proposal=kazakh_proposal).count() == 0


def test_comments_written_before_the_migration_get_the_same_guess(kazakh_proposal, citizen):
    russian = CommentFactory(proposal=kazakh_proposal, author=citizen, body="Согласен.")
    kazakh = CommentFactory(proposal=kazakh_proposal, author=citizen, body="Келісемін.")
    Comment.objects.update(language="")
    migration = importlib.import_module("proposals.migrations.0014_comment_language")

    migration.guess_existing(apps, None)

    assert Comment.objects.get(pk=russian.pk).language == "ru"
    assert Comment.objects.get(pk=kazakh.pk).language == "kk"
