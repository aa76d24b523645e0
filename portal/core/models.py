from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    """Who did what to which object, and when. Written by services; never edited."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(_("action"), max_length=80)
    target_type = models.CharField(_("target type"), max_length=80, blank=True)
    target_id = models.CharField(_("target id"), max_length=40, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"], name="core_audit_target_idx")]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.target_type}:{self.target_id}"


class SiteSwitches(models.Model):
    """Admin switches for a surge: pause submissions or heavy features and say why in a banner.

    One row (pk 1); read through `portal.core.switches.current()`, cached for a few seconds on the shared
    cache so every web process sees a change at about the same time.
    """

    submissions_paused = models.BooleanField(_("pause new submissions"), default=False)
    supports_paused = models.BooleanField(_("pause supports"), default=False)
    comments_paused = models.BooleanField(_("pause comments"), default=False)
    search_paused = models.BooleanField(_("pause full-text search"), default=False)
    banner_kk = models.CharField(_("banner (Kazakh)"), max_length=300, blank=True)
    banner_ru = models.CharField(_("banner (Russian)"), max_length=300, blank=True)
    banner_en = models.CharField(_("banner (English)"), max_length=300, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("site switches")
        verbose_name_plural = _("site switches")

    def __str__(self):
        return str(_("site switches"))

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)
        from .switches import forget

        forget()

    def banner(self, language: str) -> str:
        return getattr(self, f"banner_{language}", "") or self.banner_kk or self.banner_ru or self.banner_en
