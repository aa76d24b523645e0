"""A consultation and its phases: what is allowed when (intake, hearings, review, outcome)."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.accounts.models import STRONG_LEVELS, IdentityLevel
from portal.core.fields import lifecycle_status, status_change
from portal.core.models import TimeSpan, TransitionLog

from .translated import TitledInLanguages


def default_accepted_levels() -> list[str]:
    """What a new consultation accepts: the site's `PORTAL_IDENTITY_DEFAULT_LEVELS` (strong and staff in
    production; every level in development and the demo)."""
    return [level for level in IdentityLevel.values if level in settings.PORTAL_IDENTITY_DEFAULT_LEVELS]


class ConsultationStatus(models.TextChoices):
    """Where a consultation is in its life. Intake itself follows the intake phase's dates."""

    DRAFT = "draft", _("Draft (staff only)")
    PUBLISHED = "published", _("Published")
    OUTCOME_PUBLISHED = "outcome_published", _("Outcome published")
    ARCHIVED = "archived", _("Archived")


class Consultation(TitledInLanguages):
    class ModerationPolicy(models.TextChoices):
        DEFAULT = "", _("Site default (PORTAL_MODERATION_POLICY)")
        AUTO_PUBLISH_CLEAN = "auto_publish_clean", _("Publish clean submissions at once, queue the rest")
        REVIEW_ALL = "review_all", _("A moderator reviews every submission")

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    moderation_policy = models.CharField(
        _("moderation policy"),
        max_length=20,
        choices=ModerationPolicy.choices,
        blank=True,
        default="",
        db_default="",
    )
    # The verification levels (IdentityLevel values) whose holders may support, and whose supports count.
    accepted_identity_levels = models.JSONField(
        _("identity levels that may support"), default=default_accepted_levels
    )
    # Written only by `consultation_transition`; rows made before the lifecycle existed were public.
    status = lifecycle_status(
        ConsultationStatus,
        default=ConsultationStatus.PUBLISHED,
        max_length=20,
        verbose_name=_("status"),
        db_default=ConsultationStatus.PUBLISHED,
    )
    outcome_summary_kk = models.TextField(_("outcome summary (Kazakh)"), blank=True)
    outcome_summary_ru = models.TextField(_("outcome summary (Russian)"), blank=True)
    outcome_summary_en = models.TextField(_("outcome summary (English)"), blank=True)
    outcome_published_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    translated_fields = ("title", "description", "outcome_summary")

    class Meta:
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        ordering = ["-created_at"]

    def __str__(self):
        return self.translated("title") or self.slug

    def get_absolute_url(self):
        return reverse("consultation_detail", kwargs={"slug": self.slug})

    @property
    def effective_moderation_policy(self) -> str:
        return self.moderation_policy or settings.PORTAL_MODERATION_POLICY

    @property
    def is_public(self) -> bool:
        return self.status != ConsultationStatus.DRAFT

    def accepts_weak_levels(self) -> bool:
        return any(level not in STRONG_LEVELS for level in self.accepted_identity_levels)


class Phase(TimeSpan):
    class Kind(models.TextChoices):
        INTAKE = "intake", _("Proposal intake")
        HEARINGS = "hearings", _("Public hearings")
        REVIEW = "review", _("Commission review")
        OUTCOME = "outcome", _("Outcome published")

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="phases")
    kind = models.CharField(_("phase"), max_length=10, choices=Kind.choices)

    class Meta(TimeSpan.Meta):
        verbose_name = _("phase")
        verbose_name_plural = _("phases")
        ordering = ["starts_at"]
        constraints = [
            models.UniqueConstraint(fields=["consultation", "kind"], name="phase_once_per_consultation"),
            *TimeSpan.Meta.constraints,
        ]

    def __str__(self):
        return f"{self.consultation}: {self.get_kind_display()}"

    def state(self, now=None) -> str:
        now = now or timezone.now()
        if now < self.starts_at:
            return "upcoming"
        return "current" if now < self.ends_at else "past"


class ConsultationTransition(TransitionLog):
    """The log of a consultation's life: status changes and the opening and closing of intake."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="transitions")
    action = models.CharField(max_length=40)
    from_status, to_status = status_change(ConsultationStatus, max_length=20)

    def __str__(self):
        return f"{self.consultation_id}: {self.action} ({self.from_status} → {self.to_status})"
