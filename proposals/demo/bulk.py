"""Bulk demo participation for `seed_demo`: proposals, supports and comments at national scale.

Each stage tops its rows up to the requested number, deterministically from the seed, inside one
transaction, so a second run adds nothing and an interrupted run leaves nothing half-done. On PostgreSQL
rows go in with COPY (2,000,000 supports in about a minute); elsewhere with bulk_create.
"""

from __future__ import annotations

import random
import sys
from collections.abc import Callable, Iterator

from django.db import connection, transaction
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from portal.accounts.models import User

from ..models import ArticleIdentity, Comment, Proposal, ProposalStatus, ProposalTransition, Support, Topic
from ..rich_text import render_markdown
from ..search import search_index_update

SEED_TAG = "[demo]"  # every seeded proposal's summary starts with this, so reruns can find them
BATCH = 5000

TOPICS = [
    ("parliament", "Парламент", "Парламент", "Parliament"),
    ("rights", "Адам құқықтары", "Права человека", "Human rights"),
    ("courts", "Сот жүйесі", "Судебная система", "Courts"),
    ("local-government", "Жергілікті өзін-өзі басқару", "Местное самоуправление", "Local self-government"),
    ("language", "Тіл саясаты", "Языковая политика", "Language policy"),
    ("economy", "Экономика және меншік", "Экономика и собственность", "Economy and property"),
]

_TITLES = {
    "kk": [
        "{n}-бапқа өзгеріс енгізу туралы",
        "{n}-бапта азаматтардың құқықтарын кеңейту",
        "{n}-бапты нақтылау",
    ],
    "ru": [
        "Об изменении статьи {n}",
        "Расширить права граждан в статье {n}",
        "Уточнить формулировку статьи {n}",
    ],
    "en": [
        "Amend Article {n}",
        "Widen citizens' rights in Article {n}",
        "Clarify the wording of Article {n}",
    ],
}
_BODIES = {
    "kk": "Ұсынылып отырған өзгеріс мәтінді түсінікті етеді.\n\n- Тұжырымды нақтылау\n- Мерзімдерді белгілеу",
    "ru": "Предлагаемое изменение делает текст понятнее.\n\n- Уточнить формулировку\n- Установить сроки",
    "en": "The proposed change makes the text clearer.\n\n- Clarify the wording\n- Set deadlines",
}
_COMMENTS = {
    "kk": "Толығымен қолдаймын, бұл маңызды мәселе.",
    "ru": "Полностью поддерживаю, это важный вопрос.",
    "en": "I fully support this; it matters.",
}


def _progress(label: str, done: int, total: int, out=sys.stdout) -> None:
    out.write(f"\r  {label}: {done:,}/{total:,}")
    if done >= total:
        out.write("\n")
    out.flush()


def seed_topics() -> list[Topic]:
    for position, (slug, kk, ru, en) in enumerate(TOPICS):
        Topic.objects.get_or_create(
            slug=slug, defaults={"name_kk": kk, "name_ru": ru, "name_en": en, "position": position}
        )
    return list(Topic.objects.filter(slug__in=[t[0] for t in TOPICS]))


# The columns of a published proposal written in bulk, in the order of each row's values (benchmarks too).
PROPOSAL_COLUMNS = [
    "consultation_id",
    "author_id",
    "submitter_type",
    "title",
    "summary",
    "body",
    "body_html",
    "language",
    "topic_id",
    "status",
    "supports_count",
    "comments_count",
    "created_at",
    "updated_at",
    "submitted_at",
    "published_at",
    "withdrawal_reason",
]


