import re

import pytest
from django.utils import timezone

from proposals.demo import seed_consultation
from proposals.models import ConsultationStatus, Document, DocumentVersion

from .factories import ConsultationFactory, TopicFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    seed_consultation()
    return Document.objects.get(slug="constitution")


def test_consultations_with_phases_and_documents(client, demo):
    body = client.get("/api/v1/consultations").json()
    assert body["count"] == 1
    item = body["results"][0]
    assert item["slug"] == "constitutional-reform"
    assert [p["kind"] for p in item["phases"]] == ["intake", "hearings", "review", "outcome"]
    assert client.get("/api/v1/consultations/constitutional-reform").json()["documents"][0]["id"] == demo.pk
    assert client.get("/api/v1/consultations/nope").status_code == 404


def test_a_consultation_says_whether_its_outcome_is_published_and_what_it_is(client, demo):
    ongoing = client.get("/api/v1/consultations/constitutional-reform").json()
    assert (ongoing["status"], ongoing["outcome"]) == ("published", None)
    closed = ConsultationFactory(
        status=ConsultationStatus.OUTCOME_PUBLISHED,
        outcome_published_at=timezone.now(),
        outcome_summary_kk="Комиссия 8 ұсыныстың 6-сына жауап берді.",
        outcome_summary_ru="Комиссия ответила на 6 из 8 предложений.",
        outcome_summary_en="The Commission answered 6 of 8 proposals.",
    )
    outcome = client.get(f"/api/v1/consultations/{closed.slug}").json()["outcome"]
    assert outcome["summary"]["ru"] == "Комиссия ответила на 6 из 8 предложений."
    assert outcome["published_at"].startswith(str(closed.outcome_published_at.year))


def test_document_versions_and_articles_with_text_per_language(client, demo):
    assert [v["position"] for v in client.get(f"/api/v1/documents/{demo.pk}").json()["versions"]] == [1, 2]
    version = DocumentVersion.objects.get(document=demo, position=2)
    page = client.get(f"/api/v1/versions/{version.pk}/articles?page_size=5").json()
    assert page["count"] == 33 and len(page["results"]) == 5
    article = client.get(f"/api/v1/documents/{demo.pk}/articles/local-budgets").json()
    assert article["number"] == "30"
    assert article["paragraphs"][0]["text"]["ru"].startswith("Местный бюджет утверждает местный совет")


def test_diff_summary(client, demo):
    body = client.get(f"/api/v1/documents/{demo.pk}/diff?from=1&to=2&language=en").json()
    assert (body["unchanged"], body["changed"], body["added"], body["removed"], body["moved"]) == (
        27,
        4,
        2,
        2,
        1,
    )


@pytest.mark.parametrize("query", ["from=1", "from=x&to=2", "from=1&to=2&language=de", "from=0&to=1"])
def test_diff_summary_bad_parameters_are_422(client, demo, query):
    response = client.get(f"/api/v1/documents/{demo.pk}/diff?{query}")
    assert response.status_code == 422
    assert "detail" in response.json()


def test_unknown_versions_are_404(client, demo):
    assert client.get(f"/api/v1/documents/{demo.pk}/diff?from=1&to=9").status_code == 404
    assert client.get("/api/v1/versions/999999/articles").status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/consultations?status=open",
        "/api/v1/consultations/constitutional-reform?lang=ru",
        "/api/v1/documents/{document}?version=1",
        "/api/v1/documents/{document}/versions?position=2",
        "/api/v1/versions/{version}/articles?section=2",
        "/api/v1/documents/{document}/articles/local-budgets?version=1",
        "/api/v1/documents/{document}/diff?from=1&to=2&lang=ru",
    ],
)
def test_a_misspelt_or_unknown_parameter_is_refused_not_ignored(client, demo, path):
    version = DocumentVersion.objects.get(document=demo, position=2)
    response = client.get(path.format(document=demo.pk, version=version.pk))
    assert response.status_code == 400
    assert response.json()["detail"] == "Unknown query parameter(s)."


