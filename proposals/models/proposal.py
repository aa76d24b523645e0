"""Proposals and what people do with them: support, comment, follow, attach files."""

import uuid

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.accounts.models import IdentityLevel
from portal.core.fields import lifecycle_status, optional_link, status_change
from portal.core.models import OldestFirst, Timestamped, TransitionLog

from .translated import TranslatedFieldsMixin


class Topic(TranslatedFieldsMixin, models.Model):
    """An admin-managed, translatable theme (e.g. "Parliament", "Human rights")."""

    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    name_kk = models.CharField(_("name (Kazakh)"), max_length=120, blank=True)
    name_ru = models.CharField(_("name (Russian)"), max_length=120, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=120, blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("offered to authors"), default=True)

    translated_fields = ("name",)

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ["position", "slug"]

    def __str__(self):
        return self.translated("name") or self.slug


class ProposalStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    IN_MODERATION = "in_moderation", _("In moderation")
    PUBLISHED = "published", _("Published")
    UNDER_REVIEW = "under_review", _("Under Commission review")
    RESPONDED = "responded", _("Answered")
    REJECTED = "rejected", _("Rejected by moderation")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    MERGED = "merged", _("Merged")
    HIDDEN = "hidden", _("Hidden by moderation")


# Statuses the public sees in lists and the API (a rejected or merged proposal keeps its own page).
PUBLIC_STATUSES = (
    ProposalStatus.PUBLISHED,
    ProposalStatus.UNDER_REVIEW,
    ProposalStatus.RESPONDED,
)
# Statuses whose page stays reachable by link, to explain what happened (a hidden one shows only why).
VISIBLE_STATUSES = (*PUBLIC_STATUSES, ProposalStatus.MERGED, ProposalStatus.WITHDRAWN, ProposalStatus.HIDDEN)
# Hidden by moderation, or withdrawn by the author: the page stays reachable and says why, but the title, text
# and thread are withheld (proposals/permissions/proposal.py).
CONTENT_WITHHELD = frozenset({ProposalStatus.HIDDEN, ProposalStatus.WITHDRAWN})


def _another_proposal(related_name: str) -> models.ForeignKey:
    """A link only the services set from one proposal to another (merged into it, clustered under it)."""
    return models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name=related_name, editable=False
    )


