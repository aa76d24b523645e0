from datetime import UTC, datetime

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.utils import translation

from portal.accounts.models import User
from portal.notifications.email import email_from_payload, email_queue, email_to_payload
from portal.notifications.messages import render_message
from portal.notifications.models import Notification
from portal.notifications.services import build_email, notify, unsubscribe_read
from portal.notifications.subject import SUBJECT_LENGTH, email_subject
from proposals.services.hearing_registration import hearing_register
from tests.conftest import give_totp
from tests.factories import UserFactory
from tests.proposals.factories import HearingFactory


def test_payload_round_trip_keeps_headers_and_html():
    message = EmailMultiAlternatives(
        "Subject", "Text", "from@example.test", ["to@example.test"], headers={"List-Id": "digest"}
    )
    message.attach_alternative("<p>HTML</p>", "text/html")
    restored = email_from_payload(email_to_payload(message))
    assert restored.subject == "Subject"
    assert restored.extra_headers == {"List-Id": "digest"}
    assert restored.alternatives[0][0] == "<p>HTML</p>"


@pytest.mark.django_db
def test_queued_email_is_sent_only_after_the_transaction_commits(django_capture_on_commit_callbacks):
    message = mail.EmailMessage("Hello", "Body", "from@example.test", ["to@example.test"])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        email_queue(message=message, language="ru")
        assert mail.outbox == []
    assert len(callbacks) == 1
    callbacks[0]()
    assert [sent.subject for sent in mail.outbox] == ["Hello"]
    assert mail.outbox[0].extra_headers["Content-Language"] == "ru"


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_every_email_names_the_language_it_is_written_in(
    client, language, django_capture_on_commit_callbacks
):
    """An account email and a digest each carry the reader's language in `Content-Language`, and the digest's
    HTML says it too (mail clients read one or the other)."""
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/{language}/accounts/signup/",
            {
                "email": f"reader.{language}@example.test",
                "display_name": "Reader",
                "preferred_language": language,
                "password1": "a-long-enough-password",
                "password2": "a-long-enough-password",
                "accept_privacy": "on",
            },
        )
    assert [sent.extra_headers["Content-Language"] for sent in mail.outbox] == [language]
    reader = User.objects.get(email=f"reader.{language}@example.test")
    digest = build_email(user=reader, notifications=[], subject="digest", category=None)
    assert digest.extra_headers["Content-Language"] == language
    assert f'<html lang="{language}">' in digest.alternatives[0][0]


@pytest.mark.django_db
def test_a_reason_written_on_several_lines_still_reaches_the_author_with_a_one_line_subject(
    citizen, django_capture_on_commit_callbacks
):
    """Moderators write reasons in a text area; the subject quotes the start of the notification, and a line
    break in a header makes Django refuse the message (and every later one of that person, which stays
    unsent and is picked up again)."""
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            recipients=[citizen],
            category="moderation",
            kind="proposal.changes_requested",
            params={"title": "Жоба", "reason": "Телефон нөмірі бар.\r\nОны алып тастаңыз."},
            url="/kk/proposals/1/",
        )
    (message,) = mail.outbox
    assert "\n" not in message.subject and "\r" not in message.subject
    # The HTML part keeps the lines apart, as the text part does: HTML ran them into one.
    assert "Телефон нөмірі бар.<br>Оны алып тастаңыз." in message.alternatives[0][0]
    assert message.message()["Subject"]
    assert Notification.objects.get().emailed_at is not None


@pytest.mark.django_db
def test_a_long_notification_is_cut_in_the_subject_with_an_ellipsis(
    citizen, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            recipients=[citizen],
            category="moderation",
            kind="proposal.changes_requested",
            params={"title": "Жоба", "reason": "Мәтін " * 40},
        )
    (message,) = mail.outbox
    assert message.subject.endswith("…")
    assert ("Мәтін " * 40).strip() in message.body


