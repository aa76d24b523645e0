"""The names of the domain's audit log entries, registered in `registrations.py` for the audit log page."""

from django.utils.translation import gettext_lazy as _

from portal.core.registries import AuditVocabulary

from .models import (
    CommitmentStatus,
    ConsultationStatus,
    HearingStatus,
    ModerationCase,
    ProposalStatus,
    ResponseState,
    ResponseStatus,
)

MODERATION_ACTIONS = {
    ModerationCase.Decision.APPROVE: _("Moderation: approved"),
    ModerationCase.Decision.REJECT: _("Moderation: rejected"),
    ModerationCase.Decision.REQUEST_CHANGES: _("Moderation: changes requested"),
    ModerationCase.Decision.MERGE: _("Moderation: merged as a duplicate"),
    ModerationCase.Decision.HIDE: _("Moderation: hidden"),
}

# The statuses that "from" and "to" hold, whichever lifecycle wrote them: a code that two of them
# share ("draft", "published") has the same meaning in each.
STATUS_LABELS = {
    code: label
    for statuses in (ConsultationStatus, HearingStatus, ResponseState, ProposalStatus, CommitmentStatus)
    for code, label in statuses.choices
}

PROPOSALS_AUDIT = AuditVocabulary(
    actions={
        "consultation.created": _("Consultation created"),
        "consultation.updated": _("Consultation edited"),
        "consultation.published": _("Consultation published"),
        "consultation.intake_opened": _("Proposal intake opened"),
        "consultation.intake_closed": _("Proposal intake closed"),
        "consultation.outcome_published": _("Consultation outcome published"),
        "consultation.archived": _("Consultation archived"),
        "document.created": _("Document created"),
        "document.version_imported": _("Document version imported"),
        "document.version_published": _("Document version published"),
        "document.version_discarded": _("Document version discarded"),
        "document.article_match_confirmed": _("Article match confirmed"),
        "document.article_match_changed": _("Article match changed"),
        "commitment.created": _("Commitment created"),
        "commitment.update_requested": _("Commitment update awaiting approval"),
        "commitment.update_declined": _("Commitment update declined"),
        "commitment.updated": _("Commitment update published"),
        "hearing.saved": _("Hearing saved"),
        "hearing.outcome_saved": _("Hearing outcome saved"),
        "hearing.speaker_accepted": _("Request to speak at a hearing accepted"),
        "hearing.speaker_declined": _("Request to speak at a hearing declined"),
        "hearing.agenda_item_deleted": _("Hearing agenda item deleted"),
        "response.returned": _("Answer returned for changes"),
        "response.published": _("Answer published"),
        "response.corrected": _("Published answer corrected: articles or version"),
        "topic.created": _("Topic created"),
        "topic.updated": _("Topic edited"),
        "response_template.created": _("Answer template created"),
        "response_template.updated": _("Answer template edited"),
        "responsible_body.created": _("Responsible body created"),
        "responsible_body.updated": _("Responsible body edited"),
        "obligation.created": _("Answer obligation created"),
        "obligation.updated": _("Answer obligation edited"),
        **{f"moderation.{decision.value}": label for decision, label in MODERATION_ACTIONS.items()},
        "moderation.refused_conflict": _("Moderation refused: own content or own decision on appeal"),
        "moderation.hidden_by_reports": _("Hidden after readers' reports, until a moderator decides"),
    },
    details={
        "accepted_identity_levels": _("Identity levels that may support"),
        "moved": _("Time or place changed"),
        "agenda_items_moved": _("Agenda items moved with the hearing"),
        "agenda_shift_minutes": _("Moved by (minutes)"),
        "case": _("Moderation case"),
        "voices": _("Independent verified reporters"),
        "hearing": _("Hearing"),
        "proposal": _("Proposal"),
        "proposals": _("Proposals"),
        "reason_code": _("Reason"),
        "appeal": _("Appeal"),
        "merge_into": _("Merged into proposal"),
        "update": _("Status update"),
        "from": _("Was"),
        "to": _("Became"),
        "status": _("Status"),
        "version": _("Version"),
        "identity": _("Matched to the article"),
        "unconfirmed": _("Back among the matches to confirm"),
    },
    # A proposal's staff page is the Commission's work page: its answer, the four-eyes review and the notes.
    target_pages={"proposals.proposal": "commission_work", "proposals.article": "staff_article_match_edit"},
    detail_pages={"case": "moderation_case"},
    # "status" is written by "response.published" only: the answer's outcome, whose "rejected" is not the
    # proposal status "rejected by moderation".
    values=dict.fromkeys(("from", "to"), STATUS_LABELS)
    | {"status": dict(ResponseStatus.choices), "reason_code": dict(ModerationCase.ReasonCode.choices)},
)
