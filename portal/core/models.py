from django.core.cache import cache
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from .fields import actor_field


def published_has_date(*, name: str) -> models.CheckConstraint:
    """A row reviewed before it goes out (`state`) carries the time it was published once it is: public pages
    order and date it by `published_at`."""
    return models.CheckConstraint(
        condition=Q(state="published", published_at__isnull=False) | ~Q(state="published"), name=name
    )


class Timestamped(models.Model):
    """When a row was made and last saved, for rows that are edited after they are made."""

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class TimeSpan(models.Model):
    """Something that takes place between two times (a consultation's phase, a hearing); the database refuses
    an end before the start."""

    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))

    class Meta:
        abstract = True
        constraints = [
            # Named for the model: `phase_ends_after_start`, `hearing_ends_after_start`.
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="%(class)s_ends_after_start")
        ]


class OldestFirst(models.Model):
    """Rows read in the order they were made, the id settling those made in the same instant: queues, threads
    and logs. Each model declares its own `created_at`, with the options it needs (an index, a default a
    service may set)."""

    class Meta:
        abstract = True
        ordering = ["created_at", "id"]


class TransitionLog(OldestFirst):
    """What every lifecycle's log row holds beside its own statuses: who made the step and when, read oldest
    first."""

    actor = actor_field()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(OldestFirst.Meta):
        abstract = True


class AuditEntry(models.Model):
    """Who did what to which object, and when. Written by services; never edited."""

    actor = actor_field()
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


# The switches are read on every request from the shared cache (`portal.core.switches.current`); a save
# drops the cached copy so every web process sees the change at its next request.
SWITCHES_CACHE_KEY = "portal:site-switches"


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
        cache.delete(SWITCHES_CACHE_KEY)

    def banner(self, language: str) -> str:
        return getattr(self, f"banner_{language}", "") or self.banner_kk or self.banner_ru or self.banner_en


class IdempotencyRecord(models.Model):
    """The first answer to an API write sent with an `Idempotency-Key`, kept 24 hours so that a client
    retrying after a lost answer gets it again instead of writing twice (portal/core/idempotency.py).

    Written in the same transaction as the write it answers: both are stored, or neither.
    """

    # SHA-256 of the credential (the bearer token) that sent the key: keys are per client.
    client = models.CharField(max_length=64)
    key = models.CharField(max_length=255)
    request_fingerprint = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    content_type = models.CharField(max_length=100)
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["client", "key"], name="core_idempotency_unique_key")]

    def __str__(self):
        return f"{self.key} ({self.created_at:%Y-%m-%d %H:%M})"
