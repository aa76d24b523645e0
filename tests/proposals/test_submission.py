"""Writing a proposal: the steps, the errors beside the fields, and nothing typed lost."""

import dataclasses

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from proposals.models import Proposal, ProposalTransition
from proposals.services.comment import comment_create
from proposals.services.proposal import ProposalInput, proposal_draft_save, proposal_submit
from tests.conftest import give_totp
from tests.factories import OrganisationFactory

from .factories import ProposalFactory, close_intake

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _data(**overrides):
    data = {
        "title": "Local budgets approved by local councils",
        "summary": "Councils, not akimats, should approve local budgets.",
        "body": "Article 5 should say that **local councils** approve budgets.\n\n- transparency\n- accountability",
        "language": "en",
    }
    data.update(overrides)
    return data


def test_write_compare_preview_submit_and_publish(
    client, citizen, consultation, draft_article, django_capture_on_commit_callbacks
):
    article = draft_article
    client.force_login(citizen)
    response = client.post("/en/proposals/new/", _data(articles=[article.pk]))
    proposal = Proposal.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/en/proposals/{proposal.pk}/compare/"
    assert proposal.status == "draft"
    assert list(proposal.articles.all()) == [article]
    assert "<strong>local councils</strong>" in proposal.body_html

    assert client.get(f"/en/proposals/{proposal.pk}/compare/").status_code == 200
    preview = client.get(f"/en/proposals/{proposal.pk}/preview/")
    assert b"Submit the proposal" in preview.content

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/en/proposals/{proposal.pk}/submit/")
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == "published"  # clean text, auto-publish policy
    assert list(ProposalTransition.objects.filter(proposal=proposal).values_list("to_status", flat=True)) == [
        "submitted",
        "published",
    ]
    assert proposal.follows.filter(user=citizen).exists()


