import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives

from portal.notifications.email import email_from_payload, email_queue, email_to_payload


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
        email_queue(message=message)
        assert mail.outbox == []
    assert len(callbacks) == 1
    callbacks[0]()
    assert [sent.subject for sent in mail.outbox] == ["Hello"]
