"""Consultations as first-class spaces run from the staff area: several at once, each with its own life."""

from datetime import timedelta
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from docx import Document as DocxDocument
from pypdf import PdfReader

from portal.core.formats import format_when
from portal.core.models import AuditEntry
from proposals.models import (
    Consultation,
    ConsultationStatus,
    ConsultationTransition,
    ObligationRule,
    OutcomeReport,
    Phase,
    ProposalResponse,
    ReportState,
)
from proposals.services import consultation as services
from proposals.services.moderation import moderation_act
from proposals.services.response import ResponseCorrection, response_correct
from tests.conftest import give_totp

from .factories import (
    ConsultationFactory,
    ProposalFactory,
    close_intake,
    date_parts_shown,
    publish_response,
    revised_document,
)

pytestmark = pytest.mark.django_db


def _input(slug="second", **overrides):
    now = timezone.now()
    values = {
        "slug": slug,
        "titles": {"kk": "Заңдар туралы", "ru": "О законах", "en": "On laws"},
        "descriptions": {"kk": "Сипаттама", "ru": "", "en": ""},
        "phases": (
            services.PhaseDates(
                kind="intake", starts_at=now + timedelta(days=3), ends_at=now + timedelta(days=30)
            ),
        ),
        "answer_days": 20,
        "answer_min_supports": 0,
    }
    values.update(overrides)
    return services.ConsultationInput(**values)


@pytest.fixture
def staff_client(client, admin_user):
    give_totp(admin_user)
    client.force_login(admin_user)
    return client


def test_a_second_consultation_leaves_the_first_on_the_home_page(client, admin_user):
    first = ConsultationFactory(title_en="Constitutional reform")
    second = services.consultation_create(actor=admin_user, data=_input())
    services.consultation_publish(consultation=second, actor=admin_user)
    page = client.get("/en/").content.decode()
    assert first.get_absolute_url() in page
    assert second.get_absolute_url() in page
    listing = client.get(reverse("consultation_list")).content.decode()
    assert 'id="consultations-open"' in listing and 'id="consultations-upcoming"' in listing
    assert listing.index(first.get_absolute_url()) < listing.index(second.get_absolute_url())


def test_consultation_list_counts_queries(client, django_assert_max_num_queries):
    for _ in range(5):
        ConsultationFactory()
    with django_assert_max_num_queries(8):
        assert client.get(reverse("consultation_list")).status_code == 200


def test_a_draft_consultation_is_hidden_from_the_public(client, admin_user):
    draft = services.consultation_create(actor=admin_user, data=_input())
    assert draft.status == ConsultationStatus.DRAFT
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert draft.get_absolute_url() not in client.get(reverse("consultation_list")).content.decode()


def test_write_a_proposal_asks_which_consultation_when_several_take_proposals(client, citizen):
    first, second = ConsultationFactory(title_en="First"), ConsultationFactory(title_en="Second")
    client.force_login(citizen)
    page = client.get(reverse("proposal_write")).content.decode()
    assert f"?consultation={first.slug}" in page and f"?consultation={second.slug}" in page
    assert 'name="body"' not in page
    chosen = client.get(reverse("proposal_write") + f"?consultation={second.slug}").content.decode()
    assert 'name="body"' in chosen and "Second" in chosen


def test_a_proposal_written_for_a_chosen_consultation_belongs_to_it(client, citizen):
    ConsultationFactory()
    second = ConsultationFactory()
    client.force_login(citizen)
    client.post(
        reverse("proposal_write") + f"?consultation={second.slug}",
        {"title": "Courts", "summary": "Shorter terms", "body": "Judges serve ten years.", "language": "en"},
    )
    assert citizen.proposals.get().consultation == second


def test_the_article_list_of_a_proposal_shows_one_draft_version_in_order(client, citizen):
    consultation = ConsultationFactory()
    document, _old, new, _identity = revised_document(consultation)
    client.force_login(citizen)
    form = client.get(reverse("proposal_write") + f"?consultation={consultation.slug}").context["form"]
    labels = [label for _pk, label in form.fields["articles"].choices]
    assert [label.split(".")[0] for label in labels] == ["1", "2", "3", "4", "5", "6", "7"]


