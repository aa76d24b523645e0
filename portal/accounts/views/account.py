"""A person's own account pages: profile, identity verification, API tokens, organisations."""

import base64
import binascii

from django.conf import settings as django_settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from portal.core.form_views import refusal_flashed
from portal.core.forms import add_service_errors
from portal.core.http import client_ip
from portal.core.ratelimit import address_within, rate_limit_hit

from .. import selectors, services
from ..forms import ApiTokenForm, OrganisationRegisterForm, ProfileForm
from ..models import ApiToken, IdentityVerification, Organisation
from ..permissions import can_manage_members
from ..tokens import api_token_create, api_token_revoke
from ..verification import get_backend
from ..verification.signature import challenge_content, signature_challenge_issue, signature_verify


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    user = request.user
    form = ProfileForm(
        request.POST or None,
        initial={"display_name": user.display_name, "preferred_language": user.preferred_language},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.user_update_profile(user=user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your profile is saved."))
            return redirect("account_profile")
    memberships = selectors.organisations_of(user=user)
    return render(request, "account/profile.html", {"form": form, "memberships": memberships})


@login_required
@require_http_methods(["GET", "POST"])
def organisation_register(request):
    form = OrganisationRegisterForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        if not _registration_allowed(request):
            form.add_error(
                None,
                _(
                    "Too many organisations have been registered from your account or your network today. "
                    "Try again tomorrow, or write to the Commission's office if your organisation needs it "
                    "sooner."
                ),
            )
            status = 429
        else:
            try:
                organisation = services.organisation_register(registered_by=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request, _("The organisation is registered. An administrator will verify it.")
                )
                return redirect(organisation)
    return render(request, "account/organisation_register.html", {"form": form}, status=status)


def organisation_detail(request, slug):
    organisation = get_object_or_404(Organisation, slug=slug)
    members = selectors.organisation_public_members(organisation=organisation)
    context = {
        "organisation": organisation,
        "members": members,
        "can_manage_members": can_manage_members(request.user, organisation),
    }
    return render(request, "account/organisation_detail.html", context)


@login_required
@require_POST
def organisation_leave(request, slug):
    organisation = get_object_or_404(Organisation, slug=slug, memberships__user=request.user)
    with refusal_flashed(request):
        services.organisation_leave(organisation=organisation, user=request.user)
        messages.success(request, _("You no longer belong to %(name)s.") % {"name": organisation.name})
    return redirect("account_profile")


IDENTITY_ATTEMPTS_PER_HOUR = 5
ORGANISATIONS_PER_ACCOUNT_PER_DAY = 5


def _registration_allowed(request) -> bool:
    """Per account and per client address a day: every new organisation waits in the staff verification
    panel, and throw-away accounts could fill it faster than an administrator can clear it."""
    return _within_limits(
        request,
        "organisation",
        per_account=ORGANISATIONS_PER_ACCOUNT_PER_DAY,
        per_address=django_settings.ORGANISATIONS_PER_ADDRESS_PER_DAY,
        period_seconds=60 * 60 * 24,
    )


def _within_limits(request, scope: str, *, per_account: int, per_address: int, period_seconds: int) -> bool:
    """Counts one attempt for the account and, while within, for the client address whichever accounts it
    signs in with (`<scope>-ip`): a farm of throw-away accounts would each get the per-account pace afresh."""
    within = rate_limit_hit(
        scope=scope, key=str(request.user.pk), limit=per_account, period_seconds=period_seconds
    )
    return within and address_within(
        client_ip(request), scope=f"{scope}-ip", limit=per_address, period_seconds=period_seconds
    )


def _safe_next(request) -> str:
    """Where the person came from (e.g. the proposal they wanted to support), to go back there afterwards."""
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return ""
    return next_url


def _identity_context(request, *, iin_form=None) -> dict:
    """What the identity page offers: each enabled backend a person starts, and the current verification."""
    verification = IdentityVerification.objects.filter(user=request.user).first()
    next_url = _safe_next(request)
    if verification is not None and not verification.needs_reconfirmation:
        return {"verification": verification, "next_url": next_url}
    context = {
        "verification": verification,
        "iin_form": None,
        "signature": None,
        "national_sign_in": None,
        "next_url": next_url,
    }
    iin = get_backend(IdentityVerification.Method.IIN)
    if iin is not None:
        context["iin_form"] = iin_form or iin.form_class()
    signature = get_backend(IdentityVerification.Method.SIGNATURE)
    if signature is not None and signature.is_configured():
        challenge = signature_challenge_issue(user=request.user)
        context["signature"] = {
            "nonce": challenge.nonce,
            "content": base64.b64encode(challenge_content(challenge.nonce)).decode(),
            "ncalayer_url": django_settings.IDENTITY_EDS_NCALAYER_URL,
        }
    national = get_backend(IdentityVerification.Method.NATIONAL_SIGN_IN)
    if national is not None and national.is_configured():
        context["national_sign_in"] = {"provider_id": django_settings.IDENTITY_OIDC_PROVIDER_ID}
    return context


def _attempt_allowed(request) -> bool:
    """Per account, and per client address whichever accounts it signs in with: a farm of throw-away
    accounts got five tries each, enough to learn which IINs already verify someone's account, or to have the
    portal ask the certificate authority's OCSP responder for every signature it sent."""
    return _within_limits(
        request,
        "identity",
        per_account=IDENTITY_ATTEMPTS_PER_HOUR,
        per_address=django_settings.IDENTITY_ATTEMPTS_PER_ADDRESS_PER_HOUR,
        period_seconds=3600,
    )


@login_required
@require_http_methods(["GET", "POST"])
def identity_verify(request):
    """The identity page; a POST is the self-declared IIN form (where that backend is enabled)."""
    backend = get_backend(IdentityVerification.Method.IIN)
    form = None
    status = 200
    if request.method == "POST":
        if backend is None:
            raise PermissionDenied(_("Verification with a typed IIN is not offered here."))
        form = backend.form_class(request.POST)
        if not _attempt_allowed(request):
            form.add_error(None, _("Too many attempts. Try again in an hour."))
            status = 429
        elif form.is_valid():
            try:
                backend.verify(user=request.user, cleaned_data=form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Your identity is verified. You can now support proposals."))
                return redirect(_safe_next(request) or "proposal_list")
    context = _identity_context(request, iin_form=form)
    return render(request, "account/identity.html", context, status=status)


@login_required
@require_POST
def identity_verify_signature(request):
    """Receives the CMS that NCALayer made over the page's challenge and verifies it."""
    backend = get_backend(IdentityVerification.Method.SIGNATURE)
    if backend is None or not backend.is_configured():
        raise PermissionDenied(_("Signing in with a digital signature is not set up on this portal."))
    if not _attempt_allowed(request):
        messages.error(request, _("Too many attempts. Try again in an hour."))
        return redirect("account_identity")
    try:
        cms_der = base64.b64decode(request.POST.get("signature", ""), validate=True)
        signature_verify(user=request.user, nonce=request.POST.get("nonce", "")[:64], cms_der=cms_der)
    except binascii.Error:
        messages.error(request, _("The signature could not be read. Sign again with NCALayer."))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Your identity is verified. You can now support proposals."))
    return redirect("account_identity")


@login_required
@require_http_methods(["GET", "POST"])
def api_tokens(request):
    form = ApiTokenForm(request.POST or None)
    new_token = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, new_token = api_token_create(user=request.user, name=form.cleaned_data["name"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            form = ApiTokenForm()
    tokens = request.user.api_tokens.filter(revoked_at__isnull=True)
    response = render(
        request, "account/api_tokens.html", {"form": form, "tokens": tokens, "new_token": new_token}
    )
    response["Cache-Control"] = "no-store"  # the new token is on this page once
    return response


@login_required
@require_http_methods(["POST"])
def api_token_revoke_view(request, pk):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    api_token_revoke(token=token, revoked_by=request.user)
    messages.success(request, _("The token is revoked."))
    return redirect("account_api_tokens")
