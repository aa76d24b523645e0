"""People and organisations. Only `display_name` and organisation profiles are ever public."""

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal.core.fields import actor_field, lifecycle_status

from .passwords import password_normalised


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields["is_staff"] = True
        extra_fields["is_superuser"] = True
        extra_fields.setdefault("display_name", "Admin")
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A person. Logs in by email; shown to others only by `display_name`.

    `first_name`/`last_name` hold the legal name, kept private (identity verification needs it).
    """

    class Language(models.TextChoices):
        KAZAKH = "kk", "Қазақша"
        RUSSIAN = "ru", "Русский"
        ENGLISH = "en", "English"

    username = None
    email = models.EmailField(_("email address"), unique=True)
    display_name = models.CharField(
        _("public name"),
        max_length=60,
        help_text=_("Shown next to everything you publish. Do not use your email address."),
    )
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=2,
        choices=Language.choices,
        default=Language.KAZAKH,
        help_text=_("The language of the emails the portal sends you."),
    )
    # The version of the privacy notice last accepted (0: none). Kept on the row so that the consent check
    # on every request costs no query; `ConsentRecord` keeps the history.
    privacy_notice_version = models.PositiveIntegerField(default=0, editable=False)
    # Self-service deletion: erased by the beat sweep after this time unless the person logs in before.
    deletion_due_at = models.DateTimeField(null=True, blank=True, editable=False)
    deletion_withdraws_content = models.BooleanField(default=False, editable=False)
    # Set when the account's personal data was erased; the row stays as "former participant".
    erased_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = UserManager()

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
        ]

    def __str__(self):
        return self.display_name or f"#{self.pk}"

    @property
    def public_name(self) -> str:
        """The name shown next to what the person published; erased accounts are a former participant."""
        if self.erased_at is not None:
            return gettext("Former participant")
        return self.display_name

    def set_password(self, raw_password):
        super().set_password(None if raw_password is None else password_normalised(raw_password))

    def check_password(self, raw_password):
        if raw_password is None:
            return super().check_password(raw_password)
        normalised = password_normalised(raw_password)
        if super().check_password(normalised):
            return True
        # A hash set before passwords were normalised holds the characters as they were typed then.
        return normalised != raw_password and super().check_password(raw_password)


class Organisation(models.Model):
    """A party, NGO or expert body whose verified members may submit on its behalf."""

    class Kind(models.TextChoices):
        POLITICAL_PARTY = "party", _("Political party")
        NGO = "ngo", _("Non-governmental organisation")
        EXPERT_BODY = "expert", _("Expert body")
        OTHER = "other", _("Other organisation")

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    description = models.TextField(_("description"), blank=True)
    website = models.URLField(_("website"), blank=True)
    # Public in the state register: staff check it there before verifying, and readers can too.
    business_number = models.CharField(_("business identification number (BIN)"), max_length=12, blank=True)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    verified_by = actor_field(verbose_name=_("verified by"))
    # A refusal leaves the queue and its reason is told to the representatives; verifying clears it.
    refused_at = models.DateTimeField(_("verification refused at"), null=True, blank=True)
    refused_by = actor_field(verbose_name=_("verification refused by"))
    refusal_reason = models.TextField(_("reason for refusing verification"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="OrganisationMembership", related_name="organisations"
    )

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("organisation_detail", kwargs={"slug": self.slug})

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None


class OrganisationMembership(models.Model):
    class Role(models.TextChoices):
        REPRESENTATIVE = "representative", _("Representative")
        MEMBER = "member", _("Member")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.MEMBER)
    can_act_on_behalf = models.BooleanField(_("may submit on behalf of the organisation"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("organisation membership")
        verbose_name_plural = _("organisation memberships")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "user"], name="accounts_membership_unique"),
        ]

    def __str__(self):
        return f"{self.user} @ {self.organisation}"


class OrganisationInvitation(models.Model):
    """An offer, sent to an email address, to join an organisation: nobody is named a member of a party or
    an NGO without saying yes. Only a SHA-256 of the link's secret is stored, so the table cannot rebuild a
    link; the link works once, and only until `expires_at`."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for an answer")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("email address"))
    role = models.CharField(_("role"), max_length=20, choices=OrganisationMembership.Role.choices)
    can_act_on_behalf = models.BooleanField(_("may submit on behalf of the organisation"), default=False)
    secret_hash = models.CharField(max_length=64, unique=True, editable=False)
    status = lifecycle_status(Status, default=Status.PENDING, max_length=10)
    invited_by = actor_field(verbose_name=_("invited by"))
    answered_by = actor_field(verbose_name=_("answered by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("organisation invitation")
        verbose_name_plural = _("organisation invitations")
        ordering = ["-created_at"]
        constraints = [
            # A new invitation to the same address replaces the waiting one: one link to answer, not two.
            models.UniqueConstraint(
                fields=["organisation", "email"],
                condition=models.Q(status="pending"),
                name="accounts_invitation_one_pending",
            ),
        ]

    def __str__(self):
        return f"{self.organisation} ({self.status})"


class IdentityLevel(models.TextChoices):
    """What a verification rests on. Signature and national sign-in are strong: a script cannot fake them."""

    SIGNATURE = "signature", _("Digital signature")
    NATIONAL_SIGN_IN = "national_sign_in", _("National sign-in")
    SELF_DECLARED = "self_declared", _("Self-declared IIN")
    STAFF = "staff", _("Checked by staff")


STRONG_LEVELS = frozenset({IdentityLevel.SIGNATURE, IdentityLevel.NATIONAL_SIGN_IN})


class IdentityVerification(models.Model):
    """Proof that an account belongs to one real person: needed to support proposals.

    The IIN itself is never stored: only a keyed hash (HMAC with IDENTITY_HASH_KEY), unique, so that one
    IIN verifies one account and a leaked table reveals no IIN.
    """

    class Method(models.TextChoices):
        IIN = "iin", _("Individual identification number")
        STAFF = "staff", _("Checked by staff")
        SIGNATURE = "signature", _("Digital signature")
        NATIONAL_SIGN_IN = "national_sign_in", _("National sign-in")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="identity_verification"
    )
    method = models.CharField(_("method"), max_length=20, choices=Method.choices)
    identity_hash = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)
    # Fingerprints taken before IINs were canonicalised may hash a look-alike spelling of a number that
    # verifies another account; such a verification counts again only once its IIN is confirmed.
    needs_reconfirmation = models.BooleanField(default=False, editable=False)
    verified_at = models.DateTimeField(_("verified at"), auto_now_add=True)
    verified_by = actor_field()
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("identity verification")
        verbose_name_plural = _("identity verifications")

    def __str__(self):
        return f"{self.user} ({self.get_method_display()})"

    @property
    def level(self) -> str:
        return LEVEL_OF_METHOD[self.method]


