"""Full-text search on proposals.

PostgreSQL: Kazakh (simple), Russian and English stemming, plus Kazakh word forms: PostgreSQL has no Kazakh
stemmer, so each query word is folded to a stem by stripping Kazakh endings (`kazakh_stem`) and matched as a
prefix in the `simple` vector ("құқықтары" → "құқы:*" finds құқық, құқығы, құқықтары). The word-form set and
its recall and precision are in `tests/proposals/search_word_forms.py` and docs/BENCHMARKS.md.
SQLite: substring search that ignores case in every script (`Casefold`).

On both, a query is read as people write one for a web search (`search_terms`): its words must all be found,
a "quoted phrase" (straight quotes, «ёлочки» or “curly” ones, as phone keyboards type them) word after word,
and a -word or -"phrase" must not be; an exclusion leaves out what the same word would find.
"""

import re
import unicodedata
from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import F, Q, QuerySet

from portal.core.text import Casefold

# No PostgreSQL stemmer for Kazakh: `simple` keeps exact word forms, folded by `kazakh_stem`.
CONFIGS = ("simple", "russian", "english")

# Kazakh inflectional endings (plural, possessive, case), longest first; stripped repeatedly from the end.
KAZAKH_ENDINGS = sorted(
    {
        *("лар", "лер", "дар", "дер", "тар", "тер"),
        *(
            "ымыз",
            "іміз",
            "ыңыз",
            "іңіз",
            "мыз",
            "міз",
            "ңыз",
            "ңіз",
            "ым",
            "ім",
            "ың",
            "ің",
            "сы",
            "сі",
            "ы",
            "і",
        ),
        *("ның", "нің", "дың", "дің", "тың", "тің"),
        *("ға", "ге", "қа", "ке", "на", "не"),
        *("ны", "ні", "ды", "ді", "ты", "ті", "ын", "ін"),
        *("нда", "нде", "да", "де", "та", "те"),
        *("нан", "нен", "дан", "ден", "тан", "тен"),
        *("менен", "мен", "бен", "пен"),
    },
    key=len,
    reverse=True,
)
# A voiceless final consonant turns voiced before a vowel (құқық → құқығы): both are cut from the stem.
ALTERNATING_FINALS = "қғкгпб"
MIN_STEM = 3
WORD = re.compile(r"[^\W\d_]+")
# Latin letters drawn as Cyrillic ones. Kazakh is often typed with a Latin "i" for "і" (layouts without it)
# and "h" for "һ": inside a word that is otherwise Cyrillic they stand for the Cyrillic letter, and a search
# for "мүшелерiн" written so matched nothing.
_LATIN_LOOKALIKES = str.maketrans("aceiopxyhkABCEHIKMOPTX", "асеіорхуһкАВСЕНІКМОРТХ")
_CYRILLIC_LETTER = re.compile(r"[\u0400-\u04ff]")
_LATIN_LETTER = re.compile(r"[a-zA-Z]")
# The Kazakh letters a Russian keyboard lacks, by the Russian letter typed for each.
_KAZAKH_ON = {"а": "ә", "г": "ғ", "к": "қ", "н": "ң", "о": "ө", "у": "ұү", "х": "һ", "и": "і"}
_KAZAKH_LETTER = re.compile("[әғқңөұүһі]")
MAX_SPELLINGS = 16
# Kazakh written in Latin letters: the 2021 alphabet's letters and the usual informal spellings ("quqyq" for
# "құқық", "azamattardyn"), a letter that may stand for several giving each reading.
_LATIN_KAZAKH = {
    "a": "а", "ä": "ә", "b": "б", "c": "с", "d": "д", "e": "е", "f": "ф", "g": "г", "ğ": "ғ", "h": "х",
    "i": "іи", "ı": "ы", "j": "жй", "k": "к", "l": "л", "m": "м", "n": "н", "ñ": "ң", "o": "о", "ö": "ө",
    "p": "п", "q": "қ", "r": "р", "s": "с", "ş": "ш", "t": "т", "u": "уұ", "ū": "ұ", "ü": "ү", "v": "в",
    "w": "у", "x": "х", "y": "ый", "z": "з", "ç": "ч",
}  # fmt: skip
_DIGRAPH_LETTERS = {"sh": "ш", "ch": "ч", "zh": "ж", "kh": "х", "ts": "ц", "ya": "я", "yu": "ю"}
_LATIN_PART = re.compile("|".join(_DIGRAPH_LETTERS) + "|.")
# A search ranks at most this many matches: the first ones in the list's order (the newest by default).
# A common word matches tens of thousands of proposals; scoring and counting all of them took seconds at
# 100,000 (docs/BENCHMARKS.md), while the first thousand are found by walking the ordering's index.
SEARCH_CANDIDATES = 300
# Quotation marks open and close a phrase, whichever kind: keyboards set to Kazakh or Russian type « », and
# phones turn a straight quote into a curly one (“ ” „).
QUOTES = '"«»“”„'
_QUOTE = re.compile(f"[{QUOTES}]")
_TERM_END = re.compile(rf"[\s{QUOTES}]")
# What the PostgreSQL parser counts as a word or number, and a chunk of them joined by hyphens: a compound
# with a letter in it (нур-султан, covid-19) is one more word, counted before its parts.
_WORD_OR_NUMBER = re.compile(r"[^\W_]+")
_CHUNK = re.compile(r"[^\W_]+(?:-[^\W_]+)*")


