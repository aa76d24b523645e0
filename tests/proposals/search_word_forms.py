"""The word-form set of the search benchmark (docs/BENCHMARKS.md, "Search: word forms").

Each group holds inflected forms of one word (plural, possessive, case endings); every form becomes the
title of one proposal, and every form is searched. A result in the same group is relevant; one in another
group, or among the distractors (other words that begin like a group's stem), is not. Recall: the share of its group a query finds; precision: the share of what it finds that is
in its group; both averaged over the queries of a language.
"""

from django.contrib.postgres.search import SearchQuery

from proposals.models import Proposal
from proposals.search import CONFIGS, search_filter

WORD_FORMS = {
    "kk": [
        ["құқық", "құқығы", "құқықтары", "құқықтарын", "құқыққа"],
        ["азамат", "азаматтар", "азаматтың", "азаматтарға", "азаматтардың"],
        ["мемлекет", "мемлекеттің", "мемлекетке", "мемлекеттер", "мемлекетте"],
        ["сайлау", "сайлауда", "сайлаудың", "сайлауға", "сайлаулар"],
        ["бостандық", "бостандығы", "бостандықтар", "бостандықтарын", "бостандыққа"],
        ["парламент", "парламенттің", "парламентке", "парламентте", "парламентпен"],
        ["заң", "заңдар", "заңның", "заңға", "заңды"],
        ["тіл", "тілі", "тілдер", "тілдің", "тілге"],
    ],
    "ru": [
        ["право", "права", "правам", "правами", "правах"],
        ["гражданин", "гражданина", "гражданину", "гражданином", "гражданине"],
        ["свобода", "свободы", "свободе", "свободой", "свободами"],
        ["выборы", "выборов", "выборам", "выборами", "выборах"],
        ["язык", "языка", "языки", "языков", "языком"],
        ["закон", "закона", "законы", "законов", "законом"],
    ],
}

DISTRACTORS = {
    "kk": ["тілек", "заңғар", "мемлекеттік", "сайлаушы", "азаматтық", "парламентаризм"],
    "ru": ["правило", "языкознание", "свободный", "законность", "выборочный", "гражданство"],
}


def _baseline(queryset, text):
    """The search before word-form folding: the three configurations' websearch queries only."""
    query = None
    for config in CONFIGS:
        part = SearchQuery(text, config=config, search_type="websearch")
        query = part if query is None else query | part
    return queryset.filter(search_vector=query)


def seed_word_forms(make_proposal) -> dict[int, tuple[str, int]]:
    """One proposal per form (`make_proposal(title, language)` → Proposal); pk → (language, group index)."""
    groups = {}
    for language, word_groups in WORD_FORMS.items():
        for index, forms in enumerate(word_groups):
            for form in forms:
                groups[make_proposal(form, language).pk] = (language, index)
        for word in DISTRACTORS[language]:
            groups[make_proposal(word, language).pk] = (language, None)
    return groups


def measure(groups: dict[int, tuple[str, int]], *, folded: bool = True) -> dict[str, dict[str, float]]:
    """Recall and precision per language over every form of the set."""
    figures = {}
    base = Proposal.objects.filter(pk__in=groups)
    for language, word_groups in WORD_FORMS.items():
        recalls, precisions = [], []
        for index, forms in enumerate(word_groups):
            relevant = {pk for pk, where in groups.items() if where == (language, index)}
            for form in forms:
                results = search_filter(base, form) if folded else _baseline(base, form)
                found = set(results.values_list("pk", flat=True))
                recalls.append(len(found & relevant) / len(relevant))
                precisions.append(len(found & relevant) / len(found) if found else 1.0)
        figures[language] = {
            "queries": len(recalls),
            "recall": round(sum(recalls) / len(recalls), 3),
            "precision": round(sum(precisions) / len(precisions), 3),
        }
    return figures
