"""The consultation's phases as its pages show them: by their dates while it runs, and all over once the outcome
is published (or the consultation archived), whatever dates were announced: the page listed hearings as
"upcoming" and the review as "now" beside the published outcome."""

import pytest
from django.utils import timezone

from proposals.demo import seed_consultation
from proposals.models import ConsultationStatus, Phase
from proposals.selectors.consultation import phase_timeline

pytestmark = pytest.mark.django_db


def _states(consultation) -> dict[str, str]:
    return {step["phase"].kind: step["state"] for step in phase_timeline(consultation)}


def test_phases_follow_their_dates_while_the_consultation_runs():
    consultation = seed_consultation()
    now = timezone.now()
    expected = {phase.kind: phase.state(now) for phase in consultation.phases.all()}
    assert _states(consultation) == expected
    assert "upcoming" in expected.values()  # the demo's hearings are ahead: the test below means something


def test_after_the_outcome_only_the_outcome_is_current(client):
    consultation = seed_consultation()
    consultation.status = ConsultationStatus.OUTCOME_PUBLISHED
    consultation.save(update_fields=["status"])
    states = _states(consultation)
    assert states.pop(Phase.Kind.OUTCOME) == "current"
    assert set(states.values()) == {"past"}
    page = client.get(f"/en/consultations/{consultation.slug}/").content.decode()
    assert "upcoming" not in page
    consultation.status = ConsultationStatus.ARCHIVED
    consultation.save(update_fields=["status"])
    assert set(_states(consultation).values()) == {"past"}
