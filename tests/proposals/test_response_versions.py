"""Where an answer says the change was made: it may name a draft version, which public pages, the API and
open data name only once it is published; a published answer's articles and version are corrected with a
reason, logged, and the stored pages that show them are renewed."""

import csv
import io
import json
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from portal.core.models import AuditEntry
from portal.notifications.messages import render_message
from portal.notifications.models import Notification
from proposals.forms import ResponseForm
from proposals.models import Document, ResponseTransition
from proposals.selectors.outcome_report import report_article
from proposals.services import response as services
from proposals.services import response_approval as approval
from proposals.services.commitment import CommitmentInput, commitment_create
from proposals.services.document import document_version_import, document_version_publish
from proposals.services.follow import follow_add
from proposals.services.response import ResponseCorrection
from tests.conftest import give_totp
from tests.page_text import text_of

from .commitment_helpers import body
from .factories import ArticleIdentityFactory, ProposalFactory, import_published, publish_response

pytestmark = pytest.mark.django_db


def _lease_text(years: int) -> str:
    return (
        "# 1. Land\n## 1. Ownership {#ownership}\n1. Land belongs to the people.\n"
        "## 2. Land lease {#lease}\n"
        f"1. Land is leased for at most {years} years.\n"
    )


@pytest.fixture
def land_code(consultation):
    """Version 1 (49 years) published; version 2 (25 years) imported by staff and still a draft."""
    document = Document.objects.create(consultation=consultation, slug="land-code", title_en="Land Code")
    first = import_published(
        document=document,
        labels={"en": "Draft, edition 1"},
        sources={"en": ("v1.md", _lease_text(49))},
        imported_by=None,
    )
    second = document_version_import(
        document=document,
        labels={"en": "Draft, edition 2"},
        sources={"en": ("v2.md", _lease_text(25))},
        imported_by=None,
    )
    lease = document.identities.get(key="lease")
    return first, second, lease


def _lease_answer(consultation, lease, version, *, drafter, approver, about_lease: bool):
    proposal = ProposalFactory(consultation=consultation, title="Shorten land leases")
    if about_lease:
        proposal.articles.add(lease)
    response = publish_response(
        proposal,
        drafter=drafter,
        approver=approver,
        articles=[lease],
        version=version,
        reasoning_en="Leases are now limited to 25 years.",
    )
    return proposal, response


@pytest.fixture
def answered(consultation, land_code, commissioner, second_commissioner):
    """A proposal about the lease term, answered as changed in the still unpublished version 2."""
    _first, second, lease = land_code
    return _lease_answer(
        consultation, lease, second, drafter=commissioner, approver=second_commissioner, about_lease=True
    )


def _commit(consultation, actor, *, article, response):
    """A commitment carrying out the change of `article` that `response` adopted."""
    return commitment_create(
        consultation=consultation,
        actor=actor,
        data=CommitmentInput(
            title_kk="Міндеттеме",
            title_ru="Обязательство",
            title_en="Commitment",
            body_id=body().pk,
            measure="law",
            due_date=timezone.localdate() + timedelta(days=30),
            article_ids=(article.pk,),
            response_ids=(response.pk,),
        ),
    )


def _open_data_row(client, proposal):
    answer = client.get("/open-data/proposals.json")
    rows = json.loads(b"".join(answer.streaming_content))["results"]
    return next(row for row in rows if row["id"] == proposal.pk)


def _public(client, proposal, lease):
    """What the public reads of the answer's version on every page that shows it."""
    article_url = lease.get_absolute_url().replace("/kk/", "/en/")
    return {
        "proposal": client.get(f"/en/proposals/{proposal.pk}/").content.decode(),
        "article": client.get(article_url).content.decode(),
        "outcome": client.get(f"/en/consultations/{proposal.consultation.slug}/outcome/").content.decode(),
        "api": client.get(f"/api/v1/proposals/{proposal.pk}").json()["response"]["version"],
        "open_data": _open_data_row(client, proposal)["response_version"],
        "article_url": article_url,
    }


