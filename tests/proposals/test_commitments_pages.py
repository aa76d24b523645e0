"""The public side of commitments: the tracker with filters and chart, the overdue page, the chain
on the commitment, article and proposal pages, open data and the API; the staff pages behind the second
factor."""

import csv
import io
import json
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.core.models import AuditEntry
from proposals.models import CommitmentStatus, CommitmentUpdate, Proposal
from proposals.selectors.commitment import COMMITMENT_FIELDS, OPEN_DATA_RESOURCES, UPDATE_FIELDS, table_schema
from proposals.services.commitment import Evidence, commitment_update_approve, commitment_update_decline
from tests.conftest import give_totp
from tests.factories import UserFactory
from tests.security.test_xss import PAYLOADS, injections

from .commitment_helpers import adopted_change, body, post, record, texts
from .factories import date_parts, date_parts_shown

pytestmark = pytest.mark.django_db
S = CommitmentStatus


@pytest.fixture
def change(consultation, commissioner, second_commissioner):
    return adopted_change(consultation, drafter=commissioner, approver=second_commissioner)


@pytest.fixture
def overdue(change, commissioner):
    """Past its due date and still in progress."""
    commitment = record(
        change,
        commissioner,
        due_date=timezone.localdate() - timedelta(days=3),
        title_en="Set up the ombudsman",
    )
    post(commitment, commissioner, to_status=S.IN_PROGRESS, progress=20)
    return commitment


@pytest.fixture
def on_time(change, commissioner):
    return record(change, commissioner, title_en="Pass the law", measure="law")


def _open_data(client, name):
    as_json = json.loads(b"".join(client.get(f"/open-data/{name}.json").streaming_content))
    text = b"".join(client.get(f"/open-data/{name}.csv").streaming_content).decode("utf-8-sig")
    return as_json, list(csv.DictReader(io.StringIO(text)))


def test_an_overdue_commitment_is_on_the_overdue_page_and_flagged_in_open_data_and_the_api(
    client, consultation, overdue, on_time
):
    page = client.get(f"/en/consultations/{consultation.slug}/implementation/overdue/").content.decode()
    assert "Set up the ombudsman" in page and "3 days" in page
    assert "Pass the law" not in page
    as_json, rows = _open_data(client, "commitments")
    flags = {row["id"]: row["overdue"] for row in as_json["results"]}
    assert flags == {overdue.pk: True, on_time.pk: False}
    assert {row["id"]: row["overdue"] for row in rows} == {str(overdue.pk): "True", str(on_time.pk): "False"}
    api = client.get("/api/v1/commitments?overdue=true").json()
    assert [item["id"] for item in api["results"]] == [overdue.pk]
    tracker = client.get(f"/en/consultations/{consultation.slug}/implementation/").content.decode()
    assert "1 commitment is overdue" in tracker


def test_a_commitment_done_is_no_longer_overdue(
    client, consultation, overdue, commissioner, second_commissioner
):
    commitment_update_approve(
        update=post(overdue, commissioner, to_status=S.DONE), reviewer=second_commissioner
    )
    page = client.get(f"/en/consultations/{consultation.slug}/implementation/overdue/").content.decode()
    assert "Set up the ombudsman" not in page and "No commitment is overdue." in page


def test_tracker_lists_every_commitment_and_filters_by_article_body_and_status(
    client, consultation, change, overdue, on_time, commissioner, django_assert_max_num_queries
):
    other_body = body("ministry-of-finance")
    budget = record(change, commissioner, title_en="Budget line", body_id=other_body.pk, measure="budget")
    url = f"/en/consultations/{consultation.slug}/implementation/"
    with django_assert_max_num_queries(16):
        page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200
    assert all(title in html for title in ("Set up the ombudsman", "Pass the law", "Budget line"))
    assert '<dd id="count-planned">2</dd>' in html and '<dd id="count-in_progress">1</dd>' in html

    def titles(query):
        html = client.get(url + query).content.decode()
        return {t for t in ("Set up the ombudsman", "Pass the law", "Budget line") if f">{t}</a>" in html}

    assert titles("?body=ministry-of-finance") == {"Budget line"}
    assert titles("?status=in_progress") == {"Set up the ombudsman"}
    assert titles(f"?article={change.article.key}") == {"Set up the ombudsman", "Pass the law", "Budget line"}
    assert titles("?status=done") == set()
    assert client.get(url + "?status=bogus").status_code == 200
    assert budget.body == other_body


