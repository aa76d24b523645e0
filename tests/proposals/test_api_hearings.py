"""The contract's API: /api/v1/hearings (paginated list, one hearing with its agenda), public fields only."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from portal.accounts.tokens import api_token_create
from proposals.services import hearing_registration

from .factories import AgendaItemFactory, HearingFactory, ProposalFactory

pytestmark = pytest.mark.django_db


def test_list_is_paginated_soonest_first(client, consultation):
    later = HearingFactory(consultation=consultation, starts_at=timezone.now() + timedelta(days=9))
    sooner = HearingFactory(consultation=consultation, starts_at=timezone.now() + timedelta(days=2))
    HearingFactory(consultation=consultation, starts_at=timezone.now() + timedelta(days=20))
    body = client.get("/api/v1/hearings?page_size=2").json()
    assert body["count"] == 3
    assert [item["id"] for item in body["results"]] == [sooner.pk, later.pk]
    page2 = client.get("/api/v1/hearings?page_size=2&page=2").json()
    assert len(page2["results"]) == 1
    assert body["results"][0]["ics_url"].endswith(f"/hearings/{sooner.pk}.ics")


@pytest.mark.parametrize(
    ("query", "status"),
    [("unknown=1", 400), ("status=live", 400), ("page_size=101", 422), ("page=0", 422), ("page=x", 422)],
)
def test_bad_parameters_get_json_errors(client, query, status):
    response = client.get(f"/api/v1/hearings?{query}")
    assert response.status_code == status
    assert "detail" in response.json()


def test_detail_has_the_agenda_with_proposal_ids_and_no_personal_data(client, consultation, citizen):
    hearing = HearingFactory(consultation=consultation, title_kk="Тыңдау", title_ru="Слушания")
    proposal = ProposalFactory(consultation=consultation)
    hidden = ProposalFactory(consultation=consultation, status="draft")
    AgendaItemFactory(
        hearing=hearing, proposals=[proposal, hidden], speakers_en="Secretary of the Commission"
    )
    hearing_registration.hearing_register(user=citizen, hearing=hearing)
    response = client.get(f"/api/v1/hearings/{hearing.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["title"] == {"kk": "Тыңдау", "ru": "Слушания", "en": hearing.title_en}
    assert body["seats_taken"] == 1
    assert [item["proposal_ids"] for item in body["agenda"]] == [[proposal.pk]]
    assert body["agenda"][0]["speakers"] == "Secretary of the Commission"
    text = json.dumps(body)
    assert citizen.email not in text and citizen.display_name not in text
    assert "code" not in text and "registrations" not in text


def test_missing_hearing_is_a_json_404(client):
    response = client.get("/api/v1/hearings/999999")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_hearings_api_is_read_only(client, consultation, citizen):
    hearing = HearingFactory(consultation=consultation)
    token = api_token_create(user=citizen, name="test")[1]
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    assert client.post("/api/v1/hearings", {}, **headers).status_code == 405
    assert client.delete(f"/api/v1/hearings/{hearing.pk}", **headers).status_code == 405


def test_openapi_lists_the_hearing_endpoints(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/hearings" in paths
    assert "/api/v1/hearings/{hearing_id}" in paths
