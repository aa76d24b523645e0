"""Texts of the notifications that the participation domain raises (registered with the notifications app)."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

PROPOSAL_MESSAGES = {
    "proposal.published": _("Your proposal “%(title)s” is published."),
    "proposal.status_changed": _("The proposal “%(title)s” is now: %(status)s."),
    "proposal.rejected": _(
        "Your proposal “%(title)s” was not published. Reasons: %(reason)s You can appeal once on the "
        "proposal's page."
    ),
    "proposal.changes_requested": _("A moderator asks you to change your proposal “%(title)s”: %(reason)s"),
    "proposal.responded": _(
        "The Commission answered the proposal “%(title)s”: %(decision)s. Reasons: %(reason)s"
    ),
    "proposal.responded_articles": _(
        "The Commission answered the proposal “%(title)s”: %(decision)s. Articles changed: %(articles)s. "
        "Reasons: %(reason)s"
    ),
    "proposal.answer_corrected": _(
        "The Commission corrected the articles or the draft version its answer to “%(title)s” names. "
        "Reason: %(reason)s"
    ),
    "proposal.hidden": _(
        "Your proposal “%(title)s” was hidden by a moderator. Reasons: %(reason)s You can appeal once on the "
        "proposal's page."
    ),
    # Plural forms: a Russian reader counts "1 жалоба", "3 жалобы", "5 жалоб".
    "proposal.hidden_pending": ngettext_lazy(
        "Your proposal “%(title)s” is hidden until a moderator reviews it. Reasons: readers reported it as: "
        "%(reason)s (%(count)s independent report from verified people). This was done automatically, not "
        "by a moderator's decision; a moderator reviews it before anything else in the queue.",
        "Your proposal “%(title)s” is hidden until a moderator reviews it. Reasons: readers reported it as: "
        "%(reason)s (%(count)s independent reports from verified people). This was done automatically, not "
        "by a moderator's decision; a moderator reviews it before anything else in the queue.",
        "count",
    ),
    "proposal.merged": _(
        "Your proposal “%(title)s” was merged into the proposal “%(into)s” by a moderator, as a duplicate. "
        "Reasons: %(reason)s"
    ),
    "proposal.appeal_upheld": _(
        "Your appeal was upheld: another moderator reversed the decision on your proposal “%(title)s”. "
        "Reasons: %(reason)s"
    ),
    "proposal.appeal_dismissed": _(
        "Your appeal was not upheld: another moderator confirmed the decision on your proposal “%(title)s”. "
        "This decision is final. Reasons: %(reason)s"
    ),
    "comment.appeal_upheld": _(
        "Your appeal was upheld: another moderator restored your comment on “%(title)s”. Reasons: %(reason)s"
    ),
    "comment.appeal_dismissed": _(
        "Your appeal was not upheld: another moderator confirmed the hiding of your comment on “%(title)s”. "
        "This decision is final. Reasons: %(reason)s"
    ),
    "comment.held": _(
        "Your comment on “%(title)s” is held until a moderator has looked at it: the automatic check found "
        "something to review. Only you see it in the meantime."
    ),
    "comment.hidden_pending": ngettext_lazy(
        "Your comment on “%(title)s” is hidden until a moderator reviews it. Reasons: readers reported it "
        "as: %(reason)s (%(count)s independent report from verified people). This was done automatically, "
        "not by a moderator's decision; a moderator reviews it before anything else in the queue.",
        "Your comment on “%(title)s” is hidden until a moderator reviews it. Reasons: readers reported it "
        "as: %(reason)s (%(count)s independent reports from verified people). This was done automatically, "
        "not by a moderator's decision; a moderator reviews it before anything else in the queue.",
        "count",
    ),
    "comment.hidden": _(
        "Your comment on “%(title)s” was hidden by a moderator. Reasons: %(reason)s You can appeal once from "
        "My participation."
    ),
    "comment.shown": _(
        "A moderator looked at your comment on “%(title)s”: it is shown on the proposal's page."
    ),
    "comment.reply": _("%(author)s replied to your comment on “%(title)s”."),
    "comment.new": _("%(author)s commented on “%(title)s”."),
    "hearing.changed": _("The hearing “%(title)s” changed: %(change)s"),
    "hearing.reminder": _("Reminder: the hearing “%(title)s” starts on %(start)s."),
    "hearing.moved": _("The hearing “%(title)s” moved: it now starts on %(start)s, venue: %(venue)s."),
    "hearing.postponed": _("The hearing “%(title)s” is postponed; a new date will be announced."),
    "hearing.cancelled": _("The hearing “%(title)s” is cancelled."),
    "hearing.rescheduled": _(
        "The hearing “%(title)s” is scheduled again: it starts on %(start)s, venue: %(venue)s."
    ),
    "hearing.postponed_because": _(
        "The hearing “%(title)s” is postponed; a new date will be announced. Reason: %(reason)s"
    ),
    "hearing.cancelled_because": _("The hearing “%(title)s” is cancelled. Reason: %(reason)s"),
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
    "commitment.recorded": _(
        "New commitment “%(title)s”: it carries out a change adopted in answer to proposals."
    ),
    # `deadline` is written in the reader's language; older notices without it or `body` read a dash there.
    "commitment.overdue": _(
        "The commitment “%(title)s” is overdue (due date: %(deadline)s): it is neither done nor dropped. "
        "Responsible body: %(body)s."
    ),
    "commitment.updated": _("News on the commitment “%(title)s”: its status is now “%(status)s”. %(news)s"),
    # To Commission members (category `commission_work`): the four-eyes approval of an answer.
    "response.awaiting_approval": _(
        "An answer to “%(title)s” awaits your approval: %(by)s drafted it and sent it for approval. It is "
        "published only once another Commission member approves it."
    ),
    "response.approved": _(
        "%(by)s approved your answer to “%(title)s”: it is published, and the authors and followers are told."
    ),
    "response.returned": _("%(by)s returned your answer to “%(title)s” for changes. Reasons: %(reason)s"),
    "deadline.missed": _("The answer to “%(title)s” is overdue (deadline %(deadline)s)."),
}