def test_tracker_queries_stay_flat_with_more_commitments(
    client, consultation, change, commissioner, django_assert_max_num_queries
):
    for number in range(12):
        post(
            record(change, commissioner, title_en=f"Measure {number}"), commissioner, to_status=S.IN_PROGRESS
        )
    with django_assert_max_num_queries(16):
        assert client.get(f"/en/consultations/{consultation.slug}/implementation/").status_code == 200


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_the_progress_chart_is_accessible_and_its_numbers_are_never_localised(
    client, consultation, overdue, on_time, commissioner, language
):
    post(on_time, commissioner, to_status=S.IN_PROGRESS, progress=35)
    html = client.get(f"/{language}/consultations/{consultation.slug}/implementation/").content.decode()
    svg = re.search(
        r'<svg role="img" aria-labelledby="chart-progress-title chart-progress-desc".*?</svg>', html, re.S
    )
    assert svg, "the chart is an SVG image with a title and a description"
    points = re.search(r'<polyline points="([^"]+)"', svg.group(0)).group(1)
    assert re.fullmatch(r"(\d+\.\d,\d+\.\d ?)+", points), points
    assert all("," not in value for value in re.findall(r'c[xy]="([^"]+)"', svg.group(0)))
    assert 'data-chart="progress"' in html, "the same numbers as a table"
    # Average of 20% and 35% on the day of the last update.
    assert ">28%</td>" in html


def test_the_commitment_page_shows_the_whole_chain_and_the_updates(
    client, consultation, change, commissioner, django_assert_max_num_queries
):
    commitment = record(change, commissioner)
    post(commitment, commissioner, to_status=S.IN_PROGRESS, progress=30)
    later = commitment.due_date + timedelta(days=40)
    post(
        commitment,
        commissioner,
        to_status=S.DELAYED,
        due_date=later,
        **texts("Кешіктірілді.", "Отложено.", "Delayed by the Senate."),
        **texts("Сенат қарайды.", "Сенат рассматривает.", "The Senate reviews it first.", prefix="reason"),
    )
    with django_assert_max_num_queries(12):
        page = client.get(commitment.get_absolute_url())
    html = page.content.decode()
    assert change.proposal.title in html and change.proposal.get_absolute_url() in html
    assert f"{change.article.get_absolute_url()}?version=2#what-changed" in html
    assert "Status: In progress → Delayed" in html
    assert "Reason:</strong> The Senate reviews it first." in html
    assert "Work has started." in html


def test_article_and_proposal_pages_show_the_commitment(client, change, commissioner):
    commitment = record(change, commissioner)
    for url in (change.article.get_absolute_url(), change.proposal.get_absolute_url()):
        html = client.get(url).content.decode()
        assert "Commitments that carry it out" in html, url
        assert commitment.get_absolute_url() in html, url


def test_a_pending_or_declined_change_is_nowhere_public(client, change, commissioner):
    commitment = record(change, commissioner)
    pending = post(commitment, commissioner, to_status=S.DONE, **texts("Pending A", "Pending A", "Pending A"))
    assert pending.state == "pending"
    other = record(change, commissioner)
    declined = post(other, commissioner, to_status=S.DONE, **texts("Declined B", "Declined B", "Declined B"))
    commitment_update_decline(update=declined, reviewer=commissioner)
    seen = [json.dumps(_open_data(client, "commitment-updates"))]
    for shown in (commitment, other):
        seen.append(client.get(shown.get_absolute_url()).content.decode())
        seen.append(client.get(f"/api/v1/commitments/{shown.pk}").content.decode())
    assert not [text for text in seen if "Pending A" in text or "Declined B" in text]
    assert client.get(f"/api/v1/commitments/{commitment.pk}").json()["status"] == "planned"