LEVEL_OF_METHOD = {
    IdentityVerification.Method.IIN: IdentityLevel.SELF_DECLARED,
    IdentityVerification.Method.STAFF: IdentityLevel.STAFF,
    IdentityVerification.Method.SIGNATURE: IdentityLevel.SIGNATURE,
    IdentityVerification.Method.NATIONAL_SIGN_IN: IdentityLevel.NATIONAL_SIGN_IN,
}


class SignatureChallenge(models.Model):
    """A one-time text the person signs with their digital-signature key; used once, valid for minutes."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    nonce = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("signature challenge")
        verbose_name_plural = _("signature challenges")

    def __str__(self):
        return f"{self.user_id} {self.created_at:%Y-%m-%d %H:%M}"


class ApiToken(models.Model):
    """A bearer token for the REST API. Only a SHA-256 of the token is stored; it is shown once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=80)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("starts with"), max_length=12, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class AccountBlock(models.Model):
    """A moderator's block of an account for a period, with the reason the person is told.

    While a block is in force the person can read but not submit, comment, support or report.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="blocks", verbose_name=_("person")
    )
    blocked_until = models.DateTimeField(_("blocked until"))
    reason = models.TextField(_("reason"))
    blocked_by = actor_field(blank=False, verbose_name=_("blocked by"))
    lifted_at = models.DateTimeField(_("lifted"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("account block")
        verbose_name_plural = _("account blocks")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "blocked_until"], name="account_block_user_idx")]

    def __str__(self):
        return f"{self.user_id} until {self.blocked_until:%Y-%m-%d}"


class PrivacyNotice(models.Model):
    """One version of the privacy notice, in the three languages. The highest version is in force."""

    version = models.PositiveIntegerField(_("version"), unique=True)
    text_kk = models.TextField(_("text (Kazakh)"))
    text_ru = models.TextField(_("text (Russian)"))
    text_en = models.TextField(_("text (English)"))
    published_at = models.DateTimeField(_("published at"), auto_now_add=True)

    class Meta:
        verbose_name = _("privacy notice")
        verbose_name_plural = _("privacy notices")
        ordering = ["-version"]

    def __str__(self):
        return f"v{self.version}"

    def text_in(self, language: str) -> str:
        return getattr(self, f"text_{language}", "") or self.text_kk


class ConsentRecord(models.Model):
    """A person accepted a version of the privacy notice. Never edited; erased with the account."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="consents")
    version = models.PositiveIntegerField(_("version"))
    accepted_at = models.DateTimeField(_("accepted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("consent record")
        verbose_name_plural = _("consent records")
        ordering = ["-accepted_at"]

    def __str__(self):
        return f"{self.user_id} v{self.version}"


class DataExport(models.Model):
    """A "download my data" archive. The link is single-use, bound to the account and session, and expires."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        BUILDING = "building", _("Being prepared")
        READY = "ready", _("Ready")
        DOWNLOADED = "downloaded", _("Downloaded")
        EXPIRED = "expired", _("Expired")
        FAILED = "failed", _("Failed")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="data_exports")
    session_key = models.CharField(max_length=64, editable=False)
    # Only a SHA-256 of the download token is stored; the token is in the link shown to the owner.
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    progress = models.PositiveSmallIntegerField(default=0)
    file_name = models.CharField(max_length=200, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    downloaded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.user_id} {self.status}"


class SecondFactor(Authenticator):
    """allauth's authenticators as the Django admin lists them: allauth names them only in English, and its
    Kazakh interface does not exist, so the admin's page of second factors is this proxy's, named in ours."""

    class Meta:
        proxy = True
        verbose_name = _("second factor")
        verbose_name_plural = _("second factors")
