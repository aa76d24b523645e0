"""The secretariat keeps the answer templates of each consultation (kk/ru/en) on the staff pages; Commission
members answering a proposal are offered those of its consultation and those for every consultation."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from portal.core.models import AuditEntry
from proposals.models import ProposalResponse, ResponseTemplate
from proposals.services.response_approval import response_approve
from tests.conftest import give_totp

from .factories import ConsultationFactory, ProposalFactory

pytestmark = pytest.mark.django_db

TEXTS = {
    "text_kk": "Ұсыныс консультация аясынан тыс.",
    "text_ru": "Предложение выходит за рамки консультации.",
    "text_en": "The proposal is outside the consultation.",
}


@pytest.fixture
def secretariat(client, admin_user):
    give_totp(admin_user)
    client.force_login(admin_user)
    return client


def _offered(client, proposal):
    page = client.get(reverse("commission_work", kwargs={"pk": proposal.pk}))
    return {template.name for template in page.context["response_form"].fields["template"].queryset}


def test_the_secretariat_adds_a_template_to_a_consultation_from_its_staff_page(secretariat, admin_user):
    consultation = ConsultationFactory()
    page = secretariat.get(reverse("staff_consultation", kwargs={"pk": consultation.pk})).content.decode()
    create_url = reverse("staff_answer_template_create") + f"?consultation={consultation.pk}"
    assert create_url in page.replace("&amp;", "&")
    form = secretariat.get(create_url).context["form"]
    assert form.initial["consultation"] == consultation
    answer = secretariat.post(
        create_url,
        {
            "consultation": consultation.pk,
            "name": "Out of scope",
            "status": "out_of_scope",
            "is_active": "on",
            **TEXTS,
        },
    )
    template = ResponseTemplate.objects.get(name="Out of scope")
    assert answer.url == reverse("staff_consultation", kwargs={"pk": consultation.pk}) + "#answer-templates"
    assert (template.consultation, template.status, template.text_kk) == (
        consultation,
        "out_of_scope",
        TEXTS["text_kk"],
    )
    assert AuditEntry.objects.filter(action="response_template.created", target_id=str(template.pk)).exists()
    assert "Out of scope" in secretariat.get(answer.url).content.decode()


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_a_template_without_a_language_or_a_name_is_refused_with_the_text_kept(secretariat, language):
    consultation = ConsultationFactory()
    data = {"consultation": consultation.pk, "name": " ", "is_active": "on", **TEXTS, f"text_{language}": ""}
    page = secretariat.post(reverse("staff_answer_template_create"), data)
    assert page.status_code == 400
    form = page.context["form"]
    assert "name" in form.errors and f"text_{language}" in form.errors
    other = next(code for code in ("kk", "ru", "en") if code != language)
    assert TEXTS[f"text_{other}"] in page.content.decode()
    assert not ResponseTemplate.objects.exists()


def test_a_template_without_its_english_text_is_told_why_every_language_is_needed(secretariat):
    """The form's own "This field is required" refused it without saying that proposals come in all three
    languages, so a secretariat writing in Kazakh and Russian did not know why English was asked."""
    data = {"name": "Ішінара қабылданды", "is_active": "on", **TEXTS, "text_en": ""}
    page = secretariat.post("/kk/staff/answer-templates/new/", data)
    assert page.status_code == 400
    assert page.context["form"].errors["text_en"] == [
        "Мәтінді осы тілде де жазыңыз: ұсыныстар үш тілде де келеді."
    ]
    assert page.context["form"].errors.get("name") is None
    assert not ResponseTemplate.objects.exists()


def test_two_templates_of_one_consultation_cannot_share_a_name(secretariat):
    consultation = ConsultationFactory()
    ResponseTemplate.objects.create(consultation=consultation, name="Out of scope", **TEXTS)
    page = secretariat.post(
        reverse("staff_answer_template_create"),
        {"consultation": consultation.pk, "name": "out of scope", **TEXTS},
    )
    assert page.status_code == 400 and "name" in page.context["form"].errors
    assert ResponseTemplate.objects.count() == 1


def test_commission_members_are_offered_the_templates_of_the_proposals_consultation(
    client, secretariat, commissioner
):
    first, second = ConsultationFactory(), ConsultationFactory()
    for consultation, name in ((first, "First only"), (second, "Second only"), (None, "Everywhere")):
        data = {"name": name, "is_active": "on", **TEXTS}
        if consultation:
            data["consultation"] = consultation.pk
        assert secretariat.post(reverse("staff_answer_template_create"), data).status_code == 302
    give_totp(commissioner)
    client.force_login(commissioner)
    assert _offered(client, ProposalFactory(consultation=first)) == {"First only", "Everywhere"}
    assert _offered(client, ProposalFactory(consultation=second)) == {"Second only", "Everywhere"}


def test_an_edited_template_is_audited_and_one_no_longer_offered_disappears_from_the_answer_form(
    client, admin_user, commissioner
):
    consultation = ConsultationFactory()
    template = ResponseTemplate.objects.create(consultation=consultation, name="Old", **TEXTS)
    give_totp(admin_user)
    client.force_login(admin_user)
    url = reverse("staff_answer_template_edit", kwargs={"pk": template.pk})
    assert client.get(url).context["form"].initial["text_ru"] == TEXTS["text_ru"]
    assert client.post(url, {"consultation": consultation.pk, "name": "New", **TEXTS}).status_code == 302
    template.refresh_from_db()
    assert (template.name, template.is_active) == ("New", False)
    assert AuditEntry.objects.filter(action="response_template.updated").exists()
    give_totp(commissioner)
    client.force_login(commissioner)
    assert _offered(client, ProposalFactory(consultation=consultation)) == set()


@pytest.mark.parametrize("persona", ["citizen", "moderator", "commissioner"])
def test_only_the_secretariat_manages_answer_templates(client, request, persona):
    user = request.getfixturevalue(persona)
    give_totp(user)
    client.force_login(user)
    assert client.get(reverse("staff_answer_template_list")).status_code == 403
    assert client.post(reverse("staff_answer_template_create"), {"name": "x", **TEXTS}).status_code == 403
    assert not ResponseTemplate.objects.exists()


def _template_with_blanks(status: str) -> ResponseTemplate:
    """A template whose text in each language holds a blank the member must fill in."""
    return ResponseTemplate.objects.create(
        name="Уже учтено",
        status=status,
        text_kk="Ұсыныс [[бап нөмірі]]-бапта ескерілген.",
        text_ru="Предложение уже учтено в статье [[номер статьи]].",
        text_en="The proposal is already reflected in Article [[article number]].",
    )


def test_an_answer_still_holding_a_template_blank_is_neither_sent_for_approval_nor_published(
    client, commissioner, second_commissioner, settings
):
    proposal = ProposalFactory(language="ru")
    template = _template_with_blanks("already_reflected")
    give_totp(commissioner)
    client.force_login(commissioner)
    url = reverse("commission_work", kwargs={"pk": proposal.pk})
    page = client.post(url + "response/", {"template": template.pk, "submit": "review"})
    assert page.status_code == 400
    assert "blanks to fill in: [[бап нөмірі]], [[номер статьи]], [[article number]]" in page.content.decode()
    answer = ProposalResponse.objects.get(proposal=proposal)
    assert answer.state == "draft"
    # Nor is it published where one member publishes alone.
    settings.RESPONSE_FOUR_EYES = False
    with pytest.raises(ValidationError):
        response_approve(response=answer, reviewer=second_commissioner)
    answer.refresh_from_db()
    assert answer.state == "draft"
    filled = {
        "reasoning_kk": "Ұсыныс 5-бапта ескерілген.",
        "reasoning_ru": "Предложение уже учтено в статье 5.",
        "reasoning_en": "The proposal is already reflected in Article 5.",
    }
    # The form shows the saved draft with its blanks, marked as the member's own latest save.
    assert page.context["response_form"]["reasoning_ru"].value() == template.text_ru
    seen = page.context["response_form"]["seen"].value()
    sent = client.post(
        url + "response/", {"status": "already_reflected", **filled, "seen": seen, "submit": "review"}
    )
    assert sent.status_code == 302
    answer.refresh_from_db()
    assert answer.state == "in_review"


def test_an_answer_refused_for_its_blanks_keeps_the_outcome_its_template_chose(client, commissioner):
    """Shown again with the template's text, the form read "— choose —" for the outcome the template had
    chosen and the draft kept: filling the blanks and sending it again dropped the outcome."""
    proposal = ProposalFactory(language="ru")
    template = _template_with_blanks("partially_accepted")
    give_totp(commissioner)
    client.force_login(commissioner)
    url = reverse("commission_work", kwargs={"pk": proposal.pk}) + "response/"
    page = client.post(url, {"template": template.pk, "submit": "review"})
    assert page.status_code == 400
    form = page.context["response_form"]
    assert form["status"].value() == "partially_accepted"
    assert 'value="partially_accepted" selected' in page.content.decode()
    resent = {
        "status": form["status"].value(),
        "reasoning_kk": "Ұсыныс 5-бапта ескерілген.",
        "reasoning_ru": "Предложение уже учтено в статье 5.",
        "reasoning_en": "The proposal is already reflected in Article 5.",
        "seen": form["seen"].value(),
        "submit": "review",
    }
    assert client.post(url, resent).status_code == 302
    answer = ProposalResponse.objects.get(proposal=proposal)
    assert (answer.state, answer.status) == ("in_review", "partially_accepted")
