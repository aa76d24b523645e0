"""Moderation: cases (from screening, reports and appeals), readers' reports, and the near-duplicate index."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.core.fields import actor_field, optional_link
from portal.core.models import OldestFirst


def moderated_content(*, related_name: str) -> tuple[models.ForeignKey, models.ForeignKey]:
    """What a case or a reader's report is about: a proposal, or one comment on it. For a comment both are
    set, so the proposal reaches every case and report of its thread."""
    proposal = models.ForeignKey(
        "proposals.Proposal", on_delete=models.CASCADE, related_name=related_name, verbose_name=_("proposal")
    )
    comment = optional_link("proposals.Comment", related_name=related_name, verbose_name=_("comment"))
    return proposal, comment


class ModerationCase(OldestFirst):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DECIDED = "decided", _("Decided")

    class Decision(models.TextChoices):
        # Approve publishes a submission, keeps reported content, or restores hidden content.
        APPROVE = "approve", _("Approve")
        REJECT = "reject", _("Reject")
        REQUEST_CHANGES = "request_changes", _("Request changes")
        MERGE = "merge", _("Merge as a duplicate")
        HIDE = "hide", _("Hide")

    class Source(models.TextChoices):
        SCREENING = "screening", _("Screening")
        REPORT = "report", _("Reports by readers")
        IMPERSONATION = "impersonation", _("Impersonation report")
        APPEAL = "appeal", _("Appeal")
        MODERATOR = "moderator", _("A moderator's own initiative")

    class ReasonCode(models.TextChoices):
        PERSONAL_DATA = "personal_data", _("Contains personal data")
        ABUSE = "abuse", _("Abusive or hateful language")
        SPAM = "spam", _("Spam or advertising")
        OFF_TOPIC = "off_topic", _("Not about the consultation")
        DUPLICATE = "duplicate", _("Duplicate of another proposal")
        ILLEGAL = "illegal", _("Calls for illegal acts")
        IMPERSONATION = "impersonation", _("Submitted in another person's name")
        OTHER = "other", _("Other reason")

    proposal, comment = moderated_content(related_name="moderation_cases")
    source = models.CharField(
        max_length=15,
        choices=Source.choices,
        default=Source.SCREENING,
        db_default="screening",
        verbose_name=_("source"),
    )
    # Higher first: impersonation reports, then appeals, then readers' reports, then screening.
    priority = models.PositiveSmallIntegerField(default=0, db_default=0)
    language = models.CharField(max_length=2, blank=True, db_default="", verbose_name=_("language"))
    risk_score = models.FloatField(default=0.0)
    reasons = models.JSONField(default=list, blank=True)
    findings = models.JSONField(
        default=list, blank=True, help_text="masked excerpts, never raw personal data"
    )
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.OPEN, verbose_name=_("status")
    )
    claimed_by = actor_field()
    claimed_at = models.DateTimeField(null=True, blank=True)
    decision = models.CharField(
        max_length=20, choices=Decision.choices, blank=True, verbose_name=_("decision")
    )
    reason_code = models.CharField(
        max_length=20, choices=ReasonCode.choices, blank=True, verbose_name=_("reason")
    )
    statement = models.TextField(_("statement of reasons"), blank=True)
    decided_by = actor_field()
    decided_at = models.DateTimeField(null=True, blank=True)
    # An appeal is decided by someone other than the moderator whose decision is appealed.
    appeal_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="appeals"
    )
    appeal_grounds = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True, verbose_name=_("created at"))

    class Meta(OldestFirst.Meta):
        verbose_name = _("moderation case")
        verbose_name_plural = _("moderation cases")
        constraints = [
            models.UniqueConstraint(
                fields=["proposal"],
                condition=Q(status="open", comment__isnull=True),
                name="one_open_case_per_proposal",
            ),
            models.UniqueConstraint(
                fields=["comment"], condition=Q(status="open"), name="one_open_case_per_comment"
            ),
        ]
        indexes = [models.Index(fields=["status", "-priority", "created_at"], name="moderation_queue_idx")]

    def __str__(self):
        return f"case {self.pk} on {self.proposal_id} ({self.status})"

    @property
    def is_appeal(self) -> bool:
        return self.appeal_of_id is not None

    @property
    def outcome_label(self) -> str:
        """The decision as its author reads it afterwards ("Rejected"), not as the moderator's button
        ("Reject")."""
        if self.is_appeal and self.decision:
            return _("Appeal upheld") if self.decision == self.Decision.APPROVE else _("Appeal not upheld")
        return DECISION_OUTCOMES.get(self.decision, self.get_decision_display())

    @property
    def kind(self) -> str:
        return "comment" if self.comment_id else "proposal"

    @property
    def author(self):
        return self.comment.author if self.comment_id else self.proposal.author


# Queue order: the falsely named go first, then appeals, then what readers reported, then screening.
CASE_PRIORITY = {
    ModerationCase.Source.IMPERSONATION: 30,
    ModerationCase.Source.APPEAL: 20,
    ModerationCase.Source.REPORT: 10,
    ModerationCase.Source.SCREENING: 0,
    ModerationCase.Source.MODERATOR: 0,
}


# An account made this shortly before it reports is "new": throw-away accounts are made for a campaign. Their
# reports reach the moderator but count as one voice together towards hiding (services/reader_report.py).
NEW_ACCOUNT_AGE = timedelta(days=7)


DECISION_OUTCOMES = {
    ModerationCase.Decision.APPROVE: _("Approved"),
    ModerationCase.Decision.REJECT: _("Rejected by moderation"),
    ModerationCase.Decision.REQUEST_CHANGES: _("Changes requested"),
    ModerationCase.Decision.MERGE: _("Merged"),
    ModerationCase.Decision.HIDE: _("Hidden by moderation"),
}


class Report(OldestFirst):
    """A reader's report of a proposal or a comment; distinct reporters past a threshold hide the content."""

    class Kind(models.TextChoices):
        ABUSE = "abuse", _("Abusive or hateful")
        SPAM = "spam", _("Spam or advertising")
        PERSONAL_DATA = "personal_data", _("Contains someone's personal data")
        OFF_TOPIC = "off_topic", _("Not about the consultation")
        IMPERSONATION = "impersonation", _("I did not submit this: it uses my name")
        OTHER = "other", _("Something else")

    proposal, comment = moderated_content(related_name="reports")
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("what is wrong"), max_length=15, choices=Kind.choices)
    details = models.CharField(_("details"), max_length=500, blank=True)
    case = models.ForeignKey(
        ModerationCase, null=True, blank=True, on_delete=models.SET_NULL, related_name="reports"
    )
    # A keyed, truncated fingerprint of the reporter's network (portal.core.http.network_fingerprint), never
    # the address: equal for reporters on one network, so a campaign shows. Emptied after
    # PRIVACY_IP_RETENTION_DAYS and when the reporter's account is erased.
    network = models.CharField(max_length=16, blank=True, default="", db_default="")
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta(OldestFirst.Meta):
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "reporter"],
                condition=Q(comment__isnull=True),
                name="report_proposal_once",
            ),
            models.UniqueConstraint(
                fields=["comment", "reporter"], condition=Q(comment__isnull=False), name="report_comment_once"
            ),
        ]

    def __str__(self):
        return f"{self.kind} report on {self.comment_id or self.proposal_id}"


class DuplicateBand(models.Model):
    """One LSH band of a proposal's MinHash signature: proposals sharing a (band, bucket) are candidates.

    The signature itself is on the proposal (`Proposal.minhash`); these rows make the lookup an index scan
    in the database every worker shares, written in the same transaction as the screening.
    """

    proposal = models.ForeignKey("proposals.Proposal", on_delete=models.CASCADE, related_name="+")
    band = models.PositiveSmallIntegerField()
    bucket = models.BigIntegerField()

    class Meta:
        indexes = [models.Index(fields=["band", "bucket"], name="duplicate_band_bucket_idx")]
        constraints = [models.UniqueConstraint(fields=["proposal", "band"], name="duplicate_band_once")]

    def __str__(self):
        return f"{self.proposal_id}:{self.band}"