@dataclass(frozen=True)
class SearchTerm:
    """A word (as typed, "covid-19") or a phrase (its words) of a query, to be found or excluded."""

    text: str
    phrase: bool = False
    excluded: bool = False

    def as_websearch(self) -> str:
        """The term in PostgreSQL's `websearch_to_tsquery` syntax. A word that itself starts with a minus
        (typed in quotes: `"-права`) is quoted too, or websearch would read it as an exclusion."""
        text = f'"{self.text}"' if self.phrase or self.text.startswith("-") else self.text
        return f"-{text}" if self.excluded else text


def search_terms(text: str) -> list[SearchTerm]:
    """The words, phrases and exclusions of a query. A quote left open runs to the end; a minus, quotes or
    punctuation with no word in them are no term (nothing to find), so no query can fail to parse."""
    terms, position = [], 0
    while position < len(text):
        if text[position].isspace():
            position += 1
            continue
        excluded = text[position] == "-"
        while position < len(text) and text[position] == "-":
            position += 1
        if position < len(text) and text[position] in QUOTES:
            end = _QUOTE.search(text, position + 1)
            closing = end.start() if end else len(text)
            words, phrase, position = " ".join(text[position + 1 : closing].split()), True, closing + 1
        else:
            end = _TERM_END.search(text, position)
            closing = end.start() if end else len(text)
            words, phrase, position = text[position:closing], False, closing
        if _WORD_OR_NUMBER.search(words):
            terms.append(SearchTerm(words, phrase=phrase and " " in words, excluded=excluded))
    return terms


def kazakh_stem(word: str) -> str:
    """The stem a Kazakh word form is matched by as a prefix; never shorter than MIN_STEM letters."""
    stem = word.casefold()
    for _round in range(3):
        for ending in KAZAKH_ENDINGS:
            if stem.endswith(ending) and len(stem) - len(ending) >= MIN_STEM:
                stem = stem[: -len(ending)]
                break
        else:
            break
    if len(stem) > MIN_STEM and stem[-1] in ALTERNATING_FINALS:
        stem = stem[:-1]
    return stem


def proposal_search_vector():
    vector = None
    for config in CONFIGS:
        part = (
            SearchVector("title", weight="A", config=config)
            + SearchVector("summary", weight="B", config=config)
            + SearchVector("body", weight="C", config=config)
        )
        vector = part if vector is None else vector + part
    return vector


def uses_postgres() -> bool:
    return connection.vendor == "postgresql"


def search_index_update(queryset: QuerySet) -> int:
    """Refreshes the stored vectors of these proposals (no-op on SQLite)."""
    if not uses_postgres():
        return 0
    return queryset.update(search_vector=proposal_search_vector())


