"""Staff pages about people and organisations: verifying them, and a person's details on the record."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from portal.core import registries
from portal.core.form_views import refusal_flashed
from portal.core.forms import add_service_errors
from portal.core.roles import ROLE_LABELS, can_view_audit_log, held_roles, role_required, staff_action

from .. import services
from ..forms import RevealReasonForm, StaffIdentityForm
from ..models import Organisation, User
from ..permissions import (
    can_block_accounts,
    can_reveal_personal_details,
    can_verify_identities,
    can_verify_organisation,
    can_view_person_page,
    can_view_staff_roles,
    is_blocked,
    is_verified_person,
)
from ..privacy import personal_details_reveal
from ..verification import get_backend


@staff_action(can_verify_organisation)
def organisation_verify(request, pk):
    organisation = get_object_or_404(Organisation, pk=pk)
    with refusal_flashed(request, ValidationError, PermissionDenied):
        services.organisation_verify(organisation=organisation, verified_by=request.user)
        messages.success(request, _("%(name)s is verified.") % {"name": organisation.name})
    return redirect("staff_dashboard")


@staff_action(can_verify_organisation)
def organisation_refuse(request, pk):
    organisation = get_object_or_404(Organisation, pk=pk)
    with refusal_flashed(request, ValidationError, PermissionDenied):
        services.organisation_refuse(
            organisation=organisation, refused_by=request.user, reason=request.POST.get("reason", "")
        )
        messages.success(
            request,
            _("%(name)s is not verified; its representatives are told why.") % {"name": organisation.name},
        )
    return redirect("staff_dashboard")


@staff_action(can_verify_identities)
def person_verify(request):
    """An administrator records that they checked a person's identity document."""
    form = StaffIdentityForm(request.POST)
    if form.is_valid():
        person = User.objects.filter(email__iexact=form.cleaned_data["email"], is_active=True).first()
        if person is None:
            messages.error(request, _("No active account has this email address."))
        else:
            # An administrator's own account is refused (another one checks it): said on the page, not a 403.
            with refusal_flashed(request, ValidationError, PermissionDenied):
                get_backend("staff").verify(
                    user=person, cleaned_data={"verified_by": request.user, "note": form.cleaned_data["note"]}
                )
                messages.success(request, _("%(name)s is verified.") % {"name": person.display_name})
    else:
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
    return redirect("staff_dashboard")


def _person_context(person) -> dict:
    """The public facts about a person, with what the apps above count for them (their proposals, ...)."""
    facts = [(fact.label, fact.count(person)) for fact in registries.person_facts]
    return {"person": person, "is_verified": is_verified_person(person), "facts": facts}


@require_safe
@role_required(can_view_person_page)
def person_detail(request, pk):
    """A person's public information; personal details only through `person_reveal`, with a reason."""
    person = get_object_or_404(User, pk=pk)
    context = _person_context(person)
    context["can_reveal"] = can_reveal_personal_details(request.user)
    context["reveal_form"] = RevealReasonForm()
    context["can_unblock"] = can_block_accounts(request.user) and is_blocked(person)
    context["roles"] = [ROLE_LABELS[role] for role in sorted(held_roles(person))]
    context["can_view_staff_roles"] = can_view_staff_roles(request.user)
    context["can_view_audit_log"] = can_view_audit_log(request.user)
    return render(request, "account/staff/person.html", context)


@staff_action(can_reveal_personal_details)
def person_reveal(request, pk):
    """Shows email, legal name and verification details after the viewer states why; writes an audit entry."""
    person = get_object_or_404(User, pk=pk)
    form = RevealReasonForm(request.POST)
    context = _person_context(person)
    context["can_reveal"] = True
    context["reveal_form"] = form
    status = 400
    if form.is_valid():
        try:
            context["details"] = personal_details_reveal(
                person=person, viewer=request.user, reason=form.cleaned_data["reason"]
            )
            status = 200
        except ValidationError as error:
            add_service_errors(form, error)
    response = render(request, "account/staff/person.html", context, status=status)
    response["Cache-Control"] = "no-store"
    return response
