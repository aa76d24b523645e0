"""Read an article in Kazakh, switch to Russian on the same article, open the compare view."""

import re

import pytest
from playwright.sync_api import expect

from proposals.demo import seed_consultation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_read_an_article_in_kk_switch_to_ru_and_compare(page):
    seed_consultation()
    page.goto("/kk/")
    page.get_by_role("link", name=re.compile("Жобаны оқу")).click()
    page.get_by_role("link", name=re.compile(r"^30-бап\. Жергілікті бюджеттер")).click()
    page.wait_for_url(
        re.compile(r"/kk/consultations/constitutional-reform/constitution/articles/local-budgets/")
    )
    expect(page.get_by_text("Жергілікті бюджетті жергілікті кеңес бекітеді")).to_be_visible()

    page.get_by_role("navigation", name="Тіл").get_by_role("link", name="Русский").click()
    page.wait_for_url(
        re.compile(r"/ru/consultations/constitutional-reform/constitution/articles/local-budgets/")
    )
    expect(page.get_by_role("heading", name=re.compile("Статья 30. Местные бюджеты"))).to_be_visible()
    expect(page.get_by_text("Местный бюджет утверждает местный совет")).to_be_visible()

    page.goto("/ru/consultations/constitutional-reform/constitution/")
    page.get_by_role("link", name="Сравнить версии").click()
    page.wait_for_url(re.compile(r"/ru/consultations/constitutional-reform/constitution/compare/"))
    expect(page.locator("ins").first).to_be_visible()
    expect(page.locator("del").first).to_be_visible()
    expect(page.get_by_role("heading", name="Сводка изменений")).to_be_visible()
    assert page.console_errors == []


def test_a_paragraph_link_marks_its_paragraph_and_printing_leaves_out_the_sites_controls(page):
    seed_consultation()
    page.goto("/kk/consultations/constitutional-reform/constitution/articles/privacy/#p-2")
    # The paragraph reached stands out by a bar beside it, not by its tint alone.
    expect(page.locator("#p-2")).to_have_css("box-shadow", re.compile(r"rgb\(242, 182, 50\)"))
    expect(page.locator("#p-1")).to_have_css("box-shadow", "none")
    page.emulate_media(media="print")
    for control in (".site-header", ".site-footer", "#version-select", ".article-pager", "main .button"):
        expect(page.locator(control).first).to_be_hidden()
    expect(page.locator("#p-2")).to_be_visible()


def test_the_contents_number_each_article_once(page):
    seed_consultation()
    page.goto("/kk/consultations/constitutional-reform/constitution/")
    # "5-бап" is the first article of section 2: a list marker "1." before it would contradict it.
    entries = page.locator(".toc-articles").nth(1)
    expect(entries).to_have_css("list-style-type", "none")
    expect(entries.get_by_role("link").first).to_have_text(re.compile(r"^5-бап\. Заң алдындағы теңдік$"))
    # Printed, the contents still say which version they list; the controls and the download are left out.
    page.emulate_media(media="print")
    expect(page.locator("p", has_text=re.compile(r"^31 қаңтардағы жоба — "))).to_be_visible()
    expect(page.locator("main a[download]")).to_be_hidden()


def test_switching_language_keeps_the_paragraph_read(page):
    seed_consultation()
    page.goto("/kk/consultations/constitutional-reform/constitution/articles/privacy/?version=2#p-2")
    page.get_by_role("navigation", name="Тіл").get_by_role("link", name="Русский").click()
    page.wait_for_url(re.compile(r"/ru/consultations/.*/articles/privacy/\?version=2#p-2$"))
    expect(page.locator("#p-2")).to_have_css("box-shadow", re.compile(r"rgb\(242, 182, 50\)"))
