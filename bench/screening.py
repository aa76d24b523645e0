"""Screening benchmark: detector throughput per worker process, and the near-duplicate lookup at 100,000.

    python bench/screening.py --database-url postgres://postgres@127.0.0.1:5432/portal_bench_screening \
        [--corpus 100000] [--queries 200] [--screen 300] [--seed 1]

Creates (or reuses) a corpus of `--corpus` distinct proposals in that database, with their MinHash signatures
and LSH bands, then measures in one process:

1. the text detectors alone (personal data, abuse word lists, spam) plus the signature: texts per second;
2. the near-duplicate lookup of `similar_by_signature` against the corpus: p50/p95 per query, and the share
   of lightly edited copies (5% of words changed) it finds, and of fresh texts it wrongly matches;
3. the whole screening service (`proposal_screen`: detectors, bursts, fingerprint, index, lookup, transition,
   case) on `--screen` submitted proposals: proposals per second for one worker process.

Prints a Markdown table for docs/BENCHMARKS.md. The corpus texts are random sentences over the words of the
demo draft (kk/ru/en), so they share vocabulary the way real proposals do, but not whole passages.
"""

import os
import random
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

BASE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE))

from bench.cli import bench_parser  # noqa: E402


def setup(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    os.environ.setdefault("REDIS_URL", "")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def vocabulary() -> list[str]:
    from portal.core.lookalikes import plain_words

    words: set[str] = set()
    for path in (BASE / "proposals/demo/constitution").rglob("*.md"):
        words.update(
            w for w in plain_words(path.read_text(encoding="utf-8")) if len(w) > 2 and not w.isdigit()
        )
    return sorted(words)


def make_text(rng: random.Random, words: list[str]) -> str:
    sentences = []
    for _ in range(rng.randint(6, 14)):
        sentences.append(" ".join(rng.choice(words) for _ in range(rng.randint(8, 16))).capitalize() + ".")
    return " ".join(sentences)


def edit(text: str, rng: random.Random, words: list[str], share: float = 0.05) -> str:
    tokens = text.split()
    for index in rng.sample(range(len(tokens)), max(1, int(len(tokens) * share))):
        tokens[index] = rng.choice(words)
    return " ".join(tokens)


def build_corpus(size: int, rng: random.Random, words: list[str]) -> tuple[list[str], float]:
    """Inserts `size` published proposals with signatures and bands (COPY on PostgreSQL); returns the texts
    and the signature rate. Reuses an existing corpus of the same size."""
    from django.db import connection, transaction
    from django.utils import timezone

    from portal.accounts.models import User
    from proposals.demo.bulk import PROPOSAL_COLUMNS, copy_rows
    from proposals.detectors.minhash import band_buckets, signature
    from proposals.models import Consultation, DuplicateBand, Proposal

    texts = [make_text(rng, words) for _ in range(size)]
    consultation, _ = Consultation.objects.get_or_create(
        slug="bench-screening", defaults={"title_en": "Bench"}
    )
    existing = Proposal.objects.filter(consultation=consultation, minhash__isnull=False).count()
    started = time.perf_counter()
    signatures = [signature(text) for text in texts[:2000]]
    rate = len(signatures) / (time.perf_counter() - started)
    if existing >= size:
        return texts, rate
    signatures += [signature(text) for text in texts[len(signatures) :]]
    authors = [
        User.objects.get_or_create(email=f"bench{n}@bench.invalid", defaults={"display_name": f"Bench {n}"})[
            0
        ].pk
        for n in range(50)
    ]
    now = timezone.now()

    def proposal_rows():
        for index, (text, sig) in enumerate(zip(texts, signatures, strict=True)):
            author = authors[index % len(authors)]
            yield (consultation.pk, author, "individual", f"Bench {index}", "Bench.", text, "", "kk", None,
                   "published", 0, 0, now, now, now, now, "", sig, "", 1)  # fmt: skip

    with transaction.atomic():
        Proposal.objects.filter(consultation=consultation).delete()
        columns = [*PROPOSAL_COLUMNS, "minhash", "text_fingerprint", "cluster_size"]
        copy_rows(Proposal, columns, proposal_rows(), size, "bench proposals")
        ids = Proposal.objects.filter(consultation=consultation).order_by("pk").values_list("pk", flat=True)
        bands = [
            (proposal_id, band, bucket)
            for proposal_id, sig in zip(ids, signatures, strict=True)
            for band, bucket in band_buckets(sig)
        ]
        copy_rows(DuplicateBand, ["proposal_id", "band", "bucket"], iter(bands), len(bands), "bench bands")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE proposals_proposal; ANALYZE proposals_duplicateband")
    assert DuplicateBand.objects.count() >= size
    return texts, rate


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def main() -> None:
    parser = bench_parser(__doc__, redis="unused")
    parser.add_argument("--corpus", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--screen", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    setup(args.database_url)

    from django.db import transaction

    from proposals.detectors import screen_text
    from proposals.detectors.minhash import band_buckets, signature
    from proposals.selectors.near_duplicates import similar_by_signature

    rng = random.Random(args.seed)
    words = vocabulary()
    rows = []

    # 1. Detectors and signature, one process, no database.
    samples = [make_text(rng, words) for _ in range(1000)]
    started = time.perf_counter()
    for text in samples:
        screen_text(text)
    detectors_rate = len(samples) / (time.perf_counter() - started)
    started = time.perf_counter()
    for text in samples:
        band_buckets(signature(text))
    signature_rate = len(samples) / (time.perf_counter() - started)
    rows.append(
        ("text detectors (personal data, abuse, spam), one process", f"{detectors_rate:,.0f} texts/s")
    )
    rows.append(("MinHash signature + LSH bands, one process", f"{signature_rate:,.0f} texts/s"))

    # 2. Lookup against the corpus.
    print(f"building the corpus of {args.corpus:,} proposals…", file=sys.stderr)
    started = time.perf_counter()
    texts, _rate = build_corpus(args.corpus, rng, words)
    print(f"corpus ready in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    timings: list[float] = []

    def best_match(text: str) -> float:
        sig = signature(text)
        started = time.perf_counter()
        matches = similar_by_signature(sig)
        timings.append((time.perf_counter() - started) * 1000)
        return matches[0][0] if matches else 0.0

    per_kind = args.queries // 3
    for share in (0.02, 0.05):
        copies = [edit(rng.choice(texts), rng, words, share) for _ in range(per_kind)]
        found = sum(best_match(text) >= 0.7 for text in copies)
        rows.append(
            (f"copies with {share:.0%} of words changed found (similarity ≥ 0.7)", f"{found}/{per_kind}")
        )
    fresh = [make_text(rng, words) for _ in range(per_kind)]
    false_hits = sum(best_match(text) >= 0.7 for text in fresh)
    rows.append(("fresh texts wrongly matched", f"{false_hits}/{per_kind}"))
    rows.insert(
        2,
        (
            f"near-duplicate lookup against {args.corpus:,} proposals ({len(timings)} queries)",
            f"p50 {statistics.median(timings):.1f} ms, p95 {percentile(timings, 0.95):.1f} ms",
        ),
    )

    # 3. The whole screening service, one worker process, rolled back at the end.
    from portal.accounts.models import User
    from proposals.models import Consultation, Proposal
    from proposals.services.screening import proposal_screen

    consultation = Consultation.objects.get(slug="bench-screening")
    with transaction.atomic():
        authors = [
            User.objects.create(email=f"screen{n}@bench.invalid", display_name=f"S {n}") for n in range(50)
        ]
        submitted = []
        for index in range(args.screen):
            text = edit(rng.choice(texts), rng, words, 0.5) if index % 10 == 0 else make_text(rng, words)
            submitted.append(
                Proposal.objects.create(
                    consultation=consultation,
                    author=authors[index % 50],
                    title=f"Screen {index}",
                    summary="Bench.",
                    body=text,
                    status="submitted",
                    language="kk",
                )
            )
        started = time.perf_counter()
        outcomes = [proposal_screen(proposal=proposal) for proposal in submitted]
        service_rate = len(submitted) / (time.perf_counter() - started)
        transaction.set_rollback(True)
    published = outcomes.count("published")
    rows.append(
        (
            "screening service (detectors, bursts, index, lookup, transition, case), one worker process",
            f"{service_rate:,.0f} proposals/s ({published} published, {len(outcomes) - published} queued)",
        )
    )

    print("\n| what | figure | date |\n| --- | --- | --- |")
    for what, figure in rows:
        print(f"| {what} | {figure} | {datetime.now(UTC):%Y-%m-%d} |")


if __name__ == "__main__":
    main()
