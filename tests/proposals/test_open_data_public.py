"""A consultation staff have not published shows nowhere public: not in any open-data file, the data package,
nor any API list or object, whatever is already attached to it (proposals, answers, commitments, updates,
hearings)."""

import pytest

from proposals.models import Consultation, ConsultationStatus

from .commitment_helpers import adopted_change, post, record
from .factories import ConsultationFactory, HearingFactory, ProposalFactory

pytestmark = pytest.mark.django_db

OPEN_DATA = ("proposals", "commitments", "commitment-updates", "moderation", "moderation-statements")
MARKERS = ("secret-draft", "Secret draft proposal", "Secret commitment", "Secret update", "Secret hearing")


def _body(answer) -> str:
    assert answer.status_code == 200, answer
    content = b"".join(answer.streaming_content) if answer.streaming else answer.content
    return content.decode("utf-8")


@pytest.fixture
def draft_consultation(commissioner, second_commissioner):
    """A consultation with everything the public outputs carry, then put back to draft (as a seed or an
    import can leave one)."""
    consultation = ConsultationFactory(slug="secret-draft")
    change = adopted_change(
        consultation, drafter=commissioner, approver=second_commissioner, title="Secret draft proposal"
    )
    commitment = record(change, commissioner, title_en="Secret commitment")
    post(commitment, commissioner, text_en="Secret update", to_status="in_progress", progress=10)
    hearing = HearingFactory(consultation=consultation, title_en="Secret hearing")
    Consultation.objects.filter(pk=consultation.pk).update(status=ConsultationStatus.DRAFT)
    return {"proposal": change.proposal, "commitment": commitment, "hearing": hearing}


def test_a_draft_consultation_shows_in_no_open_data_file_nor_the_data_package(client, draft_consultation):
    ProposalFactory(title="A public one")
    for name in OPEN_DATA:
        for extension in ("csv", "json"):
            body = _body(client.get(f"/open-data/{name}.{extension}"))
            assert not [marker for marker in MARKERS if marker in body], (name, extension)
            assert client.get(f"/open-data/{name}.{extension}?consultation=secret-draft").status_code == 404
    assert "A public one" in _body(client.get("/open-data/proposals.json"))
    assert "secret-draft" not in _body(client.get("/open-data/datapackage.json"))


def test_a_draft_consultation_shows_in_no_api_list_nor_object(client, draft_consultation):
    for path in ("proposals", "commitments", "hearings", "consultations", "topics"):
        body = _body(client.get(f"/api/v1/{path}"))
        assert not [marker for marker in MARKERS if marker in body], path
    for path in (
        f"proposals/{draft_consultation['proposal'].pk}",
        f"commitments/{draft_consultation['commitment'].pk}",
        f"hearings/{draft_consultation['hearing'].pk}",
        "consultations/secret-draft",
        "stats?consultation=secret-draft",
    ):
        answer = client.get(f"/api/v1/{path}")
        assert answer.status_code == 404, path
        assert answer.json()["detail"]
    assert client.get("/api/v1/proposals?consultation=secret-draft").json()["count"] == 0


def test_a_draft_consultation_hearing_is_in_no_calendar(client, draft_consultation):
    assert "Secret hearing" not in _body(client.get("/hearings.ics?language=en"))
    assert client.get(f"/en/hearings/{draft_consultation['hearing'].pk}.ics").status_code == 404
