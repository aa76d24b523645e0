"""The texts of notifications, keyed by kind. Rendered in the recipient's language at display time."""

from django.utils.translation import gettext_lazy as _

MESSAGES = {
    "proposal.published": _("Your proposal “%(title)s” is published."),
    "proposal.status_changed": _("The proposal “%(title)s” is now: %(status)s."),
    "proposal.rejected": _(
        "Your proposal “%(title)s” was not published. Reasons: %(reason)s You can appeal once on the "
        "proposal's page."
    ),
    "proposal.changes_requested": _("A moderator asks you to change your proposal “%(title)s”: %(reason)s"),
    "proposal.responded": _("The Commission answered the proposal “%(title)s”."),
    "proposal.hidden": _(
        "Your proposal “%(title)s” was hidden by a moderator. Reasons: %(reason)s You can appeal once on the "
        "proposal's page."
    ),
    "proposal.hidden_pending": _(
        "Your proposal “%(title)s” was reported by several people and is hidden until a moderator reviews it."
    ),
    "comment.hidden": _("Your comment on “%(title)s” was hidden by a moderator. Reasons: %(reason)s"),
    "account.blocked": _(
        "Your account is blocked until %(until)s: you can read, but not submit, comment or support. "
        "Reason: %(reason)s"
    ),
    "comment.reply": _("%(author)s replied to your comment on “%(title)s”."),
    "comment.new": _("%(author)s commented on “%(title)s”."),
    "hearing.changed": _("The hearing “%(title)s” changed: %(change)s"),
    "hearing.reminder": _("Reminder: the hearing “%(title)s” starts at %(start)s."),
    "hearing.moved": _("The hearing “%(title)s” moved: it now starts at %(start)s, venue: %(venue)s."),
    "hearing.postponed": _("The hearing “%(title)s” is postponed; a new date will be announced."),
    "hearing.cancelled": _("The hearing “%(title)s” is cancelled."),
    "hearing.scheduled": _(
        "A proposal you wrote or follow is on the agenda of the hearing “%(title)s” on %(start)s."
    ),
    "hearing.registered": _("You are registered for the hearing “%(title)s” on %(start)s."),
    "hearing.waitlisted": _("You are on the waiting list for the hearing “%(title)s” on %(start)s."),
    "hearing.promoted": _("A seat became free: you are now registered for the hearing “%(title)s”."),
    "hearing.speaker_accepted": _(
        "You will present “%(proposal)s” at the hearing “%(title)s” (%(start)s). Note: %(note)s"
    ),
    "hearing.speaker_declined": _(
        "Your request to present “%(proposal)s” at the hearing “%(title)s” was declined. Note: %(note)s"
    ),
    "deadline.missed": _("The answer to “%(title)s” is overdue (deadline %(deadline)s)."),
}


def render_message(kind: str, params: dict) -> str:
    template = MESSAGES.get(kind)
    if template is None:
        return kind
    try:
        return str(template) % params
    except (KeyError, TypeError, ValueError):
        return str(template)