# --- an answer naming a draft version ----------------------------------------------------------------------


def test_answer_form_offers_the_draft_version_marked_as_not_yet_published(consultation, land_code):
    first, second, _lease = land_code
    choices = dict(ResponseForm(consultation=consultation).fields["version"].choices)
    assert choices[first.pk] == "Land Code — Draft, edition 1"
    assert choices[second.pk] == "Land Code — Draft, edition 2 (not yet published)"


def test_answer_naming_a_draft_version_names_it_publicly_only_once_it_is_published(
    client, settings, land_code, answered
):
    settings.PAGE_CACHE_SECONDS = 300
    _first, second, lease = land_code
    proposal, _response = answered
    before = _public(client, proposal, lease)
    assert "Leases are now limited to 25 years." in before["proposal"]
    assert "Draft, edition 2" not in before["proposal"]
    assert "?version=" not in before["proposal"]
    assert before["article_url"] + "#what-changed" in before["proposal"]
    assert 'id="what-changed"' not in before["article"]
    assert before["article_url"] + "#what-changed" not in before["outcome"]
    assert before["api"] is None
    assert before["open_data"] is None

    document_version_publish(version=second, actor=None)

    after = _public(client, proposal, lease)
    assert "Draft, edition 2" in after["proposal"]
    assert after["article_url"] + "?version=2#what-changed" in after["proposal"]
    section = after["article"][after["article"].index('id="what-changed"') :]
    assert "From “Draft, edition 1” to “Draft, edition 2”" in section
    assert "Shorten land leases" in section
    assert "<del><span" in section and "49" in section and "25" in section
    assert after["article_url"] + "#what-changed" in after["outcome"]
    assert after["api"] == "Draft, edition 2"
    assert after["open_data"] == 2


def test_signed_in_readers_see_the_version_once_it_is_published(
    client, settings, citizen, land_code, answered
):
    settings.PAGE_CACHE_SECONDS = 300
    _first, second, _lease = land_code
    proposal, _response = answered
    client.force_login(citizen)
    assert "Draft, edition 2" not in client.get(f"/en/proposals/{proposal.pk}/").content.decode()
    document_version_publish(version=second, actor=None)
    assert "Draft, edition 2" in client.get(f"/en/proposals/{proposal.pk}/").content.decode()


def test_a_draft_version_an_answer_names_cannot_be_discarded(land_code, answered, admin_user):
    from proposals.services.document import document_version_discard

    _first, second, _lease = land_code
    with pytest.raises(ValidationError):
        document_version_discard(version=second, actor=admin_user)


# --- correcting a published answer ------------------------------------------------------------------------


@pytest.fixture
def wrongly_answered(consultation, land_code, commissioner, second_commissioner):
    """The defect as found: the answer names version 1, the only one the form used to offer."""
    first, _second, lease = land_code
    return _lease_answer(
        consultation, lease, first, drafter=commissioner, approver=second_commissioner, about_lease=False
    )


def _correct(response, actor, version, articles=(), reason="Version 2 carries the change, not version 1."):
    return services.response_correct(
        response=response,
        actor=actor,
        data=ResponseCorrection(
            reason=reason,
            article_ids=tuple(article.pk for article in articles),
            version_id=version.pk if version else None,
        ),
    )


def test_correcting_the_version_is_logged_and_renews_the_public_pages(
    client, settings, land_code, wrongly_answered, commissioner
):
    settings.PAGE_CACHE_SECONDS = 300
    first, second, lease = land_code
    document_version_publish(version=second, actor=None)
    proposal, response = wrongly_answered
    wrong = _public(client, proposal, lease)
    assert "Draft, edition 1" in wrong["proposal"]
    assert wrong["open_data"] == 1

    _correct(response, commissioner, second, articles=[lease])

    response.refresh_from_db()
    assert response.version == second
    assert response.state == "published"
    log = ResponseTransition.objects.filter(response=response).order_by("pk").last()
    assert (log.from_state, log.to_state, log.actor) == ("published", "published", commissioner)
    assert log.note == "Version 2 carries the change, not version 1."
    entry = AuditEntry.objects.get(action="response.corrected")
    assert entry.details["version"] == {"from": first.pk, "to": second.pk}
    assert entry.details["articles"] == {"from": [lease.pk], "to": [lease.pk]}
    assert entry.details["reason"] == "Version 2 carries the change, not version 1."
    corrected = _public(client, proposal, lease)
    assert "Draft, edition 2" in corrected["proposal"]
    assert corrected["article_url"] + "?version=2#what-changed" in corrected["proposal"]
    section = corrected["article"][corrected["article"].index('id="what-changed"') :]
    assert "From “Draft, edition 1” to “Draft, edition 2”" in section
    assert corrected["api"] == "Draft, edition 2"
    assert corrected["open_data"] == 2


