"""Keeping a commitment's record coherent: two Commission members at once (an update written on a page that
another member's update has outdated since is refused with a clear message, never applied over it), and a
commitment that is final."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from proposals.models import CommitmentStatus, CommitmentUpdate
from proposals.selectors.commitment import last_published_update_id
from proposals.services.commitment import Evidence
from tests.conftest import sign_in_staff
from tests.proposals.factories import ConsultationFactory

from .commitment_helpers import adopted_change, post, record, texts

pytestmark = pytest.mark.django_db
S = CommitmentStatus


@pytest.fixture
def commitment(consultation, commissioner, second_commissioner):
    """In progress at 20 per cent, one update published."""
    change = adopted_change(consultation, drafter=commissioner, approver=second_commissioner)
    commitment = record(change, commissioner)
    post(commitment, commissioner, to_status=S.IN_PROGRESS, progress=20)
    return commitment


def _seen(page) -> str:
    return page.context["form"]["seen"].value()


def test_the_second_of_two_members_posting_at_once_is_told_and_undoes_nothing(
    commitment, commissioner, second_commissioner
):
    first, second = sign_in_staff(Client(), commissioner), sign_in_staff(Client(), second_commissioner)
    url = f"/en/staff/implementation/{commitment.pk}/"
    first_page, second_page = first.get(url), second.get(url)
    assert _seen(first_page) == _seen(second_page) == last_published_update_id(commitment) > 0

    # The first raises progress to 60; the second, whose form still says 20, adds a piece of news.
    first.post(
        f"{url}updates/", {**texts(), "to_status": "in_progress", "progress": "60", "seen": _seen(first_page)}
    )
    refused = second.post(
        f"{url}updates/",
        {
            **texts(en="Hearings held."),
            "to_status": "in_progress",
            "progress": "20",
            "seen": _seen(second_page),
        },
    )

    assert refused.status_code == 400
    page = refused.content.decode()
    assert "Another member published an update of this commitment while you were writing." in page
    assert "Hearings held." in page  # what was typed is kept
    commitment.refresh_from_db()
    assert commitment.progress == 60
    assert CommitmentUpdate.objects.filter(commitment=commitment).count() == 2
    # The page shown again holds the first member's update: posting from it now goes through.
    assert _seen(refused) == str(last_published_update_id(commitment))
    again = second.post(
        f"{url}updates/",
        {**texts(en="Hearings held."), "to_status": "in_progress", "progress": "70", "seen": _seen(refused)},
    )
    assert again.status_code == 302
    assert CommitmentUpdate.objects.filter(commitment=commitment).count() == 3


def test_an_approval_meanwhile_outdates_the_page_too(
    commitment, commissioner, second_commissioner, admin_user
):
    """Approving a pending "done" publishes it: a form shown before still offered the old status and progress."""
    seen = last_published_update_id(commitment)
    pending = post(commitment, commissioner, to_status=S.DONE)
    client = sign_in_staff(Client(), second_commissioner)
    client.post(f"/en/staff/implementation/updates/{pending.pk}/approve/")
    refused = sign_in_staff(Client(), admin_user).post(
        f"/en/staff/implementation/{commitment.pk}/updates/",
        {**texts(), "to_status": "in_progress", "progress": "20", "seen": str(seen)},
    )
    assert "while you were writing" in refused.content.decode()
    commitment.refresh_from_db()
    assert (commitment.status, commitment.progress) == (S.DONE, 100)


def test_the_service_refuses_an_update_written_on_an_older_state(commitment, commissioner):
    seen = last_published_update_id(commitment)
    post(commitment, commissioner, progress=40)
    with pytest.raises(ValidationError) as refused:
        post(commitment, commissioner, progress=30, seen_update_id=seen)
    assert refused.value.code == "updated_meanwhile"
    commitment.refresh_from_db()
    assert commitment.progress == 40


def test_a_change_decided_meanwhile_is_named_as_decided(
    commitment, commissioner, second_commissioner, admin_user
):
    """Two members decide on the same pending "done": the second is told how it was decided."""
    pending = post(commitment, commissioner, to_status=S.DONE)
    sign_in_staff(Client(), second_commissioner).post(
        f"/en/staff/implementation/updates/{pending.pk}/approve/"
    )
    late = sign_in_staff(Client(), admin_user)
    late.post(f"/en/staff/implementation/updates/{pending.pk}/decline/")
    page = late.get(f"/en/staff/implementation/{commitment.pk}/").content.decode()
    assert "This change has already been decided on (Published); see the updates." in page
    pending.refresh_from_db()
    assert pending.state == "published"


def test_a_final_commitment_keeps_its_progress_and_due_date_but_takes_evidence(
    commitment, commissioner, second_commissioner, settings
):
    settings.RESPONSE_FOUR_EYES = False
    post(commitment, commissioner, to_status=S.DONE)
    later = commitment.due_date + timedelta(days=30)
    with pytest.raises(ValidationError, match="keeps its progress and due date"):
        post(commitment, commissioner, due_date=later, **texts(prefix="reason"))
    post(commitment, commissioner, evidence=(Evidence("publication", "Gazette", "https://adilet.zan.kz/1"),))
    commitment.refresh_from_db()
    assert (commitment.status, commitment.progress, commitment.updates.count()) == (S.DONE, 100, 3)
    elsewhere = adopted_change(ConsultationFactory(), drafter=commissioner, approver=second_commissioner)
    dropped = record(elsewhere, commissioner)
    post(dropped, commissioner, to_status=S.DROPPED, progress=30, **texts(prefix="reason"))
    with pytest.raises(ValidationError, match="keeps its progress and due date"):
        post(dropped, commissioner, progress=60)
