"""An organisation's members page, for its representatives, and the invitation link its invitees follow."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from portal.core.form_views import refusal_flashed, service_form_page
from portal.core.forms import form_errors_text, posted_data
from portal.core.http import client_ip

from .. import invitations, selectors, services
from ..forms import InvitationForm, MembershipForm, OrganisationEditForm
from ..models import Organisation, OrganisationInvitation, OrganisationMembership
from ..permissions import can_manage_members


def _managed_organisation(request, slug: str) -> Organisation:
    """The organisation, if the person may manage its members; a 404 for anyone else, as for a page that
    is not theirs elsewhere on the portal."""
    organisation = get_object_or_404(Organisation, slug=slug)
    if not can_manage_members(request.user, organisation):
        raise Http404
    return organisation


@login_required
@require_http_methods(["GET", "POST"])
def organisation_members(request, slug):
    """The list of members with a form each, and the invitation form (posted here)."""
    organisation = _managed_organisation(request, slug)
    form = InvitationForm(posted_data(request))
    return service_form_page(
        request,
        form,
        save=lambda form: invitations.invitation_send(
            organisation=organisation, invited_by=request.user, ip=client_ip(request), **form.cleaned_data
        ),
        # The same words whether or not the address has an account.
        success=_(
            "The invitation is sent. Whoever confirms that address on the portal can accept it "
            "within %(days)d days."
        )
        % {"days": invitations.INVITATION_DAYS},
        next_url=lambda _invitation: reverse("organisation_members", kwargs={"slug": organisation.slug}),
        template="account/organisation_members.html",
        context=lambda: {
            "organisation": organisation,
            "members": selectors.organisation_members(organisation=organisation),
            "pending": selectors.organisation_pending_invitations(organisation=organisation),
            "roles": OrganisationMembership.Role.choices,
            "days": invitations.INVITATION_DAYS,
            "edit_form": OrganisationEditForm(
                initial={
                    "name": organisation.name,
                    "description": organisation.description,
                    "website": organisation.website,
                    "business_number": organisation.business_number,
                }
            ),
        },
    )


@login_required
@require_POST
def organisation_member_update(request, slug, pk):
    organisation = _managed_organisation(request, slug)
    membership = get_object_or_404(OrganisationMembership, pk=pk, organisation=organisation)
    form = MembershipForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors_text(form))
    else:
        with refusal_flashed(request):
            services.organisation_member_update(
                membership=membership, updated_by=request.user, **form.cleaned_data
            )
            messages.success(request, _("%(name)s: saved.") % {"name": membership.user.public_name})
    if not can_manage_members(request.user, organisation):
        return redirect(organisation)  # they made someone else the representative and themselves a member
    return redirect("organisation_members", slug=organisation.slug)


@login_required
@require_POST
def organisation_edit(request, slug):
    organisation = _managed_organisation(request, slug)
    was_verified, was_refused = organisation.is_verified, organisation.refused_at is not None
    form = OrganisationEditForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors_text(form))
    else:
        with refusal_flashed(request):
            organisation = services.organisation_update(
                organisation=organisation, updated_by=request.user, **form.cleaned_data
            )
            if organisation.verified_at is None and (was_verified or was_refused):
                messages.warning(
                    request,
                    _(
                        "The details are saved, and an administrator verifies the organisation again; until "
                        "then nobody can submit on its behalf."
                    ),
                )
            else:
                messages.success(request, _("The organisation's details are saved."))
    return redirect("organisation_members", slug=organisation.slug)


@login_required
@require_POST
def organisation_member_remove(request, slug, pk):
    organisation = _managed_organisation(request, slug)
    membership = get_object_or_404(
        OrganisationMembership.objects.select_related("user"), pk=pk, organisation=organisation
    )
    with refusal_flashed(request):
        services.organisation_member_remove(membership=membership, removed_by=request.user)
        messages.success(
            request,
            _("%(name)s no longer belongs to %(organisation)s.")
            % {"name": membership.user.public_name, "organisation": organisation.name},
        )
    return redirect("organisation_members", slug=organisation.slug)


@login_required
@require_POST
def organisation_invitation_withdraw(request, slug, pk):
    organisation = _managed_organisation(request, slug)
    invitation = get_object_or_404(OrganisationInvitation, pk=pk, organisation=organisation)
    with refusal_flashed(request):
        invitations.invitation_withdraw(invitation=invitation, withdrawn_by=request.user)
        messages.success(request, _("The invitation is withdrawn: its link no longer works."))
    return redirect("organisation_members", slug=organisation.slug)


@require_http_methods(["GET", "POST"])
def organisation_invitation(request, token):
    """The link of the invitation email. GET shows the offer; POST answers it. Accepting needs the account
    of the invited address; declining only the link, so that nobody must sign up to say no."""
    invitation = invitations.invitation_from_token(token)
    if invitation is None:
        raise Http404
    organisation = invitation.organisation
    if request.method == "POST":
        answer = request.POST.get("answer")
        if answer == "accept" and not request.user.is_authenticated:
            return redirect_to_login(request.path)
        with refusal_flashed(request, PermissionDenied, ValidationError):
            if answer == "accept":
                invitations.invitation_accept(invitation=invitation, user=request.user)
                messages.success(
                    request, _("You are now a member of %(name)s.") % {"name": organisation.name}
                )
                return redirect(organisation)
            if answer == "decline":
                invitations.invitation_decline(invitation=invitation, user=request.user)
                messages.success(
                    request, _("You declined the invitation to %(name)s.") % {"name": organisation.name}
                )
                return redirect(organisation)
            messages.error(request, _("Choose to accept or to decline the invitation."))
        return redirect("organisation_invitation", token=token)
    refusal = invitations.invitation_refusal(invitation)
    context = {
        "invitation": invitation,
        "organisation": organisation,
        "refusal": refusal,
        "is_invitee": invitations.is_invitee(request.user, invitation),
    }
    response = render(
        request, "account/organisation_invitation.html", context, status=410 if refusal else 200
    )
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"  # the link is the key: not to be passed on to other sites
    return response