@pytest.mark.django_db
def test_stop_these_emails_in_an_email_of_two_categories_stops_both(
    citizen, django_capture_on_commit_callbacks
):
    """An immediate email carries every category the person wants at once; its one-click link stopped only
    the category of the first notification, and the next email of the other came anyway."""
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[citizen], category="moderation", kind="proposal.published", params={"title": "A"})
        notify(recipients=[citizen], category="hearings", kind="hearing.cancelled", params={"title": "B"})
    (message,) = mail.outbox
    token = message.extra_headers["List-Unsubscribe"].rstrip("/>").rsplit("/", 1)[1]
    assert unsubscribe_read(token) == (citizen.pk, None)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "why"),
    [
        ("kk", "хабарлама баптауларыңызға сәйкес"),
        ("ru", "вашими настройками уведомлений"),
        ("en", "because of"),
    ],
)
def test_a_notification_email_says_why_the_person_gets_it(language, why):
    reader = UserFactory(preferred_language=language)
    message = build_email(user=reader, notifications=[], subject="digest", category=None)
    assert why in message.body
    assert why in message.alternatives[0][0]


@pytest.mark.parametrize(
    ("language", "written"),
    [
        ("kk", "7 желтоқсан 2026 ж., 10:00"),
        ("ru", "7 декабря 2026 г., 10:00"),
        ("en", "7 December 2026, 10:00"),
    ],
)
def test_a_moment_in_a_notification_is_written_out_in_the_readers_language(language, written):
    """ "07/12/2026" reads as 12 July to a reader used to US dates, and a digit-only date is the one part of
    a Kazakh or Russian sentence that does not read as one."""
    with translation.override(language):
        text = render_message("hearing.reminder", {"title": "T", "start": "2026-12-07T10:00:00+05:00"})
    assert written in text


@pytest.mark.django_db
def test_the_hearing_registration_email_writes_the_start_out(citizen, django_capture_on_commit_callbacks):
    citizen.preferred_language = "en"
    citizen.save()
    hearing = HearingFactory(starts_at=datetime(2036, 12, 7, 5, 0, tzinfo=UTC))
    with django_capture_on_commit_callbacks(execute=True):
        hearing_register(user=citizen, hearing=hearing)
    assert "Starts: 7 December 2036, 10:00" in mail.outbox[0].body


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "count", "counted"),
    [
        ("ru", 1, "1 независимая жалоба от"),
        ("ru", 3, "3 независимые жалобы от"),
        ("ru", 5, "5 независимых жалоб от"),
        ("ru", 22, "22 независимые жалобы от"),
        ("en", 1, "1 independent report from"),
        ("en", 3, "3 independent reports from"),
        ("kk", 3, "3 тәуелсіз шағым"),
    ],
)
def test_the_reports_that_hid_content_are_counted_in_the_plural_form_of_the_number(
    language, count, counted, django_capture_on_commit_callbacks
):
    """With one form for every number, the author of content hidden by three reports read
    "3 независимых жалоб" (the form of five) in Russian, and "1 independent reports" in English."""
    author = UserFactory(preferred_language=language)
    message = _the_one_email(
        author,
        category="moderation",
        kind="comment.hidden_pending",
        params={"title": "T", "reason": "Spam", "count": count},
        capture_on_commit=django_capture_on_commit_callbacks,
    )
    assert counted in message.body and counted in message.alternatives[0][0]


@pytest.mark.parametrize(
    ("language", "kind", "written"),
    [
        ("ru", "hearing.reminder", "слушания «T» начнутся 7 декабря 2026 г., 10:00 (время Алматы)."),
        ("ru", "hearing.moved", "теперь они начнутся 7 декабря 2026 г., 10:00 (время Алматы), место:"),
        ("en", "hearing.reminder", "the hearing “T” starts on 7 December 2026, 10:00 (Almaty time)."),
        ("en", "hearing.moved", "it now starts on 7 December 2026, 10:00 (Almaty time), venue:"),
    ],
)
def test_a_hearings_start_reads_as_the_language_writes_a_date(language, kind, written):
    """«начинается в 7 декабря», "starts at 7 December": «в» and "at" go with an hour, not with a date."""
    with translation.override(language):
        text = render_message(kind, {"title": "T", "start": "2026-12-07T10:00:00+05:00", "venue": "V"})
    assert written in text