def test_compare_step_shows_similar_published_proposals(client, citizen, consultation):
    ProposalFactory(
        consultation=consultation,
        title="Local councils must approve local budgets",
        summary="Councils should approve budgets, not akimats.",
        body="Budgets approved by local councils bring transparency and accountability.",
    )
    client.force_login(citizen)
    client.post("/en/proposals/new/", _data())
    draft = Proposal.objects.get(status="draft")
    response = client.get(f"/en/proposals/{draft.pk}/compare/")
    assert b"Local councils must approve local budgets" in response.content
    assert b"Support this one instead" in response.content


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"body": "x" * 10_001}, "body", "at most 10000 characters; it has 10001"),
        ({"title": ""}, "title", "required"),
        ({"title": "t" * 151}, "title", "at most 150"),
        ({"language": "de"}, "language", "valid choice"),
    ],
)
def test_bad_input_is_explained_beside_the_field_and_the_text_is_kept(
    client, citizen, consultation, overrides, field, message
):
    client.force_login(citizen)
    response = client.post("/en/proposals/new/", _data(**overrides))
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert not Proposal.objects.exists()
    kept = _data(**overrides)["summary"]
    assert kept in response.content.decode()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("renamed.pdf", b"MZ\x90\x00 executable", "is not a PDF file"),
        ("big.pdf", b"%PDF-1.4\n" + b"0" * (11 * 1024 * 1024) + b"\n%%EOF\n", "larger than 10 MB"),
    ],
)
def test_bad_attachments_are_refused_with_a_message(client, citizen, consultation, name, content, message):
    client.force_login(citizen)
    response = client.post(
        "/en/proposals/new/", {**_data(), "attachments": SimpleUploadedFile(name, content)}
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Proposal.objects.filter(attachments__isnull=False).exists()


def test_a_file_chosen_with_an_error_elsewhere_is_asked_for_again(client, citizen, consultation):
    """The browser does not send the file back with the page: the person is told, not left to find out."""
    client.force_login(citizen)
    response = client.post(
        "/ru/proposals/new/", {**_data(summary=""), "attachments": SimpleUploadedFile("plan.pdf", PDF)}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Выберите файл снова" in page
    assert not Proposal.objects.exists()
    # Without a file there is nothing to choose again.
    page = client.post("/ru/proposals/new/", _data(summary="")).content.decode()
    assert "Выберите файл снова" not in page


def test_pdf_attachment_is_stored_and_served_as_a_download(client, citizen, consultation):
    client.force_login(citizen)
    client.post("/en/proposals/new/", {**_data(), "attachments": SimpleUploadedFile("<b>plan</b>.pdf", PDF)})
    attachment = Proposal.objects.get().attachments.get()
    # Everything up to the last slash counts as a path ("<b>plan</" goes), the markup left becomes nothing.
    assert attachment.original_name == "b.pdf"
    response = client.get(f"/en/attachments/{attachment.pk}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content) == PDF


def test_draft_attachments_are_private(client, citizen, other_citizen, consultation):
    client.force_login(citizen)
    client.post("/en/proposals/new/", {**_data(), "attachments": SimpleUploadedFile("plan.pdf", PDF)})
    attachment = Proposal.objects.get().attachments.get()
    client.force_login(other_citizen)
    assert client.get(f"/en/attachments/{attachment.pk}/").status_code == 404
    client.logout()
    assert client.get(f"/en/attachments/{attachment.pk}/").status_code == 404


def test_script_tags_in_title_and_body_are_escaped(
    client, citizen, consultation, django_capture_on_commit_callbacks
):
    client.force_login(citizen)
    client.post(
        "/en/proposals/new/", _data(title="<script>alert(1)</script>", body="<script>alert(2)</script> ok")
    )
    proposal = Proposal.objects.get()
    page = client.get(f"/en/proposals/{proposal.pk}/").content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert(2)</script>" not in page


def test_closed_intake_says_when_it_closed(client, citizen, consultation):
    close_intake(consultation)
    client.force_login(citizen)
    response = client.post("/en/proposals/new/", _data())
    assert "Proposal intake closed on" in response.content.decode()
    assert not Proposal.objects.exists()


def test_author_edits_until_publication_only(client, citizen, consultation):
    client.force_login(citizen)
    client.post("/en/proposals/new/", _data())
    proposal = Proposal.objects.get()
    response = client.post(f"/en/proposals/{proposal.pk}/edit/", _data(title="Better title"))
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.title == "Better title"
    Proposal.objects.filter(pk=proposal.pk).update(status="published")
    client.post(f"/en/proposals/{proposal.pk}/edit/", _data(title="Sneaky change"))
    proposal.refresh_from_db()
    assert proposal.title == "Better title"


def test_nobody_else_edits_or_submits_a_draft(client, citizen, other_citizen, consultation):
    client.force_login(citizen)
    client.post("/en/proposals/new/", _data())
    proposal = Proposal.objects.get()
    client.force_login(other_citizen)
    assert client.get(f"/en/proposals/{proposal.pk}/edit/").status_code == 404
    assert client.post(f"/en/proposals/{proposal.pk}/submit/").status_code == 404
    assert client.get(f"/en/proposals/{proposal.pk}/").status_code == 404  # drafts are private
    client.logout()
    assert client.get(f"/en/proposals/{proposal.pk}/").status_code == 404
    assert client.post(f"/en/proposals/{proposal.pk}/submit/").status_code == 302  # to login


def test_withdraw_needs_a_reason_and_is_logged(client, published):
    client.force_login(published.author)
    # The reason is public; the form says so before the author writes it.
    form = client.get(f"/ru/proposals/{published.pk}/").content.decode()
    form = form[form.index(f'action="/ru/proposals/{published.pk}/withdraw/"') :]
    assert (
        "Ваш ответ увидят все на странице предложения, вместе с его историей."
        in form[: form.index("</form>")]
    )
    client.post(f"/en/proposals/{published.pk}/withdraw/", {"reason": ""})
    published.refresh_from_db()
    assert published.status == "published"
    client.post(f"/en/proposals/{published.pk}/withdraw/", {"reason": "Covered by another proposal."})
    published.refresh_from_db()
    assert published.status == "withdrawn"
    assert published.withdrawal_reason == "Covered by another proposal."
    page = client.get(f"/en/proposals/{published.pk}/").content.decode()
    assert "Covered by another proposal." in page


def test_a_withdrawn_proposal_keeps_its_page_but_not_its_text_for_others(client, published, moderator):
    """The privacy notice: what a person withdraws while intake is open does not stay published. The page
    still says what happened and why, by link; the text, its files and the thread stay with its author and
    the moderators."""
    published.title, published.summary = "Budget councils", "Only the author keeps this text."
    published.save()
    client.force_login(published.author)
    client.post(f"/en/proposals/{published.pk}/withdraw/", {"reason": "Covered by another proposal."})
    assert "Only the author keeps this text." in client.get(f"/en/proposals/{published.pk}/").content.decode()
    client.logout()
    for language, heading in (("en", "Withdrawn by its author"), ("ru", "Отозвано автором")):
        page = client.get(f"/{language}/proposals/{published.pk}/").content.decode()
        assert heading in page and "Covered by another proposal." in page
        assert "Only the author keeps this text." not in page and "Budget councils" not in page
    assert client.get(f"/api/v1/proposals/{published.pk}").status_code == 404
    give_totp(moderator)
    client.force_login(moderator)
    assert "Only the author keeps this text." in client.get(f"/en/proposals/{published.pk}/").content.decode()


def test_submitting_for_an_organisation_needs_a_delegation(client, citizen, consultation):
    from portal.accounts import services as account_services

    organisation = account_services.organisation_register(name="Lawyers", kind="ngo", registered_by=citizen)
    client.force_login(citizen)
    response = client.post("/en/proposals/new/", _data(organisation=organisation.pk))
    assert response.status_code == 200  # unverified: not offered
    account_services.organisation_verify(organisation=organisation, verified_by=None)
    response = client.post("/en/proposals/new/", _data(organisation=organisation.pk))
    assert response.status_code == 302
    assert Proposal.objects.get().submitter_type == "organisation"


def test_a_draft_for_an_organisation_is_not_submitted_after_the_delegation_is_taken_back(
    citizen, other_citizen, consultation
):
    from portal.accounts import services as account_services

    organisation = account_services.organisation_register(name="Lawyers", kind="ngo", registered_by=citizen)
    account_services.organisation_verify(organisation=organisation, verified_by=None)
    account_services.organisation_add_member(
        organisation=organisation, user=other_citizen, added_by=citizen, can_act_on_behalf=True
    )
    draft = proposal_draft_save(
        author=other_citizen,
        consultation=consultation,
        data=ProposalInput(**_data(), organisation_id=organisation.pk),
    )
    account_services.organisation_add_member(
        organisation=organisation, user=other_citizen, added_by=citizen, can_act_on_behalf=False
    )
    with pytest.raises(PermissionDenied):
        proposal_submit(proposal=draft, author=other_citizen)
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_compare_step_flags_a_language_that_does_not_match_the_text(client, citizen, consultation):
    client.force_login(citizen)
    client.post("/en/proposals/new/", _data(body="Жергілікті бюджетті кеңес бекітуі керек.", language="ru"))
    draft = Proposal.objects.get()
    page = client.get(f"/en/proposals/{draft.pk}/compare/").content.decode()
    assert "looks like it is written in Қазақша" in page


def test_control_characters_never_reach_the_stored_text(consultation, citizen, published):
    draft = proposal_draft_save(
        author=citizen,
        consultation=consultation,
        data=ProposalInput(
            title="Құқық\x01тары",
            summary="Қысқаша\x0b мазмұн",
            body="Бірінші\r\nекінші\x7f жол",
            language="kk",
        ),
    )
    assert (draft.title, draft.summary, draft.body) == ("Құқықтары", "Қысқаша мазмұн", "Бірінші\nекінші жол")
    comment = comment_create(author=citizen, proposal=published, body="Пікір\x08 бар")
    assert comment.body == "Пікір бар"


def test_the_longest_texts_allowed_are_kept_and_one_character_more_is_refused(
    citizen, consultation, settings
):
    """Called directly, as the API and the import do: the form's own `maxlength` is not there to help."""
    settings.PROPOSAL_BODY_MAX_LENGTH = 40
    longest = ProposalInput(title="t" * 150, summary="s" * 600, body="b" * 40, language="en")
    draft = proposal_draft_save(author=citizen, consultation=consultation, data=longest)
    assert (len(draft.title), len(draft.summary), len(draft.body)) == (150, 600, 40)
    for field, value in (("title", "t" * 151), ("summary", "s" * 601), ("body", "b" * 41)):
        with pytest.raises(ValidationError) as refused:
            proposal_draft_save(
                author=citizen, consultation=consultation, data=dataclasses.replace(longest, **{field: value})
            )
        assert list(refused.value.message_dict) == [field]


def test_a_proposal_in_the_name_of_an_organisation_the_author_does_not_represent_is_refused(
    citizen, consultation
):
    """Neither an organisation that exists but has not delegated to the author nor one that does not exist."""
    stranger = OrganisationFactory(verified_at=timezone.now())
    for organisation_id in (stranger.pk, stranger.pk + 1000):
        data = ProposalInput(
            title="Open budgets", summary="Publish budgets.", body="Publish them.", language="en",
            organisation_id=organisation_id,
        )  # fmt: skip
        with pytest.raises(ValidationError) as refused:
            proposal_draft_save(author=citizen, consultation=consultation, data=data)
        assert list(refused.value.message_dict) == ["organisation"]
    assert not Proposal.objects.exists()
