"""Staff: who holds a staff role, granting and revoking roles (administrators), and lifting an account block
early (moderators). These were Django admin tasks; the services check and audit each one."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from portal.core.forms import PortalForm, add_service_errors, posted_data
from portal.core.roles import ROLE_GROUPS, ROLE_LABELS, Role, role_required

from .. import services
from ..models import User
from ..permissions import can_block_accounts, can_manage_roles, can_view_staff_roles


class GrantRoleForm(PortalForm):
    email = forms.EmailField(
        label=gettext_lazy("Email address of the account"),
        # A role is refused to an account without an authenticator: saying so here spares the trip through
        # that refusal, and says where the person turns one on.
        help_text=gettext_lazy(
            "The person signs up first and turns on an authenticator app (their name at the top of the "
            "page → Two-factor authentication); the role takes effect at their next page."
        ),
    )
    role = forms.ChoiceField(
        label=gettext_lazy("Role"),
        choices=list(ROLE_LABELS.items()),
        help_text=format_lazy(
            "{} {}",
            gettext_lazy(
                "Administrator: the secretariat, who runs consultations, drafts, hearings and staff roles. "
                "Commission member: answers proposals and keeps the implementation. Moderator: the "
                "moderation queue."
            ),
            gettext_lazy(
                "Auditor: an independent observer who reads the audit log, moderation decisions and the "
                "Commission's answers, and can change nothing."
            ),
        ),
    )

    def clean_email(self):
        email = self.cleaned_data["email"]
        person = User.objects.filter(email__iexact=email, is_active=True).first()
        if person is None:
            raise ValidationError(_("No active account has this email address."))
        self.person = person
        return email


def _staff_people():
    groups = {group: role for role, group in ROLE_GROUPS.items()}
    people = (
        User.objects.filter(groups__name__in=groups)
        .prefetch_related("groups")
        .distinct()
        .order_by("display_name", "pk")
    )
    return [
        (
            person,
            [
                (role, ROLE_LABELS[role])
                for role in Role
                if ROLE_GROUPS[role] in {g.name for g in person.groups.all()}
            ],
        )
        for person in people
    ]


@login_required
@require_http_methods(["GET", "POST"])
@role_required(can_view_staff_roles)
def staff_roles(request):
    can_manage = can_manage_roles(request.user)
    if request.method == "POST" and not can_manage:
        raise PermissionDenied
    form = GrantRoleForm(posted_data(request))
    if request.method == "POST" and form.is_valid():
        role = Role(form.cleaned_data["role"])
        try:
            services.user_grant_role(user=form.person, role=role, granted_by=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("%(name)s is now: %(role)s.")
                % {"name": form.person.public_name, "role": ROLE_LABELS[role]},
            )
            return redirect("staff_roles")
    return render(
        request,
        "account/staff/roles.html",
        {"form": form, "people": _staff_people(), "can_manage": can_manage},
        status=400 if form.is_bound else 200,
    )


@login_required
@require_POST
@role_required(can_manage_roles)
def staff_role_revoke(request, pk, role):
    person = get_object_or_404(User, pk=pk)
    if role not in {member.value for member in Role}:
        raise Http404
    if person.pk == request.user.pk and role == Role.ADMIN:
        messages.error(request, _("You cannot take the administrator role from yourself."))
        return redirect("staff_roles")
    if person.is_superuser and role == Role.ADMIN:
        # A superuser holds the administrator's powers whatever their groups: "no longer" would be untrue.
        messages.error(
            request,
            _(
                "%(name)s is a superuser and stays an administrator. Superuser status is removed in the "
                "Django admin."
            )
            % {"name": person.public_name},
        )
        return redirect("staff_roles")
    services.user_revoke_role(user=person, role=Role(role), revoked_by=request.user)
    messages.success(
        request,
        _("%(name)s is no longer: %(role)s.") % {"name": person.public_name, "role": ROLE_LABELS[Role(role)]},
    )
    return redirect("staff_roles")


@login_required
@require_POST
@role_required(can_block_accounts)
def person_unblock(request, pk):
    person = get_object_or_404(User, pk=pk)
    if services.account_unblock(user=person, lifted_by=request.user):
        messages.success(request, _("The block is lifted: the person can take part again."))
    else:
        messages.error(request, _("This account has no block in force."))
    return redirect("staff_person", pk=person.pk)
