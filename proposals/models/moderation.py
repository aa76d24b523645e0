"""Moderation cases: what screening found, who is deciding, and the decision with its statement of reasons."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ModerationCase(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DECIDED = "decided", _("Decided")

    class Decision(models.TextChoices):
        APPROVE = "approve", _("Approve")
        REJECT = "reject", _("Reject")
        REQUEST_CHANGES = "request_changes", _("Request changes")

    class ReasonCode(models.TextChoices):
        PERSONAL_DATA = "personal_data", _("Contains personal data")
        ABUSE = "abuse", _("Abusive or hateful language")
        SPAM = "spam", _("Spam or advertising")
        OFF_TOPIC = "off_topic", _("Not about the consultation")
        DUPLICATE = "duplicate", _("Duplicate of another proposal")
        ILLEGAL = "illegal", _("Calls for illegal acts")
        OTHER = "other", _("Other reason")

    proposal = models.ForeignKey(
        "proposals.Proposal", on_delete=models.CASCADE, related_name="moderation_cases"
    )
    risk_score = models.FloatField(default=0.0)
    reasons = models.JSONField(default=list, blank=True)
    findings = models.JSONField(
        default=list, blank=True, help_text="masked excerpts, never raw personal data"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    claimed_at = models.DateTimeField(null=True, blank=True)
    decision = models.CharField(max_length=20, choices=Decision.choices, blank=True)
    reason_code = models.CharField(max_length=20, choices=ReasonCode.choices, blank=True)
    statement = models.TextField(_("statement of reasons"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    # An appeal is decided by someone other than the moderator whose decision is appealed.
    appeal_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="appeals"
    )
    appeal_grounds = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("moderation case")
        verbose_name_plural = _("moderation cases")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["proposal"], condition=Q(status="open"), name="one_open_case_per_proposal"
            ),
        ]

    def __str__(self):
        return f"case {self.pk} on {self.proposal_id} ({self.status})"

    @property
    def is_appeal(self) -> bool:
        return self.appeal_of_id is not None