def test_correcting_the_articles_changes_the_public_links(
    client, settings, consultation, land_code, wrongly_answered, commissioner
):
    settings.PAGE_CACHE_SECONDS = 300
    _first, second, lease = land_code
    proposal, response = wrongly_answered
    ownership = consultation.documents.get().identities.get(key="ownership")
    assert (
        ownership.get_absolute_url().replace("/kk/", "/en/")
        not in client.get(f"/en/proposals/{proposal.pk}/").content.decode()
    )
    _correct(response, commissioner, second, articles=[lease, ownership])
    page = client.get(f"/en/proposals/{proposal.pk}/").content.decode()
    assert ownership.get_absolute_url().replace("/kk/", "/en/") + "#what-changed" in page
    assert "Draft, edition 2" not in page  # named once version 2 is published


def _published_after_a_return(consultation, lease, drafter, reviewer):
    """An answer published after its reviewer returned it once with an internal note ("Internal: cite the
    law."), which no public page, API or open data may show."""
    proposal = ProposalFactory(consultation=consultation)
    response = services.response_draft_save(
        proposal=proposal,
        author=drafter,
        data=services.ResponseInput(status="accepted", reasoning_en="Accepted.", article_ids=(lease.pk,)),
    )
    approval.response_submit(response=response, actor=drafter)
    approval.response_return(response=response, reviewer=reviewer, note="Internal: cite the law.")
    approval.response_submit(response=response, actor=drafter)
    approval.response_approve(response=response, reviewer=reviewer)
    return proposal, response


def test_the_proposal_page_shows_when_and_why_its_answer_was_corrected_but_not_the_review(
    client, consultation, land_code, commissioner, second_commissioner
):
    _first, second, lease = land_code
    proposal, response = _published_after_a_return(consultation, lease, commissioner, second_commissioner)
    page = client.get(f"/en/proposals/{proposal.pk}/").content.decode()
    assert "were corrected" not in page
    _correct(response, commissioner, second, articles=[lease])
    page = client.get(f"/en/proposals/{proposal.pk}/").content.decode()
    answer = page[page.index('id="response-heading"') :]
    assert "The articles and the version this answer names were corrected:" in answer
    assert "Version 2 carries the change, not version 1." in answer
    assert "Internal: cite the law." not in page


def test_the_api_and_open_data_give_when_and_why_an_answer_was_corrected_but_not_the_review(
    client, consultation, land_code, commissioner, second_commissioner
):
    _first, second, lease = land_code
    proposal, response = _published_after_a_return(consultation, lease, commissioner, second_commissioner)
    assert client.get(f"/api/v1/proposals/{proposal.pk}").json()["response"]["corrections"] == []
    assert _open_data_row(client, proposal)["response_corrections"] == []

    _correct(response, commissioner, second, articles=[lease])
    _correct(response, second_commissioner, None, articles=[lease], reason="No version carries it yet.")

    api = client.get(f"/api/v1/proposals/{proposal.pk}").json()["response"]["corrections"]
    assert [c["reason"] for c in api] == [
        "Version 2 carries the change, not version 1.",
        "No version carries it yet.",
    ]
    assert all(c["at"] for c in api)
    row = _open_data_row(client, proposal)["response_corrections"]
    assert [c["reason"] for c in row] == [c["reason"] for c in api]
    assert row[0]["at"].endswith("+00:00")  # UTC, as every time in the open data
    csv_text = b"".join(client.get("/open-data/proposals.csv").streaming_content).decode()
    cell = next(r for r in csv.DictReader(io.StringIO(csv_text[1:])) if r["id"] == str(proposal.pk))
    lines = cell["response_corrections"].split("\n")
    assert [line.split(" ", 1)[1] for line in lines] == [c["reason"] for c in api]
    assert lines[0].split(" ", 1)[0] == row[0]["at"]
    everything = json.dumps(api) + json.dumps(row) + csv_text
    assert "Internal: cite the law." not in everything
    package = client.get("/open-data/datapackage.json").json()
    fields = {f["name"]: f for f in package["resources"][0]["schema"]["fields"]}
    assert "Решение и его обоснование не исправляются" in fields["response_corrections"]["descriptions"]["ru"]


