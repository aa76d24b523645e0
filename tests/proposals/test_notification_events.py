"""Events raised by the services reach the right people: answers to followers of the proposal, its articles
and its topic; agenda places to authors and followers; registrations in the centre without a second email;
new comments to followers. Each reader gets the text and the link in the language they read it in, whatever
the language of the page the actor was on."""

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.utils import timezone, translation

from portal.notifications.messages import render_message
from portal.notifications.models import Notification
from proposals.demo.outcome import seed_digest_notifications
from proposals.services import hearing as hearing_services
from proposals.services import hearing_registration
from proposals.services.follow import follow_add
from proposals.services.hearing_agenda import AgendaItemInput, agenda_item_save
from proposals.services.proposal import proposal_transition
from tests.factories import UserFactory
from tests.proposals.factories import (
    ArticleIdentityFactory,
    HearingFactory,
    ProposalFactory,
    TopicFactory,
    comment_posted,
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
        hearing_registration.hearing_register(user=citizen, hearing=hearing)
    assert _kinds(citizen) == ["hearing.registered"]
    assert len([m for m in mail.outbox if m.to == [citizen.email]]) == 1


def test_a_new_comment_reaches_the_author_and_followers_a_reply_the_thread(published, citizen, other_citizen):
    follower = UserFactory()
    follow_add(user=follower, proposal=published)
    first = comment_posted(author=citizen, proposal=published, body="A first remark.")
    assert "comment.new" in _kinds(follower) and "comment.new" in _kinds(
        other_citizen
    )  # other_citizen: author
    comment_posted(author=follower, proposal=published, body="A reply.", parent=first)
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


def _centre(client, user, language: str) -> str:
    client.force_login(user)
    return client.get(f"/{language}/notifications/").content.decode()


def _centre_links(client, user, language: str) -> list[str]:
    """Where the links of the centre lead (they go through a step that marks the notification read)."""
    links = re.findall(r'<a href="(/\w\w/notifications/\d+/)">', _centre(client, user, language))
    return [client.get(link)["Location"] for link in links]


UNDER_REVIEW = {
    "kk": "Комиссияның қарауында",
    "ru": "На рассмотрении Комиссии",
    "en": "Under Commission review",
}


def test_a_status_change_reads_in_the_language_of_the_page_and_of_the_digest_not_of_the_actor(
    client, consultation
):
    proposal = ProposalFactory(consultation=consultation)
    follower = UserFactory(preferred_language="kk")
    follow_add(user=follower, proposal=proposal)
    with translation.override("ru"):
        proposal_transition(proposal=proposal, to_status="under_review", actor=None)
    for language, label in UNDER_REVIEW.items():
        page = _centre(client, follower, language)
        assert label in page, language
        assert {other for other in UNDER_REVIEW.values() if other in page} == {label}, language
    Notification.objects.filter(recipient=follower).update(created_at=timezone.now() - timedelta(days=1))
    mail.outbox.clear()
    call_command("send_digests", frequency="daily")
    [digest] = [message for message in mail.outbox if message.to == [follower.email]]
    assert UNDER_REVIEW["kk"] in digest.body and UNDER_REVIEW["ru"] not in digest.body


def test_a_notification_stored_with_its_status_as_text_still_reads(client, citizen):
    Notification.objects.create(
        recipient=citizen,
        category="proposals",
        kind="proposal.status_changed",
        params={"title": "Жергілікті бюджеттер", "status": UNDER_REVIEW["kk"]},
        url="/kk/proposals/1/",
    )
    page = _centre(client, citizen, "en")
    assert f"The proposal “Жергілікті бюджеттер” is now: {UNDER_REVIEW['kk']}." in page
    assert _centre_links(client, citizen, "en") == ["/en/proposals/1/"]


def test_a_hearing_notice_names_the_hearing_in_the_language_being_read(
    client, consultation, commissioner, django_capture_on_commit_callbacks
):
    hearing = HearingFactory(
        consultation=consultation,
        title_kk="Жергілікті бюджеттер",
        title_ru="Местные бюджеты",
        title_en="Budgets",
    )
    person = UserFactory(preferred_language="kk")
    hearing_registration.hearing_register(user=person, hearing=hearing)
    mail.outbox.clear()
    with translation.override("ru"), django_capture_on_commit_callbacks(execute=True):
        hearing_services.hearing_transition(hearing=hearing, to_status="cancelled", actor=commissioner)
    assert "The hearing “Budgets” is cancelled." in _centre(client, person, "en")
    assert "Слушания «Местные бюджеты» отменены." in _centre(client, person, "ru")
    [email] = [message for message in mail.outbox if message.to == [person.email]]
    # «болдырылмады», called off: «тоқтатылды» (stopped) read as a hearing halted midway.
    assert "«Жергілікті бюджеттер» тыңдауы болдырылмады." in email.body


def test_a_decision_links_to_the_page_in_the_recipients_language_not_the_moderators(
    client, consultation, django_capture_on_commit_callbacks
):
    author = UserFactory(preferred_language="kk")
    proposal = ProposalFactory(consultation=consultation, author=author, status="submitted")
    mail.outbox.clear()
    with translation.override("ru"), django_capture_on_commit_callbacks(execute=True):
        proposal_transition(proposal=proposal, to_status="rejected", actor=None, reason="Please shorten it.")
    [email] = [message for message in mail.outbox if message.to == [author.email]]
    path = f"/proposals/{proposal.pk}/"
    assert f"{settings.SITE_URL}/kk{path}" in email.body and f"/ru{path}" not in email.body
    html = email.alternatives[0][0]
    assert f'href="{settings.SITE_URL}/kk{path}"' in html and f"/ru{path}" not in html
    for language in ("kk", "ru", "en"):
        assert _centre_links(client, author, language) == [f"/{language}{path}"], language


def test_the_demo_status_notice_reads_in_every_language(consultation):
    ProposalFactory(consultation=consultation)
    UserFactory(email="citizen@demo.test")
    with translation.override("kk"):
        seed_digest_notifications(consultation=consultation)
    notice = Notification.objects.filter(kind="proposal.status_changed").first()
    for language, label in UNDER_REVIEW.items():
        with translation.override(language):
            assert render_message(notice.kind, notice.params).endswith(f": {label}."), language
