"""Commitments after the outcome: the chain to adopted answers, the lifecycle table with its log,
updates that are never silent edits, four eyes on "done" and "dropped", and followers told in their language."""

from dataclasses import FrozenInstanceError
from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import timezone, translation

from portal.core.formats import format_when
from portal.core.lifecycle import TransitionNotAllowed
from portal.core.models import AuditEntry
from portal.notifications.messages import link_in, render_message
from portal.notifications.models import Category, Notification
from portal.notifications.services import preference_set
from proposals.demo import seed_commitments
from proposals.models import CommitmentStatus, CommitmentTransition, CommitmentUpdate, ProposalResponse
from proposals.selectors.commitment import overdue_commitments
from proposals.services.commitment import (
    COMMITMENT_LIFECYCLE,
    Evidence,
    commitment_follow_set,
    commitment_overdue_announce,
    commitment_transition,
    commitment_update_approve,
    commitment_update_decline,
)
from proposals.services.follow import follow_add
from proposals.tasks import announce_overdue_commitments
from tests.factories import UserFactory
from tests.proposals.factories import ConsultationFactory, ProposalFactory, publish_response

from .commitment_helpers import adopted_change, body, commitment_input, post, record, texts

pytestmark = pytest.mark.django_db
S = CommitmentStatus


@pytest.fixture
def change(consultation, commissioner, second_commissioner):
    return adopted_change(consultation, drafter=commissioner, approver=second_commissioner)


def test_commitment_is_tied_to_the_adopted_articles_and_answers(change, commissioner):
    commitment = record(change, commissioner)
    assert commitment.status == S.PLANNED
    assert list(commitment.articles.all()) == [change.article]
    assert list(commitment.responses.all()) == [change.response]
    assert AuditEntry.objects.filter(action="commitment.created", target_id=str(commitment.pk)).exists()


def test_a_rejected_answer_cannot_stand_behind_a_commitment(
    change, consultation, commissioner, second_commissioner
):
    refused = ProposalFactory(consultation=consultation)
    refused.articles.add(change.article)
    rejected = publish_response(
        refused,
        drafter=commissioner,
        approver=second_commissioner,
        status="rejected",
        articles=[change.article],
    )
    with pytest.raises(ValidationError) as error:
        record(change, commissioner, response_ids=(rejected.pk,))
    assert "responses" in error.value.message_dict


def test_an_answer_about_another_article_breaks_the_chain_and_is_refused(change, consultation, commissioner):
    other_article = change.article.document.identities.exclude(pk=change.article.pk).first()
    with pytest.raises(ValidationError) as error:
        record(change, commissioner, article_ids=(other_article.pk,))
    assert error.value.message_dict["responses"] == ["Each answer must concern one of the chosen articles."]


def test_titles_are_needed_in_each_language(change, commissioner):
    with pytest.raises(ValidationError) as error:
        record(change, commissioner, title_ru="  ")
    assert "title_ru" in error.value.message_dict


@pytest.mark.parametrize("role", ["citizen", "moderator"])
def test_only_commission_members_record_commitments(change, role, request):
    with pytest.raises(PermissionDenied):
        record(change, request.getfixturevalue(role))


def test_the_table_lets_nothing_leave_done_or_dropped():
    assert COMMITMENT_LIFECYCLE.targets(S.DONE) == frozenset()
    assert COMMITMENT_LIFECYCLE.targets(S.DROPPED) == frozenset()
    assert (S.DELAYED, S.IN_PROGRESS) in COMMITMENT_LIFECYCLE.pairs()
    assert (S.IN_PROGRESS, S.PLANNED) not in COMMITMENT_LIFECYCLE.pairs()


def test_every_status_change_is_a_public_update_with_a_logged_transition(change, commissioner):
    commitment = record(change, commissioner)
    update = post(commitment, commissioner, to_status=S.IN_PROGRESS, progress=30)
    commitment.refresh_from_db()
    assert (commitment.status, commitment.progress) == (S.IN_PROGRESS, 30)
    assert update.state == "published" and update.published_at is not None
    assert (update.from_status, update.to_status, update.from_progress, update.to_progress) == (
        S.PLANNED,
        S.IN_PROGRESS,
        None,
        30,
    )
    log = CommitmentTransition.objects.get(commitment=commitment)
    assert (log.from_status, log.to_status, log.actor, log.update) == (
        S.PLANNED,
        S.IN_PROGRESS,
        commissioner,
        update,
    )