def kazakh_spellings(word: str) -> set[str]:
    """The stems a word may stand for when typed on a Russian keyboard, without the Kazakh letters
    ("кукыктары" for "құқықтары", "мушелерин" for "мүшелерін"): each of its Russian base letters may be the
    Kazakh letter drawn on it. A word with a Kazakh letter was typed with them, and one with too many
    readings (long Russian words) is left as it is: each reading is one more prefix for the index to walk."""
    stem = kazakh_stem(word)
    if len(stem) < MIN_STEM or not _CYRILLIC_LETTER.search(stem) or _KAZAKH_LETTER.search(stem):
        return {stem}
    spellings = [""]
    for char in stem:
        spellings = [start + option for start in spellings for option in char + _KAZAKH_ON.get(char, "")]
        if len(spellings) > MAX_SPELLINGS:
            return {stem}
    # A Kazakh reading may show a Kazakh ending to strip ("мүшелерін"); one whose stem has lost every Kazakh
    # letter is the Russian word cut short ("гражданін" → "граждан" would find "гражданство").
    restemmed = ((spelling, kazakh_stem(spelling)) for spelling in spellings)
    return {short if _KAZAKH_LETTER.search(short) else spelling for spelling, short in restemmed}


def latin_readings(word: str) -> set[str]:
    """The stems a Kazakh word written in Latin letters may stand for, with the word's own stem (it may be an
    English word); only the own stem when it has too many readings or a letter Kazakh has no reading of."""
    word = word.casefold()
    own = {kazakh_stem(word)}
    if not all(char in _LATIN_KAZAKH for char in word):
        return own
    readings = [""]
    for part in _LATIN_PART.findall(word):
        options = _DIGRAPH_LETTERS.get(part) or _LATIN_KAZAKH[part]
        readings = [start + option for start in readings for option in options]
        if len(readings) > MAX_SPELLINGS:
            return own
    stems = set().union(*(kazakh_spellings(reading) for reading in readings))
    return own | (stems if len(stems) <= MAX_SPELLINGS else {kazakh_stem(reading) for reading in readings})


def _word_forms(word: str) -> str | None:
    """The stems a word may stand for as prefixes in the `simple` vector, or None when it has none."""
    stems = latin_readings(word) if _LATIN_LETTER.search(word) else kazakh_spellings(word)
    stems = sorted(stem for stem in stems if len(stem) >= MIN_STEM)
    return "(" + " | ".join(f"{stem}:*" for stem in stems) + ")" if stems else None


def _phrase_forms(phrase: str) -> str | None:
    """The phrase's word forms, each at its distance from the previous one: a word with no forms (a number, a
    word of one or two letters) still takes its place ("права и свободы": прав… <2> свобод…)."""
    parts, distance = [], 1
    for chunk in _CHUNK.findall(phrase):
        pieces = _WORD_OR_NUMBER.findall(chunk)
        if len(pieces) > 1 and WORD.search(chunk):
            pieces = ["", *pieces]  # the compound's own place, before its parts
        for piece in pieces:
            forms = _word_forms(piece) if WORD.fullmatch(piece) else None
            if forms is None:
                distance += 1 if parts else 0
                continue
            if parts:
                parts.append("<->" if distance == 1 else f"<{distance}>")
            parts.append(forms)
            distance = 1
    return " ".join(parts) or None


def _term_forms(term: SearchTerm) -> str | None:
    if term.phrase:
        forms = _phrase_forms(term.text)
    else:
        forms = " & ".join(filter(None, map(_word_forms, WORD.findall(term.text)))) or None
    if forms is None:
        return None
    return f"!({forms})" if term.excluded else forms


def _word_forms_query(terms: list[SearchTerm]) -> SearchQuery | None:
    # Only letters reach the raw tsquery, so the reader's text cannot inject operators.
    forms = [forms for forms in map(_term_forms, terms) if forms]
    if not forms:
        return None
    return SearchQuery(" & ".join(forms), config="simple", search_type="raw")


