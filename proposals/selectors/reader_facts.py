"""The facts a proposal's or an article's page decides on, kept in the web process between requests.

The page decides who may see and do what from the proposal's facts (its status, author, consultation, whether
intake is open, the site's switches) and the reader's own (whether they support it, follow it, commented on
it, like one of its comments, supported it from an erased account). Read in one query for every request, they
were a third of the CPU of a signed-in proposal page served from the shared rendering (docs/BENCHMARKS.md,
"Sixteenth session"). Both kinds repeat: many people read a popular proposal, and one person reads many. So a
web process keeps
- each public proposal's facts, given out again while the generations its page is stored under (`site` and
  `proposal:<pk>`, portal/core/page_cache.py) are those they were read under, and for `PAGE_CACHE_SECONDS` at
  most, as a stored page: intake opening or closing by the clock shows as late as on a stored page;
- each person's own facts (the proposals they support, follow, …, and the articles they follow, by address),
  given out again while their generation token (portal/core/reader_generations.py) is the one their
  standing was read under (`user.reader_generation`, portal/accounts/standing_memory.py), and for
  MEMORY_SECONDS at most.
  The services that write these facts renew the token (`own_facts_changed`): supports, follows, comments,
  likes, an article's follows moved to its new identity, a consultation's new address.

Everything else is read from the database for each request, as before: a proposal that is not public (its
author's draft, a hidden one), a reader without a token (staff, people with a role, a writing request), and a
person with more than MOST_KEPT_IDS such facts.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import CharField, IntegerField, Subquery, Value
from django.db.models.functions import Concat

from portal.accounts.models import IdentityVerification
from portal.accounts.standing_memory import MEMORY_SECONDS
from portal.core import page_cache, switches
from portal.core.lru import ProcessLRU
from portal.core.models import SiteSwitches
from portal.core.reader_generations import KeptPerReader, readers_changed

from ..models import Comment, CommentLike, Follow, Proposal, RetainedSupport, Support
from . import document as document_selectors
from . import proposal as proposal_selectors

# Proposals per web process: a few kilobytes each.
PROPOSALS_SIZE = 4096
# People per web process, as for their standings.
PEOPLE_SIZE = 10_000
# A person's facts read at once; one with more (a very active organisation) is read per page.
MOST_KEPT_IDS = 2000


@dataclass(frozen=True)
class OwnFacts:
    """The proposals a person supports, follows, commented on, likes a comment of, and those an erased account
    with their IIN supported; the addresses of the articles they follow (`article_address`)."""

    supports: frozenset[int]
    follows: frozenset[int]
    commented: frozenset[int]
    liked: frozenset[int]
    erased_supported: frozenset[int]
    followed_articles: frozenset[str]


def article_address(consultation_slug: str, document_slug: str, key: str) -> str:
    """An article as its page's address names it."""
    return f"{consultation_slug}/{document_slug}/{key}"


@dataclass(frozen=True)
class _KeptProposal:
    generations: list
    fresh_until: float
    proposal: Proposal
    switches: SiteSwitches


_proposals = ProcessLRU(PROPOSALS_SIZE)
_people = KeptPerReader(PEOPLE_SIZE)
# Kept for a person with more than MOST_KEPT_IDS facts: their pages read the database.
_TOO_MANY = object()


def proposal_for_reader(*, pk: int, viewer) -> Proposal | None:
    """As `selectors.proposal.proposal_for_reader`: the proposal with its facts and the reader's own state,
    from this process's memory where both are kept, else from the database."""
    token = getattr(viewer, "reader_generation", None)
    if token is None or not settings.PAGE_CACHE_SECONDS:
        return proposal_selectors.proposal_for_reader(pk=pk, viewer=viewer)
    person = _kept_own_facts(viewer.pk, token)
    kept = _proposal_facts(pk) if person is not None else None
    if kept is None:
        return proposal_selectors.proposal_for_reader(pk=pk, viewer=viewer)
    switches.remember_for_request(kept.switches)
    # Each request its own copies: the view and the permission rules may mark what they are given.
    proposal = copy.copy(kept.proposal)
    proposal.consultation = copy.copy(kept.proposal.consultation)
    proposal.erased_account_supported = pk in person.erased_supported
    proposal.viewer_supports = pk in person.supports
    proposal.viewer_follows = pk in person.follows
    proposal.viewer_commented = pk in person.commented
    proposal.viewer_liked = pk in person.liked
    return proposal


