"""The proposal list's filters, as a reader on a phone or a desktop uses them: each choice refreshes the list,
the address names the filters in force (and only those), the tab's title says which list it is, and going
back shows the earlier list with the form saying what it is filtered by."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from proposals.models import Document
from tests.proposals.factories import ConsultationFactory, ProposalFactory, import_published

from .test_accessibility import axe_violations

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
    if width == 360:  # folded on a phone
        page.get_by_text("Фильтры").click()

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


PHONE = {"width": 360, "height": 740}
IN_FORCE = {"kk": "Сүзгілер (таңдалғаны: {})", "ru": "Фильтры (выбрано: {})"}


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_on_a_phone_the_filters_are_folded_and_the_first_proposal_is_in_sight(page, language):
    """At 360 px the eight filters stood a screen tall before the first proposal. Folded, the first proposal is
    on the first screen; the summary, reached and opened from the keyboard, says how many filters are in
    force, and counts again as the reader chooses (htmx refreshes the list, not the form)."""
    consultation = ConsultationFactory()
    for number in range(3):
        ProposalFactory(consultation=consultation, title=f"Proposal {number}", supports_count=number)
    page.set_viewport_size(PHONE)
    page.goto(f"/{language}/proposals/?ordering=-supports")
    summary = page.locator(".folded-filters summary")
    expect(summary).to_have_text(IN_FORCE[language].format(1))
    expect(page.locator("#id_status")).to_be_hidden()
    assert page.locator(".proposal-card [id$='-title']").first.bounding_box()["y"] < PHONE["height"]
    page.locator("#id_q").focus()
    page.keyboard.press("Tab")
    expect(summary).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#id_status")).to_be_visible()
    page.select_option("#id_status", "published")
    expect(page).to_have_url(re.compile(r"status=published"))
    expect(summary).to_have_text(IN_FORCE[language].format(2))
    page.select_option("#id_ordering", "-created")
    expect(summary).to_have_text(IN_FORCE[language].format(1))
    assert page.console_errors == []


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_on_a_desktop_the_filters_stand_open_as_before(page, language):
    ProposalFactory(consultation=ConsultationFactory(), title="Open budgets")
    page.goto(f"/{language}/proposals/?status=published")
    expect(page.locator(".folded-filters summary")).to_be_hidden()
    for field in ("#id_consultation", "#id_status", "#id_topic", "#id_ordering"):
        expect(page.locator(field)).to_be_visible()
    page.locator("#id_q").focus()
    page.keyboard.press("Tab")
    expect(page.locator("#id_consultation")).to_be_focused()


def test_the_folded_filters_work_without_javascript(browser, live_server):
    consultation = ConsultationFactory()
    ProposalFactory(consultation=consultation, title="Open budgets")
    ProposalFactory(
        consultation=consultation, title="Answered", status="responded", responded_at=timezone.now()
    )
    context = browser.new_context(base_url=live_server.url, viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    page.goto("/ru/proposals/")
    page.get_by_text("Фильтры").click()
    page.select_option("#id_status", "responded")
    page.get_by_role("button", name="Показать").click()
    expect(page).to_have_url(re.compile(r"status=responded"))
    expect(page.locator(".results-count")).to_have_text("1 предложение")
    # The answer comes folded, the first proposal in sight, and says what is in force.
    expect(page.locator(".folded-filters summary")).to_have_text(IN_FORCE["ru"].format(1))
    expect(page.locator("#id_status")).to_be_hidden()
    context.close()


@pytest.mark.parametrize("bypass_csp", [True])  # axe-core is injected into the page
def test_the_folded_filters_have_no_wcag_violations_on_a_phone(page, bypass_csp):
    ProposalFactory(consultation=ConsultationFactory(), title="Open budgets")
    page.set_viewport_size(PHONE)
    page.goto("/kk/proposals/?status=hidden&ordering=-supports")  # a refused value: open, with its error
    expect(page.locator("#id_status")).to_be_visible()
    assert axe_violations(page) == []
    page.goto("/ru/proposals/?ordering=-supports")
    assert axe_violations(page) == []
    page.get_by_text("Фильтры").click()
    assert axe_violations(page) == []
