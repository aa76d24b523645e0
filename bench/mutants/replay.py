"""Replays the hand-made mutants below: each is applied to the source, its named tests are run and must
fail, then the source is put back. A mutant whose tests pass is a rule the suite no longer guards.

    python bench/mutants/replay.py [MUTANT_ID ...]

Edits files in place (and restores them, also on Ctrl-C): run it on a clean checkout, not while editing.
Uses DATABASE_URL and REDIS_URL like the suite; prints KILLED or SURVIVED per mutant, exits 1 if any survived.
"""

import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

BASE = Path(__file__).resolve().parent.parent.parent


@dataclass(frozen=True)
class Mutant:
    id: str
    path: str
    edits: tuple[tuple[str, str], ...]  # (original text, mutated text), each found exactly once
    tests: tuple[str, ...]


def _edit(mutant_id: str, path: str, original: str, mutated: str, *tests: str) -> Mutant:
    """Most mutants change one piece of text; this spells them without the nesting of `edits`."""
    return Mutant(mutant_id, path, ((original, mutated),), tests)


LIFECYCLE = "tests/proposals/test_lifecycle.py"
IIN = "tests/portal/accounts/test_iin.py::test_the_check_digit_follows_the_published_rule_in_both_passes"
STAFF_GATE = (
    "tests/security/test_access_matrix.py::"
    "test_every_staff_page_sends_staff_without_a_second_factor_to_set_one_up"
)
UNSUBSCRIBE = (
    "tests/portal/notifications/test_notifications.py::"
    "test_a_token_not_signed_by_the_portal_for_unsubscribing_changes_nothing"
)
WEIGHTS = (
    "tests/proposals/detectors/test_spam_and_bursts.py::"
    "test_every_finding_weighs_between_zero_and_one_so_the_risk_never_passes_one"
)
FOUR_EYES = (
    "tests/portal/core/test_permissions.py::"
    "test_with_four_eyes_another_member_reviews_only_an_answer_sent_for_review"
)
CARDS = "tests/proposals/detectors/test_pii.py::test_card_numbers_valid_by_the_luhn_rule_are_found"
MUTANTS = [
    _edit(
        "lifecycle-withdrawn-to-published",
        "proposals/services/proposal.py",
        "        S.WITHDRAWN: [],",
        "        S.WITHDRAWN: [S.PUBLISHED],",
        f"{LIFECYCLE}::test_the_table_is_the_documented_lifecycle",
    ),
    _edit(
        "lifecycle-hearing-live-to-cancelled",
        "proposals/services/hearing.py",
        "        H.LIVE: [H.FINISHED],",
        "        H.LIVE: [H.FINISHED, H.CANCELLED],",
        "tests/proposals/test_lifecycle_tables.py",
    ),
    _edit(
        "iin-without-second-pass",
        "portal/accounts/verification/iin.py",
        "    if remainder == 10:\n        weights = [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2]\n"
        "        remainder = sum(d * w for d, w in zip(digits, weights, strict=True)) % 11\n",
        "",
        IIN,
    ),
    _edit(
        "iin-second-pass-weights-swapped",
        "portal/accounts/verification/iin.py",
        "[3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2]",
        "[3, 4, 5, 6, 7, 8, 9, 10, 11, 2, 1]",
        IIN,
    ),
    _edit(
        "iin-first-pass-weights-swapped",
        "portal/accounts/verification/iin.py",
        "zip(digits, range(1, 12), strict=True)",
        "zip(digits, [1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 10], strict=True)",
        IIN,
    ),
    _edit(
        "digest-without-status-and-claim-checks",
        "portal/notifications/services.py",
        '    if row is None or row["status"] != DigestDelivery.Status.SENDING'
        ' or row["claim_token"] != token:\n'
        "        return  # handed back as stale and taken by another chain: theirs now\n",
        "",
        "tests/portal/notifications/test_delivery.py::"
        "test_a_stalled_sender_whose_claim_was_handed_on_does_not_send_a_second_copy",
    ),
    _edit(
        "page-cache-without-bump-after-commit",
        "portal/core/page_cache.py",
        "    bump()\n    transaction.on_commit(bump)\n",
        "    bump()\n",
        "tests/portal/core/test_page_cache.py::"
        "test_a_page_rendered_from_rows_read_before_a_commit_is_not_given_out_after_it",
    ),
    _edit(
        "page-cache-lifetime-doubled",
        "portal/core/page_cache.py",
        "clock() + settings.PAGE_CACHE_SECONDS",
        "clock() + 2 * settings.PAGE_CACHE_SECONDS",
        "tests/portal/core/test_page_cache.py::test_support_counts_lag_until_the_page_expires_and_never_drift",
    ),
    _edit(
        "reports-counted-across-proposal-and-comments",
        "proposals/services/reader_report.py",
        "Report.objects.filter(proposal=proposal, comment=comment)",
        "Report.objects.filter(proposal=proposal)",
        "tests/proposals/test_moderation_actions.py::"
        "test_reports_count_per_piece_of_content_never_across_a_proposal_and_its_comments",
    ),
    Mutant(
        "unsubscribe-token-without-its-salt",
        "portal/notifications/services.py",
        (
            (
                '"a": _address_key(email)}, salt=UNSUBSCRIBE_SALT, compress=True',
                '"a": _address_key(email)}, compress=True',
            ),
            ("signing.loads(token, salt=UNSUBSCRIBE_SALT)", "signing.loads(token)"),
        ),
        (UNSUBSCRIBE,),
    ),
    _edit(
        "staff-gate-without-the-moderation-queue",
        "portal/settings/base.py",
        '("/staff/", "/admin/", "/moderation/", "/commission/")',
        '("/staff/", "/admin/", "/commission/")',
        STAFF_GATE,
    ),
    _edit(
        "staff-gate-only-for-reads",
        "portal/core/middleware.py",
        "if self._is_staff_path(request.path_info) and",
        'if request.method == "GET" and self._is_staff_path(request.path_info) and',
        STAFF_GATE,
    ),
    _edit(
        "support-refusal-with-the-wrong-reason",
        "proposals/permissions/proposal.py",
        'return _("Verify your identity to support proposals: one person, one support.")',
        'return _("Sign in to support proposals.")',
        "tests/proposals/test_api.py::test_unverified_token_owner_cannot_support",
    ),
    _edit(
        "attachment-name-keeps-markup",
        "proposals/services/attachment.py",
        'name = _UNSAFE_NAME_CHARS.sub("_", name).strip(" ._")',
        'name = name.strip(" ._")',
        "tests/proposals/test_submission.py::test_pdf_attachment_is_stored_and_served_as_a_download",
    ),
    # Survivors of the cosmic-ray run (docs/TESTING.md), each with the test written for it.
    _edit(
        "luhn-double-of-nine",
        "proposals/detectors/pii.py",
        "value = value * 2 - 9 if value > 4",
        "value = value * 2 % 9 if value > 4",
        CARDS,
    ),
    _edit(
        "luhn-double-minus-eleven",
        "proposals/detectors/pii.py",
        "value = value * 2 - 9 if value > 4",
        "value = value - 2 - 9 if value > 4",
        CARDS,
    ),
    _edit(
        "luhn-double-minus-ten",
        "proposals/detectors/pii.py",
        "value = value * 2 - 9 if value > 4",
        "value = value * 2 - 10 if value > 4",
        CARDS,
    ),
    _edit(
        "card-of-nineteen-digits-left-out",
        "proposals/detectors/pii.py",
        "13 <= len(digits) <= 19",
        "13 <= len(digits) < 19",
        CARDS,
    ),
    _edit(
        "card-of-thirteen-digits-left-out",
        "proposals/detectors/pii.py",
        "13 <= len(digits) <= 19",
        "14 <= len(digits) <= 19",
        CARDS,
    ),
    _edit(
        "repetition-by-difference",
        "proposals/detectors/spam.py",
        "len(set(words)) / len(words) < 0.2",
        "len(set(words)) - len(words) < 0.2",
        "tests/proposals/detectors/test_spam_and_bursts.py::test_a_long_text_in_varied_words_is_not_repetition",
    ),
    _edit(
        "shouting-at-exactly-seventy-percent",
        "proposals/detectors/spam.py",
        "/ len(letters) > 0.7",
        "/ len(letters) >= 0.7",
        "tests/proposals/detectors/test_spam_and_bursts.py::"
        "test_shouting_is_more_than_seven_letters_in_ten_in_capitals",
    ),
    _edit(
        "email-weighs-more-than-certainty",
        "proposals/detectors/pii.py",
        "mask(match.group()), 0.6, match.span()",
        "mask(match.group()), 1.6, match.span()",
        WEIGHTS,
    ),
    _edit(
        "burst-of-an-address-weighs-less-than-nothing",
        "proposals/detectors/bursts.py",
        '{counts.address} in {window} min", 0.5',
        '{counts.address} in {window} min", -0.5',
        WEIGHTS,
    ),
    _edit(
        "signatures-of-different-sizes-below-zero",
        "proposals/detectors/minhash.py",
        "    if left.shape != right.shape:\n        return 0.0",
        "    if left.shape != right.shape:\n        return -1.0",
        "tests/proposals/detectors/test_minhash.py::test_signatures_of_different_sizes_are_not_similar_at_all",
    ),
    _edit(
        "appeal-from-any-earlier-status",
        "proposals/permissions/proposal.py",
        "and proposal.status == ProposalStatus.REJECTED",
        "and proposal.status < ProposalStatus.REJECTED",
        f"{LIFECYCLE}::test_an_author_cannot_send_their_published_proposal_back_to_moderation",
    ),
    _edit(
        "appeal-to-any-other-status",
        "proposals/permissions/proposal.py",
        "to_status == ProposalStatus.IN_MODERATION\n        and proposal.status",
        "to_status != ProposalStatus.IN_MODERATION\n        and proposal.status",
        f"{LIFECYCLE}::test_an_author_cannot_send_their_published_proposal_back_to_moderation",
    ),
    _edit(
        "four-eyes-review-after-review",
        "proposals/permissions/response.py",
        "return response.state == ResponseState.IN_REVIEW and",
        "return response.state > ResponseState.IN_REVIEW and",
        FOUR_EYES,
    ),
    _edit(
        "four-eyes-drafter-compared-by-order",
        "proposals/permissions/response.py",
        "response.drafted_by_id != user.pk",
        "response.drafted_by_id < user.pk",
        FOUR_EYES,
    ),
    _edit(
        "anyone-reviews-an-unpublished-answer",
        "proposals/permissions/response.py",
        "if not is_commission_member(user) or response.state == ResponseState.PUBLISHED:",
        "if not is_commission_member(user) and response.state == ResponseState.PUBLISHED:",
        "tests/portal/core/test_permissions.py::test_only_commission_members_review_answers",
    ),
    _edit(
        "four-eyes-review-of-a-returned-answer",
        "proposals/permissions/response.py",
        "return response.state == ResponseState.IN_REVIEW and",
        "return response.state >= ResponseState.IN_REVIEW and",
        FOUR_EYES,
    ),
]


