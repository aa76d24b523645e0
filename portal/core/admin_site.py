"""The Django admin is for superusers only: the secretariat (the Administrators role) runs the portal from the
staff area, where every action goes through a service with its checks and its audit entry. The admin stays
for the few people who maintain the installation, behind the same sign-in with a second factor."""

import functools

from django.contrib.admin import AdminSite, ModelAdmin
from django.utils.translation import gettext_lazy as _

from portal.core.audit import audit_record
from portal.core.forms import NormalisedInputMixin
from portal.core.roles import is_admin

# The admin's Django actions (`delete_selected`) write their own entries, one per deleted row.
_ACTIONS_LOGGED_BY_DJANGO = frozenset({"delete_selected"})


class AuditedAdmin:
    """Mixed into every model admin the site registers, ours and the libraries' (allauth's addresses and
    authenticators, Django's groups): each addition, change, deletion and action is written to the portal's
    audit log, which the Administrators read, and not only to Django's own history, which nobody outside the
    admin sees. The details name the fields changed, never their values (an address, a name)."""

    def log_addition(self, request, obj, message):
        audit_record(actor=request.user, action="admin.added", target=obj)
        return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        fields = sorted(
            {str(field) for part in message or [] for field in part.get("changed", {}).get("fields", [])}
        )
        audit_record(actor=request.user, action="admin.changed", target=obj, details={"fields": fields})
        return super().log_change(request, obj, message)

    def log_deletions(self, request, queryset):
        for obj in queryset:
            audit_record(actor=request.user, action="admin.deleted", target=obj)
        return super().log_deletions(request, queryset)

    def get_actions(self, request):
        actions = super().get_actions(request)
        return {
            name: (func if name in _ACTIONS_LOGGED_BY_DJANGO else _audited_action(func, name), name, label)
            for name, (func, name, label) in actions.items()
        }


class NormalisedAdmin:
    """Mixed into every model admin the site registers, as `AuditedAdmin` is: every form it saves with (the
    add and change forms, each inline's) keeps what is typed as the portal's own forms do
    (`NormalisedInputMixin`). What a superuser types reaches the public and the mailboxes: the privacy notice,
    a person's public name, the site's name in every account email; a control character
    pasted there broke pages and feeds, a bidi override turned a name around."""

    def get_form(self, request, obj=None, change=False, **kwargs):
        return normalised_form(super().get_form(request, obj, change=change, **kwargs))

    def get_inline_instances(self, request, obj=None):
        inlines = super().get_inline_instances(request, obj)
        for inline in inlines:
            inline.form = normalised_form(inline.form)
        return inlines


def normalised_form(form: type) -> type:
    """`form` with `NormalisedInputMixin` first, unless it has it already (`PortalModelForm`)."""
    if issubclass(form, NormalisedInputMixin):
        return form
    return type(form.__name__, (NormalisedInputMixin, form), {"__module__": form.__module__})


def _audited_action(func, name: str):
    @functools.wraps(func)
    def action(modeladmin, request, queryset):
        ids = [str(pk) for pk in queryset.values_list("pk", flat=True)]
        audit_record(
            actor=request.user,
            action="admin.action",
            details={"action": name, "model": modeladmin.model._meta.label_lower, "ids": ids},
        )
        return func(modeladmin, request, queryset)

    return action


class SuperuserAdminSite(AdminSite):
    site_title = _("Qatysu administration")
    site_header = _("Qatysu administration")

    def has_permission(self, request):
        # `is_admin` holds only once the session passed the second factor, whatever the middleware did.
        user = request.user
        return user.is_active and user.is_superuser and is_admin(user)

    def register(self, model_or_iterable, admin_class=None, **options):
        admin_class = admin_class or ModelAdmin
        missing = tuple(
            mixin for mixin in (AuditedAdmin, NormalisedAdmin) if not issubclass(admin_class, mixin)
        )
        if missing:
            admin_class = type(
                admin_class.__name__, (*missing, admin_class), {"__module__": admin_class.__module__}
            )
        return super().register(model_or_iterable, admin_class, **options)