def test_open_data_and_api_carry_updates_without_who_posted_them(client, change, commissioner):
    commitment = record(change, commissioner)
    post(commitment, commissioner, to_status=S.IN_PROGRESS, progress=15)
    as_json, rows = _open_data(client, "commitment-updates")
    assert as_json["results"][0]["to_progress"] == 15 and rows[0]["to_status"] == "in_progress"
    detail = client.get(f"/api/v1/commitments/{commitment.pk}").json()
    assert detail["proposal_ids"] == [change.proposal.pk]
    assert detail["article_keys"] == [change.article.key]
    assert [u["to_status"] for u in detail["updates"]] == ["in_progress"]
    everything = json.dumps([as_json, rows, detail, _open_data(client, "commitments")], ensure_ascii=False)
    for private in (commissioner.email, commissioner.display_name):
        assert private not in everything


def test_csv_cells_are_injection_safe(client, change, commissioner):
    record(change, commissioner, title_en="=HYPERLINK(1)")
    _as_json, rows = _open_data(client, "commitments")
    assert rows[0]["title_en"] == "'=HYPERLINK(1)"


def test_api_refuses_unknown_parameters_and_bad_values(client):
    assert client.get("/api/v1/commitments?colour=red").status_code == 400
    assert client.get("/api/v1/commitments?status=finished").status_code == 422
    assert client.get("/api/v1/commitments/999999").status_code == 404
    schema = client.get("/api/v1/openapi.json").json()
    assert (
        "/api/v1/commitments" in schema["paths"] and "/api/v1/commitments/{commitment_id}" in schema["paths"]
    )


def test_following_from_the_page(client, change, commissioner, citizen):
    commitment = record(change, commissioner)
    client.force_login(citizen)
    response = client.post(f"/en/implementation/commitments/{commitment.pk}/follow/")
    assert response.status_code == 302 and citizen.commitment_follows.filter(commitment=commitment).exists()
    back = client.post(
        f"/en/implementation/bodies/{commitment.body_id}/follow/", {"commitment": commitment.pk}
    )
    assert back["Location"] == commitment.get_absolute_url()
    assert citizen.commitment_follows.filter(body=commitment.body).exists()
    for junk in ("abc", "9" * 30, "-1"):
        response = client.post(
            f"/en/implementation/bodies/{commitment.body_id}/follow/", {"commitment": junk}
        )
        assert response.status_code == 302, junk
    html = client.get(commitment.get_absolute_url()).content.decode()
    assert "Stop following this commitment" in html


# --- staff pages ------------------------------------------------------------------------------------------


@pytest.fixture
def staff_client(client, commissioner):
    give_totp(commissioner)
    client.force_login(commissioner)
    return client


def test_staff_record_a_commitment_from_an_adopted_change(
    staff_client, change, django_assert_max_num_queries
):
    with django_assert_max_num_queries(25):
        home = staff_client.get("/en/staff/implementation/")
    assert home.status_code == 200
    link = f"/en/staff/implementation/new/{change.consultation.slug}/?article={change.article.pk}"
    assert link.replace("&", "&amp;") in home.content.decode()
    form = staff_client.get(link)
    assert f'value="{change.response.pk}" selected' in form.content.decode()
    response = staff_client.post(
        link,
        {
            **texts(prefix="title"),
            "body": body().pk,
            "measure": "regulation",
            "due_date": (timezone.localdate() + timedelta(days=30)).isoformat(),
            "articles": [change.article.pk],
            "responses": [change.response.pk],
        },
    )
    commitment = change.consultation.commitments.get()
    assert (
        response.status_code == 302 and response["Location"] == f"/en/staff/implementation/{commitment.pk}/"
    )
    assert commitment.title_ru == "Работа началась." and commitment.measure == "regulation"


