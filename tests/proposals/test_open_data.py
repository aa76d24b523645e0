"""Open data and the public surface: CSV and JSON agree, cells are formula-safe, only public fields leave,
and no internal note, reviewer of a returned draft or personal data appears anywhere public."""

import csv
import io
import json

import pytest

from portal.core.roles import Role
from proposals.models import ProposalTransition
from proposals.services import response as services
from proposals.services import response_approval as approval
from proposals.services.response import ResponseInput
from proposals.views.open_data import csv_safe
from tests.factories import OrganisationFactory, UserFactory

from .factories import ConsultationFactory, ProposalFactory, TopicFactory, publish_response, revised_document

pytestmark = pytest.mark.django_db


def _json(client):
    answer = client.get("/open-data/proposals.json")
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("application/json")
    return json.loads(b"".join(answer.streaming_content))


def _csv(client):
    answer = client.get("/open-data/proposals.csv")
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("text/csv")
    text = b"".join(answer.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:])))


def _flat(value):
    if value is None:
        return ""
    if isinstance(value, list):
        return " ".join(str(item) for item in value)
    return str(value)


def test_csv_has_the_same_rows_as_json(client, consultation, commissioner, second_commissioner):
    topic = TopicFactory(slug="courts")
    answered = ProposalFactory(consultation=consultation, topic=topic, title="Answered one")
    ProposalFactory(consultation=consultation, title="Waiting one", supports_count=3)
    member = ProposalFactory(consultation=consultation, title="Campaign member", cluster_of=answered)
    ProposalFactory(consultation=consultation, title="Still a draft", status="draft", published_at=None)
    ProposalFactory(consultation=consultation, title="Rejected one", status="rejected")
    publish_response(
        answered, drafter=commissioner, approver=second_commissioner, status="partially_accepted"
    )
    data = _json(client)
    rows = _csv(client)
    assert [row["title"] for row in rows] == [row["title"] for row in data["results"]]
    assert {row["title"] for row in rows} == {"Answered one", "Waiting one", "Campaign member"}
    assert list(rows[0]) == data["fields"]
    for csv_row, json_row in zip(rows, data["results"], strict=True):
        assert csv_row == {field: _flat(json_row[field]) for field in data["fields"]}
    by_id = {row["id"]: row for row in data["results"]}
    assert by_id[answered.pk]["response_status"] == "partially_accepted"
    # One answer for the whole cluster: the member carries it too.
    assert by_id[member.pk]["response_status"] == "partially_accepted"
    assert by_id[member.pk]["cluster_of"] == answered.pk
    assert by_id[answered.pk]["topic"] == "courts"


def test_csv_neutralises_formulas_but_json_keeps_the_text(client, consultation):
    ProposalFactory(
        consultation=consultation, title='=HYPERLINK("http://evil.test","click")', summary="+1 more"
    )
    ProposalFactory(consultation=consultation, title="@SUM(A1)", summary="-2\tx")
    rows = {row["title"]: row for row in _csv(client)}
    assert '\'=HYPERLINK("http://evil.test","click")' in rows
    assert rows['\'=HYPERLINK("http://evil.test","click")']["summary"] == "'+1 more"
    assert rows["'@SUM(A1)"]["summary"] == "'-2\tx"
    titles = {row["title"] for row in _json(client)["results"]}
    assert '=HYPERLINK("http://evil.test","click")' in titles


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1", "@x", "\tx", "\rx"])
def test_csv_safe_prefixes_every_formula_start(value):
    assert csv_safe(value) == "'" + value
    assert csv_safe("plain") == "plain" and csv_safe(5) == 5


def test_open_data_is_get_only_and_public(client, citizen):
    assert client.post("/open-data/proposals.csv").status_code == 405
    assert client.post("/open-data/proposals.json").status_code == 405
    client.force_login(citizen)
    assert client.get("/open-data/proposals.json").status_code == 200