def test_a_correction_needs_a_reason_and_a_change(land_code, wrongly_answered, commissioner):
    first, second, lease = land_code
    _proposal, response = wrongly_answered
    with pytest.raises(ValidationError) as error:
        _correct(response, commissioner, second, articles=[lease], reason="  ")
    assert "reason" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        _correct(response, commissioner, first, articles=[lease])
    assert "version" in error.value.message_dict
    response.refresh_from_db()
    assert response.version == first
    assert not ResponseTransition.objects.filter(response=response, from_state="published").exists()
    assert not AuditEntry.objects.filter(action="response.corrected").exists()


def test_a_correction_names_only_this_consultations_articles_and_versions(
    land_code, wrongly_answered, commissioner
):
    _first, second, _lease = land_code
    _proposal, response = wrongly_answered
    elsewhere = ArticleIdentityFactory()
    with pytest.raises(ValidationError) as error:
        _correct(response, commissioner, second, articles=[elsewhere])
    assert "articles" in error.value.message_dict


def test_only_members_without_an_interest_correct_published_answers(
    consultation, land_code, wrongly_answered, citizen, moderator, commissioner, second_commissioner
):
    _first, second, _lease = land_code
    proposal, response = wrongly_answered
    for person in (citizen, moderator):
        with pytest.raises(PermissionDenied):
            _correct(response, person, second)
    proposal.author = second_commissioner
    proposal.save()
    with pytest.raises(PermissionDenied):
        _correct(response, second_commissioner, second)
    draft = services.response_draft_save(
        proposal=ProposalFactory(consultation=consultation),
        author=commissioner,
        data=services.ResponseInput(status="accepted", reasoning_kk="Иә.", reasoning_en="Yes."),
    )
    with pytest.raises(PermissionDenied):
        _correct(draft, commissioner, second)


def test_member_corrects_from_the_work_page(client, land_code, wrongly_answered, commissioner):
    _first, second, lease = land_code
    proposal, response = wrongly_answered
    give_totp(commissioner)
    client.force_login(commissioner)
    work = f"/en/staff/commission/proposals/{proposal.pk}/"
    page = client.get(work).content.decode()
    assert "Correct the articles and the version" in page
    answer = client.post(
        work + "response/correct/",
        {"articles": [lease.pk], "version": second.pk, "reason": "Version 2 carries the change."},
    )
    assert answer.status_code == 302
    response.refresh_from_db()
    assert response.version == second
    page = client.get(work).content.decode()
    assert "Corrected (Commissioner Erlan): Version 2 carries the change." in text_of(page)
    assert "Draft, edition 2 (not yet published)" in page
    refused = client.post(work + "response/correct/", {"articles": [lease.pk], "version": second.pk})
    assert refused.status_code == 400
    assert "This field is required." in refused.content.decode()