def apply(mutant: Mutant) -> str:
    path = BASE / mutant.path
    original = path.read_text()
    mutated = original
    for old, new in mutant.edits:
        if mutated.count(old) != 1:
            raise SystemExit(f"{mutant.id}: the text to mutate is not in {mutant.path} exactly once")
        mutated = mutated.replace(old, new)
    path.write_text(mutated)
    return original


def run_tests(tests: tuple[str, ...]) -> int:
    command = [
        sys.executable,
        "-m",
        "pytest",
        "-x",
        "-q",
        "-p",
        "no:randomly",
        "-p",
        "no:xdist",
        "--reuse-db",
        *tests,
    ]
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings.test"}
    return subprocess.run(command, cwd=BASE, env=env, capture_output=True, check=False).returncode


def main(ids: list[str]) -> int:
    chosen = [m for m in MUTANTS if not ids or m.id in ids]
    survived = []
    for mutant in chosen:
        started = time.monotonic()
        original = apply(mutant)
        try:
            code = run_tests(mutant.tests)
        finally:
            (BASE / mutant.path).write_text(original)
        # pytest exits 1 when tests failed; anything else (no tests, a usage error) proves nothing.
        verdict = "KILLED" if code == 1 else f"SURVIVED (pytest exit {code})"
        if code != 1:
            survived.append(mutant.id)
        print(
            f"{verdict:<26} {mutant.id:<46} {time.monotonic() - started:5.0f} s  by {' '.join(mutant.tests)}"
        )
    print(f"{len(chosen) - len(survived)} of {len(chosen)} mutants killed")
    return 1 if survived else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