def test_a_due_date_that_has_passed_is_asked_about_and_kept_in_the_form(staff_client, change):
    """A mistyped year (2026 for 2027) showed the new commitment to the public as overdue at once."""
    link = f"/ru/staff/implementation/new/{change.consultation.slug}/?article={change.article.pk}"
    passed = (timezone.localdate() - timedelta(days=300)).isoformat()
    sent = {
        **texts(prefix="title"),
        "body": body().pk,
        "measure": "law",
        **date_parts("due_date", passed),
        "articles": [change.article.pk],
        "responses": [change.response.pk],
    }
    refused = staff_client.post(link, sent)
    assert refused.status_code == 200
    assert refused.context["form"].errors["due_date"] == [
        "Эта дата уже прошла, поэтому обязательство сразу будет показано как просроченное. Исправьте дату "
        "или отметьте поле ниже, если срок действительно уже истёк."
    ]
    assert date_parts_shown(refused.content.decode(), "due_date", passed)
    assert not change.consultation.commitments.exists()
    staff_client.post(link, {**sent, "already_overdue": "on"})
    commitment = change.consultation.commitments.get()
    assert commitment.due_date.isoformat() == passed and commitment.is_overdue


def test_an_update_moving_the_due_date_into_the_past_is_asked_about_too(staff_client, change, commissioner):
    """The same mistyped year in an update showed the commitment as overdue and the sweep told its followers."""
    commitment = record(change, commissioner)
    url = f"/kk/staff/implementation/{commitment.pk}/updates/"
    sent = {
        **texts(),
        "to_status": "planned",
        "due_date": (timezone.localdate() - timedelta(days=300)).isoformat(),
    }
    refused = staff_client.post(url, sent)
    assert refused.status_code == 400
    assert "Бұл күн өтіп кетті" in refused.context["form"].errors["due_date"][0]
    assert not CommitmentUpdate.objects.exists()
    staff_client.post(url, {**sent, "already_overdue": "on"})
    commitment.refresh_from_db()
    assert commitment.is_overdue and commitment.updates.count() == 1


def test_staff_post_an_update_and_a_second_member_approves_done(
    staff_client, change, commissioner, second_commissioner
):
    commitment = record(change, commissioner)
    url = f"/en/staff/implementation/{commitment.pk}/updates/"
    staff_client.post(url, {**texts(), "to_status": "done", "progress": ""})
    pending = CommitmentUpdate.objects.get(state="pending")
    page = staff_client.get(f"/en/staff/implementation/{commitment.pk}/").content.decode()
    assert "Another member must approve a change you posted." in page
    refused = staff_client.post(f"/en/staff/implementation/updates/{pending.pk}/approve/")
    assert refused.status_code == 302
    pending.refresh_from_db()
    assert pending.state == "pending"
    give_totp(second_commissioner)
    staff_client.force_login(second_commissioner)
    staff_client.post(f"/en/staff/implementation/updates/{pending.pk}/approve/")
    commitment.refresh_from_db()
    assert commitment.status == S.DONE
    assert AuditEntry.objects.filter(action="commitment.updated", actor=second_commissioner).exists()


def test_an_invalid_update_is_refused_with_the_form(staff_client, change, commissioner):
    commitment = record(change, commissioner)
    response = staff_client.post(
        f"/en/staff/implementation/{commitment.pk}/updates/", {**texts(), "to_status": "delayed"}
    )
    assert response.status_code == 400
    assert "needs a public reason" in response.content.decode()
    assert not CommitmentUpdate.objects.exists()


def test_an_update_without_its_english_text_is_told_why_every_language_is_asked(
    staff_client, change, commissioner
):
    commitment = record(change, commissioner)
    refused = staff_client.post(
        f"/kk/staff/implementation/{commitment.pk}/updates/",
        {**texts(), "text_en": "", "to_status": "planned"},
    )
    assert refused.status_code == 400
    assert refused.context["form"].errors["text_en"] == [
        "Жаңартуды осы тілде де жазыңыз: орындалу барысы қазақ, орыс және ағылшын тілдерінде жарияланады."
    ]
    assert texts()["text_kk"] in refused.content.decode()
    assert not CommitmentUpdate.objects.exists()


