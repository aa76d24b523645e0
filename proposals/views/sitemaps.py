"""sitemap.xml for search engines (Yandex, Google): an index of sections, each page of a section at most
`limit` addresses, every address with its Kazakh, Russian and English alternates (hreflang).

Django's sitemaps read every item to page them in every language; here a page reads only its own rows (one
query, plus one to count), so 100,000 proposals cost what one page of them does. Addresses are built on
SITE_URL, as links in open data and emails are, whatever host the request named."""

import functools
from collections.abc import Callable
from functools import partial
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import SitemapIndexItem, x_robots_tag
from django.contrib.sitemaps.views import sitemap as django_sitemap
from django.core.paginator import Paginator
from django.db.models import Max, QuerySet
from django.http import Http404, HttpResponsePermanentRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import translation
from django.views.decorators.http import require_safe

from portal.core.page_cache import cache_anonymous_page
from portal.core.text import xml_text

from ..selectors import sitemap as selectors

LANGUAGES = tuple(code for code, _name in settings.LANGUAGES)
# Stand-ins for a page's arguments while its address is reversed once per language: digits, which both the
# `int` and the `slug` converters accept, and long enough to appear nowhere else in an address.
_STAND_IN = 7_919_000_000


class InEveryLanguage:
    """The (row, language) pairs Django's i18n sitemap pages, read from `rows` one slice at a time."""

    def __init__(self, rows: QuerySet, languages: tuple[str, ...]):
        self.rows = rows
        self.languages = languages
        self._count = None

    def count(self) -> int:
        if self._count is None:
            self._count = self.rows.count() * len(self.languages)
        return self._count

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, wanted: slice) -> list:
        width = len(self.languages)
        first_row, end_row = wanted.start // width, -(-wanted.stop // width)
        pairs = [(row, code) for row in self.rows[first_row:end_row] for code in self.languages]
        skip = first_row * width
        return pairs[wanted.start - skip : wanted.stop - skip]


def _by_pk(row: dict) -> dict:
    return {"pk": row["pk"]}


def _by_slug(row: dict) -> dict:
    return {"slug": row["slug"]}


def _article(row: dict) -> dict:
    return {"slug": row["consultation_slug"], "document": row["document_slug"], "key": row["key"]}


class PortalSitemap(Sitemap):
    """A section: the page `url_name` of each of `rows()` (dicts with `lastmod` and what `url_kwargs(row)`
    makes the page's arguments of), in every language."""

    i18n = True
    alternates = True
    x_default = True
    # The protocol allows 50,000 addresses a file (each language counts as one); a tenth keeps each file a
    # few megabytes and about a second to write when its cached copy expires.
    limit = 5_000

    def __init__(
        self, url_name: str, rows: Callable[[], QuerySet], url_kwargs: Callable[[dict], dict] = _by_pk
    ):
        self.url_name = url_name
        self.rows = rows
        self.url_kwargs = url_kwargs
        self._patterns: dict[tuple, str] = {}

    def get_languages_for_item(self, item):
        return list(LANGUAGES)

    @property
    def paginator(self):
        return Paginator(InEveryLanguage(self.rows(), LANGUAGES), self.limit)

    def items(self):
        # Django's own paging and `get_latest_lastmod` would read every row; both are replaced here.
        raise NotImplementedError("sections are paged by `paginator`")

    def _location(self, item, force_lang_code=None):
        """The row's address in a language, from the address reversed once per language with stand-ins:
        Django reverses each address with its language activated, five times a row with the alternates,
        which was most of the ten seconds a page of 50,000 addresses took."""
        row, code = item
        code = force_lang_code or code
        # A stored slug or key is the only text of ours in the file: one holding a character XML 1.0 forbids
        # (an import, a row from before input was normalised) made the whole section unreadable to crawlers.
        arguments = {name: xml_text(str(value)) for name, value in self.url_kwargs(row).items()}
        key = (code, *arguments)
        pattern = self._patterns.get(key)
        if pattern is None:
            stand_ins = {name: str(_STAND_IN + index) for index, name in enumerate(arguments)}
            with translation.override(code):
                pattern = reverse(self.url_name, kwargs=stand_ins)
            for name, stand_in in stand_ins.items():
                pattern = pattern.replace(stand_in, f"\x00{name}\x00")
            self._patterns[key] = pattern
        for name, value in arguments.items():
            pattern = pattern.replace(f"\x00{name}\x00", value)
        return pattern

    def lastmod(self, row):
        return row["lastmod"]

    def get_latest_lastmod(self):
        return self.rows().order_by().aggregate(latest=Max("lastmod"))["latest"]

    def get_protocol(self, protocol=None):
        return urlsplit(settings.SITE_URL).scheme

    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc


# Made afresh for each request (Django's view calls them): a sitemap keeps the lastmod of the page it wrote.
SECTIONS = {
    "consultations": partial(PortalSitemap, "consultation_detail", selectors.sitemap_consultations, _by_slug),
    "outcomes": partial(PortalSitemap, "consultation_outcome", selectors.sitemap_outcomes, _by_slug),
    "articles": partial(PortalSitemap, "article_detail", selectors.sitemap_articles, _article),
    "proposals": partial(PortalSitemap, "proposal_detail", selectors.sitemap_proposals),
    "hearings": partial(PortalSitemap, "hearing_detail", selectors.sitemap_hearings),
}


@require_safe
@x_robots_tag
@cache_anonymous_page()
def sitemap_index(request):
    """The index: one address per page of each section, with the section's latest change."""
    entries = []
    for name, section in SECTIONS.items():
        sitemap = section()
        address = settings.SITE_URL + reverse("sitemap_section", kwargs={"section": name})
        latest = sitemap.get_latest_lastmod()
        pages = sitemap.paginator.num_pages
        entries.append(SitemapIndexItem(address, latest))
        entries.extend(SitemapIndexItem(f"{address}?p={page}", latest) for page in range(2, pages + 1))
    return TemplateResponse(
        request, "sitemap_index.xml", {"sitemaps": entries}, content_type="application/xml"
    ).render()


def _canonical_address(view):
    """Each page of a section at one address: another spelling (a parameter the sitemap does not read, a
    page number written "01", a parameter repeated) is sent to it. Each spelling was a page of its own to the
    page cache, so a script adding `?a=1`, `?a=2`… had every page of tens of thousands of addresses written
    afresh, seconds of work each."""

    @functools.wraps(view)
    def wrapper(request, section):
        if section not in SECTIONS:
            raise Http404
        page = request.GET.get("p")
        if page is not None and not (page.isascii() and page.isdigit() and len(page) < 10):
            raise Http404
        canonical = reverse("sitemap_section", kwargs={"section": section})
        if page is not None:
            canonical += f"?p={int(page)}"
        if request.get_full_path() != canonical:
            return HttpResponsePermanentRedirect(canonical)
        return view(request, section)

    return wrapper


@require_safe
@_canonical_address
@cache_anonymous_page()
def sitemap_section(request, section):
    return django_sitemap(request, SECTIONS, section=section).render()
