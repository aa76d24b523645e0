"""Supports say what they rest on: counts by verification level on the proposal page, in the API and in open
data; a consultation's accepted levels decide who may support and which supports count (answer deadlines
included)."""

import csv
import io
import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.accounts.verification.services import identity_verification_record
from portal.core.models import AuditEntry
from proposals.models import ObligationRule, Proposal
from proposals.selectors.response import answer_deadline
from proposals.services.support import support_add, support_withdraw
from tests.conftest import give_totp
from tests.factories import UserFactory
from tests.identity import make_iin

from .factories import ConsultationFactory, ProposalFactory

pytestmark = pytest.mark.django_db


def _people(method: str, count: int) -> list:
    people = UserFactory.create_batch(count)
    for person in people:
        identity_verification_record(user=person, method=method, identity=make_iin(), verified_by=None)
    return people


def _staff_verified(count: int, admin) -> list:
    people = UserFactory.create_batch(count)
    for person in people:
        identity_verification_record(user=person, method="staff", identity=None, verified_by=admin, note="ID")
    return people


@pytest.fixture
def supported(admin_user):
    """A proposal with 3 signature, 2 national sign-in, 4 self-declared and 1 staff-verified supports."""
    proposal = ProposalFactory(consultation=ConsultationFactory())
    people = (
        _people("signature", 3)
        + _people("national_sign_in", 2)
        + _people("iin", 4)
        + _staff_verified(1, admin_user)
    )
    for person in people:
        support_add(user=person, proposal=proposal)
    return Proposal.objects.get(pk=proposal.pk)


EXPECTED = {"signature": 3, "national_sign_in": 2, "self_declared": 4, "staff": 1}


def test_proposal_page_shows_counts_by_level_and_how_many_rest_on_a_strong_one(client, supported):
    page = client.get(f"/en/proposals/{supported.pk}/").content.decode()
    assert "<strong>10</strong>" in page
    assert "5 of them rest on a digital signature or national sign-in." in page
    for label, count in [("Digital signature", 3), ("National sign-in", 2), ("Self-declared IIN", 4)]:
        assert f"<li>{label}: <span data-count>{count}</span></li>" in page


def test_strong_only_consultation_does_not_repeat_the_strong_share(client):
    consultation = ConsultationFactory(accepted_identity_levels=["signature", "national_sign_in"])
    proposal = ProposalFactory(consultation=consultation)
    for person in _people("signature", 2):
        support_add(user=person, proposal=proposal)
    page = client.get(f"/en/proposals/{proposal.pk}/").content.decode()
    assert "<strong>2</strong>" in page
    assert "rest on a digital signature" not in page


def test_api_detail_gives_supports_by_level(client, supported):
    answer = client.get(f"/api/v1/proposals/{supported.pk}").json()
    assert answer["supports_count"] == 10
    assert answer["supports_by_level"] == EXPECTED


def test_open_data_gives_supports_by_level_in_csv_and_json(client, supported):
    rows = json.loads(b"".join(client.get("/open-data/proposals.json").streaming_content))["results"]
    row = next(row for row in rows if row["id"] == supported.pk)
    assert {level: row[f"supports_{level}"] for level in EXPECTED} == EXPECTED
    text = b"".join(client.get("/open-data/proposals.csv").streaming_content).decode("utf-8")[1:]
    line = next(line for line in csv.DictReader(io.StringIO(text)) if line["id"] == str(supported.pk))
    assert {level: int(line[f"supports_{level}"]) for level in EXPECTED} == EXPECTED


def test_open_data_queries_do_not_grow_with_proposals(client, supported, django_assert_max_num_queries):
    for _extra in range(30):
        ProposalFactory(consultation=supported.consultation)
    # The rows in 8 queries at most; the file's version (its ETag) in a dozen aggregates, however many rows.
    with django_assert_max_num_queries(8 + 12):
        b"".join(client.get("/open-data/proposals.json").streaming_content)


def test_withdrawing_a_support_moves_its_level_count(supported):
    person = supported.supports.filter(level="self_declared").first().user
    assert support_withdraw(user=person, proposal=supported)
    supported.refresh_from_db()
    assert supported.supports_count == 9
    assert supported.supports.filter(level="self_declared").count() == 3


def _edit_levels(client, consultation, levels):
    return client.post(
        reverse("staff_consultation", kwargs={"pk": consultation.pk}),
        {
            "slug": consultation.slug,
            "title_kk": consultation.title_kk or "Заң",
            "title_en": consultation.title_en,
            "moderation_policy": "",
            "accepted_identity_levels": levels,
        },
    )


def test_narrowing_the_levels_on_the_staff_page_recounts_and_moves_answer_deadlines(
    client, admin_user, supported
):
    supported.published_at = timezone.now() - timedelta(days=5)
    supported.save(update_fields=["published_at"])
    ObligationRule.objects.create(name_en="Popular ones within 3 days", days=3, min_supports=8)
    assert answer_deadline(supported) is not None  # 10 supports: the rule applies

    give_totp(admin_user)
    client.force_login(admin_user)
    consultation = supported.consultation
    form = client.get(reverse("staff_consultation", kwargs={"pk": consultation.pk})).content.decode()
    assert 'name="accepted_identity_levels" value="self_declared"' in form
    response = _edit_levels(client, consultation, ["signature", "national_sign_in", "staff"])
    assert response.status_code == 302, response.content.decode()[:2000]
    supported.refresh_from_db()
    # 3 + 2 + 1 supports at accepted levels; the 4 self-declared ones stay visible by level but do not count.
    assert supported.supports_count == 6
    assert answer_deadline(supported) is None
    assert client.get(f"/api/v1/proposals/{supported.pk}").json()["supports_by_level"] == EXPECTED
    entry = AuditEntry.objects.filter(action="consultation.updated").latest("pk")
    assert entry.details["accepted_identity_levels"][1] == ["signature", "national_sign_in", "staff"]


def test_no_level_at_all_is_refused_and_changes_nothing(client, admin_user, supported):
    give_totp(admin_user)
    client.force_login(admin_user)
    consultation = supported.consultation
    levels = list(consultation.accepted_identity_levels)
    response = _edit_levels(client, consultation, [])
    assert response.status_code == 200  # the form again, with the error beside the field
    assert "This field is required." in response.content.decode()
    consultation.refresh_from_db()
    assert consultation.accepted_identity_levels == levels
    supported.refresh_from_db()
    assert supported.supports_count == 10


def test_page_tells_a_self_declared_person_before_they_click_in_a_strong_only_consultation(client):
    consultation = ConsultationFactory(accepted_identity_levels=["signature", "national_sign_in", "staff"])
    proposal = ProposalFactory(consultation=consultation)
    (person,) = _people("iin", 1)
    client.force_login(person)
    page = client.get(f"/en/proposals/{proposal.pk}/").content.decode()
    assert "counts supports only from people verified with a digital signature or national sign-in" in page
    assert f'action="/en/proposals/{proposal.pk}/support/"' not in page