def test_every_list_of_documents_is_described_in_the_openapi_document(client):
    schema = client.get("/api/v1/openapi.json").json()
    for path in (
        "/api/v1/consultations",
        "/api/v1/documents/{document_id}/versions",
        "/api/v1/versions/{version_id}/articles",
    ):
        ok = schema["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
        described = schema["components"]["schemas"][ok["$ref"].rsplit("/", 1)[-1]]
        assert set(described["properties"]) == {"count", "results"}
        assert "$ref" in described["properties"]["results"]["items"]


def test_every_list_takes_page_and_page_size(client, demo):
    """The docs promise `page` and `page_size` on every list: a client that pages them all alike must not
    be refused (400) by the short ones."""
    schema = client.get("/api/v1/openapi.json").json()
    lists = [
        path
        for path, operations in schema["paths"].items()
        if "get" in operations
        and (ok := operations["get"]["responses"]["200"]["content"]["application/json"]["schema"]).get("$ref")
        and "count" in schema["components"]["schemas"][ok["$ref"].rsplit("/", 1)[-1]].get("properties", {})
    ]
    assert "/api/v1/topics" in lists and "/api/v1/documents/{document_id}/versions" in lists
    for path in lists:
        names = {parameter["name"] for parameter in schema["paths"][path]["get"].get("parameters", [])}
        assert {"page", "page_size"} <= names, path
    versions = client.get(f"/api/v1/documents/{demo.pk}/versions?page=2&page_size=1").json()
    assert (versions["count"], [v["position"] for v in versions["results"]]) == (2, [2])
    TopicFactory.create_batch(3)
    topics = client.get("/api/v1/topics?page=2&page_size=2").json()
    assert (topics["count"], len(topics["results"])) == (3, 1)
    assert client.get("/api/v1/topics?page_size=101").status_code == 422


def test_every_read_refuses_a_parameter_it_does_not_know(client):
    """docs/API.md: a misspelt filter is never ignored, on one object's page as on a list."""
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    reads = [path for path, operations in paths.items() if "get" in operations]
    assert {"/api/v1/hearings/{hearing_id}", "/api/v1/commitments/{commitment_id}"} <= set(reads)
    for path in reads:
        url = re.sub(r"\{slug\}|\{key\}", "x", re.sub(r"\{\w+_id\}", "1", path))
        required = "from=1&to=2&" if path.endswith("/diff") else ""
        response = client.get(f"{url}?{required}colour=blue")
        assert (response.status_code, response.json().get("parameters")) == (400, ["colour"]), path


def test_the_codes_of_a_proposal_and_its_answer_are_enums_in_the_openapi_document(client):
    """Codes are the same in every language (docs/API.md): the schema lists them, so a generated client does
    not take them for free text."""
    schema = client.get("/api/v1/openapi.json").json()
    components = schema["components"]["schemas"]

    def codes(component, field):
        ref = components[component]["properties"][field]
        ref = ref.get("$ref") or ref["allOf"][0]["$ref"]
        return set(components[ref.rsplit("/", 1)[-1]]["enum"])

    assert {"published", "under_review", "responded", "submitted"} <= codes("ProposalOut", "status")
    assert codes("ProposalOut", "language") == {"kk", "ru", "en"}
    assert codes("ProposalOut", "submitter_type") == {"individual", "organisation"}
    assert "partially_accepted" in codes("ResponseOut", "status")


def test_an_article_says_which_version_its_text_is_from(client, demo, django_assert_max_num_queries):
    # "capital" is left out of the draft: its text is the one in force, and must not pass for the draft's.
    assert client.get(f"/api/v1/documents/{demo.pk}/articles/capital").json()["version"] == 1
    assert client.get(f"/api/v1/documents/{demo.pk}/articles/liberty").json()["version"] == 2
    draft = DocumentVersion.objects.get(document=demo, position=2)
    with django_assert_max_num_queries(4):
        listed = client.get(f"/api/v1/versions/{draft.pk}/articles?page_size=100").json()["results"]
    assert {article["version"] for article in listed} == {2}