def test_api_detail_includes_the_published_response(client, consultation, commissioner, second_commissioner):
    _document, _old, new, liberty = revised_document(consultation)
    representative = ProposalFactory(consultation=consultation)
    member = ProposalFactory(consultation=consultation, cluster_of=representative)
    assert client.get(f"/api/v1/proposals/{representative.pk}").json()["response"] is None
    publish_response(
        representative,
        drafter=commissioner,
        approver=second_commissioner,
        status="accepted",
        articles=[liberty],
        version=new,
        reasoning_en="Accepted.",
        reasoning_ru="Принято.",
    )
    body = client.get(f"/api/v1/proposals/{member.pk}").json()
    assert body["status"] == "responded"
    response = body["response"]
    assert response["status"] == "accepted"
    assert response["reasoning"] == {"ru": "Принято.", "en": "Accepted."}
    assert [a["key"] for a in response["articles"]] == ["liberty"]
    assert response["version"] == "New draft"
    # A program matches the version by what stays the same in every language the API is asked in.
    assert (response["version_id"], response["version_position"]) == (new.pk, new.position)
    assert response["version_labels"] == {"en": "New draft"}
    versions = client.get(f"/api/v1/documents/{new.document_id}/versions").json()["results"]
    assert {"id": new.pk, "position": 2} in [{"id": v["id"], "position": v["position"]} for v in versions]
    assert response["covers_cluster"] is True
    assert client.get(f"/api/v1/proposals/{member.pk}?x=1").status_code == 400


# --- nothing private leaves -----------------------------------------------------------------------------

MARKERS = [
    "secret-author@example.test",
    "Legalfirstname",
    "Legallastname",
    "INTERNAL-NOTE-MARK",
    "RETURN-NOTE-MARK",
    "Reviewer Secretname",
    "reviewer@example.test",
    "MODERATION-INTERNAL-MARK",
    "Drafter Hiddenname",
]


def test_no_private_data_in_any_public_page_api_or_export(client, consultation):
    author = UserFactory(
        email="secret-author@example.test",
        first_name="Legalfirstname",
        last_name="Legallastname",
        display_name="Public Name",
    )
    from portal.accounts import services as account_services

    def member(name, email):
        user = UserFactory(display_name=name, email=email)
        account_services.user_grant_role(user=user, role=Role.COMMISSION, granted_by=None)
        return user

    drafter = member("Drafter Hiddenname", "drafter@example.test")
    reviewer = member("Reviewer Secretname", "reviewer@example.test")
    approver = member("Approver", "approver@example.test")
    _document, _old, new, liberty = revised_document(consultation)
    proposal = ProposalFactory(consultation=consultation, author=author, title="A public proposal")
    proposal.articles.add(liberty)
    ProposalTransition.objects.create(
        proposal=proposal,
        from_status="in_moderation",
        to_status="published",
        internal_note="MODERATION-INTERNAL-MARK",
    )
    waiting = ProposalFactory(consultation=consultation, author=author, title="A waiting proposal")
    services.commission_note_add(proposal=proposal, author=drafter, body="INTERNAL-NOTE-MARK")
    services.commission_note_add(proposal=waiting, author=drafter, body="INTERNAL-NOTE-MARK")
    services.commission_assign(proposal=waiting, assignee=reviewer, actor=drafter)
    data = ResponseInput(
        status="accepted", reasoning_en="Public reasoning.", article_ids=(liberty.pk,), version_id=new.pk
    )
    response = services.response_draft_save(proposal=proposal, author=drafter, data=data)
    approval.response_submit(response=response, actor=drafter)
    approval.response_return(response=response, reviewer=reviewer, note="RETURN-NOTE-MARK")
    approval.response_submit(response=response, actor=drafter)
    approval.response_approve(response=response, reviewer=approver)
    # A second answer still returned, not published.
    other = services.response_draft_save(proposal=waiting, author=drafter, data=data)
    approval.response_submit(response=other, actor=drafter)
    approval.response_return(response=other, reviewer=reviewer, note="RETURN-NOTE-MARK")

    slug = consultation.slug
    article = liberty.get_absolute_url().split("/", 2)[2]
    pages = []
    for language in ("kk", "ru", "en"):
        pages += [
            f"/{language}/proposals/{proposal.pk}/",
            f"/{language}/proposals/{waiting.pk}/",
            f"/{language}/proposals/",
            f"/{language}/{article}",
            f"/{language}/consultations/{slug}/",
            f"/{language}/consultations/{slug}/outcome/",
            f"/{language}/consultations/{slug}/overdue/",
        ]
    pages += [
        "/api/v1/proposals",
        f"/api/v1/proposals/{proposal.pk}",
        f"/api/v1/proposals/{waiting.pk}",
        "/api/v1/stats",
    ]
    seen = {}
    for path in pages:
        answer = client.get(path)
        assert answer.status_code == 200, path
        seen[path] = answer.content.decode()
    for path in ("/open-data/proposals.csv", "/open-data/proposals.json"):
        answer = client.get(path)
        seen[path] = b"".join(answer.streaming_content).decode()
    assert "Public reasoning." in seen[f"/en/proposals/{proposal.pk}/"]
    assert "Public reasoning." in seen["/open-data/proposals.json"]
    leaks = {(path, marker) for path, text in seen.items() for marker in MARKERS if marker in text}
    assert leaks == set()


