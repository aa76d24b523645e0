"""What the moderation tests share: a statement of reasons long enough to decide with, and a date of long
standing for the accounts that report."""

from datetime import timedelta

from django.utils import timezone

from proposals.services.moderation import moderation_act

STATEMENT = "The text insults a named official; the rules of the consultation forbid this."
# Accounts of long standing: new accounts reporting count as one voice together (a possible campaign).
LONG_AGO = timezone.now() - timedelta(days=400)


def hide_comment(*, moderator, proposal, comment):
    """A moderator hides a comment on their own initiative, with the reasons above."""
    return moderation_act(
        moderator=moderator,
        proposal=proposal,
        comment=comment,
        decision="hide",
        reason_code="abuse",
        statement=STATEMENT,
    )