def test_a_status_the_table_forbids_is_refused(change, commissioner, second_commissioner):
    commitment = record(change, commissioner)
    post(commitment, commissioner, to_status=S.IN_PROGRESS, progress=10)
    with pytest.raises(ValidationError):
        post(commitment, commissioner, to_status=S.PLANNED)
    with pytest.raises(TransitionNotAllowed):
        commitment_transition(
            commitment=commitment, to_status=S.PLANNED, actor=commissioner, update=commitment.updates.first()
        )


def test_delaying_needs_a_public_reason_in_each_language(change, commissioner):
    commitment = record(change, commissioner)
    with pytest.raises(ValidationError) as error:
        post(commitment, commissioner, to_status=S.DELAYED, reason_kk="Келісу керек.")
    assert {"reason_ru", "reason_en"} <= set(error.value.message_dict)
    later = commitment.due_date + timedelta(days=30)
    update = post(
        commitment,
        commissioner,
        to_status=S.DELAYED,
        due_date=later,
        **texts("Келісу керек.", "Нужно согласование.", "Approval is needed.", prefix="reason"),
    )
    commitment.refresh_from_db()
    assert (commitment.status, commitment.due_date) == (S.DELAYED, later)
    assert update.reason_en == "Approval is needed." and update.changes_due_date


def test_moving_the_due_date_later_needs_a_public_reason_in_each_language(change, commissioner):
    commitment = record(change, commissioner)
    post(commitment, commissioner, to_status=S.IN_PROGRESS, progress=20)
    later = commitment.due_date + timedelta(days=90)
    with pytest.raises(ValidationError) as error:
        post(commitment, commissioner, due_date=later, **texts(prefix="text"))
    assert {"reason_kk", "reason_ru", "reason_en"} <= set(error.value.message_dict)
    commitment.refresh_from_db()
    assert commitment.due_date == later - timedelta(days=90)
    update = post(
        commitment,
        commissioner,
        due_date=later,
        **texts("Сенат қарайды.", "Сенат рассматривает.", "The Senate reviews it first.", prefix="reason"),
    )
    assert update.reason_en == "The Senate reviews it first." and update.changes_due_date
    # An earlier due date promises more, not less: no reason is asked.
    post(commitment, commissioner, due_date=later - timedelta(days=10))
    commitment.refresh_from_db()
    assert commitment.due_date == later - timedelta(days=10)


def test_an_update_that_changes_nothing_is_refused(change, commissioner):
    commitment = record(change, commissioner)
    with pytest.raises(ValidationError):
        post(commitment, commissioner)


def test_a_correction_is_a_new_update_and_the_corrected_one_stays_as_it_was(change, commissioner):
    commitment = record(change, commissioner)
    wrong = post(commitment, commissioner, to_status=S.IN_PROGRESS, progress=80)
    correction = post(
        commitment,
        commissioner,
        progress=40,
        corrects_id=wrong.pk,
        **texts("Түзету: 40%.", "Исправление: 40%.", "Correction: 40%, not 80%."),
    )
    wrong.refresh_from_db()
    assert wrong.to_progress == 80 and wrong.text_en == "Work has started."
    assert correction.corrects == wrong and correction.from_progress == 80 and correction.to_progress == 40
    assert commitment.updates.count() == 2


def test_evidence_links_must_be_https(change, commissioner):
    commitment = record(change, commissioner)
    bad = (Evidence(kind="publication", title="Official gazette", url="javascript:alert(1)"),)
    with pytest.raises(ValidationError):
        post(commitment, commissioner, to_status=S.IN_PROGRESS, evidence=bad)
    good = (
        Evidence(
            kind="publication", title="Official gazette", url="https://adilet.zan.kz/kaz/docs/K950001000_"
        ),
    )
    update = post(commitment, commissioner, to_status=S.IN_PROGRESS, evidence=good)
    assert [e.url for e in update.evidence.all()] == ["https://adilet.zan.kz/kaz/docs/K950001000_"]


def test_marking_done_waits_for_another_member_and_the_poster_cannot_approve(
    change, commissioner, second_commissioner, settings
):
    settings.RESPONSE_FOUR_EYES = True
    commitment = record(change, commissioner)
    pending = post(commitment, commissioner, to_status=S.DONE)
    commitment.refresh_from_db()
    assert pending.state == "pending" and pending.published_at is None
    assert commitment.status == S.PLANNED
    with pytest.raises(PermissionDenied):
        commitment_update_approve(update=pending, reviewer=commissioner)
    approved = commitment_update_approve(update=pending, reviewer=second_commissioner)
    commitment.refresh_from_db()
    assert approved.state == "published" and approved.approved_by == second_commissioner
    assert (commitment.status, commitment.progress) == (S.DONE, None)
    assert CommitmentTransition.objects.filter(commitment=commitment, to_status=S.DONE).get().actor == (
        second_commissioner
    )
    assert AuditEntry.objects.filter(action="commitment.updated", actor=second_commissioner).exists()


