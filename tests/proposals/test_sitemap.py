"""sitemap.xml as a search engine reads it: an index of sections on SITE_URL, every public page in kk, ru and en
with its alternates, nothing hidden, withdrawn or of a draft, pages of at most `limit` addresses read a page at
a time, and robots.txt pointing to it."""

import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse
from django.utils import translation

from proposals.views import sitemaps
from proposals.views.sitemaps import PortalSitemap

from .factories import ArticleIdentityFactory, ConsultationFactory, HearingFactory, ProposalFactory

pytestmark = pytest.mark.django_db

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"


def _xml(client, path: str) -> ET.Element:
    answer = client.get(path)
    assert answer.status_code == 200, path
    assert answer["Content-Type"].startswith("application/xml")
    return ET.fromstring(answer.content)  # noqa: S314 (the portal's own answer)


def _section(client, path: str) -> dict[str, dict[str, str]]:
    """Each address of a sitemap page → its alternates by hreflang."""
    urls = {}
    for url in _xml(client, path).findall(f"{SITEMAP}url"):
        assert url.findtext(f"{SITEMAP}lastmod")
        alternates = {link.get("hreflang"): link.get("href") for link in url.findall(f"{XHTML}link")}
        urls[url.findtext(f"{SITEMAP}loc")] = alternates
    return urls


def _index(client) -> list[str]:
    return [
        entry.findtext(f"{SITEMAP}loc") for entry in _xml(client, "/sitemap.xml").findall(f"{SITEMAP}sitemap")
    ]


def test_robots_txt_names_the_sitemap_on_the_public_address(client, settings):
    settings.SITE_URL = "https://qatysu.example.kz"
    lines = client.get("/robots.txt").content.decode().splitlines()
    assert "Sitemap: https://qatysu.example.kz/sitemap.xml" in lines


def test_index_names_every_section_on_site_url(client, settings, consultation):
    settings.SITE_URL = "https://qatysu.example.kz"
    assert _index(client) == [
        f"https://qatysu.example.kz/sitemap-{name}.xml"
        for name in ("consultations", "outcomes", "articles", "proposals", "hearings")
    ]
    assert client.get("/sitemap-nothing.xml").status_code == 404


def test_public_proposals_are_listed_in_every_language_with_alternates(client, settings, consultation):
    settings.SITE_URL = "https://qatysu.example.kz"
    shown = ProposalFactory(consultation=consultation)
    answered = ProposalFactory(consultation=consultation, status="responded")
    for status in ("hidden", "withdrawn", "draft", "rejected"):
        ProposalFactory(consultation=consultation, status=status)
    draft = ConsultationFactory(status="draft")
    ProposalFactory(consultation=draft)

    urls = _section(client, "/sitemap-proposals.xml")
    site = "https://qatysu.example.kz"
    expected = {
        f"{site}/{language}/proposals/{proposal.pk}/"
        for proposal in (shown, answered)
        for language in ("kk", "ru", "en")
    }
    assert set(urls) == expected
    assert urls[f"{site}/ru/proposals/{shown.pk}/"] == {
        "kk": f"{site}/kk/proposals/{shown.pk}/",
        "ru": f"{site}/ru/proposals/{shown.pk}/",
        "en": f"{site}/en/proposals/{shown.pk}/",
        "x-default": f"{site}/proposals/{shown.pk}/",
    }


def test_draft_consultations_and_their_hearings_stay_out(client, settings, consultation):
    settings.SITE_URL = "https://qatysu.example.kz"
    draft = ConsultationFactory(status="draft", slug="secret-draft")
    HearingFactory(consultation=draft)
    hearing = HearingFactory(consultation=consultation)
    addresses = " ".join(
        [*_section(client, "/sitemap-consultations.xml"), *_section(client, "/sitemap-outcomes.xml")]
    )
    assert f"/en/consultations/{consultation.slug}/ " in addresses + " "
    assert f"/en/consultations/{consultation.slug}/outcome/" in addresses
    assert "secret-draft" not in addresses
    assert set(_section(client, "/sitemap-hearings.xml")) == {
        f"https://qatysu.example.kz/{language}/hearings/{hearing.pk}/" for language in ("kk", "ru", "en")
    }


def test_articles_of_published_versions_only(client, draft_article):
    only_in_a_draft = ArticleIdentityFactory(document=draft_article.document, key="new-in-draft")
    addresses = " ".join(_section(client, "/sitemap-articles.xml"))
    document = draft_article.document
    assert (
        f"/en/consultations/{document.consultation.slug}/{document.slug}/articles/{draft_article.key}/"
        in addresses
    )
    assert only_in_a_draft.key not in addresses