def test_the_life_of_a_consultation_is_logged_and_audited(admin_user):
    consultation = services.consultation_create(actor=admin_user, data=_input())
    services.consultation_publish(consultation=consultation, actor=admin_user)
    services.consultation_intake_open(consultation=consultation, actor=admin_user)
    assert consultation.phases.get(kind="intake").state() == "current"
    services.consultation_intake_close(consultation=consultation, actor=admin_user)
    assert consultation.phases.get(kind="intake").state() == "past"
    assert consultation.phases.get(kind="review").state() == "current"
    services.consultation_outcome_publish(
        consultation=consultation,
        actor=admin_user,
        summaries={"kk": "Қорытынды", "ru": "Итог", "en": "Outcome"},
    )
    services.consultation_archive(consultation=consultation, actor=admin_user)
    actions = list(
        ConsultationTransition.objects.filter(consultation=consultation).values_list("action", flat=True)
    )
    assert actions == [
        "created",
        "published",
        "intake_opened",
        "intake_closed",
        "outcome_published",
        "archived",
    ]
    audited = set(AuditEntry.objects.filter(target_id=str(consultation.pk)).values_list("action", flat=True))
    assert {"consultation.created", "consultation.outcome_published", "consultation.archived"} <= audited
    consultation.refresh_from_db()
    assert consultation.status == ConsultationStatus.ARCHIVED and consultation.outcome_summary_ru == "Итог"
    assert ObligationRule.objects.get(consultation=consultation).days == 20


def test_a_consultation_cannot_skip_its_lifecycle(admin_user):
    consultation = services.consultation_create(actor=admin_user, data=_input())
    with pytest.raises(services.ValidationError):
        services.consultation_intake_open(consultation=consultation, actor=admin_user)
    with pytest.raises(services.ValidationError):
        services.consultation_outcome_publish(
            consultation=consultation, actor=admin_user, summaries={"kk": "a", "ru": "b", "en": "c"}
        )


def test_the_outcome_waits_for_every_answer_unless_published_knowingly(staff_client, admin_user):
    """Every proposal is owed a reasoned public answer: publishing the outcome while some have none is refused
    until the member confirms it; the page says how many are waiting and leads to the Commission queue."""
    consultation = ConsultationFactory()
    ProposalFactory(consultation=consultation, status="published")
    ProposalFactory(consultation=consultation, status="under_review")
    ProposalFactory(consultation=consultation, status="responded")
    close_intake(consultation)
    summaries = {"summary_kk": "Қорытынды", "summary_ru": "Итог", "summary_en": "Outcome"}
    url = reverse("staff_consultation_outcome_publish", kwargs={"pk": consultation.pk})
    page = staff_client.get(reverse("staff_consultation", kwargs={"pk": consultation.pk})).content.decode()
    assert "2 published proposals have no public answer yet." in page
    assert f"?consultation={consultation.slug}" in page

    refused = staff_client.post(url, summaries)
    assert refused.status_code == 400
    assert "2 published proposals have no public answer yet." in refused.content.decode()
    consultation.refresh_from_db()
    assert consultation.status == ConsultationStatus.PUBLISHED

    staff_client.post(url, {**summaries, "despite_unanswered": "on"})
    consultation.refresh_from_db()
    assert consultation.status == ConsultationStatus.OUTCOME_PUBLISHED


def test_only_administrators_run_consultations(commissioner):
    with pytest.raises(services.PermissionDenied):
        services.consultation_create(actor=commissioner, data=_input())


