"""After the outcome: commitments that carry out adopted article changes, who is responsible, by when, and
their public updates. A commitment's status moves only through `commitment_transition` (a table with a log);
every change of status, progress or due date is a dated public update, never a silent edit."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.core.fields import actor_field, lifecycle_status, optional_link, status_change
from portal.core.models import Timestamped, TransitionLog, published_has_date

from .translated import TranslatedFieldsMixin


class CommitmentStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    DELAYED = "delayed", _("Delayed")
    DROPPED = "dropped", _("Dropped")


# Statuses in which a commitment is still owed: past its due date, it is overdue.
OPEN_COMMITMENT_STATUSES = (CommitmentStatus.PLANNED, CommitmentStatus.IN_PROGRESS, CommitmentStatus.DELAYED)


class ResponsibleBody(TranslatedFieldsMixin, models.Model):
    """A state body answerable for commitments (a ministry, the Parliament, an agency); admins keep the
    list."""

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    name_kk = models.CharField(_("name (Kazakh)"), max_length=200)
    name_ru = models.CharField(_("name (Russian)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)

    translated_fields = ("name",)

    class Meta:
        verbose_name = _("responsible body")
        verbose_name_plural = _("responsible bodies")
        ordering = ["slug"]

    def __str__(self):
        return self.translated("name")


class MeasureKind(models.TextChoices):
    LAW = "law", _("A law to pass")
    REGULATION = "regulation", _("A regulation")
    BODY = "body", _("A body to set up")
    BUDGET = "budget", _("A budget line")
    OTHER = "other", _("Other measure")


class Commitment(TranslatedFieldsMixin, Timestamped):
    """A measure promised to carry out adopted changes: tied to the changed articles and to the published
    answers (and so the proposals) behind them."""

    consultation = models.ForeignKey(
        "proposals.Consultation", on_delete=models.CASCADE, related_name="commitments"
    )
    articles = models.ManyToManyField(
        "proposals.ArticleIdentity", related_name="commitments", verbose_name=_("changed articles")
    )
    responses = models.ManyToManyField(
        "proposals.ProposalResponse", related_name="commitments", verbose_name=_("answers behind it")
    )
    title_kk = models.CharField(_("title (Kazakh)"), max_length=300)
    title_ru = models.CharField(_("title (Russian)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300)
    description_kk = models.TextField(_("description (Kazakh)"), blank=True)
    description_ru = models.TextField(_("description (Russian)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    body = models.ForeignKey(
        ResponsibleBody,
        on_delete=models.PROTECT,
        related_name="commitments",
        verbose_name=_("responsible body"),
    )
    measure = models.CharField(_("kind of measure"), max_length=12, choices=MeasureKind.choices)
    due_date = models.DateField(_("due date"))
    status = lifecycle_status(CommitmentStatus, default=CommitmentStatus.PLANNED, max_length=12)
    progress = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    created_by = actor_field(blank=False, editable=False)
    # The due date whose passing the followers were told of: told once per due date, again after a new one.
    overdue_announced_for = models.DateField(null=True, blank=True, editable=False)

    translated_fields = ("title", "description")

    class Meta:
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        ordering = ["due_date", "id"]
        indexes = [models.Index(fields=["consultation", "status", "due_date"], name="commitment_due_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__isnull=True) | Q(progress__lte=100), name="commitment_progress_percent"
            ),
        ]

    def __str__(self):
        return self.translated("title")

    def get_absolute_url(self):
        return reverse("commitment_detail", kwargs={"slug": self.consultation.slug, "pk": self.pk})

    @property
    def is_overdue(self) -> bool:
        """Past its due date (in Almaty) and neither done nor dropped."""
        return self.status in OPEN_COMMITMENT_STATUSES and self.due_date < timezone.localdate()


class UpdateState(models.TextChoices):
    """Marking a commitment done or dropped waits for a second staff member (four eyes)."""

    PENDING = "pending", _("Awaiting approval")
    PUBLISHED = "published", _("Published")
    DECLINED = "declined", _("Declined")


class CommitmentUpdate(TranslatedFieldsMixin, models.Model):
    """A dated public update: what changed (status, progress, due date) and why. Never edited once published;
    a correction is a new update that names the one it corrects. `posted_by` and `approved_by` stay
    internal."""

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="updates")
    text_kk = models.TextField(_("update (Kazakh)"), blank=True)
    text_ru = models.TextField(_("update (Russian)"), blank=True)
    text_en = models.TextField(_("update (English)"), blank=True)
    reason_kk = models.TextField(_("reason (Kazakh)"), blank=True)
    reason_ru = models.TextField(_("reason (Russian)"), blank=True)
    reason_en = models.TextField(_("reason (English)"), blank=True)
    from_status, to_status = status_change(CommitmentStatus, max_length=12)
    from_progress = models.PositiveSmallIntegerField(null=True, blank=True)
    to_progress = models.PositiveSmallIntegerField(null=True, blank=True)
    from_due_date = models.DateField()
    to_due_date = models.DateField()
    corrects = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="corrections"
    )
    state = models.CharField(max_length=10, choices=UpdateState.choices, default=UpdateState.PUBLISHED)
    posted_by = actor_field(blank=False, editable=False)
    approved_by = actor_field(blank=False, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True, db_index=True)

    translated_fields = ("text", "reason")

    class Meta:
        verbose_name = _("commitment update")
        verbose_name_plural = _("commitment updates")
        ordering = ["published_at", "id"]
        constraints = [
            published_has_date(name="published_update_has_date"),
            # One change waiting for a second pair of eyes at a time.
            models.UniqueConstraint(
                fields=["commitment"], condition=Q(state="pending"), name="one_pending_update_per_commitment"
            ),
        ]

    def __str__(self):
        return f"{self.commitment_id}: {self.from_status} → {self.to_status}"

    @property
    def changes_status(self) -> bool:
        return self.from_status != self.to_status

    @property
    def changes_progress(self) -> bool:
        return self.from_progress != self.to_progress

    @property
    def changes_due_date(self) -> bool:
        return self.from_due_date != self.to_due_date


class EvidenceKind(models.TextChoices):
    PUBLICATION = "publication", _("Official publication")
    DOCUMENT = "document", _("Document")
    OTHER = "other", _("Other source")


class CommitmentEvidence(models.Model):
    """A link published with an update: the official publication or document that shows the step."""

    update = models.ForeignKey(CommitmentUpdate, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(_("kind of evidence"), max_length=12, choices=EvidenceKind.choices)
    title = models.CharField(_("title"), max_length=300)
    url = models.URLField(_("link"), max_length=500)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return self.title


class CommitmentTransition(TransitionLog):
    """The log of a commitment's status: who moved it, from, to, with which update."""

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="transitions")
    from_status, to_status = status_change(CommitmentStatus, max_length=12)
    update = models.ForeignKey(CommitmentUpdate, on_delete=models.CASCADE, related_name="transitions")

    def __str__(self):
        return f"{self.commitment_id}: {self.from_status} → {self.to_status}"


class CommitmentFollow(models.Model):
    """Someone follows one commitment or every commitment of a responsible body (articles are followed with
    `Follow`)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="commitment_follows"
    )
    commitment = optional_link(Commitment, related_name="follows")
    body = optional_link(ResponsibleBody, related_name="follows")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(commitment__isnull=False, body__isnull=True)
                | Q(commitment__isnull=True, body__isnull=False),
                name="commitment_follow_one_target",
            ),
            models.UniqueConstraint(fields=["user", "commitment"], name="follow_commitment_once"),
            models.UniqueConstraint(fields=["user", "body"], name="follow_body_once"),
        ]

    def __str__(self):
        return f"{self.user_id} follows {self.commitment_id or self.body_id}"