def test_the_author_and_followers_are_told_when_a_published_answer_is_corrected(
    land_code, wrongly_answered, commissioner, citizen, other_citizen, django_capture_on_commit_callbacks
):
    _first, second, lease = land_code
    proposal, response = wrongly_answered
    proposal.author = other_citizen
    proposal.save()
    citizen.preferred_language = "ru"
    citizen.save()
    follow_add(user=citizen, proposal=proposal)
    follow_add(user=commissioner, proposal=proposal)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _correct(response, commissioner, second, articles=[lease])
    told = Notification.objects.filter(kind="proposal.answer_corrected")
    assert set(told.values_list("recipient_id", flat=True)) == {citizen.pk, other_citizen.pk}
    assert told.first().url == proposal.get_absolute_url()
    to_follower = [m for m in mail.outbox if m.to == [citizen.email]]
    assert len(to_follower) == 1
    assert "Комиссия исправила" in to_follower[0].subject
    assert "Version 2 carries the change, not version 1." in to_follower[0].body


def test_a_correction_keeps_the_articles_a_commitment_carries_out(
    consultation, land_code, answered, commissioner
):
    _first, second, lease = land_code
    proposal, response = answered
    ownership = consultation.documents.get().identities.get(key="ownership")
    _commit(consultation, commissioner, article=lease, response=response)
    with pytest.raises(ValidationError) as error:
        _correct(response, commissioner, second, articles=[ownership])
    assert "articles" in error.value.message_dict
    assert list(response.articles.all()) == [lease]
    # Adding an article beside it is still a correction.
    _correct(response, commissioner, second, articles=[lease, ownership], reason="Ownership changed too.")
    assert set(response.articles.all()) == {lease, ownership}


# --- an answer naming an article new in a draft version -----------------------------------------------------


@pytest.fixture
def auctions(consultation, land_code):
    """Version 3, a draft, adds article 3 on land auctions, which no published version has."""
    document = consultation.documents.get()
    third = document_version_import(
        document=document,
        labels={"en": "Draft, edition 3"},
        sources={
            "en": (
                "v3.md",
                _lease_text(25) + "## 3. Land auctions {#auctions}\n1. Land is sold at auction.\n",
            )
        },
        imported_by=None,
    )
    return third, document.identities.get(key="auctions")


def test_answer_form_offers_an_article_new_in_a_draft_marked_as_not_yet_published(consultation, auctions):
    _third, article = auctions
    choices = dict(ResponseForm(consultation=consultation).fields["articles"].choices)
    assert choices[article.pk] == "3. Land auctions (new in “Draft, edition 3”, not yet published)"
    form = ResponseForm(
        {"status": "accepted", "reasoning_en": "Auctions added.", "articles": [str(article.pk)]},
        consultation=consultation,
    )
    assert form.is_valid(), form.errors


def test_an_article_new_in_a_draft_is_named_publicly_only_once_its_version_is_published(
    client, settings, consultation, auctions, commissioner, second_commissioner
):
    settings.PAGE_CACHE_SECONDS = 300
    third, article = auctions
    proposal, _response = _lease_answer(
        consultation, article, third, drafter=commissioner, approver=second_commissioner, about_lease=False
    )
    before = _public(client, proposal, article)
    for page in (before["proposal"], before["outcome"]):
        assert "auctions" not in page and "Land auctions" not in page and "Article 3" not in page
    assert client.get(f"/api/v1/proposals/{proposal.pk}").json()["response"]["articles"] == []
    assert _open_data_row(client, proposal)["response_articles"] == []

    document_version_publish(version=consultation.documents.get().versions.get(position=2), actor=None)
    document_version_publish(version=third, actor=None)

    after = _public(client, proposal, article)
    assert after["article_url"] + "?version=3#what-changed" in after["proposal"]
    assert after["article_url"] + "#what-changed" in after["outcome"]
    assert [
        a["key"] for a in client.get(f"/api/v1/proposals/{proposal.pk}").json()["response"]["articles"]
    ] == ["auctions"]
    assert _open_data_row(client, proposal)["response_articles"] == ["auctions"]