def test_one_change_awaits_approval_at_a_time(change, commissioner):
    commitment = record(change, commissioner)
    post(commitment, commissioner, to_status=S.DROPPED, **texts(prefix="reason"))
    with pytest.raises(ValidationError):
        post(commitment, commissioner, to_status=S.DONE)
    assert CommitmentUpdate.objects.filter(commitment=commitment, state="pending").count() == 1


def test_nothing_else_moves_while_a_change_awaits_approval(change, commissioner):
    commitment = record(change, commissioner)
    post(commitment, commissioner, to_status=S.DONE)
    with pytest.raises(ValidationError):
        post(commitment, commissioner, to_status=S.IN_PROGRESS, progress=50)
    commitment.refresh_from_db()
    assert (commitment.status, commitment.progress) == (S.PLANNED, None)


def test_a_declined_change_is_never_published_and_frees_the_commitment(
    change, commissioner, second_commissioner
):
    commitment = record(change, commissioner)
    follower = UserFactory()
    commitment_follow_set(user=follower, follow=True, commitment=commitment)
    pending = post(commitment, commissioner, to_status=S.DROPPED, **texts(prefix="reason"))
    declined = commitment_update_decline(update=pending, reviewer=second_commissioner)
    assert declined.state == "declined" and declined.published_at is None
    with pytest.raises(ValidationError, match="already been decided on"):
        commitment_update_approve(update=declined, reviewer=second_commissioner)
    commitment.refresh_from_db()
    assert commitment.status == S.PLANNED
    assert not Notification.objects.filter(recipient=follower).exists()
    assert AuditEntry.objects.filter(action="commitment.update_declined", actor=second_commissioner).exists()
    post(commitment, commissioner, to_status=S.IN_PROGRESS)
    commitment.refresh_from_db()
    assert commitment.status == S.IN_PROGRESS


def test_without_four_eyes_done_is_published_at_once(change, commissioner, settings):
    settings.RESPONSE_FOUR_EYES = False
    commitment = record(change, commissioner)
    post(commitment, commissioner, to_status=S.IN_PROGRESS, progress=60)
    update = post(commitment, commissioner, to_status=S.DONE)
    commitment.refresh_from_db()
    assert update.state == "published" and (commitment.status, commitment.progress) == (S.DONE, 100)


def test_followers_of_the_commitment_its_body_and_its_articles_are_told_in_their_language(
    change, commissioner, second_commissioner
):
    commitment = record(change, commissioner)
    kazakh = UserFactory(preferred_language="kk")
    russian = UserFactory(preferred_language="ru")
    english = UserFactory(preferred_language="en")
    bystander = UserFactory()
    commitment_follow_set(user=kazakh, follow=True, commitment=commitment)
    commitment_follow_set(user=russian, follow=True, body=body())
    follow_add(user=english, article=change.article)
    post(commitment, commissioner, to_status=S.IN_PROGRESS, progress=10)
    notes = {n.recipient_id: n for n in Notification.objects.filter(kind="commitment.updated")}
    assert set(notes) == {kazakh.pk, russian.pk, english.pk, change.proposal.author_id}
    assert bystander.pk not in notes
    # Filed, and set in the notification settings, under a category whose name says it holds implementation.
    with translation.override("kk"):
        assert "орындалуы" in str(Category(notes[kazakh.pk].category).label)
    read = {
        "kk": ("Қамауды сот тексереді", "Орындалуда"),
        "ru": ("Суд проверяет каждый арест", "Выполняется"),
        "en": ("Courts review every arrest", "In progress"),
    }
    for person in (kazakh, russian, english):
        note = notes[person.pk]
        # Whoever reads it, in whichever language: the commissioner's language decides nothing.
        for language, (title, status) in read.items():
            with translation.override(language):
                text = render_message(note.kind, note.params)
            assert title in text and status in text, (person.preferred_language, language, text)
            with translation.override(language):
                assert link_in(note.url, language) == commitment.get_absolute_url()


