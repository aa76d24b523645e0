"""What the moderation tests share: a statement of reasons long enough to decide with, and a date of long
standing for the accounts that report."""

from datetime import timedelta

from django.utils import timezone

from proposals.models import ModerationCase
from proposals.services.comment import comment_create
from proposals.services.moderation import moderation_act, moderation_case_claim, moderation_decide
from proposals.services.reader_report import report_create

STATEMENT = "The text insults a named official; the rules of the consultation forbid this."
# Accounts of long standing: new accounts reporting count as one voice together (a possible campaign).
LONG_AGO = timezone.now() - timedelta(days=400)


def hide(*, moderator, proposal, comment=None, reason_code="personal_data", statement=STATEMENT):
    """A moderator hides a proposal, or a comment on it, on their own initiative."""
    return moderation_act(
        moderator=moderator,
        proposal=proposal,
        comment=comment,
        decision="hide",
        reason_code=reason_code,
        statement=statement,
    )


def hide_comment(*, moderator, proposal, comment):
    """A moderator hides a comment on their own initiative, with the reasons above."""
    return hide(moderator=moderator, proposal=proposal, comment=comment, reason_code="abuse")


def keep_reported_comment(*, proposal, author, moderator, reporters):
    """A comment by `author` that `reporters` report and `moderator` keeps before any hiding."""
    comment = comment_create(author=author, proposal=proposal, body="The district budget is a secret.")
    for reporter in reporters:
        report_create(reporter=reporter, proposal=proposal, comment=comment, kind="spam")
    case = ModerationCase.objects.get(comment=comment, status="open")
    moderation_case_claim(case=case, moderator=moderator)
    moderation_decide(case=case, moderator=moderator, decision="approve")
    return comment