def copy_rows(model, columns: list[str], rows: Iterator[tuple], total: int, label: str) -> None:
    """Writes `rows` (values in the order of `columns`): COPY on PostgreSQL, bulk_create elsewhere; shows
    progress under `label`."""
    done = 0
    if connection.vendor == "postgresql":
        table = model._meta.db_table
        with connection.cursor() as cursor:
            raw = cursor.cursor
            with raw.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    done += 1
                    if done % 50_000 == 0:
                        _progress(label, done, total)
    else:
        batch = []
        for row in rows:
            batch.append(model(**dict(zip(columns, row, strict=True))))
            if len(batch) >= BATCH:
                model.objects.bulk_create(batch)
                done += len(batch)
                batch.clear()
                _progress(label, done, total)
        model.objects.bulk_create(batch)
        done += len(batch)
    _progress(label, done, total)


def _seeded_proposals():
    return Proposal.objects.filter(summary__startswith=SEED_TAG)


@transaction.atomic
def seed_proposals(*, count: int, consultation, article_ids: list[int], rng: random.Random) -> int:
    """Tops the demo proposals up to `count` (published, spread over the last 60 days)."""
    existing = _seeded_proposals().count()
    missing = count - existing
    if missing <= 0:
        return 0
    authors = list(User.objects.filter(email__endswith="@demo.invalid").values_list("pk", flat=True))
    if not authors:
        raise ValueError("Demo proposals need demo authors: pass --users 1 or more.")
    topics = [topic.pk for topic in seed_topics()]
    now = timezone.now()
    body_html = {language: render_markdown(body) for language, body in _BODIES.items()}

    # Each proposal names the article it is linked to, as a real one would.
    targets = [rng.choice(article_ids) if article_ids else None for _ in range(missing)]
    numbers = dict(ArticleIdentity.objects.filter(pk__in=article_ids).values_list("pk", "number"))

    def rows():
        for index in range(existing, count):
            language = rng.choice(("kk", "kk", "ru", "ru", "en"))
            number = numbers.get(targets[index - existing]) or rng.randint(1, 40)
            published = now - timezone.timedelta(minutes=rng.randint(60, 60 * 24 * 60))
            title = rng.choice(_TITLES[language]).format(n=number)
            yield (
                consultation.pk,
                rng.choice(authors),
                "individual",
                f"{title} (#{index + 1})",
                f"{SEED_TAG} {title}.",
                _BODIES[language],
                body_html[language],
                language,
                rng.choice(topics),
                ProposalStatus.PUBLISHED,
                0,
                0,
                published,
                published,
                published,
                published,
                "",
            )

    copy_rows(Proposal, PROPOSAL_COLUMNS, rows(), missing, "proposals")
    if article_ids:
        through = Proposal.articles.through
        new_ids = list(_seeded_proposals().order_by("id").values_list("pk", flat=True)[existing:])
        links = zip(new_ids, targets, strict=True)
        copy_rows(through, ["proposal_id", "articleidentity_id"], links, len(new_ids), "article links")
    search_index_update(_seeded_proposals())
    return missing


S = ProposalStatus

# The steps a proposal took from its draft to each status seeded, as `proposal_transition` logs them, so the
# public timeline ("What happened so far") of a seeded proposal reads like a real one's.
STATUS_PATHS = {
    S.SUBMITTED: (S.SUBMITTED,),
    S.IN_MODERATION: (S.SUBMITTED, S.IN_MODERATION),
    S.PUBLISHED: (S.SUBMITTED, S.PUBLISHED),
    S.UNDER_REVIEW: (S.SUBMITTED, S.PUBLISHED, S.UNDER_REVIEW),
    S.RESPONDED: (S.SUBMITTED, S.PUBLISHED, S.RESPONDED),
}
TRANSITION_COLUMNS = ["proposal_id", "from_status", "to_status", "reason", "internal_note", "created_at"]