def test_a_large_section_is_paged_and_each_page_reads_its_rows_only(
    client, consultation, monkeypatch, django_assert_max_num_queries
):
    proposals = [ProposalFactory(consultation=consultation) for _ in range(5)]
    monkeypatch.setattr(
        PortalSitemap, "limit", 4
    )  # addresses a file: 15 (5 proposals × 3 languages) → 4 pages
    pages = [address for address in _index(client) if "sitemap-proposals.xml" in address]
    assert [address.rsplit("/", 1)[1] for address in pages] == [
        "sitemap-proposals.xml",
        "sitemap-proposals.xml?p=2",
        "sitemap-proposals.xml?p=3",
        "sitemap-proposals.xml?p=4",
    ]
    listed = []
    for page in range(1, 5):
        with django_assert_max_num_queries(3):
            urls = _section(client, f"/sitemap-proposals.xml?p={page}")
        assert len(urls) <= 4
        listed += urls
    assert len(listed) == len(set(listed)) == 15
    assert {address.rsplit("/", 2)[1] for address in listed} == {str(p.pk) for p in proposals}
    assert client.get("/sitemap-proposals.xml?p=5").status_code == 404
    assert client.get("/sitemap-proposals.xml?p=two").status_code == 404


def test_a_proposal_hidden_later_leaves_the_sitemap_at_once(client, consultation):
    proposal = ProposalFactory(consultation=consultation)
    assert len(_section(client, "/sitemap-proposals.xml")) == 3
    proposal.status = "hidden"
    proposal.save(update_fields=["status"])
    assert _section(client, "/sitemap-proposals.xml") == {}


@pytest.mark.parametrize(
    ("asked", "canonical"),
    [
        ("/sitemap-proposals.xml?a=1", "/sitemap-proposals.xml"),
        ("/sitemap-proposals.xml?p=01", "/sitemap-proposals.xml?p=1"),
        ("/sitemap-proposals.xml?p=1&p=1", "/sitemap-proposals.xml?p=1"),
        ("/sitemap-hearings.xml?p=1&utm_source=x", "/sitemap-hearings.xml?p=1"),
    ],
)
def test_another_spelling_of_a_page_is_sent_to_its_address_without_writing_the_page(
    client, consultation, monkeypatch, asked, canonical
):
    """Each spelling was a page of its own to the page cache: a script adding `?a=1`, `?a=2`… had the
    whole page written afresh each time, seconds of work for a page of tens of thousands of addresses."""
    ProposalFactory(consultation=consultation)
    written = []
    monkeypatch.setattr(PortalSitemap, "location", lambda self, row: written.append(row) or "/")
    answer = client.get(asked)
    assert (answer.status_code, answer.get("Location")) == (301, canonical)
    assert written == []
    assert client.get("/sitemap-proposals.xml?p=" + "9" * 5000).status_code == 404


def test_addresses_are_reversed_once_per_language_not_once_per_row(
    client, settings, consultation, monkeypatch
):
    """A page of 5,000 addresses reversed each one five times (its own and its alternates), the most of its
    cost; the addresses built from one reversal per language are those `reverse` gives."""
    settings.SITE_URL = "https://qatysu.example.kz"
    proposals = [ProposalFactory(consultation=consultation) for _ in range(6)]
    calls = []

    def counted(*args, **kwargs):
        calls.append(args)
        return reverse(*args, **kwargs)

    monkeypatch.setattr(sitemaps, "reverse", counted)
    urls = _section(client, "/sitemap-proposals.xml")
    # One per language for the addresses; the x-default is the default language's with its prefix dropped.
    assert len([call for call in calls if call == ("proposal_detail",)]) == 3
    for proposal in proposals:
        for language in ("kk", "ru", "en"):
            with translation.override(language):
                path = reverse("proposal_detail", kwargs={"pk": proposal.pk})
            assert f"https://qatysu.example.kz{path}" in urls


def test_an_article_address_puts_each_of_its_three_arguments_in_its_place(client, settings, draft_article):
    settings.SITE_URL = "https://qatysu.example.kz"
    document = draft_article.document
    urls = _section(client, "/sitemap-articles.xml")
    for language in ("kk", "ru", "en"):
        with translation.override(language):
            path = reverse(
                "article_detail",
                kwargs={
                    "slug": document.consultation.slug,
                    "document": document.slug,
                    "key": draft_article.key,
                },
            )
        assert f"https://qatysu.example.kz{path}" in urls