class Proposal(Timestamped):
    class SubmitterType(models.TextChoices):
        INDIVIDUAL = "individual", _("Individual")
        ORGANISATION = "organisation", _("Organisation")

    consultation = models.ForeignKey(
        "proposals.Consultation", on_delete=models.PROTECT, related_name="proposals"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="proposals")
    organisation = models.ForeignKey(
        "accounts.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="proposals"
    )
    submitter_type = models.CharField(
        _("submitted as"), max_length=15, choices=SubmitterType.choices, default=SubmitterType.INDIVIDUAL
    )
    title = models.CharField(_("title"), max_length=150)
    summary = models.TextField(_("summary"), max_length=600)
    body = models.TextField(_("text"), help_text=_("Markdown: paragraphs, lists, emphasis, links."))
    body_html = models.TextField(editable=False, blank=True)
    language = models.CharField(_("language of the text"), max_length=2, default="kk")
    topic = models.ForeignKey(
        Topic, null=True, blank=True, on_delete=models.SET_NULL, related_name="proposals"
    )
    articles = models.ManyToManyField(
        "proposals.ArticleIdentity", blank=True, related_name="proposals", verbose_name=_("articles")
    )
    status = lifecycle_status(
        ProposalStatus, default=ProposalStatus.DRAFT, max_length=20, verbose_name=_("status")
    )
    merged_into = _another_proposal("merged_proposals")
    withdrawal_reason = models.TextField(_("reason for withdrawal"), blank=True, editable=False)
    # Denormalised counters, kept exact by the services in the same transaction as the rows they count.
    supports_count = models.PositiveIntegerField(default=0, editable=False)
    comments_count = models.PositiveIntegerField(default=0, editable=False)
    submitted_at = models.DateTimeField(null=True, blank=True, editable=False)
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    responded_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Campaign clustering: identical texts (after normalisation) from different people join the first one
    # published; the list shows that representative once, with how many people submitted the text.
    text_fingerprint = models.CharField(
        max_length=64, blank=True, db_index=True, editable=False, db_default=""
    )
    cluster_of = _another_proposal("cluster_members")
    cluster_size = models.PositiveIntegerField(default=1, db_default=1, editable=False)
    # MinHash signature of the text (near-duplicate detection; the LSH bands are `DuplicateBand` rows).
    minhash = models.BinaryField(null=True, blank=True, editable=False)
    # Where the submission came from, for burst detection; purged after the retention period.
    submission_ip = models.GenericIPAddressField(null=True, blank=True, editable=False)
    # PostgreSQL full-text vector (simple + Russian + English configurations), written by the services;
    # unused on SQLite, where search falls back to substring matching. GIN index in a migration.
    search_vector = SearchVectorField(null=True, editable=False)

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ["-published_at", "-id"]
        indexes = [
            # The list's orderings, walked in index order with the (unselective) status filter applied on
            # the way: no sort of the whole table for a page of 20 (EXPLAIN in docs/BENCHMARKS.md).
            models.Index(fields=["-published_at", "-id"], name="proposal_published_idx"),
            models.Index(fields=["-supports_count", "-id"], name="proposal_supports_idx"),
            models.Index(fields=["-comments_count", "-id"], name="proposal_comments_idx"),
            # "Recently answered" (responded_at DESC NULLS LAST, id DESC) has its index in migration 0010:
            # SQLite cannot declare NULLS LAST in an index.
            models.Index(fields=["author", "status"], name="proposal_author_status_idx"),
            # The count of listed proposals on every list page and API list: an index-only scan of this
            # small index instead of reading the whole table (136 → 8 ms at 100,000; docs/BENCHMARKS.md).
            models.Index(
                fields=["status"], condition=Q(cluster_of__isnull=True), name="proposal_listed_status_idx"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(submitter_type="individual", organisation__isnull=True)
                | Q(submitter_type="organisation", organisation__isnull=False),
                name="proposal_organisation_matches_submitter_type",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("proposal_detail", kwargs={"pk": self.pk})

    @property
    def is_public(self) -> bool:
        return self.status in PUBLIC_STATUSES

    @property
    def content_withheld(self) -> bool:
        """Whether its title and text are withheld from the public (another proposal's page names it)."""
        return self.status in CONTENT_WITHHELD


class ProposalTransition(TransitionLog):
    """The log of a proposal's lifecycle: one row per status change, written by the transition service."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="transitions")
    from_status, to_status = status_change(ProposalStatus, max_length=20)
    reason = models.TextField(_("reason"), blank=True)
    # Internal notes (e.g. a moderator's aside) never appear on the public timeline.
    internal_note = models.TextField(_("internal note"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta(TransitionLog.Meta):
        verbose_name = _("proposal transition")
        verbose_name_plural = _("proposal transitions")

    def __str__(self):
        return f"{self.proposal_id}: {self.from_status} → {self.to_status}"


def attachment_path(instance, filename):
    # The stored name is random: the person's file name is kept (sanitised) in `original_name` only.
    return f"private/proposals/{instance.proposal_id}/{uuid.uuid4().hex}.pdf"


class Attachment(OldestFirst):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, storage=None)
    original_name = models.CharField(_("file name"), max_length=120)
    size = models.PositiveIntegerField(_("size in bytes"))
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(OldestFirst.Meta):
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.original_name


class Support(models.Model):
    """One verified person's support of one proposal. The unique constraint is what makes counts exact."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="supports")
    # Null once the supporter's account is erased: the support still counts, but leads to nobody.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="supports"
    )
    # What the supporter's identity verification rested on when they supported; kept after erasure.
    level = models.CharField(
        _("verification level"),
        max_length=20,
        choices=IdentityLevel.choices,
        default=IdentityLevel.SELF_DECLARED,
        db_default=IdentityLevel.SELF_DECLARED,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("proposal support")
        verbose_name_plural = _("proposal supports")
        constraints = [models.UniqueConstraint(fields=["proposal", "user"], name="support_once_per_person")]
        indexes = [
            models.Index(fields=["user", "-created_at"], name="support_user_created_idx"),
            models.Index(fields=["proposal", "level"], name="support_proposal_level_idx"),
        ]

    def __str__(self):
        return f"{self.user_id} → {self.proposal_id}"


class RetainedSupport(models.Model):
    """The keyed IIN fingerprint of an erased account beside each proposal it supported, and nothing else.

    The erased account's supports stay counted (they were given); this row stops the same IIN from supporting
    the same proposal again through a new account. It names no account and holds no personal data: the
    fingerprint is a keyed one-way hash (`IDENTITY_HASH_KEY`). Lawful basis: the integrity of the count.
    """

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="+")
    identity_hash = models.CharField(max_length=64, editable=False)

    class Meta:
        verbose_name = _("support kept after erasure")
        verbose_name_plural = _("supports kept after erasure")
        constraints = [
            models.UniqueConstraint(fields=["identity_hash", "proposal"], name="retained_support_once")
        ]

    def __str__(self):
        return f"{self.proposal_id}"


class SupportTally(models.Model):
    """A counter change waiting to be folded into `Proposal.supports_count`.

    While one proposal is hot, its counter row is locked by one support after another; a support that finds it
    locked appends its +1 here instead of queueing for the lock, and `supports_fold` adds the pending changes
    to the counter in batches. Rows are deleted in the same transaction that adds them, so nothing is counted
    twice or lost; until then the counter lags by seconds (the support row itself is already there).
    """

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="pending_tallies")
    delta = models.SmallIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("pending support count change")
        verbose_name_plural = _("pending support count changes")

    def __str__(self):
        return f"{self.proposal_id}: {self.delta:+d}"