def test_staff_create_a_consultation_and_its_document_from_the_staff_area(staff_client):
    now = timezone.localtime()
    response = staff_client.post(
        reverse("staff_consultation_create"),
        {
            "slug": "laws",
            "title_kk": "Заңдар",
            "title_ru": "Законы",
            "intake_starts": (now + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
            "intake_ends": (now + timedelta(days=20)).strftime("%Y-%m-%dT%H:%M"),
            "answer_days": "15",
            "accepted_identity_levels": ["signature", "national_sign_in", "staff"],
        },
    )
    consultation = Consultation.objects.get(slug="laws")
    assert consultation.accepted_identity_levels == ["signature", "national_sign_in", "staff"]
    assert response.url == reverse("staff_consultation", kwargs={"pk": consultation.pk})
    assert consultation.phases.get(kind=Phase.Kind.INTAKE).state() == "upcoming"
    response = staff_client.post(
        reverse("staff_consultation_document_create", kwargs={"pk": consultation.pk}),
        {"document-slug": "draft-law", "document-title_kk": "Заң жобасы"},
    )
    document = consultation.documents.get()
    assert response.url == reverse("staff_document_import", kwargs={"pk": document.pk})
    staff_client.post(reverse("staff_consultation_publish", kwargs={"pk": consultation.pk}))
    # The form that opens the intake starts from the end planned at creation.
    planned_end = (now + timedelta(days=20)).strftime("%Y-%m-%dT%H:%M")
    page = staff_client.get(reverse("staff_consultation", kwargs={"pk": consultation.pk})).content.decode()
    assert date_parts_shown(page, "ends_at", planned_end)
    staff_client.post(
        reverse("staff_consultation_intake_open", kwargs={"pk": consultation.pk}), {"ends_at": ""}
    )
    consultation.refresh_from_db()
    assert consultation.status == ConsultationStatus.PUBLISHED
    assert consultation.phases.get(kind=Phase.Kind.INTAKE).state() == "current"


def _answered_consultation(admin_user, commissioner, second_commissioner):
    consultation = ConsultationFactory(title_en="Reform")
    _document, _old, new, identity = revised_document(consultation)
    proposal = ProposalFactory(consultation=consultation, title="Review arrests", language="en")
    proposal.articles.set([identity])
    publish_response(
        proposal,
        drafter=commissioner,
        approver=second_commissioner,
        articles=[identity],
        version=new,
        reasoning_en="Arrests are now reviewed by a court within 48 hours.",
    )
    close_intake(consultation)
    services.consultation_outcome_publish(
        consultation=consultation,
        actor=admin_user,
        summaries={"kk": "Қорытынды", "ru": "Итог", "en": "Outcome"},
    )
    return consultation


def test_the_outcome_report_downloads_as_pdf_and_docx_with_wording_and_reasons(
    client, admin_user, commissioner, second_commissioner, django_capture_on_commit_callbacks
):
    consultation = _answered_consultation(admin_user, commissioner, second_commissioner)
    outcome = client.get(reverse("consultation_outcome", kwargs={"slug": consultation.slug})).content.decode()
    pdf_url = reverse("consultation_outcome_report_pdf", kwargs={"slug": consultation.slug})
    docx_url = reverse("consultation_outcome_report_docx", kwargs={"slug": consultation.slug})
    assert pdf_url in outcome and docx_url in outcome
    with django_capture_on_commit_callbacks(execute=True):
        first = client.get(pdf_url)
    assert first.status_code == 202  # the build was queued; the page shows its progress
    pdf = client.get(pdf_url)
    assert pdf["Content-Type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(BytesIO(b"".join(pdf.streaming_content))).pages)
    assert "A court reviews every arrest within 48 hours." in " ".join(text.split())
    assert "Arrests are now reviewed by a court within 48 hours." in " ".join(text.split())
    with django_capture_on_commit_callbacks(execute=True):
        client.get(docx_url)
    docx = DocxDocument(BytesIO(b"".join(client.get(docx_url).streaming_content)))
    cells = [cell.text for table in docx.tables for row in table.rows for cell in row.cells]
    assert any("A court reviews every arrest within 48 hours." in cell for cell in cells)
    assert "Arrests are now reviewed by a court within 48 hours." in cells


def test_the_outcome_report_is_rebuilt_when_an_answer_changes_it(
    client, admin_user, commissioner, second_commissioner, django_capture_on_commit_callbacks
):
    consultation = _answered_consultation(admin_user, commissioner, second_commissioner)
    url = reverse("consultation_outcome_report_pdf", kwargs={"slug": consultation.slug})
    with django_capture_on_commit_callbacks(execute=True):
        client.get(url)
    assert client.get(url).status_code == 200
    later = ProposalFactory(consultation=consultation, language="en")
    publish_response(later, drafter=commissioner, approver=second_commissioner, reasoning_en="Later answer.")
    with django_capture_on_commit_callbacks(execute=True):
        assert client.get(url).status_code == 202
    report = OutcomeReport.objects.get(consultation=consultation, file_format="pdf")
    assert report.state == ReportState.READY and report.done == report.total == 7


def test_the_outcome_report_waits_for_the_outcome(client, consultation):
    url = reverse("consultation_outcome_report_docx", kwargs={"slug": consultation.slug})
    assert client.get(url).status_code == 404


def test_a_large_report_shows_its_progress_while_it_is_written(
    client, admin_user, commissioner, second_commissioner
):
    consultation = _answered_consultation(admin_user, commissioner, second_commissioner)
    OutcomeReport.objects.create(
        consultation=consultation,
        language="en",
        file_format="pdf",
        state=ReportState.RUNNING,
        done=10,
        total=40,
    )
    response = client.get(reverse("consultation_outcome_report_pdf", kwargs={"slug": consultation.slug}))
    assert response.status_code == 202
    page = response.content.decode()
    assert "The report is being written: 10 of 40 articles." in page
    assert 'value="25"' in page and 'http-equiv="refresh"' in page
    # Queued, before the worker counted the articles: not "0 of 0 articles".
    with translation.override("kk"):
        url = reverse("consultation_outcome_report_pdf", kwargs={"slug": consultation.slug})
    OutcomeReport.objects.create(consultation=consultation, language="kk", file_format="pdf")
    page = client.get(url).content.decode()
    assert "Есеп жасалу кезегін күтіп тұр." in page and "0 баптың 0" not in page


def test_the_staff_page_of_a_consultation_counts_its_queries(staff_client, django_assert_max_num_queries):
    consultation = ConsultationFactory()
    revised_document(consultation)
    with django_assert_max_num_queries(25):
        response = staff_client.get(reverse("staff_consultation", kwargs={"pk": consultation.pk}))
    assert response.status_code == 200


def test_the_proposals_of_one_consultation_are_listed_from_its_page(client):
    first, second = ConsultationFactory(), ConsultationFactory()
    mine = ProposalFactory(consultation=second, title="On local councils")
    ProposalFactory(consultation=first, title="On the constitution")
    page = client.get(second.get_absolute_url()).content.decode()
    url = reverse("proposal_list") + f"?consultation={second.slug}"
    assert url in page
    listed = client.get(url).content.decode()
    assert mine.title in listed and "On the constitution" not in listed


def test_a_first_answer_obligation_is_optional_and_between_one_day_and_ten_years(admin_user):
    without = services.consultation_create(actor=admin_user, data=_input(slug="without", answer_days=None))
    assert not ObligationRule.objects.filter(consultation=without).exists()
    for days in (0, 3651):
        with pytest.raises(services.ValidationError) as refused:
            services.consultation_create(actor=admin_user, data=_input(slug=f"days-{days}", answer_days=days))
        assert "answer_days" in refused.value.message_dict
    longest = services.consultation_create(actor=admin_user, data=_input(slug="longest", answer_days=3650))
    assert ObligationRule.objects.get(consultation=longest).days == 3650


def test_an_intake_opened_without_an_end_or_a_planned_one_runs_thirty_days(admin_user):
    consultation = services.consultation_create(actor=admin_user, data=_input(phases=()))
    services.consultation_publish(consultation=consultation, actor=admin_user)
    now = timezone.now()
    services.consultation_intake_open(consultation=consultation, actor=admin_user, now=now)
    intake = consultation.phases.get(kind="intake")
    assert (intake.starts_at, intake.ends_at) == (now, now + timedelta(days=30))


def test_the_first_obligation_is_named_in_every_language_whoever_creates_it(staff_client, admin_user):
    with translation.override("kk"):
        consultation = services.consultation_create(actor=admin_user, data=_input(answer_days=30))
    rule = ObligationRule.objects.get(consultation=consultation)
    assert (rule.name_kk, rule.name_ru, rule.name_en) == (
        "30 күн ішінде жауап беру",
        "Ответ в течение 30 дней",
        "Answer within 30 days",
    )
    page = staff_client.get(f"/ru/staff/consultations/{consultation.pk}/").content.decode()
    assert '<span lang="ru">Ответ в течение 30 дней</span>' in page
    assert "күн ішінде" not in page


def test_the_outcome_report_is_rebuilt_when_a_published_answer_is_corrected(
    client, admin_user, commissioner, second_commissioner, django_capture_on_commit_callbacks
):
    consultation = _answered_consultation(admin_user, commissioner, second_commissioner)
    url = reverse("consultation_outcome_report_pdf", kwargs={"slug": consultation.slug})
    with django_capture_on_commit_callbacks(execute=True):
        client.get(url)
    assert client.get(url).status_code == 200
    response = ProposalResponse.objects.get(proposal__consultation=consultation)
    response_correct(
        response=response,
        actor=commissioner,
        data=ResponseCorrection(reason="No version carries it.", article_ids=(), version_id=None),
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert client.get(url).status_code == 202


def test_the_outcome_report_drops_a_proposal_hidden_after_it_was_built(
    client, admin_user, commissioner, second_commissioner, moderator, django_capture_on_commit_callbacks
):
    """Moderation hides a published proposal after the report was written: the file given out next must not
    carry its title and summary, which every public page now withholds."""
    consultation = _answered_consultation(admin_user, commissioner, second_commissioner)
    identity = consultation.proposals.get(title="Review arrests").articles.get()
    unanswered = ProposalFactory(consultation=consultation, title="Close the registry", language="en")
    unanswered.articles.set([identity])
    url = reverse("consultation_outcome_report_docx", kwargs={"slug": consultation.slug})
    with django_capture_on_commit_callbacks(execute=True):
        client.get(url)

    def cells():
        docx = DocxDocument(BytesIO(b"".join(client.get(url).streaming_content)))
        return " ".join(cell.text for table in docx.tables for row in table.rows for cell in row.cells)

    assert "Close the registry" in cells()
    moderation_act(
        moderator=moderator,
        proposal=unanswered,
        decision="hide",
        reason_code="personal_data",
        statement="It names a private person who is not in public office.",
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert client.get(url).status_code == 202
    assert "Close the registry" not in cells()
    assert "Review arrests" in cells()


def test_the_outcome_is_not_published_during_the_intake_unless_the_member_ends_it_knowingly(staff_client):
    """Publishing the outcome cannot be taken back and ends the intake: one click on a half-filled page cut an
    intake announced until the end of January to the day it was pressed."""
    consultation = ConsultationFactory()
    ends_at = consultation.phases.get(kind="intake").ends_at
    summaries = {"summary_kk": "Қорытынды", "summary_ru": "Итог", "summary_en": "Outcome"}
    url = reverse("staff_consultation_outcome_publish", kwargs={"pk": consultation.pk})
    page_url = reverse("staff_consultation", kwargs={"pk": consultation.pk}).replace("/en/", "/kk/")
    assert 'name="despite_open_intake"' in staff_client.get(page_url).content.decode()

    refused = staff_client.post(url.replace("/en/", "/kk/"), summaries)
    assert refused.status_code == 400
    with translation.override("kk"):
        until = format_when(ends_at)
    assert f"Ұсыныстар {until} дейін қабылданады." in refused.content.decode()
    consultation.refresh_from_db()
    assert consultation.status == ConsultationStatus.PUBLISHED
    assert consultation.phases.get(kind="intake").ends_at == ends_at

    staff_client.post(url, {**summaries, "despite_open_intake": "on"})
    consultation.refresh_from_db()
    assert consultation.status == ConsultationStatus.OUTCOME_PUBLISHED
    assert consultation.phases.get(kind="intake").ends_at < ends_at


def test_an_outcome_without_its_english_summary_is_told_why_each_language_is_asked(staff_client):
    """The form's own "This field is required" stood beside the English summary without saying why a
    secretariat writing in Kazakh and Russian must write it."""
    consultation = ConsultationFactory()
    close_intake(consultation)
    url = reverse("staff_consultation_outcome_publish", kwargs={"pk": consultation.pk}).replace(
        "/en/", "/kk/"
    )
    refused = staff_client.post(url, {"summary_kk": "Қорытынды", "summary_ru": "Итог", "summary_en": " "})
    assert refused.status_code == 400
    assert refused.context["outcome_form"].errors["summary_en"] == [
        "Қысқаша мазмұнын осы тілде де жазыңыз: қорытынды беті мен оның есебі қазақ, орыс және ағылшын "
        "тілдерінде жарияланады."
    ]
    assert "Қорытынды" in refused.content.decode()
    consultation.refresh_from_db()
    assert consultation.status == ConsultationStatus.PUBLISHED


def test_the_outcome_form_asks_about_the_intake_only_while_it_is_open(staff_client):
    consultation = ConsultationFactory()
    close_intake(consultation)
    page = staff_client.get(reverse("staff_consultation", kwargs={"pk": consultation.pk})).content.decode()
    assert 'name="despite_unanswered"' in page and 'name="despite_open_intake"' not in page
