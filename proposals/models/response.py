"""The Commission's answers: responses with their review lifecycle, work-queue notes and assignments,
reusable response templates, and the obligations (answer deadlines) the public can check."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.core.fields import actor_field, lifecycle_status, optional_link, status_change
from portal.core.models import OldestFirst, Timestamped, TransitionLog, published_has_date

from ..language import detect_language
from .translated import TranslatedFieldsMixin


class ResponseStatus(models.TextChoices):
    """What the Commission decided about a proposal (public)."""

    ACCEPTED = "accepted", _("Accepted")
    PARTIALLY_ACCEPTED = "partially_accepted", _("Partially accepted")
    REJECTED = "rejected", _("Rejected")
    ALREADY_REFLECTED = "already_reflected", _("Already reflected in the draft")
    OUT_OF_SCOPE = "out_of_scope", _("Outside the scope of the consultation")


class ResponseTemplate(TranslatedFieldsMixin, models.Model):
    """A reusable answer text that the secretariat maintains (e.g. "outside the scope of this consultation"),
    offered to Commission members answering a proposal of its consultation, or of any when it has none."""

    consultation = optional_link(
        "proposals.Consultation", related_name="response_templates", verbose_name=_("consultation")
    )
    name = models.CharField(_("name"), max_length=120)
    status = models.CharField(_("usual outcome"), max_length=20, choices=ResponseStatus.choices, blank=True)
    text_kk = models.TextField(_("text (Kazakh)"), blank=True)
    text_ru = models.TextField(_("text (Russian)"), blank=True)
    text_en = models.TextField(_("text (English)"), blank=True)
    is_active = models.BooleanField(_("offered to Commission members"), default=True)

    translated_fields = ("text",)

    class Meta:
        verbose_name = _("response template")
        verbose_name_plural = _("response templates")
        ordering = ["name", "id"]

    def __str__(self):
        return self.name


class ResponseState(models.TextChoices):
    """Where the answer is in the Commission's four-eyes review (internal until published)."""

    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("Awaiting approval")
    RETURNED = "returned", _("Returned for changes")
    PUBLISHED = "published", _("Published")


class ProposalResponse(TranslatedFieldsMixin, Timestamped):
    """The Commission's answer to one proposal; for a campaign cluster, to its representative, and shown on
    every member's page. Public once `state` is published; `review_note` and `reviewed_by` never are."""

    proposal = models.OneToOneField(
        "proposals.Proposal", on_delete=models.CASCADE, related_name="response", verbose_name=_("proposal")
    )
    status = models.CharField(_("outcome"), max_length=20, choices=ResponseStatus.choices)
    reasoning_kk = models.TextField(_("reasoning (Kazakh)"), blank=True)
    reasoning_ru = models.TextField(_("reasoning (Russian)"), blank=True)
    reasoning_en = models.TextField(_("reasoning (English)"), blank=True)
    articles = models.ManyToManyField(
        "proposals.ArticleIdentity", blank=True, related_name="responses", verbose_name=_("articles changed")
    )
    version = models.ForeignKey(
        "proposals.DocumentVersion",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="responses",
        verbose_name=_("draft version with the change"),
    )
    state = lifecycle_status(ResponseState, default=ResponseState.DRAFT, max_length=12)
    drafted_by = actor_field(blank=False, editable=False)
    # Internal: who approved or returned the draft last, and the note sent back with a returned draft.
    reviewed_by = actor_field(blank=False, editable=False)
    review_note = models.TextField(_("note for the drafter"), blank=True, editable=False)
    published_at = models.DateTimeField(null=True, blank=True, editable=False, db_index=True)

    translated_fields = ("reasoning",)

    class Meta:
        verbose_name = _("Commission response")
        verbose_name_plural = _("Commission responses")
        ordering = ["-published_at", "-id"]
        constraints = [published_has_date(name="published_response_has_date")]

    def __str__(self):
        return f"response to {self.proposal_id} ({self.state})"

    @property
    def is_published(self) -> bool:
        return self.state == ResponseState.PUBLISHED

    @property
    def public_version(self):
        """The version named as carrying the change, once the public can read it. An answer may name a draft
        version staff are still preparing; until it is published, public pages, the API and open data name no
        version rather than one that does not carry the change."""
        version = self.version
        return version if version is not None and version.is_published else None


class ResponseTransition(TransitionLog):
    """The log of a response's review lifecycle. Internal: the reviewer of a returned draft stays private."""

    response = models.ForeignKey(ProposalResponse, on_delete=models.CASCADE, related_name="transitions")
    from_state, to_state = status_change(ResponseState, max_length=12)
    note = models.TextField(blank=True)

    def __str__(self):
        return f"{self.response_id}: {self.from_state} → {self.to_state}"

    @property
    def note_language(self) -> str:
        """The language of the note, as its letters tell ("" when they do not): a public correction's reason
        is written once, in one language, and pages in the others say so."""
        return detect_language(self.note, default="")


class CommissionAssignment(models.Model):
    """Which Commission member prepares the answer to a proposal (internal)."""

    proposal = models.OneToOneField(
        "proposals.Proposal", on_delete=models.CASCADE, related_name="commission_assignment"
    )
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    assigned_by = actor_field(blank=False)
    assigned_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"{self.proposal_id} → {self.assignee_id}"


class CommissionNote(OldestFirst):
    """An internal note of the Commission on a proposal; never shown publicly."""

    proposal = models.ForeignKey(
        "proposals.Proposal", on_delete=models.CASCADE, related_name="commission_notes"
    )
    author = actor_field(blank=False)
    body = models.TextField(_("internal note"), max_length=3000)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"note on {self.proposal_id}"


class ObligationRule(TranslatedFieldsMixin, models.Model):
    """A promise about answers: published proposals with at least `min_supports` supports are answered
    within `days` days of publication. Several rules may apply; the earliest deadline counts. Its name is
    kept per language, so each reader sees it in theirs."""

    consultation = optional_link(
        "proposals.Consultation",
        related_name="obligation_rules",
        help_text=_("Leave empty for every consultation."),
        verbose_name=_("consultation"),
    )
    name_kk = models.CharField(_("name (Kazakh)"), max_length=200, blank=True)
    name_ru = models.CharField(_("name (Russian)"), max_length=200, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    min_supports = models.PositiveIntegerField(_("at least this many supports"), default=0)
    days = models.PositiveIntegerField(_("answered within (days)"))
    is_active = models.BooleanField(_("active"), default=True)

    translated_fields = ("name",)

    class Meta:
        verbose_name = _("answer obligation")
        verbose_name_plural = _("answer obligations")
        ordering = ["min_supports", "days", "id"]
        constraints = [models.CheckConstraint(condition=Q(days__gt=0), name="obligation_days_positive")]

    def __str__(self):
        return self.translated("name")


class MissedDeadline(models.Model):
    """A proposal whose answer deadline passed unanswered; recorded once, so the sweep announces it once."""

    proposal = models.OneToOneField(
        "proposals.Proposal", on_delete=models.CASCADE, related_name="missed_deadline"
    )
    deadline = models.DateTimeField()
    recorded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"{self.proposal_id} missed {self.deadline:%Y-%m-%d}"
