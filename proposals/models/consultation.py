"""A consultation and its phases: what is allowed when (intake, hearings, review, outcome)."""

from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .translated import TranslatedFieldsMixin


class Consultation(TranslatedFieldsMixin, models.Model):
    class ModerationPolicy(models.TextChoices):
        DEFAULT = "", _("Site default (PORTAL_MODERATION_POLICY)")
        AUTO_PUBLISH_CLEAN = "auto_publish_clean", _("Publish clean submissions at once, queue the rest")
        REVIEW_ALL = "review_all", _("A moderator reviews every submission")

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    title_kk = models.CharField(_("title (Kazakh)"), max_length=200, blank=True)
    title_ru = models.CharField(_("title (Russian)"), max_length=200, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    description_kk = models.TextField(_("description (Kazakh)"), blank=True)
    description_ru = models.TextField(_("description (Russian)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    moderation_policy = models.CharField(
        _("moderation policy"),
        max_length=20,
        choices=ModerationPolicy.choices,
        blank=True,
        default="",
        db_default="",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    translated_fields = ("title", "description")

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
        from django.conf import settings

        return self.moderation_policy or settings.PORTAL_MODERATION_POLICY


class Phase(models.Model):
    class Kind(models.TextChoices):
        INTAKE = "intake", _("Proposal intake")
        HEARINGS = "hearings", _("Public hearings")
        REVIEW = "review", _("Commission review")
        OUTCOME = "outcome", _("Outcome published")

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="phases")
    kind = models.CharField(_("phase"), max_length=10, choices=Kind.choices)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))

    class Meta:
        verbose_name = _("phase")
        verbose_name_plural = _("phases")
        ordering = ["starts_at"]
        constraints = [
            models.UniqueConstraint(fields=["consultation", "kind"], name="phase_once_per_consultation"),
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="phase_ends_after_start"),
        ]

    def __str__(self):
        return f"{self.consultation}: {self.get_kind_display()}"

    def state(self, now=None) -> str:
        now = now or timezone.now()
        if now < self.starts_at:
            return "upcoming"
        return "current" if now < self.ends_at else "past"