def test_citizens_cannot_open_the_staff_pages(client, change, commissioner):
    commitment = record(change, commissioner)
    client.force_login(UserFactory())
    assert client.get("/en/staff/implementation/").status_code == 403
    assert client.post(f"/en/staff/implementation/{commitment.pk}/updates/", texts()).status_code == 403


ENGLISH_ON_THE_PAGES = (
    "Responsible body",
    "Kind of measure",
    "Due date",
    "Progress",
    "Commitments",
    "Updates",
    "Where it comes from",
    "Average progress over time",
    "overdue",
    "In progress",
    "Delayed",
)


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_the_public_pages_speak_the_reader_language(
    client, consultation, change, overdue, commissioner, language
):
    post(
        overdue,
        commissioner,
        to_status=S.DELAYED,
        **texts(prefix="reason"),
    )
    pages = [
        f"/{language}/consultations/{consultation.slug}/implementation/",
        f"/{language}/consultations/{consultation.slug}/implementation/overdue/",
        f"/{language}/consultations/{consultation.slug}/implementation/{overdue.pk}/",
    ]
    for url in pages:
        html = client.get(url).content.decode()
        text = re.sub(r"<[^>]+>", " ", re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S))
        leaks = [phrase for phrase in ENGLISH_ON_THE_PAGES if phrase in text]
        assert leaks == [], (url, leaks)


def test_a_description_in_one_language_is_marked_with_it_on_the_pages_of_the_others(
    client, consultation, change, commissioner
):
    commitment = record(change, commissioner, description_ru="Описание есть только по-русски.")
    url = f"/kk/consultations/{consultation.slug}/implementation/{commitment.pk}/"
    html = client.get(url).content.decode()
    assert '<div lang="ru"><p>Описание есть только по-русски.</p></div>' in html
    assert "тек орыс тілінде" in html


def _without_the_chart(response):
    """The progress chart is our own SVG (dates and numbers only); the finder would count any <svg>."""
    response.content = re.sub(
        rb'<svg role="img" aria-labelledby="chart-progress.*?</svg>', b"", response.content, flags=re.S
    )
    return response


def test_staff_texts_are_escaped_on_the_public_and_staff_pages(client, consultation, change, commissioner):
    for payload in PAYLOADS[::4]:
        commitment = record(
            change,
            commissioner,
            **texts(payload[:300], payload[:300], payload[:300], prefix="title"),
            **texts(payload, payload, payload, prefix="description"),
        )
        post(
            commitment,
            commissioner,
            to_status=S.DELAYED,
            **texts(payload, payload, payload),
            **texts(payload, payload, payload, prefix="reason"),
            evidence=(Evidence(kind="document", title=payload[:300], url="https://example.test/doc"),),
        )
    urls = [
        f"/en/consultations/{consultation.slug}/implementation/",
        f"/en/consultations/{consultation.slug}/implementation/overdue/",
        change.article.get_absolute_url(),
        change.proposal.get_absolute_url(),
    ]
    urls += [c.get_absolute_url() for c in consultation.commitments.all()]
    found = [(url, what) for url in urls for what in injections(_without_the_chart(client.get(url)))]
    give_totp(commissioner)
    client.force_login(commissioner)
    staff_urls = ["/en/staff/implementation/"]
    staff_urls += [f"/en/staff/implementation/{c.pk}/" for c in consultation.commitments.all()]
    found += [(url, what) for url in staff_urls for what in injections(client.get(url))]
    assert found == []


def test_the_field_descriptions_of_the_data_package_match_the_files(client, change, commissioner):
    commitment = record(change, commissioner)
    post(commitment, commissioner, to_status=S.IN_PROGRESS, progress=5)
    commitments, _rows = _open_data(client, "commitments")
    updates, _rows = _open_data(client, "commitment-updates")
    assert list(commitments["results"][0]) == list(COMMITMENT_FIELDS) == commitments["fields"]
    assert list(updates["results"][0]) == list(UPDATE_FIELDS) == updates["fields"]
    schema = table_schema(COMMITMENT_FIELDS)
    assert [field["name"] for field in schema["fields"]] == list(COMMITMENT_FIELDS)
    assert {resource["name"] for resource in OPEN_DATA_RESOURCES} == {"commitments", "commitment-updates"}
    for resource in OPEN_DATA_RESOURCES:
        for path in resource["paths"]:
            assert client.get("/" + path).status_code == 200, path


