"""The proposal list's filters, as a reader on a phone or a desktop uses them: each choice refreshes the list,
the address names the filters in force (and only those), the tab's title says which list it is, and going
back shows the earlier list with the form saying what it is filtered by."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from proposals.models import Document
from tests.proposals.factories import ConsultationFactory, ProposalFactory, import_published

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1280, 360])
def test_filters_are_in_the_address_and_title_and_survive_going_back(page, width):
    consultation = ConsultationFactory()
    ProposalFactory(consultation=consultation, title="Open budgets", supports_count=1)
    ProposalFactory(
        consultation=consultation,
        title="Answered already",
        status="responded",
        responded_at=timezone.now(),
        supports_count=5,
    )
    page.set_viewport_size({"width": width, "height": 800})
    page.goto("/ru/proposals/")
    expect(page.locator(".results-count")).to_have_text("2 предложения")

    page.select_option("#id_status", "responded")
    expect(page.locator(".results-count")).to_have_text("1 предложение")
    # Only the filters in force are in the address (the order keeps its default value).
    expect(page).to_have_url("/ru/proposals/?status=responded&ordering=-created")
    expect(page).to_have_title("Предложения · Статус: Есть ответ · Qatysu — общественные консультации")

    page.select_option("#id_ordering", "-supports")
    expect(page).to_have_url("/ru/proposals/?status=responded&ordering=-supports")
    expect(page).to_have_title(
        "Предложения · Статус: Есть ответ · Сортировка: Больше всего поддержки · "
        "Qatysu — общественные консультации"
    )

    page.go_back()
    expect(page).to_have_url("/ru/proposals/?status=responded&ordering=-created")
    expect(page.locator("#id_ordering")).to_have_value("-created")
    expect(page.locator("#id_status")).to_have_value("responded")
    expect(page.locator(".results-count")).to_have_text("1 предложение")

    page.go_back()
    expect(page.locator("#id_status")).to_have_value("")
    expect(page.locator(".results-count")).to_have_text("2 предложения")
    expect(page).to_have_title("Предложения · Qatysu — общественные консультации")
    assert page.console_errors == []


def test_choosing_a_consultation_offers_its_articles(page):
    for slug, heading in (("older", "Budgets"), ("newer", "Courts")):
        document = Document.objects.create(
            consultation=ConsultationFactory(slug=slug, title_en=slug.title()), slug="law", title_en="Law"
        )
        text = f"# 1. S\n## 1. {heading} {{#{heading.lower()}}}\n1. Text.\n"
        import_published(
            document=document, labels={"en": "First"}, sources={"en": ("en.md", text)}, imported_by=None
        )
    page.goto("/en/proposals/")
    expect(page.locator("#id_article option")).to_have_text(["Any article", "1. Courts"])
    page.select_option("#id_article", label="1. Courts")
    expect(page).to_have_url(re.compile(r"article=\d+"))
    page.select_option("#id_consultation", "older")
    expect(page).to_have_url("/en/proposals/?consultation=older&ordering=-created")
    expect(page.locator("#id_article option")).to_have_text(["Any article", "1. Budgets"])
    expect(page.locator("#id_article")).to_have_value("")
    assert page.console_errors == []
