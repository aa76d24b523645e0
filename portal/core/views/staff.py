"""The staff area's front page. Every view here asks `permissions`; the MFA gate runs before."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.accounts import selectors as account_selectors
from portal.accounts import services as account_services
from portal.accounts.models import Organisation
from portal.core import permissions


@login_required
def dashboard(request):
    if not permissions.can_open_staff_area(request.user):
        raise PermissionDenied
    context = {
        "roles": [permissions.ROLE_LABELS[role] for role in sorted(permissions.roles_of(request.user))],
        "can_verify": permissions.can_verify_organisation(request.user),
        "can_moderate": permissions.can_moderate(request.user),
        "can_manage_hearings": permissions.can_manage_hearings(request.user),
        "can_answer": permissions.can_work_commission_queue(request.user),
        "awaiting_verification": [],
    }
    if permissions.can_verify_identities(request.user):
        from portal.accounts.forms import StaffIdentityForm

        context["identity_form"] = StaffIdentityForm()
    if context["can_verify"]:
        context["awaiting_verification"] = account_selectors.organisations_awaiting_verification()
    if permissions.can_import_document(request.user):
        from proposals.models import Document

        context["documents"] = Document.objects.select_related("consultation").order_by("pk")
    return render(request, "staff/dashboard.html", context)


@login_required
@require_POST
def organisation_verify(request, pk):
    organisation = get_object_or_404(Organisation, pk=pk)
    account_services.organisation_verify(organisation=organisation, verified_by=request.user)
    messages.success(request, _("%(name)s is verified.") % {"name": organisation.name})
    return redirect("staff_dashboard")


@login_required
@require_POST
def person_verify(request):
    """An administrator records that they checked a person's identity document."""
    from portal.accounts.forms import StaffIdentityForm
    from portal.accounts.models import User
    from portal.accounts.verification import get_backend

    if not permissions.can_verify_identities(request.user):
        raise PermissionDenied
    form = StaffIdentityForm(request.POST)
    if form.is_valid():
        person = User.objects.filter(email__iexact=form.cleaned_data["email"], is_active=True).first()
        if person is None:
            messages.error(request, _("No active account has this email address."))
        else:
            get_backend("staff").verify(
                user=person, cleaned_data={"verified_by": request.user, "note": form.cleaned_data["note"]}
            )
            messages.success(request, _("%(name)s is verified.") % {"name": person.display_name})
    else:
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
    return redirect("staff_dashboard")


def _person_context(person):
    from proposals.models import Comment, Proposal

    return {
        "person": person,
        "is_verified": permissions.is_verified_person(person),
        "proposals_count": Proposal.objects.filter(author=person).count(),
        "comments_count": Comment.objects.filter(author=person).count(),
    }


@login_required
def person_detail(request, pk):
    """A person's public information; personal details only through `person_reveal`, with a reason."""
    from portal.accounts.forms import RevealReasonForm
    from portal.accounts.models import User

    if not permissions.can_view_person_page(request.user):
        raise PermissionDenied
    person = get_object_or_404(User, pk=pk)
    context = _person_context(person)
    context["can_reveal"] = permissions.can_reveal_personal_details(request.user)
    context["reveal_form"] = RevealReasonForm()
    return render(request, "staff/person.html", context)


@login_required
@require_POST
def person_reveal(request, pk):
    """Shows email, legal name and verification details after the viewer states why; writes an audit entry."""
    from django.core.exceptions import ValidationError

    from portal.accounts.forms import RevealReasonForm
    from portal.accounts.models import User
    from portal.accounts.privacy import personal_details_reveal

    if not permissions.can_reveal_personal_details(request.user):
        raise PermissionDenied
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
            form.add_error("reason", error.message_dict.get("reason"))
    response = render(request, "staff/person.html", context, status=status)
    response["Cache-Control"] = "no-store"
    return response
