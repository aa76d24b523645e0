"""The contract's API: /api/v1/proposals (read, write with tokens), errors as JSON, never a 500."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from portal.accounts.models import ApiToken, OrganisationMembership
from portal.accounts.tokens import api_token_authenticate, api_token_create
from portal.core import switches
from proposals.models import Proposal, SupportTally
from proposals.services.support import support_add
from tests.factories import OrganisationFactory, UserFactory

from .factories import ConsultationFactory, ProposalFactory, TopicFactory, close_intake, revised_document

pytestmark = pytest.mark.django_db


@pytest.fixture
def token(citizen):
    return api_token_create(user=citizen, name="test")[1]


def _auth(token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_list_is_paginated_and_public_only(client, consultation):
    ProposalFactory.create_batch(3, consultation=consultation)
    ProposalFactory(consultation=consultation, status="draft", title="Secret draft")
    body = client.get("/api/v1/proposals?page_size=2").json()
    assert body["count"] == 3
    assert len(body["results"]) == 2
    assert all(item["status"] == "published" for item in body["results"])
    page2 = client.get("/api/v1/proposals?page_size=2&page=2").json()
    assert len(page2["results"]) == 1


def test_list_filters_and_ordering(client, consultation):
    topic = TopicFactory(slug="courts")
    ProposalFactory(consultation=consultation, title="Judges", topic=topic, supports_count=1)
    ProposalFactory(consultation=consultation, title="Budgets", supports_count=9)
    assert [p["title"] for p in client.get("/api/v1/proposals?topic=courts").json()["results"]] == ["Judges"]
    ordered = client.get("/api/v1/proposals?ordering=-supports").json()["results"]
    assert [p["title"] for p in ordered] == ["Budgets", "Judges"]
    assert client.get("/api/v1/proposals?q=judges").json()["count"] == 1


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("page_size=101", 422),
        ("page=0", 422),
        ("page=abc", 422),
        ("ordering=DROP%20TABLE", 422),
        ("status=draft", 422),
        ("colour=blue", 400),
        ("q=" + "x" * 300, 422),
    ],
)
def test_bad_parameters_get_a_json_error_never_500(client, query, status):
    response = client.get(f"/api/v1/proposals?{query}")
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    assert "detail" in response.json()


def test_detail_has_counts_status_articles_and_response(client, consultation, draft_article):
    proposal = ProposalFactory(consultation=consultation, supports_count=4)
    proposal.articles.add(draft_article)
    body = client.get(f"/api/v1/proposals/{proposal.pk}").json()
    assert body["supports_count"] == 4
    assert body["status"] == "published"
    assert body["articles"][0]["key"] == "local-budgets"
    assert body["response"] is None
    assert "email" not in str(body)


def test_drafts_are_not_in_the_api(client, consultation):
    draft = ProposalFactory(consultation=consultation, status="draft")
    assert client.get(f"/api/v1/proposals/{draft.pk}").status_code == 404


def test_create_needs_a_token(client, consultation):
    response = client.post("/api/v1/proposals", {}, content_type="application/json")
    assert response.status_code == 401
    response = client.post("/api/v1/proposals", {}, content_type="application/json", **_auth("qat_wrong"))
    assert response.status_code == 401


def test_create_submits_and_publishes_a_clean_proposal(
    client, consultation, draft_article, token, citizen, django_capture_on_commit_callbacks
):
    payload = {
        "title": "Hearings before budgets",
        "summary": "A hearing first.",
        "body": "Text.",
        "language": "en",
        "articles": ["local-budgets"],
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/v1/proposals", payload, content_type="application/json", **_auth(token))
    assert response.status_code == 201, response.content
    proposal = Proposal.objects.get()
    assert proposal.author == citizen
    assert proposal.status == "published"
    assert response.json()["articles"][0]["key"] == "local-budgets"


def test_create_cut_off_at_submission_leaves_no_draft_behind(client, consultation, token, monkeypatch):
    """The PostgreSQL drill: a connection lost between saving and submitting wrote a draft."""
    from django.db import OperationalError

    def connection_lost(**kwargs):
        raise OperationalError("terminating connection due to administrator command")

    monkeypatch.setattr("proposals.services.proposal.proposal_submit", connection_lost)
    payload = {"title": "Cut off", "summary": "s", "body": "b", "language": "en"}
    response = client.post("/api/v1/proposals", payload, content_type="application/json", **_auth(token))
    assert response.status_code == 503
    assert not Proposal.objects.exists()


def test_create_reports_invalid_input_as_422(client, consultation, token):
    payload = {"title": "x" * 151, "summary": "s", "body": "b", "language": "de"}
    response = client.post("/api/v1/proposals", payload, content_type="application/json", **_auth(token))
    assert response.status_code == 422
    assert not Proposal.objects.exists()


def test_create_is_refused_when_intake_is_closed(client, consultation, token):
    close_intake(consultation)
    payload = {"title": "Late", "summary": "s", "body": "b", "language": "en"}
    response = client.post(
        "/api/v1/proposals",
        payload,
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
        **_auth(token),
    )
    assert response.status_code == 422
    assert "Proposal intake closed on" in str(response.json())


def test_support_twice_answers_200_and_counts_once(client, published, citizen, token, verify):
    verify(citizen)
    for _attempt in range(2):
        response = client.post(f"/api/v1/proposals/{published.pk}/support", **_auth(token))
        assert response.status_code == 200
        assert response.json() == {"supported": True, "supports_count": 1}
    response = client.delete(f"/api/v1/proposals/{published.pk}/support", **_auth(token))
    assert response.json() == {"supported": False, "supports_count": 0}


@pytest.mark.parametrize("authorization", [None, "Bearer qat_not-a-token", "Basic eDp5"])
def test_a_write_without_a_valid_token_answers_401_naming_the_bearer_scheme(client, published, authorization):
    headers = {"HTTP_AUTHORIZATION": authorization} if authorization else {}
    response = client.post(f"/api/v1/proposals/{published.pk}/support", **headers)
    assert response.status_code == 401
    assert response.json() == {"detail": "Unauthorized"}
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_supports_answer_409_once_intake_is_closed(client, published, citizen, token, verify):
    """The docs name 409 for a closed intake: a program retries neither way, and support and withdrawal say
    the same thing."""
    verify(citizen)
    close_intake(published.consultation)
    for method in (client.post, client.delete):
        response = method(
            f"/api/v1/proposals/{published.pk}/support", HTTP_ACCEPT_LANGUAGE="en", **_auth(token)
        )
        assert response.status_code == 409
        assert "intake is closed" in response.json()["detail"]
    assert not published.supports.exists()


def test_unverified_token_owner_cannot_support(client, published, token):
    response = client.post(f"/api/v1/proposals/{published.pk}/support", **_auth(token))
    assert response.status_code == 403
    # The API answers in the portal's default language, Kazakh.
    assert response.json()["detail"] == (
        "Ұсыныстарды қолдау үшін жеке басыңызды растаңыз: бір адам — бір қолдау."
    )


def test_a_blocked_token_owner_cannot_support(client, published, citizen, moderator, token, verify):
    from portal.accounts.services import account_block

    verify(citizen)
    account_block(user=citizen, blocked_by=moderator, days=3, reason="Flooding the comments.")
    response = client.post(
        f"/api/v1/proposals/{published.pk}/support", HTTP_ACCEPT_LANGUAGE="en", **_auth(token)
    )
    assert response.status_code == 403
    assert "blocked" in response.json()["detail"]
    assert not published.supports.exists()


def _queries_of_a_support() -> int:
    """Three on PostgreSQL; SQLite (the embedded default) writes with the ORM: a savepoint, the insert, the
    counter, its release and the count."""
    return 3 if connection.vendor == "postgresql" else 7


@pytest.fixture
def switches_read(monkeypatch):
    """The site switches read once and kept (for 5 s in production, which a slow run may outlast)."""
    monkeypatch.setattr(switches, "CACHE_SECONDS", 300)
    switches.current()


def test_a_support_through_the_api_is_three_queries_and_its_count_comes_from_the_write(
    client, published, citizen, token, verify, switches_read, django_assert_num_queries
):
    """The hottest write of a surge: the token with its owner's standing; the proposal with the facts its
    permission needs; the insert, the counter and the count in one statement. No savepoint, no count query."""
    supporter = UserFactory()
    verify(citizen, supporter)
    support_add(user=supporter, proposal=published)
    SupportTally.objects.create(proposal=published, delta=1)  # a change not folded yet is in the answer
    client.get("/api/v1/proposals", **_auth(token))
    api_token_authenticate(token)  # its last use recorded: within the minute, not written again
    path = f"/api/v1/proposals/{published.pk}/support"
    with django_assert_num_queries(_queries_of_a_support()):
        response = client.post(path, **_auth(token))
    assert response.json() == {"supported": True, "supports_count": 3}
    assert Proposal.objects.get(pk=published.pk).supports_count == 2  # moved by the write itself
    with django_assert_num_queries(_queries_of_a_support()):
        again = client.post(path, **_auth(token))
    assert again.json() == {"supported": True, "supports_count": 3}
    assert published.supports.count() == 2


def test_withdrawing_a_support_through_the_api_is_three_queries_and_its_count_comes_from_the_write(
    client, published, citizen, token, verify, switches_read, django_assert_num_queries
):
    """As a support: the token, the proposal with its permission's facts, and the delete with the counter's
    move and the count in one statement; withdrawing again changes nothing and answers the same count."""
    supporter = UserFactory()
    verify(citizen, supporter)
    support_add(user=supporter, proposal=published)
    support_add(user=citizen, proposal=published)
    SupportTally.objects.create(proposal=published, delta=1)  # a change not folded yet is in the answer
    client.get("/api/v1/proposals", **_auth(token))
    api_token_authenticate(token)
    path = f"/api/v1/proposals/{published.pk}/support"
    with django_assert_num_queries(_queries_of_a_withdrawal()):
        response = client.delete(path, **_auth(token))
    assert response.json() == {"supported": False, "supports_count": 2}
    assert Proposal.objects.get(pk=published.pk).supports_count == 1  # moved by the write itself
    assert not published.supports.filter(user=citizen).exists()
    with django_assert_num_queries(_queries_of_a_withdrawal(found=False)):
        again = client.delete(path, **_auth(token))
    assert again.json() == {"supported": False, "supports_count": 2}
    assert Proposal.objects.get(pk=published.pk).supports_count == 1


def test_withdrawing_a_support_at_a_level_the_counter_leaves_out_does_not_move_it(
    client, published, citizen, token, verify
):
    """Supports at a level the consultation no longer accepts are kept but not counted (supports_reconcile);
    withdrawing one must not take one off the counter."""
    verify(citizen)
    support_add(user=citizen, proposal=published)
    consultation = published.consultation
    consultation.accepted_identity_levels = ["signature"]
    consultation.save()
    Proposal.objects.filter(pk=published.pk).update(supports_count=0)  # as the reconcile leaves it
    response = client.delete(f"/api/v1/proposals/{published.pk}/support", **_auth(token))
    assert response.json() == {"supported": False, "supports_count": 0}
    assert Proposal.objects.get(pk=published.pk).supports_count == 0


def _queries_of_a_withdrawal(*, found: bool = True) -> int:
    """Three on PostgreSQL; SQLite reads the support, deletes it in a savepoint, moves the counter, counts."""
    if connection.vendor == "postgresql":
        return 3
    return 8 if found else 4


def test_a_token_used_for_many_supports_records_its_last_use_once_a_minute(client, citizen, token, verify):
    verify(citizen)
    proposals = ProposalFactory.create_batch(3)
    with CaptureQueriesContext(connection) as captured:
        for proposal in proposals:
            assert client.post(f"/api/v1/proposals/{proposal.pk}/support", **_auth(token)).status_code == 200
    writes = [
        q["sql"] for q in captured.captured_queries if q["sql"].startswith('UPDATE "accounts_apitoken"')
    ]
    assert len(writes) == 1
    first_use = ApiToken.objects.get(user=citizen).last_used_at
    ApiToken.objects.filter(user=citizen).update(last_used_at=first_use - timedelta(seconds=61))
    client.post(f"/api/v1/proposals/{proposals[0].pk}/support", **_auth(token))
    assert ApiToken.objects.get(user=citizen).last_used_at > first_use


def test_the_api_skips_the_page_middleware_even_with_a_session_cookie(
    client, published, citizen, token, verify, switches_read, django_assert_num_queries
):
    """A bearer-token call reads no session and gets none of the page's cookies and headers; the page
    next to it still does."""
    verify(citizen)
    client.force_login(citizen)
    client.get("/api/v1/proposals", **_auth(token))
    api_token_authenticate(token)
    with django_assert_num_queries(_queries_of_a_support()):  # the session's user is never loaded
        response = client.post(f"/api/v1/proposals/{published.pk}/support", **_auth(token))
    assert response.status_code == 200
    assert "X-Frame-Options" not in response
    assert "Cookie" not in response.get("Vary", "")
    assert not response.cookies
    page = client.get("/en/proposals/")
    assert page["X-Frame-Options"] == "DENY"
    assert b"Aigerim" in page.content  # the session's user, on the page


def test_openapi_document_is_served(client):
    document = client.get("/api/v1/openapi.json").json()
    assert document["info"]["title"] == "Qatysu API"
    assert "/api/v1/proposals" in document["paths"]
    assert "/api/v1/proposals/{proposal_id}/support" in document["paths"]


def test_api_and_open_data_answer_304_when_nothing_changed(client, published):
    first = client.get("/api/v1/proposals")
    etag = first["ETag"]
    assert client.get("/api/v1/proposals", headers={"If-None-Match": etag}).status_code == 304
    published.title = "Changed title"
    published.save()
    assert client.get("/api/v1/proposals", headers={"If-None-Match": etag}).status_code == 200
    assert "ETag" not in client.get("/en/proposals/")  # HTML pages carry a CSRF token: no ETag


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/proposals?article=a%00b",
        "/api/v1/proposals?q=%00",
        "/api/v1/consultations/a%00b",
        "/api/v1/x",
    ],
)
def test_malformed_parameters_and_unknown_paths_answer_json_not_a_server_error(client, url):
    response = client.get(url)
    assert response.status_code in (404, 422)
    assert response["Content-Type"].startswith("application/json")


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/proposals/89604743834013810688",
        "/api/v1/hearings/89604743834013810688",
        "/api/v1/documents/89604743834013810688",
        "/api/v1/documents/89604743834013810688/versions",
        "/api/v1/documents/89604743834013810688/articles/art-1",
        "/api/v1/documents/89604743834013810688/diff?from=1&to=2",
    ],
)
def test_an_id_beyond_the_database_integer_is_refused_not_passed_on(client, path):
    """Found by the schema fuzzer: an id past 2**63 overflowed the database driver and answered 500."""
    response = client.get(path)
    assert response.status_code == 422
    assert response.json()["detail"]


def test_create_goes_to_the_named_consultation_when_several_take_proposals(client, consultation, token):
    newer = ConsultationFactory(slug="laws")
    payload = {"title": "Courts", "summary": "Shorter terms.", "body": "Text.", "language": "en"}
    named = client.post(
        "/api/v1/proposals",
        {**payload, "consultation": consultation.slug},
        content_type="application/json",
        **_auth(token),
    )
    assert named.status_code == 201, named.content
    assert Proposal.objects.get(pk=named.json()["id"]).consultation == consultation
    default = client.post("/api/v1/proposals", payload, content_type="application/json", **_auth(token))
    assert Proposal.objects.get(pk=default.json()["id"]).consultation == newer
    unknown = client.post(
        "/api/v1/proposals",
        {**payload, "consultation": "no-such"},
        content_type="application/json",
        **_auth(token),
    )
    assert unknown.status_code == 422


def test_a_proposals_topic_slug_is_named_in_each_language_by_the_topics_list(client, consultation):
    topic = TopicFactory(slug="courts", name_kk="Соттар", name_ru="Суды", name_en="Courts")
    TopicFactory(slug="old", is_active=False)
    ProposalFactory(consultation=consultation, topic=topic)
    slug = client.get("/api/v1/proposals").json()["results"][0]["topic"]
    topics = {item["slug"]: item for item in client.get("/api/v1/topics").json()["results"]}
    assert topics[slug]["name"] == {"kk": "Соттар", "ru": "Суды", "en": "Courts"}
    assert topics["old"]["is_active"] is False
    assert client.get("/api/v1/topics?lang=ru").status_code == 400


@pytest.mark.parametrize("organisation", [True, "1", 1.0])
def test_an_organisation_given_as_anything_but_a_whole_number_is_refused(
    client, consultation, token, citizen, organisation
):
    """`true` read as organisation 1 would post on behalf of whichever organisation has that id."""
    acting_for = OrganisationFactory(pk=1, verified_at=timezone.now())
    OrganisationMembership.objects.create(organisation=acting_for, user=citizen, can_act_on_behalf=True)
    payload = {"title": "T", "summary": "S.", "body": "B.", "language": "en", "organisation": organisation}
    response = client.post("/api/v1/proposals", payload, content_type="application/json", **_auth(token))
    assert response.status_code == 422, response.content
    assert response.json()["errors"][0]["loc"][-1] == "organisation"
    assert not Proposal.objects.exists()


def test_each_proposal_names_its_consultation_and_the_list_filters_by_it(client, consultation):
    other = ConsultationFactory(slug="public-councils")
    ProposalFactory(consultation=consultation)
    in_other = ProposalFactory(consultation=other)
    results = client.get("/api/v1/proposals").json()["results"]
    assert {item["id"]: item["consultation"] for item in results}[in_other.pk] == "public-councils"
    only = client.get("/api/v1/proposals?consultation=public-councils").json()
    assert [item["id"] for item in only["results"]] == [in_other.pk]
    assert client.get("/api/v1/proposals?consultation=no-such").json()["count"] == 0
    assert client.get(f"/api/v1/proposals/{in_other.pk}").json()["consultation"] == "public-councils"


def test_a_method_an_endpoint_lacks_is_refused_in_json(client, published):
    response = client.put(f"/api/v1/proposals/{published.pk}")
    assert response.status_code == 405
    assert response.json() == {"detail": "Method not allowed."}
    assert response["Allow"] == "GET"
    assert client.get(f"/api/v1/proposals/{published.pk}").status_code == 200


def test_proposals_of_an_organisation_are_listed_by_its_slug_which_each_proposal_gives(client, consultation):
    amanat = OrganisationFactory(name="Amanat", slug="amanat")
    ProposalFactory(
        consultation=consultation, organisation=amanat, submitter_type="organisation", title="Ours"
    )
    # A person who chose the organisation's name as theirs is not the organisation.
    ProposalFactory(consultation=consultation, author=UserFactory(display_name="Amanat"), title="A person's")
    listed = client.get("/api/v1/proposals?organisation=amanat").json()
    assert [p["title"] for p in listed["results"]] == ["Ours"]
    assert (listed["results"][0]["organisation"], listed["results"][0]["organisation_slug"]) == (
        "Amanat",
        "amanat",
    )
    everything = client.get("/api/v1/proposals").json()["results"]
    assert {p["title"]: p["organisation_slug"] for p in everything} == {"Ours": "amanat", "A person's": None}
    assert client.get("/api/v1/proposals?organisation=nobody").json() == {"count": 0, "results": []}
    assert client.get("/api/v1/proposals?organisation=not%20a%20slug").status_code == 422


def test_the_article_filter_finds_the_article_of_that_key_in_each_consultation(client, consultation):
    other = ConsultationFactory()
    proposals = {}
    for each in (consultation, other):
        *_versions, liberty = revised_document(each)
        proposals[each.slug] = ProposalFactory(consultation=each)
        proposals[each.slug].articles.add(liberty)

    def ids(query):
        return {row["id"] for row in client.get(f"/api/v1/proposals?{query}").json()["results"]}

    # Keys are unique within a document: the second consultation's "liberty" is its own article.
    assert ids(f"article=liberty&consultation={other.slug}") == {proposals[other.slug].pk}
    assert ids(f"article=liberty&consultation={consultation.slug}") == {proposals[consultation.slug].pk}
    assert ids("article=liberty") == {p.pk for p in proposals.values()}