def test_an_update_shows_at_once_on_the_cached_public_pages(client, settings, change, commissioner):
    settings.PAGE_CACHE_SECONDS = 300
    commitment = record(change, commissioner)
    urls = [
        f"/en/consultations/{change.consultation.slug}/implementation/",
        change.article.get_absolute_url(),
    ]
    for url in urls:
        assert "Planned" in client.get(url).content.decode()
    post(commitment, commissioner, to_status=S.IN_PROGRESS, progress=50)
    for url in urls:
        assert "In progress" in client.get(url).content.decode(), url


@pytest.mark.parametrize("page", ["implementation/", "implementation/overdue/", "implementation/{pk}/"])
def test_the_implementation_pages_of_a_draft_consultation_are_not_public(
    client, citizen, admin_user, consultation, on_time, page
):
    """A draft is seen only by those who prepare it (the secretariat), on every page under its address."""
    consultation.status = "draft"
    consultation.save()
    url = f"/en/consultations/{consultation.slug}/" + page.format(pk=on_time.pk)
    assert client.get(url).status_code == 404
    client.force_login(citizen)
    assert client.get(url).status_code == 404
    give_totp(admin_user)
    client.force_login(admin_user)
    response = client.get(url)
    assert response.status_code == 200
    assert consultation.title_en in response.content.decode()


def test_a_commitment_of_a_draft_consultation_cannot_be_followed(client, citizen, consultation, on_time):
    url = reverse("commitment_follow", kwargs={"pk": on_time.pk})
    client.force_login(citizen)
    published = consultation.status
    consultation.status = "draft"
    consultation.save()
    assert client.post(url).status_code == 404
    assert not citizen.commitment_follows.exists()
    consultation.status = published
    consultation.save()
    assert client.post(url).status_code == 302
    assert citizen.commitment_follows.filter(commitment=on_time).exists()


def test_the_update_a_correction_names_is_dated_as_the_page_language_writes_dates(
    staff_client, change, commissioner
):
    commitment = record(change, commissioner)
    published = post(commitment, commissioner, to_status="in_progress", progress=40)
    day = timezone.localtime(published.published_at)
    page = staff_client.get(f"/ru/staff/implementation/{commitment.pk}/").content.decode()
    assert f">{day:%d.%m.%Y} · " in page
    assert f"{day:%Y-%m-%d} · " not in page


@pytest.mark.parametrize("status", ["hidden", "withdrawn"])
def test_a_proposal_taken_out_of_public_view_is_named_by_no_commitment_output(
    client, change, commissioner, status
):
    """The answer stays behind the commitment, but the proposal's number and title leave the page, the API and
    the open data, as they leave the proposals' own open data."""
    commitment = record(change, commissioner)
    Proposal.objects.filter(pk=change.proposal.pk).update(status=status, title="TAKEN-OUT-TITLE")
    page = client.get(commitment.get_absolute_url()).content.decode()
    assert "TAKEN-OUT-TITLE" not in page and change.proposal.get_absolute_url() not in page
    assert client.get("/api/v1/commitments").json()["results"][0]["proposal_ids"] == []
    assert client.get(f"/api/v1/commitments/{commitment.pk}").json()["proposal_ids"] == []
    as_json, rows = _open_data(client, "commitments")
    assert as_json["results"][0]["responses"] == [] and rows[0]["responses"] == ""


def test_the_commitment_form_leads_to_adding_a_responsible_body_when_none_fits(staff_client, change):
    # With no body recorded yet the list offered only "—" and the form refused "This field is required."
    # without saying where bodies are added.
    link = f"/kk/staff/implementation/new/{change.consultation.slug}/?article={change.article.pk}"
    page = staff_client.get(link).content.decode()
    assert 'Жауапты орган тізімде жоқ па? Алдымен оны <a href="/kk/staff/responsible-bodies/new/">' in page