def test_authors_and_followers_of_the_proposals_behind_it_hear_of_the_commitment_and_its_updates(
    consultation, change, commissioner, second_commissioner
):
    follower = UserFactory(preferred_language="ru")
    member_author = UserFactory()
    bystander = UserFactory()
    follow_add(user=follower, proposal=change.proposal)
    ProposalFactory(consultation=consultation, author=member_author, cluster_of=change.proposal)
    commitment = record(change, commissioner)
    told = {change.proposal.author_id, follower.pk, member_author.pk}
    recorded = Notification.objects.filter(kind="commitment.recorded")
    assert set(recorded.values_list("recipient_id", flat=True)) == told
    note = recorded.get(recipient=follower)
    with translation.override("ru"):
        assert "Новое обязательство «Суд проверяет каждый арест»" in render_message(note.kind, note.params)
    assert note.url == commitment.get_absolute_url()
    post(commitment, commissioner, to_status=S.IN_PROGRESS, progress=10)
    updated = Notification.objects.filter(kind="commitment.updated")
    assert set(updated.values_list("recipient_id", flat=True)) == told
    assert not Notification.objects.filter(recipient=bystander).exists()
    assert not Notification.objects.filter(recipient=commissioner, kind__startswith="commitment.").exists()


def test_a_follower_on_a_daily_digest_gets_the_update_in_the_digest_in_russian(change, commissioner):
    commitment = record(change, commissioner)
    follower = UserFactory(preferred_language="ru", email="digest@example.test")
    preference_set(user=follower, category="responses", frequency="daily")
    commitment_follow_set(user=follower, follow=True, commitment=commitment)
    post(commitment, commissioner, to_status=S.IN_PROGRESS, progress=10)
    assert mail.outbox == [], "no immediate email for a daily reader"
    Notification.objects.filter(recipient=follower).update(created_at=timezone.now() - timedelta(days=1))
    call_command("send_digests", frequency="daily")
    [digest] = mail.outbox
    assert digest.to == ["digest@example.test"]
    assert (
        "Новость по обязательству «Суд проверяет каждый арест»: его статус теперь «Выполняется». "
        "Работа началась." in digest.body
    )


def test_an_update_notice_says_what_the_update_says_and_why_a_delay_in_the_readers_language(
    change, commissioner
):
    commitment = record(change, commissioner)
    follower = UserFactory(preferred_language="kk")
    commitment_follow_set(user=follower, follow=True, commitment=commitment)
    post(commitment, commissioner, to_status=S.IN_PROGRESS, progress=10)
    post(
        commitment,
        commissioner,
        to_status=S.DELAYED,
        **texts(kk="Жоба екінші оқылымда.", ru="Проект во втором чтении.", en="The bill is in second reading."),
        **texts(kk="Мәжіліс сессиясы ауысты.", ru="Сессию Мажилиса перенесли.", en="The session moved.",
                prefix="reason"),
    )  # fmt: skip
    started, delayed = Notification.objects.filter(recipient=follower).order_by("pk")
    with translation.override("kk"):
        assert "Жұмыс басталды." in render_message(started.kind, started.params)
        told = render_message(delayed.kind, delayed.params)
        assert "Жоба екінші оқылымда. Себебі: Мәжіліс сессиясы ауысты." in told
    with translation.override("en"):
        assert "The bill is in second reading. Reason: The session moved." in render_message(
            delayed.kind, delayed.params
        )


def test_a_pending_change_tells_nobody_until_approved(change, commissioner, second_commissioner):
    commitment = record(change, commissioner)
    follower = UserFactory()
    commitment_follow_set(user=follower, follow=True, commitment=commitment)
    pending = post(commitment, commissioner, to_status=S.DONE)
    assert not Notification.objects.filter(recipient=follower).exists()
    commitment_update_approve(update=pending, reviewer=second_commissioner)
    assert Notification.objects.filter(recipient=follower, kind="commitment.updated").count() == 1


def test_followers_are_told_once_when_a_commitment_becomes_overdue_and_again_after_a_later_due_date(
    change, commissioner, second_commissioner
):
    commitment = record(change, commissioner)
    follower = UserFactory(preferred_language="ru")
    commitment_follow_set(user=follower, follow=True, commitment=commitment)
    due = commitment.due_date
    assert commitment_overdue_announce(on=due) == 0, "not overdue on its due date"
    assert commitment_overdue_announce(on=due + timedelta(days=1)) == 1
    assert commitment_overdue_announce(on=due + timedelta(days=2)) == 0, "told once"
    told = Notification.objects.filter(kind="commitment.overdue")
    assert set(told.values_list("recipient_id", flat=True)) == {follower.pk, change.proposal.author_id}
    note = told.get(recipient=follower)
    with translation.override("ru"):
        assert render_message(note.kind, note.params) == (
            f"Обязательство «Суд проверяет каждый арест» просрочено (срок исполнения: {format_when(due, 'date_long')}):"
            " оно не выполнено и не отменено. Ответственный орган: Министерство юстиции."
        )
    with translation.override("kk"):
        assert "Жауапты орган: Әділет министрлігі." in render_message(note.kind, note.params)
    assert note.url == commitment.get_absolute_url()
    later = due + timedelta(days=60)
    post(commitment, commissioner, due_date=later, **texts(prefix="reason"))
    assert commitment_overdue_announce(on=due + timedelta(days=3)) == 0, "no longer overdue"
    assert commitment_overdue_announce(on=later + timedelta(days=1)) == 1, "the new due date passed too"
    assert told.filter(recipient=follower).count() == 2
    pending = post(commitment, commissioner, to_status=S.DONE)
    commitment_update_approve(update=pending, reviewer=second_commissioner)
    commitment.refresh_from_db()
    commitment.due_date = later + timedelta(days=10)
    commitment.save(update_fields=["due_date"])
    assert commitment_overdue_announce(on=later + timedelta(days=400)) == 0, "done is never overdue"


