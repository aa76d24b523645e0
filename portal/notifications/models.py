"""Notifications: what each person is told, how often, and the record of every digest delivery."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    PROPOSALS = "proposals", _("Status of my and followed proposals")
    MODERATION = "moderation", _("Moderation decisions on my content")
    # Commitments carry an answer into practice: their progress and missed deadlines come with the answers.
    RESPONSES = "responses", _("Commission answers and their implementation")
    COMMENTS = "comments", _("Replies and new comments")
    HEARINGS = "hearings", _("Hearings and registrations")
    REMINDERS = "reminders", _("Reminders and missed deadlines")
    # The organisations a person registered or belongs to: verified or refused, being named a member or
    # removed. Not a proposal's status: switching those off must not silence the verification decision.
    ORGANISATIONS = "organisations", _("My organisations: their verification and my membership")
    # Internal to the Commission, apart from the public answers its members may follow as readers.
    COMMISSION_WORK = (
        "commission_work",
        _("Commission work: answers awaiting my approval, and what became of the answers I drafted"),
    )


# Notices of work that only staff powers open (an answer's draft and its review): staff powers need the second
# factor everywhere, so a recipient without one is told only that work waits and how to open it
# (`services.notify`).
STAFF_WORK_CATEGORIES = frozenset({Category.COMMISSION_WORK})


class Frequency(models.TextChoices):
    IMMEDIATE = "immediate", _("Immediately")
    DAILY = "daily", _("Daily digest")
    WEEKLY = "weekly", _("Weekly digest")
    OFF = "off", _("Off")


# The bell counts unread notifications up to this many and shows "99+" beyond: every signed-in page counts
# them, and a person with thousands unread made each page count thousands of index entries.
UNREAD_COUNTED_UP_TO = 100

# Decisions about a person's own content reach them at once; the rest is gathered into a digest.
DEFAULT_FREQUENCIES = {
    Category.PROPOSALS: Frequency.DAILY,
    Category.MODERATION: Frequency.IMMEDIATE,
    Category.RESPONSES: Frequency.IMMEDIATE,
    Category.COMMENTS: Frequency.DAILY,
    Category.HEARINGS: Frequency.IMMEDIATE,
    Category.REMINDERS: Frequency.IMMEDIATE,
    # A decision on the person's organisation (a refusal says what to correct) and their place in it.
    Category.ORGANISATIONS: Frequency.IMMEDIATE,
    # An answer waits on the second member's approval before the author hears anything.
    Category.COMMISSION_WORK: Frequency.IMMEDIATE,
}


class Preference(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    category = models.CharField(max_length=20, choices=Category.choices)
    frequency = models.CharField(max_length=10, choices=Frequency.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "category"], name="notification_preference_once")
        ]

    def __str__(self):
        return f"{self.user_id}: {self.category} {self.frequency}"


class Notification(models.Model):
    """One thing one person should learn. The message is stored as a translatable key with parameters,
    so it is rendered in the recipient's language whenever it is shown or mailed."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    category = models.CharField(max_length=20, choices=Category.choices)
    kind = models.CharField(max_length=60)
    params = models.JSONField(default=dict, blank=True)
    # As the actor's request built it, with that page's language prefix; `messages.link_in` opens it in the
    # reader's language.
    url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    # Set when an email (immediate or digest) carried it, or when it is not to be mailed (its category off
    # when it was raised, or switched off or on since); a digest takes exactly the unset ones.
    emailed_at = models.DateTimeField(null=True, blank=True)
    delivery = models.ForeignKey(
        "DigestDelivery", null=True, blank=True, on_delete=models.SET_NULL, related_name="notifications"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread_idx"),
            models.Index(fields=["recipient", "emailed_at", "created_at"], name="notification_pending_idx"),
            # Content hidden by moderation takes back what others were told of it, by its link and the links
            # of its parts (`url LIKE '…#%'`): without an index each hide read the whole table.
            models.Index(fields=["url"], name="notification_url_idx", opclasses=["varchar_pattern_ops"]),
        ]

    def __str__(self):
        return f"{self.recipient_id}: {self.kind}"


class DigestDelivery(models.Model):
    """One digest for one person and one period. The unique key is what makes a digest go out once."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Claimed by a sender")
        SENT = "sent", _("Sent")
        EMPTY = "empty", _("Nothing to send")
        SUPPRESSED = "suppressed", _("Address suppressed")
        FAILED = "failed", _("Failed")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="digest_deliveries",
        verbose_name=_("person"),
    )
    frequency = models.CharField(max_length=10, choices=Frequency.choices, verbose_name=_("frequency"))
    period = models.CharField(
        max_length=12, help_text=_("e.g. 2026-11-22 (daily) or 2026-W47 (weekly)"), verbose_name=_("period")
    )
    period_end = models.DateTimeField()
    status = models.CharField(
        max_length=12, choices=Status.choices, default=Status.PENDING, verbose_name=_("status")
    )
    attempts = models.PositiveSmallIntegerField(default=0, verbose_name=_("attempts"))
    notifications_count = models.PositiveIntegerField(default=0, verbose_name=_("notifications"))
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True, verbose_name=_("sent at"))
    # A sender's claim on the row (`sending`): the token it must still hold when it sends.
    claim_token = models.CharField(max_length=32, blank=True, default="", db_default="")
    claimed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("digest delivery")
        verbose_name_plural = _("digest deliveries")
        constraints = [
            models.UniqueConstraint(fields=["user", "frequency", "period"], name="digest_once_per_period"),
        ]
        indexes = [
            models.Index(fields=["status", "frequency", "period"], name="digest_pending_idx"),
            # The claim (`pending`, oldest first, SKIP LOCKED) walks only pending rows: without it, every
            # claim re-read the rows already sent, and a 100,000-person run slowed to a crawl.
            models.Index(
                fields=["frequency", "id"], condition=models.Q(status="pending"), name="digest_claim_idx"
            ),
        ]

    def __str__(self):
        return f"{self.user_id} {self.frequency} {self.period}: {self.status}"


class SuppressedAddress(models.Model):
    """Addresses the portal must not write to again: permanent bounces, complaints, deleted accounts."""

    email = models.EmailField(unique=True, verbose_name=_("email address"))
    reason = models.CharField(max_length=200, verbose_name=_("reason"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("suppressed address")
        verbose_name_plural = _("suppressed addresses")

    def __str__(self):
        return self.email