def test_the_answer_notice_names_the_articles_it_changed_but_not_one_still_in_a_draft(
    consultation, land_code, auctions, commissioner, second_commissioner
):
    """The chain from a proposal to the article it changed, told with the answer: in the reader's words,
    and only for an article the public can read."""
    _first, second, lease = land_code
    third, new_article = auctions
    named, _response = _lease_answer(
        consultation, lease, second, drafter=commissioner, approver=second_commissioner, about_lease=True
    )
    notice = Notification.objects.get(recipient=named.author, kind="proposal.responded_articles")
    with translation.override("kk"):
        assert "Өзгерген баптар: 2-бап." in render_message(notice.kind, notice.params)
    with translation.override("ru"):
        assert "Изменённые статьи: Статья 2." in render_message(notice.kind, notice.params)
    unpublished, _response = _lease_answer(
        consultation,
        new_article,
        third,
        drafter=commissioner,
        approver=second_commissioner,
        about_lease=False,
    )
    [plain] = Notification.objects.filter(recipient=unpublished.author, kind__startswith="proposal.responded")
    assert plain.kind == "proposal.responded" and "3" not in json.dumps(plain.params["articles"])


def test_a_commitment_cannot_carry_out_an_article_new_in_an_unpublished_draft(
    consultation, auctions, commissioner, second_commissioner
):
    third, article = auctions
    _proposal, response = _lease_answer(
        consultation, article, third, drafter=commissioner, approver=second_commissioner, about_lease=False
    )
    with pytest.raises(ValidationError) as error:
        _commit(consultation, commissioner, article=article, response=response)
    assert "articles" in error.value.message_dict


def test_a_draft_with_a_new_article_an_answer_names_cannot_be_discarded(
    consultation, auctions, commissioner, second_commissioner, admin_user
):
    from proposals.services.document import document_version_discard

    third, article = auctions
    _lease_answer(
        consultation, article, None, drafter=commissioner, approver=second_commissioner, about_lease=False
    )
    with pytest.raises(ValidationError):
        document_version_discard(version=third, actor=admin_user)
    assert third.articles.filter(identity=article).exists()


def test_the_outcome_report_lists_under_an_article_the_answers_that_changed_it(
    consultation, land_code, commissioner, second_commissioner
):
    first, _second, lease = land_code
    proposal, _response = _lease_answer(
        consultation, lease, first, drafter=commissioner, approver=second_commissioner, about_lease=False
    )
    rows = report_article(lease, language="en").proposals
    assert [(row.pk, row.reasons) for row in rows] == [(proposal.pk, "Leases are now limited to 25 years.")]


def test_an_answer_names_a_version_that_has_or_removes_each_article_it_names(
    consultation, land_code, auctions, commissioner, second_commissioner
):
    first, _second, lease = land_code
    _third, article = auctions
    proposal = ProposalFactory(consultation=consultation, language="en")
    data = {"status": "accepted", "reasoning_en": "Auctions added."}
    with pytest.raises(ValidationError) as error:
        services.response_draft_save(
            proposal=proposal,
            author=commissioner,
            data=services.ResponseInput(**data, article_ids=(article.pk, lease.pk), version_id=first.pk),
        )
    assert error.value.message_dict["articles"] == [
        "“Draft, edition 1” neither has nor removes these articles: Article auctions."
    ]
    document = consultation.documents.get()
    without_lease = document_version_import(
        document=document,
        labels={"en": "Draft, edition 4"},
        sources={
            "en": ("v4.md", "# 1. Land\n## 1. Ownership {#ownership}\n1. Land belongs to the people.\n")
        },
        imported_by=None,
    )
    response = services.response_draft_save(
        proposal=proposal,
        author=commissioner,
        data=services.ResponseInput(**data, article_ids=(lease.pk,), version_id=without_lease.pk),
    )
    assert list(response.articles.all()) == [lease]


def test_what_changed_shown_in_another_language_is_marked_with_it(client, land_code, answered):
    _first, second, lease = land_code
    document_version_publish(version=second, actor=None)
    page = client.get("/ru" + lease.get_absolute_url()[3:]).content.decode()
    section = page[page.index('id="what-changed"') :]
    assert '<div class="diff" lang="en">' in section
    assert 'class="muted other-language"' in section