def search_filter(queryset: QuerySet, text: str) -> QuerySet:
    terms = search_terms(_cleaned(text))
    if not terms or not uses_postgres():
        return _without_full_text(queryset, terms)
    query, ranked_by = _search_query(terms)
    return _ranked(queryset.filter(search_vector=query), ranked_by)


def search_candidates(queryset: QuerySet, text: str, *, ordering: tuple) -> QuerySet:
    """The matches of `text` among `queryset`, capped to the first `SEARCH_CANDIDATES` in `ordering`, with
    their rank: only those are scored and counted. A word matching fewer proposals is ranked over all.
    A query of exclusions only is the list without them, in its own order (there is nothing to rank by)."""
    terms = search_terms(_cleaned(text))
    if not terms or not uses_postgres():
        return _without_full_text(queryset, terms)
    query, ranked_by = _search_query(terms)
    first = queryset.filter(search_vector=query).order_by(*ordering).values("pk")[:SEARCH_CANDIDATES]
    # The candidates matched already: the outer query only ranks them, without testing the match again
    # (each tsquery in the statement costs PostgreSQL planning time; there are four).
    return _ranked(queryset.filter(pk__in=first), ranked_by)


def _ranked(queryset: QuerySet, query: SearchQuery | None) -> QuerySet:
    return queryset if query is None else queryset.annotate(search_rank=_rank(query))


def _rank(query: SearchQuery) -> SearchRank:
    # F(): the stored vector with its weights; a name would be cast to text and parsed again on every row.
    return SearchRank(F("search_vector"), query)


def _cleaned(text: str) -> str:
    # Format characters (zero-width space and joiners, soft hyphen, byte order mark) come with pasted text
    # and draw nothing, but split a word in two for the search: "құ\u200bқық" found nothing.
    text = "".join(char for char in text if unicodedata.category(char) != "Cf")
    return WORD.sub(_as_cyrillic, " ".join(text.split())[:200])


def _as_cyrillic(match: re.Match) -> str:
    word = match.group()
    if _CYRILLIC_LETTER.search(word) and _LATIN_LETTER.search(word):
        return word.translate(_LATIN_LOOKALIKES)
    return word


def _without_full_text(queryset: QuerySet, terms: list[SearchTerm]) -> QuerySet:
    """No search (no term), or SQLite's: each term a substring that ignores case in every script."""
    if not terms:
        return queryset
    queryset = queryset.alias(
        title_folded=Casefold("title"), summary_folded=Casefold("summary"), body_folded=Casefold("body")
    )
    for term in terms:
        folded = term.text.casefold()
        found = (
            Q(title_folded__contains=folded)
            | Q(summary_folded__contains=folded)
            | Q(body_folded__contains=folded)
        )
        queryset = queryset.filter(~found if term.excluded else found)
    return queryset


def _search_query(terms: list[SearchTerm]) -> tuple[SearchQuery, SearchQuery | None]:
    """The query a proposal must match, and the part that ranks it (what is wanted; None if only exclusions).
    Exclusions are left out of the ranking, so a query without one has the shape and cost it always had."""
    wanted = [term for term in terms if not term.excluded]
    unwanted = [term for term in terms if term.excluded]
    found = None
    if wanted:
        text = " ".join(term.as_websearch() for term in wanted)
        for config in CONFIGS:
            part = SearchQuery(text, config=config, search_type="websearch")
            found = part if found is None else found | part
        word_forms = _word_forms_query(wanted)
        if word_forms is not None:
            found = found | word_forms
    query = found
    if unwanted:
        # Each configuration's "-word" and the word forms' "!(…)" together: an exclusion leaves out whatever
        # any of them would find for the word.
        text = " ".join(term.as_websearch() for term in unwanted)
        for part in (
            *(SearchQuery(text, config=config, search_type="websearch") for config in CONFIGS),
            _word_forms_query(unwanted),
        ):
            if part is not None:
                query = part if query is None else query & part
    return query, found