@transaction.atomic
def seed_timelines() -> int:
    """Logs the steps of every seeded proposal that has none yet (new ones, or those of a seed made before
    the steps were), dated by the proposal's own timestamps. Returns the number of steps written."""
    proposals = list(
        _seeded_proposals()
        .filter(status__in=STATUS_PATHS, transitions__isnull=True)
        .order_by("pk")
        .values_list("pk", "status", "submitted_at", "published_at", "responded_at", "updated_at")
    )
    if not proposals:
        return 0
    total = sum(len(STATUS_PATHS[status]) for _pk, status, *_moments in proposals)

    def rows():
        for pk, status, submitted_at, published_at, responded_at, updated_at in proposals:
            # A step without a stamp of its own (moderation, review) happened by the latest one known.
            moments = {S.SUBMITTED: submitted_at, S.PUBLISHED: published_at, S.RESPONDED: responded_at}
            previous = S.DRAFT
            for step in STATUS_PATHS[status]:
                yield (pk, previous, step, "", "", moments.get(step) or updated_at)
                previous = step

    copy_rows(ProposalTransition, TRANSITION_COLUMNS, rows(), total, "timeline steps")
    return total


def _top_up(
    *,
    model,
    target: int,
    label: str,
    make_rows: Callable[[list[int], list[int], int], Iterator[tuple]],
    columns: list[str],
) -> int:
    proposal_ids = list(_seeded_proposals().values_list("pk", flat=True))
    existing = model.objects.filter(proposal_id__in=proposal_ids).count() if proposal_ids else 0
    if existing >= target or not proposal_ids:
        return 0
    # Regenerate the stage whole: deterministic rows, and no unique-pair collisions with earlier partial runs.
    model.objects.filter(proposal_id__in=proposal_ids).delete()
    users = list(User.objects.filter(email__endswith="@demo.invalid").values_list("pk", flat=True))
    copy_rows(model, columns, make_rows(proposal_ids, users, target), target, label)
    return target - existing


def _skewed_counts(total: int, buckets: int, rng: random.Random, cap: int) -> list[int]:
    """Splits `total` over `buckets` with a long tail (a few hot proposals), each at most `cap`."""
    weights = [rng.paretovariate(1.2) for _ in range(buckets)]
    scale = total / sum(weights)
    counts = [min(cap, int(w * scale)) for w in weights]
    shortfall = total - sum(counts)
    index = 0
    while shortfall > 0:
        if counts[index % buckets] < cap:
            counts[index % buckets] += 1
            shortfall -= 1
        index += 1
    return counts


@transaction.atomic
def seed_supports(*, count: int, rng: random.Random) -> int:
    def rows(proposal_ids, users, target):
        now = timezone.now()
        counts = _skewed_counts(target, len(proposal_ids), rng, cap=len(users))
        for proposal_id, n in zip(proposal_ids, counts, strict=True):
            for user_id in rng.sample(users, n):
                yield (proposal_id, user_id, now)

    users = User.objects.filter(email__endswith="@demo.invalid").count()
    proposals = _seeded_proposals().count()
    # One support per person and proposal: more than that many pairs cannot exist.
    count = min(count, users * proposals)
    added = _top_up(
        model=Support,
        target=count,
        label="supports",
        make_rows=rows,
        columns=["proposal_id", "user_id", "created_at"],
    )
    _recount(Support, "supports_count")
    return added


@transaction.atomic
def seed_comments(*, count: int, rng: random.Random) -> int:
    def rows(proposal_ids, users, target):
        now = timezone.now()
        for _index in range(target):
            language = rng.choice(("kk", "ru", "en"))
            yield (
                rng.choice(proposal_ids),
                rng.choice(users),
                _COMMENTS[language],
                language,
                False,
                0,
                now,
                now,
            )

    added = _top_up(
        model=Comment,
        target=count,
        label="comments",
        make_rows=rows,
        # Demo comments count as screened: the sweep must not queue half a million of them.
        columns=[
            "proposal_id",
            "author_id",
            "body",
            "language",
            "is_official",
            "likes_count",
            "created_at",
            "screened_at",
        ],
    )
    _recount(Comment, "comments_count")
    return added


def _recount(model, field: str) -> None:
    counts = (
        model.objects.filter(proposal=OuterRef("pk")).order_by().values("proposal").annotate(n=Count("pk"))
    )
    _seeded_proposals().update(**{field: Coalesce(Subquery(counts.values("n")), 0)})
