"""Notices of staff work (`STAFF_WORK_CATEGORIES`) to staff who have no second factor yet.

Staff powers need the second factor everywhere (PORTAL_STAFF_MFA=required), but a password alone opens a
person's mailbox and their notification centre. A notice of the work itself (an answer awaiting approval and
who drafted it, a draft returned with the reviewer's reasons) would show there what the staff page it links to
shows only after the second factor: such a recipient is told instead that work waits, and how to open it
(`SECOND_FACTOR_NEEDED`), with the same link, which leads through setting the second factor up to the page.
"""

from portal.core.roles import staff_second_factor_required, with_second_factor

from .messages import SECOND_FACTOR_NEEDED
from .models import STAFF_WORK_CATEGORIES


def notices_told(recipient_ids: set[int], *, category: str, kind: str, params: dict) -> dict[int, dict]:
    """Each recipient's `kind` and `params`: as raised, or `SECOND_FACTOR_NEEDED` without parameters."""
    without = set()
    if category in STAFF_WORK_CATEGORIES and staff_second_factor_required():
        without = recipient_ids - with_second_factor(recipient_ids)
    withheld = {"kind": SECOND_FACTOR_NEEDED, "params": {}}
    return {uid: withheld if uid in without else {"kind": kind, "params": params} for uid in recipient_ids}
