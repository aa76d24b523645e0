import base64
import functools
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.sites.models import Site
from django.contrib.sites.shortcuts import get_current_site
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.urls import translate_url
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.core.http import client_ip, ipv4_unmapped
from portal.notifications.email import email_queue
from portal.notifications.services import address_is_suppressed

from .models import IdentityVerification
from .passwords import password_normalised
from .privacy import account_deletion_cancel
from .verification.services import identity_verification_record

# The links allauth puts into account emails (confirm an address, set a new password).
LINKS_IN_EMAILS = ("activate_url", "password_reset_url")


def _site_of_links(request) -> Site:
    """The site as an account email names it: at the address its links use (allauth builds them from the
    request; without one, from SITE_URL). The Site row keeps the domain of the first migration, which a later
    SITE_URL or PORT does not change: emails named the wrong address beside working links."""
    site = get_current_site(request)
    domain = request.get_host() if request is not None else urlsplit(settings.SITE_URL).netloc
    return Site(pk=site.pk, name=site.name, domain=domain)


class AccountAdapter(DefaultAccountAdapter):
    """Account emails in the recipient's preferred language, delivered through Celery."""

    def get_client_ip(self, request) -> str:
        """allauth's login, sign-up and code limits key on the same client address as every other limit of
        the portal (PORTAL_TRUSTED_PROXY_HOPS): behind a proxy, not the proxy's own address."""
        ip = client_ip(request)
        if not ip:
            raise PermissionDenied("Unable to determine client IP address")
        # allauth counts IPv6 by its /64, and every IPv4-mapped address lies in ::/64: unmapped, each IPv4
        # client has its own count instead of sharing one with all the others.
        return ipv4_unmapped(ip)

    def clean_password(self, password, user=None):
        """The validators judge the password as it is hashed: full-width "ｐａｓｓｗｏｒｄ１２３" is as common
        as "password123". The typed value goes on, so that "the same password again" compares like with
        like; `User.set_password` normalises it."""
        super().clean_password(password_normalised(password), user=user)
        return password

    def send_mail(self, template_prefix, email, context):
        request = allauth_context.request
        if address_is_suppressed(email):
            # A hard bounce put the address on the suppression list, as for notifications: mailing it again
            # would only be refused again. Nothing on the page says so: the forms that mail a typed address
            # (sign-up, a password reset, a new address) would tell anyone which addresses the portal has
            # mailed, i.e. whose account it knew. The next page's "no email?" names the office instead.
            return
        user = context.get("user")
        if user is None:
            user = get_user_model().objects.filter(email__iexact=email).first()
        language = getattr(user, "preferred_language", None) or translation.get_language()
        full_context = {"request": request, "email": email, "current_site": _site_of_links(request)}
        full_context.update(context)
        # allauth built its links in the language of the page that asked; they open in the email's language.
        for name in LINKS_IN_EMAILS:
            if full_context.get(name):
                full_context[name] = translate_url(full_context[name], language)
        with translation.override(language):
            message = self.render_mail(template_prefix, email, full_context)
        email_queue(message=message, language=language)

    def send_notification_mail(self, template_prefix, user, context=None, email=None):
        """A notice of a change to the account (password, address, second factor) in the account's language,
        also when it goes to the address the account has just left, which no account has any more."""
        super().send_notification_mail(template_prefix, user, {"user": user, **(context or {})}, email)

    def login(self, request, user):
        """Logging in during the grace period of a requested deletion cancels it."""
        super().login(request, user)
        if account_deletion_cancel(user=user):
            messages.info(request, _("You logged in, so your account will not be deleted."))


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """National sign-in is a way to verify a signed-in account, not a way to log in.

    The provider's answer is used at once and then dropped: no social account is stored, so the IIN claim
    (personal data) never lands in allauth's `extra_data`.
    """

    def list_apps(self, request, provider=None, client_id=None):
        """allauth looks the provider of `/accounts/oidc/<provider>/login/` up in the database; a NUL there
        names no app, and PostgreSQL refuses it in a query (DataError, a 500): not found instead."""
        if "\x00" in (provider or "") or "\x00" in (client_id or ""):
            return []
        return super().list_apps(request, provider=provider, client_id=client_id)

    def pre_social_login(self, request, sociallogin):
        if sociallogin.account.provider != settings.IDENTITY_OIDC_PROVIDER_ID:
            return
        if not request.user.is_authenticated:
            messages.error(
                request, _("Sign in to the portal first, then verify your identity with national sign-in.")
            )
            raise ImmediateHttpResponse(redirect("account_login"))
        data = sociallogin.account.extra_data
        claims = {**(data.get("id_token") or {}), **(data.get("userinfo") or {})}
        iin = claims.get(settings.IDENTITY_OIDC_IIN_CLAIM)
        try:
            if not isinstance(iin, str) or not iin:
                raise ValidationError(
                    _("The identity provider did not send your IIN, so your account is not verified."),
                    code="no_iin",
                )
            identity_verification_record(
                user=request.user,
                method=IdentityVerification.Method.NATIONAL_SIGN_IN,
                identity=iin,
                verified_by=None,
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Your identity is verified. You can now support proposals."))
        raise ImmediateHttpResponse(redirect("account_identity"))


class MFAAdapter(DefaultMFAAdapter):
    # allauth's refusals said what went wrong but not what to do: a new, unconfirmed address is kept off an
    # account with a second factor, and a code typed late (or with the phone's clock off) is "Incorrect code."
    error_messages = {
        **DefaultMFAAdapter.error_messages,
        "incorrect_code": gettext_lazy(
            "This code is not right. Type the code your app shows now: it changes every 30 seconds."
        ),
        "add_email_blocked": gettext_lazy(
            "An account protected by an authenticator app cannot take a new address. Turn the app off on the "
            "two-factor authentication page, add the address, then turn the app on again."
        ),
    }

    # A copy of the database (a backup, a replica, a dump handed to a contractor) must not carry the staff's
    # second factor with it: authenticator secrets and recovery-code seeds are stored encrypted. The key comes
    # from IDENTITY_HASH_KEY, which is set once and never rotated (docs/DEPLOYMENT.md, "Rotating keys"), so a
    # rotation of SECRET_KEY locks nobody out of their authenticator app.
    def encrypt(self, text: str) -> str:
        token = authenticator_cipher(settings.IDENTITY_HASH_KEY).encrypt(text.encode())
        return ENCRYPTED_PREFIX + token.decode()

    def decrypt(self, encrypted_text: str) -> str:
        if not encrypted_text.startswith(ENCRYPTED_PREFIX):
            return encrypted_text  # stored before secrets were encrypted (the migration encrypts those)
        token = encrypted_text[len(ENCRYPTED_PREFIX) :].encode()
        try:
            return authenticator_cipher(settings.IDENTITY_HASH_KEY).decrypt(token).decode()
        except InvalidToken as error:
            raise ImproperlyConfigured(
                "An authenticator secret does not decrypt with this IDENTITY_HASH_KEY: it was changed."
            ) from error


# Marks an encrypted secret, so that one stored in clear before (or by a fixture) is still read.
ENCRYPTED_PREFIX = "fernet:"


@functools.cache
def authenticator_cipher(identity_hash_key: str) -> Fernet:
    key = HKDF(algorithm=SHA256(), length=32, salt=None, info=b"qatysu authenticator secrets").derive(
        identity_hash_key.encode()
    )
    return Fernet(base64.urlsafe_b64encode(key))