def _csv_in(client, language):
    client.cookies["portal_language"] = language
    return _csv(client)


def test_response_version_is_the_same_in_every_reader_language(
    client, consultation, commissioner, second_commissioner
):
    _document, _old, new, _identity = revised_document(consultation)
    answered = ProposalFactory(consultation=consultation)
    publish_response(answered, drafter=commissioner, approver=second_commissioner, version=new)
    values = {language: _csv_in(client, language)[0]["response_version"] for language in ("kk", "ru", "en")}
    assert values == {"kk": str(new.position), "ru": str(new.position), "en": str(new.position)}


def test_datapackage_describes_the_csv_and_frictionless_finds_it_valid(
    client, consultation, commissioner, second_commissioner, tmp_path
):
    frictionless = pytest.importorskip("frictionless")
    answered = ProposalFactory(consultation=consultation, supports_count=4)
    ProposalFactory(consultation=consultation)
    publish_response(answered, drafter=commissioner, approver=second_commissioner)
    answer = client.get("/open-data/datapackage.json")
    assert answer.status_code == 200
    package = answer.json()
    assert package["licenses"][0]["name"] == "CC-BY-4.0"
    fields = package["resources"][0]["schema"]["fields"]
    assert [field["name"] for field in fields] == _json(client)["fields"]
    kk = {field["name"]: field["descriptions"]["kk"] for field in fields}
    ru = {field["name"]: field["descriptions"]["ru"] for field in fields}
    en = {field["name"]: field["descriptions"]["en"] for field in fields}
    assert all(kk[name] != en[name] and ru[name] != en[name] and kk[name] != ru[name] for name in en)
    # Validate every served CSV (proposals, commitments, their updates) against the served schema, each
    # resource's path pointed at a local copy.
    assert [resource["name"] for resource in package["resources"]] == [
        "proposals",
        "commitments",
        "commitment-updates",
        "moderation",
        "moderation-statements",
    ]
    for resource in package["resources"]:
        served = "/" + resource["path"].split("/", 3)[3]
        local = served.rsplit("/", 1)[1]
        (tmp_path / local).write_bytes(client.get(served).getvalue())
        resource["path"] = local
    report = frictionless.Package(package, basepath=str(tmp_path)).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    assert report.tasks[0].stats["rows"] == 2


def test_open_data_landing_shows_the_licence_and_dictionary_in_the_reader_language(client):
    assert client.get("/open-data/").status_code == 302
    page = client.get("/ru/open-data/").content.decode()
    assert "CC-BY-4.0" in page
    assert "Число поддержек проверенных людей." in page
    assert 'name="description"' in page


def test_open_data_landing_leads_to_every_file_with_its_dictionary_in_the_reader_language(client):
    page = client.get("/ru/open-data/").content.decode()
    for path in ("proposals", "commitments", "commitment-updates"):
        assert f'href="/open-data/{path}.csv"' in page and f'href="/open-data/{path}.json"' in page
    assert "Обязательства по исполнению принятых изменений" in page
    assert "Идентификатор обязательства." in page and "Код статуса после обновления." in page
    package = client.get("/open-data/datapackage.json").json()
    for resource in package["resources"]:
        assert len(set(resource["titles"].values())) == 3, resource["name"]
        for field in resource["schema"]["fields"]:
            descriptions = field["descriptions"]
            assert len(set(descriptions.values())) == 3, (resource["name"], field["name"])
            assert field["description"] == descriptions["en"]


