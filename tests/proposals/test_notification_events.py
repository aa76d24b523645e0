"""Events raised by the services reach the right people: answers to followers of the proposal, its articles
and its topic; agenda places to authors and followers; registrations in the centre without a second email;
new comments to followers."""

import pytest
from django.core import mail

from portal.notifications.models import Notification
from proposals.services import hearing as hearing_services
from proposals.services.comment import comment_create
from proposals.services.follow import follow_add
from proposals.services.hearing_agenda import AgendaItemInput, agenda_item_save
from proposals.services.proposal import proposal_transition
from tests.factories import UserFactory
from tests.proposals.factories import (
    ArticleIdentityFactory,
    HearingFactory,
    ProposalFactory,
    TopicFactory,
    publish_response,
)

pytestmark = pytest.mark.django_db


def _kinds(user):
    return list(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


def test_an_answer_reaches_followers_of_the_proposal_its_article_and_its_topic(
    consultation, commissioner, second_commissioner
):
    article, topic = ArticleIdentityFactory(), TopicFactory()
    proposal = ProposalFactory(consultation=consultation, topic=topic)
    proposal.articles.add(article)
    by_proposal, by_article, by_topic, bystander = UserFactory.create_batch(4)
    follow_add(user=by_proposal, proposal=proposal)
    follow_add(user=by_article, article=article)
    follow_add(user=by_topic, topic=topic)
    publish_response(proposal, drafter=commissioner, approver=second_commissioner)
    for person in (proposal.author, by_proposal, by_article, by_topic):
        assert _kinds(person).count("proposal.responded") == 1, person
    assert "proposal.responded" not in _kinds(bystander)


def test_a_place_on_the_agenda_reaches_the_author_and_followers_once(consultation, commissioner):
    proposal = ProposalFactory(consultation=consultation)
    follower = UserFactory()
    follow_add(user=follower, proposal=proposal)
    hearing = HearingFactory(consultation=consultation)
    item = agenda_item_save(
        actor=commissioner,
        hearing=hearing,
        data=AgendaItemInput(title_en="Local budgets", proposal_ids=(proposal.pk,)),
    )
    agenda_item_save(
        actor=commissioner,
        hearing=hearing,
        data=AgendaItemInput(title_en="Local budgets, again", proposal_ids=(proposal.pk,)),
        item=item,
    )
    assert _kinds(proposal.author).count("hearing.scheduled") == 1
    assert _kinds(follower).count("hearing.scheduled") == 1


def test_a_registration_is_in_the_centre_and_emailed_once(
    consultation, citizen, django_capture_on_commit_callbacks
):
    hearing = HearingFactory(consultation=consultation)
    mail.outbox.clear()  # the citizen's email address is verified by the factory
    with django_capture_on_commit_callbacks(execute=True):
        hearing_services.hearing_register(user=citizen, hearing=hearing)
    assert _kinds(citizen) == ["hearing.registered"]
    assert len([m for m in mail.outbox if m.to == [citizen.email]]) == 1


def test_a_new_comment_reaches_the_author_and_followers_a_reply_the_thread(published, citizen, other_citizen):
    follower = UserFactory()
    follow_add(user=follower, proposal=published)
    first = comment_create(author=citizen, proposal=published, body="A first remark.")
    assert "comment.new" in _kinds(follower) and "comment.new" in _kinds(
        other_citizen
    )  # other_citizen: author
    comment_create(author=follower, proposal=published, body="A reply.", parent=first)
    assert "comment.reply" in _kinds(citizen)
    assert _kinds(follower).count("comment.new") == 1


@pytest.mark.parametrize(
    ("to_status", "kind", "with_reason"),
    [
        ("published", "proposal.published", False),
        ("rejected", "proposal.rejected", True),
        ("draft", "proposal.changes_requested", True),
    ],
)
def test_a_decision_tells_the_author_once_and_gives_the_reason_where_it_has_one(
    consultation, to_status, kind, with_reason
):
    proposal = ProposalFactory(consultation=consultation, status="submitted")
    proposal_transition(proposal=proposal, to_status=to_status, actor=None, reason="Please shorten it.")
    notice = Notification.objects.get(recipient=proposal.author)
    assert notice.kind == kind
    assert notice.params.get("reason") == ("Please shorten it." if with_reason else None)