class Comment(OldestFirst):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="comments")
    # One level of replies: a reply's parent is always a top-level comment (enforced by the service).
    parent = optional_link("self", related_name="replies")
    body = models.TextField(_("comment"), max_length=3000)
    # Guessed from the letters at each save, so that a screen reader reads a Russian comment on a Kazakh
    # page in Russian and the moderation queue's language filter finds it; empty when there is nothing to
    # tell by (emoji, numbers).
    language = models.CharField(
        _("language of the text"), max_length=2, blank=True, default="", editable=False
    )
    is_official = models.BooleanField(_("official Commission comment"), default=False, editable=False)
    likes_count = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    edited_at = models.DateTimeField(null=True, blank=True, editable=False)
    deleted_at = models.DateTimeField(null=True, blank=True, editable=False)
    hidden_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Set when pre-screening has looked at the current text; an edit clears it so the new text is screened.
    screened_at = models.DateTimeField(null=True, blank=True, editable=False)
    # When the proposal's author and followers were told of it: after screening passed it, or when a
    # moderator restored a comment screening held, never before (they would be sent to a hidden comment).
    announced_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta(OldestFirst.Meta):
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        indexes = [models.Index(fields=["proposal", "parent", "-created_at"], name="comment_thread_idx")]

    def __str__(self):
        return f"{self.author_id} on {self.proposal_id}"

    @property
    def is_removed(self) -> bool:
        return self.deleted_at is not None or self.hidden_at is not None


class CommentLike(models.Model):
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="likes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["comment", "user"], name="comment_like_once")]

    def __str__(self):
        return f"{self.user_id} likes {self.comment_id}"


class Follow(models.Model):
    """Someone follows a proposal, an article or a topic (exactly one of the three)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows")
    proposal = optional_link(Proposal, related_name="follows")
    article = optional_link("proposals.ArticleIdentity", related_name="follows")
    topic = optional_link(Topic, related_name="follows")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(proposal__isnull=False, article__isnull=True, topic__isnull=True)
                    | Q(proposal__isnull=True, article__isnull=False, topic__isnull=True)
                    | Q(proposal__isnull=True, article__isnull=True, topic__isnull=False)
                ),
                name="follow_exactly_one_target",
            ),
            models.UniqueConstraint(fields=["user", "proposal"], name="follow_proposal_once"),
            models.UniqueConstraint(fields=["user", "article"], name="follow_article_once"),
            models.UniqueConstraint(fields=["user", "topic"], name="follow_topic_once"),
        ]

    def __str__(self):
        return f"{self.user_id} follows {self.proposal_id or self.article_id or self.topic_id}"