@pytest.mark.django_db
def test_the_waiting_list_email_offers_to_leave_the_list_not_to_free_a_seat(
    citizen, other_citizen, django_capture_on_commit_callbacks
):
    """A person on the waiting list has no seat: "cancel, so that someone else gets the seat" told them of
    one they did not have."""
    hearing = HearingFactory(capacity=1)
    with django_capture_on_commit_callbacks(execute=True):
        hearing_register(user=other_citizen, hearing=hearing)
        hearing_register(user=citizen, hearing=hearing)  # Kazakh, second: on the waiting list
    seat, waiting = mail.outbox
    assert "Орын басқа адамға тиюі үшін" in seat.body
    assert "Күту тізімінен осы жерде шығыңыз:" in waiting.body
    assert "Орын басқа адамға тиюі үшін" not in waiting.body


@pytest.mark.django_db
def test_the_russian_link_that_stops_a_category_reads_as_russian():
    """«письма о: Ответы Комиссии» put a colon between a preposition and its noun."""
    reader = UserFactory(preferred_language="ru")
    notification = Notification.objects.create(
        recipient=reader, category="responses", kind="proposal.published", params={"title": "T"}
    )
    message = build_email(user=reader, notifications=[notification], subject="s", category=None)
    assert "Больше не присылать письма по теме «Ответы Комиссии и их выполнение»" in message.body
    assert (
        "Больше не присылать письма по теме «Ответы Комиссии и их выполнение»" in message.alternatives[0][0]
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "subject"),
    [
        (
            "kk",
            "«7-бапты нақтылау (#22)» ұсынысына жауап сіздің бекітуіңізді күтуде: оны Erlan Abenov дайындап, "
            "бекітуге жіберді.",
        ),
        (
            "ru",
            "Ответ на «7-бапты нақтылау (#22)» ждёт вашего утверждения: Erlan Abenov подготовил(а) его и "
            "отправил(а) на утверждение.",
        ),
    ],
)
def test_a_long_notification_subject_ends_at_its_last_whole_sentence(
    language, subject, django_capture_on_commit_callbacks
):
    """Cut at 120 characters, the Kazakh subject ended with the first word of the next sentence ("Жауап…")
    and the Russian one with a full stop before the ellipsis."""
    member = UserFactory(preferred_language=language)
    give_totp(member)  # without a second factor, the notice says only that work waits
    message = _the_one_email(
        member,
        category="commission_work",
        kind="response.awaiting_approval",
        params={"title": "7-бапты нақтылау (#22)", "by": "Erlan Abenov"},
        capture_on_commit=django_capture_on_commit_callbacks,
    )
    assert message.subject == f"[Qatysu] {subject}"


@pytest.mark.parametrize(
    ("text", "subject"),
    [
        ("Short notice. Stays whole.", "Short notice. Stays whole."),
        # No sentence end fits: the cut is at the last clause break, then at the last whole word.
        ("Moved: now on 23 December 2026, 15:00 (Almaty time), venue: " + "hall " * 20, None),
        ("word " * 40, "word " * 23 + "word…"),
        # "2026 г." followed by a lower-case word is not the end of a sentence.
        (
            "Регистрация на слушания продлена: теперь до 1 мая 2026 г. включительно, " + "далее " * 30,
            "Регистрация на слушания продлена: теперь до 1 мая 2026 г. включительно…",
        ),
    ],
)
def test_email_subject_never_cuts_a_word(text, subject):
    cut = email_subject(text)
    assert len(cut) <= SUBJECT_LENGTH
    if subject is not None:
        assert cut == subject.strip()
    words = set(text.split())
    assert all(word.strip(",.:…") in {w.strip(",.:") for w in words} for word in cut.split())
    assert not cut.endswith(".…") and not cut.endswith(",…")


def _the_one_email(person, *, category: str, kind: str, params: dict, capture_on_commit):
    """The email of one notification sent at once to `person`."""
    with capture_on_commit(execute=True):
        notify(recipients=[person], category=category, kind=kind, params=params)
    (message,) = mail.outbox
    return message