def test_robots_txt_allows_public_pages_and_keeps_staff_pages_out(client):
    answer = client.get("/robots.txt")
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("text/plain")
    lines = answer.content.decode().splitlines()
    assert "User-agent: *" in lines and "Allow: /" in lines and "Disallow: /*/staff/" in lines


def test_favicon_ico_leads_to_the_portal_icon(client):
    answer = client.get("/favicon.ico")
    assert answer.status_code == 301
    assert answer["Location"].endswith(".svg") and "favicon" in answer["Location"]


@pytest.mark.parametrize(
    "path",
    [
        "/open-data/proposals.csv",
        "/open-data/proposals.json",
        "/open-data/commitments.csv",
        "/open-data/commitment-updates.json",
        "/open-data/moderation.csv",
        "/open-data/moderation-statements.json",
        "/open-data/datapackage.json",
    ],
)
def test_open_data_answers_head_as_link_checkers_and_harvesters_ask(client, path):
    answer = client.head(path)
    assert answer.status_code == 200
    assert answer["Content-Type"] == client.get(path)["Content-Type"]


def test_the_dictionary_names_the_codes_submitter_type_holds(client, consultation):
    ProposalFactory(consultation=consultation)
    ProposalFactory(
        consultation=consultation, organisation=OrganisationFactory(), submitter_type="organisation"
    )
    codes = {row["submitter_type"] for row in _json(client)["results"]}
    assert codes == {"individual", "organisation"}
    fields = client.get("/open-data/datapackage.json").json()["resources"][0]["schema"]["fields"]
    (field,) = [field for field in fields if field["name"] == "submitter_type"]
    for description in field["descriptions"].values():
        assert all(code in description for code in codes), description


def test_a_consultations_outcome_links_the_open_data_of_that_consultation_alone(client, consultation):
    ours = ProposalFactory(consultation=consultation)
    ProposalFactory(consultation=ConsultationFactory())
    outcome = client.get(f"/en/consultations/{consultation.slug}/outcome/").content.decode()
    for kind in ("csv", "json"):
        url = f"/open-data/proposals.{kind}?consultation={consultation.slug}"
        assert f'href="{url}"' in outcome
        body = b"".join(client.get(url).streaming_content).decode("utf-8-sig")
        ids = (
            [int(row["id"]) for row in csv.DictReader(io.StringIO(body))]
            if kind == "csv"
            else [row["id"] for row in json.loads(body)["results"]]
        )
        assert ids == [ours.pk]  # the page's count is this consultation's, and so is the file
    assert len(_csv(client)) == 2  # without the parameter: every consultation
    for slug in ("no-such-thing", "%00", "a%20b", ""):
        assert client.get(f"/open-data/proposals.csv?consultation={slug}").status_code == 404
    tracker = client.get(f"/en/consultations/{consultation.slug}/implementation/").content.decode()
    assert f'href="/open-data/commitments.csv?consultation={consultation.slug}"' in tracker
    for stem in ("commitments", "commitment-updates"):
        assert client.get(f"/open-data/{stem}.json?consultation={consultation.slug}").status_code == 200


OPEN_DATA_FILES = [
    f"{stem}.{kind}"
    for stem in ("proposals", "commitments", "commitment-updates", "moderation", "moderation-statements")
    for kind in ("csv", "json")
]


@pytest.mark.parametrize("name", OPEN_DATA_FILES)
def test_a_bad_parameter_of_a_file_is_refused_in_json_never_ignored(client, consultation, name):
    misspelt = client.get(f"/open-data/{name}?consultaton={consultation.slug}")
    assert misspelt.status_code == 400
    assert misspelt.json() == {"detail": "Unknown query parameter(s).", "parameters": ["consultaton"]}
    for slug in ("no-such-consultation", "%00", "%F0%9F%98%80"):
        unknown = client.get(f"/open-data/{name}?consultation={slug}")
        assert unknown.status_code == 404 and unknown["Content-Type"] == "application/json", slug
        assert unknown.json() == {"detail": "Not found."}
    assert client.get(f"/open-data/{name}?consultation={consultation.slug}").status_code == 200
