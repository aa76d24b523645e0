"""Moderators acting from pages they had open: the second of two on the same content is told that the page
was out of date, and nothing of theirs is recorded or sent to the author; a bulk decision leaves out a case
that became an appeal meanwhile, and a second block of the same person is refused."""

import pytest
from django.test import Client

from portal.accounts.models import AccountBlock
from portal.notifications.models import Notification
from proposals.models import ModerationCase
from proposals.services.comment import comment_create
from proposals.services.moderation import (
    moderation_appeal,
    moderation_case_claim,
    moderation_case_open,
    moderation_decide,
)
from tests.conftest import give_totp

from .factories import ProposalFactory
from .moderation_helpers import STATEMENT

pytestmark = pytest.mark.django_db


def _act(client, proposal, **data):
    return client.post(
        f"/ru/moderation/proposals/{proposal.pk}/act/",
        {"reason_code": "abuse", "statement": STATEMENT, **data},
        follow=True,
    ).content.decode()


def _signed_in(client_factory, user):
    give_totp(user)
    client = client_factory()
    client.force_login(user)
    return client


@pytest.fixture
def two_moderators(moderator, second_moderator):
    return _signed_in(Client, moderator), _signed_in(Client, second_moderator)


def test_a_second_hiding_from_an_old_page_is_refused_with_a_clear_message(two_moderators, published):
    first, second = two_moderators
    _act(first, published, decision="hide")
    page = _act(second, published, decision="hide")
    assert "Это уже скрыто" in page and "Ничего не изменено." in page
    decided = ModerationCase.objects.filter(proposal=published, status="decided")
    assert decided.count() == 1 and decided.get().decided_by.display_name == "Moderator Dana"
    hidden_notices = Notification.objects.filter(recipient=published.author, kind="proposal.hidden")
    assert hidden_notices.count() == 1


def test_a_second_restoring_from_an_old_page_is_refused(two_moderators, published):
    first, second = two_moderators
    _act(first, published, decision="hide")
    _act(first, published, decision="approve")
    page = _act(second, published, decision="approve")
    assert "Это уже показано" in page
    assert ModerationCase.objects.filter(proposal=published, decision="approve").count() == 1


def test_a_comment_hidden_by_a_colleague_is_not_hidden_again(two_moderators, published, citizen):
    first, second = two_moderators
    comment = comment_create(author=citizen, proposal=published, body="Ordinary words about the budget.")
    _act(first, published, decision="hide", comment=comment.pk)
    page = _act(second, published, decision="hide", comment=comment.pk)
    assert "Это уже скрыто" in page
    assert ModerationCase.objects.filter(comment=comment, status="decided").count() == 1
    assert Notification.objects.filter(recipient=citizen, kind="comment.hidden").count() == 1


def test_a_bulk_decision_leaves_out_a_case_that_became_an_appeal(two_moderators, moderator, citizen):
    first, second = two_moderators
    rejected = ProposalFactory(author=citizen, status="in_moderation", language="ru")
    decided = moderation_case_open(proposal=rejected)
    moderation_case_claim(case=decided, moderator=moderator)
    moderation_decide(
        case=decided, moderator=moderator, decision="reject", reason_code="abuse", statement=STATEMENT
    )
    spam = moderation_case_open(proposal=ProposalFactory(author=citizen, status="in_moderation"))
    # The queue the second moderator loaded did not show the appeal yet: they select what they had.
    appeal = moderation_appeal(
        proposal=rejected, author=citizen, grounds="Я никого не оскорблял, это цитата."
    )
    page = second.post(
        "/ru/moderation/cases/bulk/",
        {"cases": [spam.pk, appeal.pk], "decision": "reject", "reason_code": "spam", "statement": STATEMENT},
        follow=True,
    ).content.decode()
    assert "Апелляция решается на её собственной странице" in page
    appeal.refresh_from_db()
    spam.refresh_from_db()
    assert appeal.status == "open" and spam.status == "decided"


def test_a_second_moderator_blocking_the_same_person_is_told_until_when_they_are_blocked(
    two_moderators, citizen
):
    first, second = two_moderators
    case = moderation_case_open(proposal=ProposalFactory(author=citizen, status="in_moderation"))
    block = {"days": 7, "reason": "Insults in several comments today."}
    first.post(f"/ru/moderation/cases/{case.pk}/block/", block)
    page = second.post(f"/ru/moderation/cases/{case.pk}/block/", {**block, "days": 30}, follow=True)
    assert "Учётная запись Aigerim уже заблокирована до " in page.content.decode()
    assert AccountBlock.objects.filter(user=citizen).count() == 1
    assert Notification.objects.filter(recipient=citizen, kind="account.blocked").count() == 1
