"""A hearing of a consultation staff have not published is as hidden as the consultation: its page, its calendar
file, registration and requests to speak answer 404 to the public and to citizens, and the hearing is on no
public list; those who may see the draft (administrators) still open its page."""

import pytest

from proposals.models import ConsultationStatus, HearingRegistration, SpeakerRequest
from tests.conftest import sign_in_staff

from .factories import ConsultationFactory, HearingFactory, ProposalFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def hidden_hearing(db):
    consultation = ConsultationFactory(status=ConsultationStatus.DRAFT)
    return HearingFactory(consultation=consultation, title_en="Hearing prepared out of sight")


def test_a_draft_consultations_hearing_page_is_not_found_by_the_public_or_citizens(
    client, hidden_hearing, citizen
):
    assert client.get(f"/en/hearings/{hidden_hearing.pk}/").status_code == 404
    client.force_login(citizen)
    assert client.get(f"/en/hearings/{hidden_hearing.pk}/").status_code == 404


def test_the_staff_who_prepare_the_draft_still_open_its_hearing(client, hidden_hearing, admin_user):
    sign_in_staff(client, admin_user)
    response = client.get(f"/en/hearings/{hidden_hearing.pk}/")
    assert response.status_code == 200
    assert "Hearing prepared out of sight" in response.text


def test_a_published_consultations_hearing_opens_for_everyone(client, hearing):
    assert client.get(f"/en/hearings/{hearing.pk}/").status_code == 200


def test_a_draft_consultations_hearing_has_no_calendar_file(client, hidden_hearing):
    assert client.get(f"/en/hearings/{hidden_hearing.pk}.ics").status_code == 404
    assert "Hearing prepared out of sight" not in client.get("/en/hearings.ics").text


def test_nobody_registers_or_asks_to_speak_at_a_draft_consultations_hearing(client, hidden_hearing, citizen):
    proposal = ProposalFactory(consultation=hidden_hearing.consultation, author=citizen)
    client.force_login(citizen)
    assert client.post(f"/en/hearings/{hidden_hearing.pk}/register/").status_code == 404
    assert client.post(f"/en/hearings/{hidden_hearing.pk}/unregister/").status_code == 404
    speak = client.post(
        f"/en/hearings/{hidden_hearing.pk}/speak/", {"proposal": proposal.pk, "message": "Hi"}
    )
    assert speak.status_code == 404
    assert not HearingRegistration.objects.filter(hearing=hidden_hearing).exists()
    assert not SpeakerRequest.objects.filter(hearing=hidden_hearing).exists()


def test_a_draft_consultations_hearing_is_on_no_public_list(client, hidden_hearing, hearing):
    upcoming = client.get("/en/hearings/").text
    assert hearing.title_en in upcoming
    assert "Hearing prepared out of sight" not in upcoming