def reader_follows_article(*, consultation_slug: str, document_slug: str, key: str, reader) -> bool:
    """As `selectors.document.reader_follows_article`, from this process's memory where the reader's own facts
    are kept."""
    token = getattr(reader, "reader_generation", None)
    person = _kept_own_facts(reader.pk, token) if token is not None else None
    if person is None:
        return document_selectors.reader_follows_article(
            consultation_slug=consultation_slug, document_slug=document_slug, key=key, reader=reader
        )
    return article_address(consultation_slug, document_slug, key) in person.followed_articles


def own_facts_changed(user_ids: Iterable) -> None:
    """These people's supports, follows, comments or likes changed: what a process keeps of them is read
    afresh on their next page (their standing too: it is kept under the same token)."""
    readers_changed(user_ids)


def _proposal_facts(pk: int) -> _KeptProposal | None:
    generations = page_cache.current_generations(["site", f"proposal:{pk}"])
    if generations is None:
        return None
    kept = _proposals.get(pk)
    if kept is not None and kept.generations == generations and page_cache.clock() < kept.fresh_until:
        return kept
    proposal = proposal_selectors.public_proposal_facts(pk=pk)
    if proposal is None:  # not public: its page is read for each reader
        return None
    kept = _KeptProposal(
        generations, page_cache.clock() + settings.PAGE_CACHE_SECONDS, proposal, switches.current()
    )
    _proposals.put(pk, kept)
    return kept


def _kept_own_facts(user_id: int, token) -> OwnFacts | None:
    kept = _people.current(user_id, token, max_age=MEMORY_SECONDS)
    if kept is not None:
        return None if kept is _TOO_MANY else kept
    facts = own_facts(user_id)
    # A person with too many is remembered as such, or each of their pages would read them in vain.
    _people.keep(user_id, token, _TOO_MANY if facts is None else facts)
    return facts


def own_facts(user_id: int) -> OwnFacts | None:
    """Every fact about the person that a proposal's or an article's page shows, in one query; None for more
    than MOST_KEPT_IDS. The same facts as `proposal_for_reader`'s and `reader_follows_article`'s queries ask
    of one proposal or article."""

    def kind(letter: str) -> Value:
        return Value(letter, output_field=CharField())

    no_address = Value(None, output_field=CharField())
    own_verification = IdentityVerification.objects.filter(user_id=user_id).values("identity_hash")[:1]
    parts = [
        Support.objects.filter(user_id=user_id).values_list(kind("s"), "proposal_id", no_address),
        Follow.objects.filter(user_id=user_id, proposal__isnull=False).values_list(
            kind("f"), "proposal_id", no_address
        ),
        Comment.objects.filter(author_id=user_id).values_list(kind("c"), "proposal_id", no_address),
        CommentLike.objects.filter(user_id=user_id).values_list(
            kind("l"), "comment__proposal_id", no_address
        ),
        RetainedSupport.objects.filter(identity_hash=Subquery(own_verification)).values_list(
            kind("r"), "proposal_id", no_address
        ),
        Follow.objects.filter(user_id=user_id, article__isnull=False).values_list(
            kind("a"),
            Value(None, output_field=IntegerField()),
            Concat(
                "article__document__consultation__slug",
                Value("/"),
                "article__document__slug",
                Value("/"),
                "article__key",
                output_field=CharField(),
            ),
        ),
    ]
    # UNION, not UNION ALL: a proposal commented on many times is one row. Unordered: a compound statement
    # refuses the models' default orderings.
    parts = [part.order_by() for part in parts]
    rows = list(parts[0].union(*parts[1:])[: MOST_KEPT_IDS + 1])
    if len(rows) > MOST_KEPT_IDS:
        return None
    found: dict[str, set] = {letter: set() for letter in "sfclra"}
    for letter, proposal_id, address in rows:
        found[letter].add(address if letter == "a" else proposal_id)
    return OwnFacts(*(frozenset(found[letter]) for letter in "sfclra"))


def forget_all() -> None:
    """Drops every kept fact (tests: a rolled-back database reuses ids)."""
    _proposals.clear()
    _people.clear()
