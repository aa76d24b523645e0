"""Staff forms as the secretariat and the Commission read them: clear choices and labels in kk and ru."""

import pytest
from django.utils import translation

from portal.accounts import services as account_services
from portal.core.roles import Role
from proposals.forms import AssignForm
from proposals.forms_staff import (
    ConsultationForm,
    HearingOutcomeForm,
    ObligationForm,
    ResponseTemplateForm,
    TopicForm,
    texts_by_language,
)
from proposals.services.obligation import ObligationInput
from proposals.services.response_template import ResponseTemplateInput
from tests.factories import UserFactory
from tests.proposals.factories import ConsultationFactory

pytestmark = pytest.mark.django_db


def test_assign_form_tells_apart_members_of_the_same_name_without_emails():
    first, second = (UserFactory(display_name="Aigerim", email=f"aigerim{n}@example.test") for n in (1, 2))
    for member in (first, second):
        account_services.user_grant_role(user=member, role=Role.COMMISSION, granted_by=None)
    with translation.override("ru"):
        html = str(AssignForm()["assignee"])
    assert f"Aigerim (#{first.pk})" in html and f"Aigerim (#{second.pk})" in html
    assert "Выберите участника" in html and "---------" not in html
    assert "@example.test" not in html


@pytest.mark.parametrize(
    ("language", "labels"),
    [
        ("kk", ("Тақырыбы (қазақша)", "Модерация саясаты")),
        ("ru", ("Заголовок (на русском)", "Политика модерации")),
    ],
)
def test_staff_form_labels_start_with_a_capital_letter(language, labels):
    with translation.override(language):
        html = str(ConsultationForm())
        minutes = str(HearingOutcomeForm()["minutes_ru"].label_tag())
    for label in labels:
        assert label in html
    assert {"kk": "Хаттама (орысша)", "ru": "Протокол (на русском)"}[language] in minutes


def test_the_default_moderation_policy_names_the_policy_not_an_environment_variable(settings):
    settings.PORTAL_MODERATION_POLICY = "review_all"
    with translation.override("ru"):
        html = str(ConsultationForm()["moderation_policy"])
    assert "PORTAL_MODERATION_POLICY" not in html
    assert "По умолчанию для сайта: " in html


def test_texts_by_language_reads_one_field_per_language_in_the_site_order():
    data = {"name_en": "Roads", "name_kk": "Жолдар", "name_ru": "Дороги", "slug": "roads"}
    texts = texts_by_language(data, "name")
    assert texts == {"kk": "Жолдар", "ru": "Дороги", "en": "Roads"}
    assert list(texts) == ["kk", "ru", "en"]


def test_a_list_form_hands_its_names_to_the_service_by_language():
    form = TopicForm({"slug": "roads", "name_kk": "Жолдар", "name_ru": "", "name_en": "Roads", "position": 2})
    assert form.is_valid(), form.errors
    assert form.to_input().names == {"kk": "Жолдар", "ru": "", "en": "Roads"}


def test_a_list_form_hands_every_field_to_its_service_input_by_name():
    consultation = ConsultationFactory()
    form = ObligationForm(
        {
            "consultation": consultation.pk,
            "name_kk": "30 күн",
            "name_ru": "30 дней",
            "name_en": "",
            "days": 30,
            "min_supports": 5,
            "is_active": "",
        }
    )
    assert form.is_valid(), form.errors
    assert form.to_input() == ObligationInput(
        names={"kk": "30 күн", "ru": "30 дней", "en": ""},
        days=30,
        min_supports=5,
        is_active=False,
        consultation=consultation,
    )


def test_an_answer_template_form_hands_its_texts_by_language():
    form = ResponseTemplateForm(
        {"name": "Out of scope", "status": "out_of_scope", "text_kk": "Қ", "text_ru": "Р", "text_en": "E"}
    )
    assert form.is_valid(), form.errors
    assert form.to_input() == ResponseTemplateInput(
        name="Out of scope",
        texts={"kk": "Қ", "ru": "Р", "en": "E"},
        status="out_of_scope",
        is_active=False,
        consultation=None,
    )