def test_the_overdue_sweep_is_a_beat_task(settings, change, commissioner):
    record(change, commissioner, due_date=timezone.localdate() - timedelta(days=1))
    entry = settings.CELERY_BEAT_SCHEDULE["overdue-commitments"]
    assert entry["task"] == "proposals.tasks.announce_overdue_commitments"
    assert announce_overdue_commitments.delay().get() == 1
    assert announce_overdue_commitments.delay().get() == 0


def test_following_twice_is_one_follow_and_unfollowing_stops_the_news(change, commissioner, citizen):
    commitment = record(change, commissioner)
    assert commitment_follow_set(user=citizen, follow=True, commitment=commitment) is True
    assert commitment_follow_set(user=citizen, follow=True, commitment=commitment) is False
    assert commitment_follow_set(user=citizen, follow=False, commitment=commitment) is True
    post(commitment, commissioner, to_status=S.IN_PROGRESS)
    assert not Notification.objects.filter(recipient=citizen).exists()


def test_demo_seeds_a_handful_of_commitments_in_different_states_one_overdue(change):
    assert seed_commitments() == 5
    statuses = set(change.consultation.commitments.values_list("status", flat=True))
    assert statuses == {S.IN_PROGRESS, S.DONE, S.DELAYED, S.DROPPED}
    assert overdue_commitments(consultation=change.consultation).count() == 1
    assert not CommitmentUpdate.objects.filter(state="pending").exists()
    assert seed_commitments() == 0, "running it again adds nothing twice"


def test_answers_of_other_consultations_are_refused(change, commissioner, second_commissioner):
    elsewhere = adopted_change(ConsultationFactory(), drafter=commissioner, approver=second_commissioner)
    with pytest.raises(ValidationError):
        record(change, commissioner, response_ids=(elsewhere.response.pk,))
    assert ProposalResponse.objects.count() == 2


def test_a_reason_is_needed_to_enter_a_delay_or_a_drop_not_to_report_progress_while_delayed(
    change, commissioner
):
    commitment = record(change, commissioner)
    reasons = texts("Келісу керек.", "Нужно согласование.", "Approval is needed.", prefix="reason")
    post(commitment, commissioner, to_status=S.DELAYED, **reasons)
    post(commitment, commissioner, progress=40)
    commitment.refresh_from_db()
    assert (commitment.status, commitment.progress) == (S.DELAYED, 40)
    with pytest.raises(ValidationError) as error:
        post(commitment, commissioner, to_status=S.DROPPED)
    assert {"reason_kk", "reason_ru", "reason_en"} <= set(error.value.message_dict)


def test_a_commitment_as_given_cannot_be_altered_once_handed_to_the_service(change):
    data = commitment_input(change)
    with pytest.raises(FrozenInstanceError):
        data.title_en = "Something else"


def test_an_update_notice_names_a_moved_due_date_as_the_readers_language_writes_dates(change, commissioner):
    commitment = record(change, commissioner, due_date=date(2099, 2, 5))
    follower = UserFactory(preferred_language="ru")
    commitment_follow_set(user=follower, follow=True, commitment=commitment)
    post(commitment, commissioner, due_date=date(2099, 4, 30), **texts(prefix="reason"))
    notice = Notification.objects.get(recipient=follower)
    with translation.override("ru"):
        told = render_message(notice.kind, notice.params)
        assert "Срок исполнения: 5 февраля 2099 г. → 30 апреля 2099 г. Работа началась." in told
    with translation.override("kk"):
        assert "Орындау мерзімі: 5 ақпан 2099 ж. → 30 сәуір 2099 ж. Жұмыс басталды." in render_message(
            notice.kind, notice.params
        )
    with translation.override("en"):
        assert "Due date: 5 February 2099 → 30 April 2099. Work has started." in render_message(
            notice.kind, notice.params
        )
