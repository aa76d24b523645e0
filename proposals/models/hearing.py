"""Public hearings of the Commission: schedule, agenda, registrations, speakers, minutes."""

from urllib.parse import parse_qs, urlsplit

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.core.fields import actor_field, lifecycle_status, status_change
from portal.core.models import OldestFirst, TimeSpan, Timestamped, TransitionLog

from .translated import TitledInLanguages, TranslatedFieldsMixin


def stream_embed_url(url: str) -> str:
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if host in ("youtube.com", "www.youtube.com") and parts.path == "/watch":
        video = parse_qs(parts.query).get("v", [""])[0]
        if video.replace("-", "").replace("_", "").isalnum():
            return f"https://{host}/embed/{video}"
    return url


class HearingStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    LIVE = "live", _("Live now")
    FINISHED = "finished", _("Finished")
    POSTPONED = "postponed", _("Postponed")
    CANCELLED = "cancelled", _("Cancelled")


class HearingFormat(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    ONLINE = "online", _("Online")
    HYBRID = "hybrid", _("In person and online")


class Hearing(TitledInLanguages, TimeSpan, Timestamped):
    consultation = models.ForeignKey(
        "proposals.Consultation", on_delete=models.PROTECT, related_name="hearings"
    )
    format = models.CharField(
        _("format"), max_length=10, choices=HearingFormat.choices, default=HearingFormat.IN_PERSON
    )
    venue_kk = models.CharField(_("venue (Kazakh)"), max_length=300, blank=True)
    venue_ru = models.CharField(_("venue (Russian)"), max_length=300, blank=True)
    venue_en = models.CharField(_("venue (English)"), max_length=300, blank=True)
    online_url = models.URLField(_("link to join online"), blank=True)
    stream_url = models.URLField(_("livestream URL"), blank=True)
    capacity = models.PositiveIntegerField(_("seats"), default=100)
    registration_opens_at = models.DateTimeField(_("registration opens"), null=True, blank=True)
    registration_closes_at = models.DateTimeField(_("registration closes"), null=True, blank=True)
    status = lifecycle_status(
        HearingStatus, default=HearingStatus.SCHEDULED, max_length=10, verbose_name=_("status")
    )
    # Published after the hearing.
    minutes_kk = models.TextField(_("minutes (Kazakh)"), blank=True, help_text=_("Markdown."))
    minutes_ru = models.TextField(_("minutes (Russian)"), blank=True, help_text=_("Markdown."))
    minutes_en = models.TextField(_("minutes (English)"), blank=True, help_text=_("Markdown."))
    minutes_html_kk = models.TextField(editable=False, blank=True)
    minutes_html_ru = models.TextField(editable=False, blank=True)
    minutes_html_en = models.TextField(editable=False, blank=True)
    recording_url = models.URLField(_("recording"), blank=True)
    transcript_url = models.URLField(_("transcript"), blank=True)
    # The iCalendar SEQUENCE: raised by each move (time, venue, format) and each change of status.
    sequence = models.PositiveIntegerField(default=0, editable=False)

    translated_fields = ("title", "description", "venue", "minutes_html")

    class Meta(TimeSpan.Meta):
        verbose_name = _("hearing")
        verbose_name_plural = _("hearings")
        ordering = ["starts_at", "id"]

    def __str__(self):
        return self.translated("title") or f"#{self.pk}"

    def get_absolute_url(self):
        return reverse("hearing_detail", kwargs={"pk": self.pk})

    @property
    def stream_embed_url(self) -> str:
        """The livestream as an embeddable address (YouTube watch links become embed links)."""
        return stream_embed_url(self.stream_url)

    @property
    def is_upcoming(self) -> bool:
        return (
            self.status in (HearingStatus.SCHEDULED, HearingStatus.POSTPONED, HearingStatus.LIVE)
            and not self.awaits_closing
        )

    @property
    def has_started(self) -> bool:
        return timezone.now() >= self.starts_at

    @property
    def awaits_closing(self) -> bool:
        """Its time is over, but the secretariat has not yet marked it finished: readers see it as ended (not
        "scheduled", in the upcoming list), staff see that it waits for them."""
        return self.status in (HearingStatus.SCHEDULED, HearingStatus.LIVE) and timezone.now() >= self.ends_at

    @property
    def status_key(self) -> str:
        """The status as pages show it, for its badge's class and label."""
        return "ended" if self.awaits_closing else self.status

    @property
    def status_label(self) -> str:
        return _("Ended") if self.awaits_closing else self.get_status_display()

    def registration_is_open(self, now=None) -> bool:
        now = now or timezone.now()
        if self.status != HearingStatus.SCHEDULED or now >= self.starts_at:
            return False
        if self.registration_opens_at and now < self.registration_opens_at:
            return False
        return not (self.registration_closes_at and now >= self.registration_closes_at)


class HearingTransition(TransitionLog):
    """The log of a hearing's status changes, written by `hearing_transition` only."""

    hearing = models.ForeignKey(Hearing, on_delete=models.CASCADE, related_name="transitions")
    from_status, to_status = status_change(HearingStatus, max_length=10)
    reason = models.TextField(_("reason"), blank=True)

    def __str__(self):
        return f"{self.hearing_id}: {self.from_status} → {self.to_status}"


class AgendaItem(TranslatedFieldsMixin, models.Model):
    hearing = models.ForeignKey(Hearing, on_delete=models.CASCADE, related_name="agenda_items")
    position = models.PositiveIntegerField(_("position"), default=0)
    title_kk = models.CharField(_("title (Kazakh)"), max_length=300, blank=True)
    title_ru = models.CharField(_("title (Russian)"), max_length=300, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    starts_at = models.DateTimeField(_("from"), null=True, blank=True)
    ends_at = models.DateTimeField(_("until"), null=True, blank=True)
    speakers_kk = models.CharField(_("speakers (Kazakh)"), max_length=500, blank=True)
    speakers_ru = models.CharField(_("speakers (Russian)"), max_length=500, blank=True)
    speakers_en = models.CharField(_("speakers (English)"), max_length=500, blank=True)
    proposals = models.ManyToManyField(
        "proposals.Proposal", blank=True, related_name="agenda_items", verbose_name=_("proposals")
    )
    articles = models.ManyToManyField(
        "proposals.ArticleIdentity", blank=True, related_name="agenda_items", verbose_name=_("articles")
    )

    translated_fields = ("title", "speakers")

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["position", "id"]

    def __str__(self):
        return self.translated("title") or f"#{self.pk}"


class HearingDocument(models.Model):
    hearing = models.ForeignKey(Hearing, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("title"), max_length=200)
    url = models.URLField(_("link"))
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self):
        return self.title


class RegistrationStatus(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    WAITLISTED = "waitlisted", _("On the waiting list")
    CANCELLED = "cancelled", _("Cancelled")


class HearingRegistration(OldestFirst):
    """One seat (or a place on the waiting list) of one person; arrival order is (created_at, id)."""

    hearing = models.ForeignKey(Hearing, on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="hearing_registrations"
    )
    status = models.CharField(max_length=10, choices=RegistrationStatus.choices, editable=False)
    code = models.CharField(max_length=32, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    promoted_at = models.DateTimeField(null=True, blank=True, editable=False)
    cancelled_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Claimed by the reminder sweep with a conditional UPDATE, so a reminder goes out once.
    reminder_sent_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta(OldestFirst.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["hearing", "user"],
                condition=~Q(status="cancelled"),
                name="hearing_registration_once_per_person",
            ),
        ]
        indexes = [models.Index(fields=["hearing", "status", "created_at"], name="registration_queue_idx")]

    def __str__(self):
        return f"{self.user_id} → {self.hearing_id} ({self.status})"


class SpeakerRequest(OldestFirst):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for a decision")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")

    hearing = models.ForeignKey(Hearing, on_delete=models.CASCADE, related_name="speaker_requests")
    proposal = models.ForeignKey(
        "proposals.Proposal", on_delete=models.CASCADE, related_name="speaker_requests"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    message = models.TextField(_("what you would like to present"), max_length=1000, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING, editable=False)
    decision_note = models.TextField(_("note"), blank=True, editable=False)
    decided_by = actor_field()
    decided_at = models.DateTimeField(null=True, blank=True, editable=False)
    agenda_item = models.ForeignKey(
        AgendaItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="speaker_requests"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(OldestFirst.Meta):
        constraints = [
            models.UniqueConstraint(fields=["hearing", "proposal"], name="speaker_request_once_per_proposal")
        ]

    def __str__(self):
        return f"{self.user_id} at {self.hearing_id}: {self.status}"


class HearingDiscussion(OldestFirst):
    """A proposal was discussed at a hearing: an event of the proposal's public timeline."""

    hearing = models.ForeignKey(Hearing, on_delete=models.CASCADE, related_name="discussions")
    proposal = models.ForeignKey(
        "proposals.Proposal", on_delete=models.CASCADE, related_name="hearing_discussions"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta(OldestFirst.Meta):
        constraints = [
            models.UniqueConstraint(fields=["hearing", "proposal"], name="hearing_discussion_once")
        ]

    def __str__(self):
        return f"{self.proposal_id} at {self.hearing_id}"
