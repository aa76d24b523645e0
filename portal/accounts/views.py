from django.conf import settings as django_settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from . import selectors, services
from .forms import OrganisationRegisterForm, ProfileForm
from .models import Organisation


def _apply_errors(form, error: ValidationError) -> None:
    for field, errors in error.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


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
            _apply_errors(form, error)
        else:
            messages.success(request, _("Your profile is saved."))
            return redirect("account_profile")
    memberships = selectors.organisations_of(user=user)
    return render(request, "account/profile.html", {"form": form, "memberships": memberships})


@login_required
@require_http_methods(["GET", "POST"])
def organisation_register(request):
    form = OrganisationRegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organisation = services.organisation_register(registered_by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The organisation is registered. An administrator will verify it."))
            return redirect(organisation)
    return render(request, "account/organisation_register.html", {"form": form})


def organisation_detail(request, slug):
    organisation = get_object_or_404(Organisation, slug=slug)
    members = selectors.organisation_public_members(organisation=organisation)
    return render(
        request, "account/organisation_detail.html", {"organisation": organisation, "members": members}
    )


IDENTITY_ATTEMPTS_PER_HOUR = 5


@login_required
@require_http_methods(["GET", "POST"])
def identity_verify(request):
    from portal.core.ratelimit import rate_limit_hit

    from .verification import get_backend

    backend = get_backend("iin")
    verification = getattr(request.user, "identity_verification", None)
    form = backend.form_class(request.POST or None) if verification is None else None
    status = 200
    if request.method == "POST" and form is not None:
        if not rate_limit_hit(
            scope="identity", key=str(request.user.pk), limit=IDENTITY_ATTEMPTS_PER_HOUR, period_seconds=3600
        ):
            form.add_error(None, _("Too many attempts. Try again in an hour."))
            status = 429
        elif form.is_valid():
            try:
                backend.verify(user=request.user, cleaned_data=form.cleaned_data)
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                messages.success(request, _("Your identity is verified. You can now support proposals."))
                return redirect("account_identity")
    return render(
        request, "account/identity.html", {"form": form, "verification": verification}, status=status
    )


@login_required
@require_http_methods(["GET", "POST"])
def api_tokens(request):
    from .forms import ApiTokenForm
    from .tokens import api_token_create

    form = ApiTokenForm(request.POST or None)
    new_token = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, new_token = api_token_create(user=request.user, name=form.cleaned_data["name"])
        except ValidationError as error:
            _apply_errors(form, error)
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
def api_token_revoke(request, pk):
    from .models import ApiToken
    from .tokens import api_token_revoke as revoke

    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    revoke(token=token, revoked_by=request.user)
    messages.success(request, _("The token is revoked."))
    return redirect("account_api_tokens")


# --- Personal data: notice, consent, download my data, deletion ------------------------------------------


def privacy_notice(request):
    from django.utils.translation import get_language

    from .privacy import current_notice

    notice = current_notice()
    text = notice.text_in((get_language() or "kk")[:2]) if notice else ""
    return render(request, "account/privacy_notice.html", {"notice": notice, "text": text})


def _safe_next(request, fallback: str) -> str:
    from django.utils.http import url_has_allowed_host_and_scheme

    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return fallback


@login_required
@require_http_methods(["GET", "POST"])
def privacy_consent(request):
    from django.urls import reverse
    from django.utils.translation import get_language

    from .privacy import consent_accept, current_notice, forget_current_notice

    notice = current_notice()
    if notice is None or request.user.privacy_notice_version >= notice.version:
        # Nothing to accept (the memoised version was stale): back to where the person was going.
        forget_current_notice()
        return redirect(_safe_next(request, reverse("home")))
    if request.method == "POST":
        try:
            version = int(request.POST.get("version", ""))
        except ValueError:
            version = 0
        if version == notice.version and request.POST.get("accept") == "on":
            consent_accept(user=request.user, version=version)
            messages.success(request, _("Thank you. Your acceptance is recorded."))
            return redirect(_safe_next(request, reverse("home")))
        messages.error(request, _("Tick the box to accept the privacy notice, or log out."))
    text = notice.text_in((get_language() or "kk")[:2]) if notice else ""
    return render(
        request,
        "account/privacy_consent.html",
        {"notice": notice, "text": text, "next": _safe_next(request, "")},
    )


def _export_tokens(request) -> dict:
    return request.session.get("data_export_tokens", {})


@login_required
def privacy_settings(request):
    from .forms import AccountDeletionForm
    from .models import DataExport

    export = DataExport.objects.filter(user=request.user, session_key=request.session.session_key).first()
    return render(
        request,
        "account/privacy.html",
        {
            "export": export,
            "export_token": _export_tokens(request).get(str(export.pk)) if export else None,
            "deletion_form": AccountDeletionForm(),
            "grace_days": django_settings.ACCOUNT_DELETION_GRACE_DAYS,
        },
    )


@login_required
@require_http_methods(["POST"])
def data_export_request(request):
    from .privacy import data_export_request as request_export

    if not request.session.session_key:
        request.session.save()
    export, token = request_export(user=request.user, session_key=request.session.session_key)
    # Only this session can use the link; the plain token lives in it and nowhere else.
    request.session["data_export_tokens"] = {str(export.pk): token}
    messages.success(request, _("Your archive is being prepared. This page shows when it is ready."))
    return redirect("account_privacy")


@login_required
def data_export_status(request, pk):
    from .models import DataExport

    export = get_object_or_404(DataExport, pk=pk, user=request.user, session_key=request.session.session_key)
    return render(
        request,
        "account/includes/data_export_status.html",
        {"export": export, "export_token": _export_tokens(request).get(str(export.pk))},
    )


@login_required
@require_http_methods(["POST"])
def data_export_download(request, token):
    from django.http import HttpResponse

    from .privacy import data_export_download as download

    content = download(token=token, user=request.user, session_key=request.session.session_key or "")
    response = HttpResponse(content, content_type="application/zip")
    response["Content-Disposition"] = 'attachment; filename="qatysu-my-data.zip"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["POST"])
def account_delete(request):
    from django.contrib.auth import logout

    from .forms import AccountDeletionForm
    from .privacy import account_deletion_request

    form = AccountDeletionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Tick “Yes, delete my account” to confirm."))
        return redirect("account_privacy")
    user = account_deletion_request(
        user=request.user, requested_by=request.user, withdraw_content=form.cleaned_data["withdraw_content"]
    )
    due = user.deletion_due_at
    logout(request)
    messages.info(
        request,
        _("Your account will be deleted on %(date)s. Log in before then to keep it.")
        % {"date": due.strftime("%Y-%m-%d")},
    )
    return redirect("home")
