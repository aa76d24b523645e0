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
