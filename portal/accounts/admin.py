from allauth.mfa.models import Authenticator
from django.contrib import admin, messages
from django.contrib.auth.admin import GroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _

from portal.core.admin import ReadOnlyAdmin
from portal.core.audit import audit_record
from portal.core.forms import NormalisedInputMixin
from portal.core.roles import ROLE_GROUPS, forget_roles

from . import services
from .models import AccountBlock, Organisation, OrganisationMembership, PrivacyNotice, SecondFactor, User
from .privacy import privacy_notice_publish


class PersonChangeForm(NormalisedInputMixin, UserChangeForm):
    """A role or superuser given here meets the rules of the staff roles page: not to a blocked account, nor
    to one without an authenticator app (whoever holds its password would set up their own)."""

    class Meta(UserChangeForm.Meta):
        model = User  # Django's form names `auth.User`, which this project replaces

    def clean(self):
        cleaned = super().clean()
        person = self.instance
        role_groups = set(ROLE_GROUPS.values())
        held = person.groups.filter(name__in=role_groups) if person.pk else ()  # a new account holds none
        roles_before = {group.pk for group in held}
        roles_after = {group.pk for group in cleaned.get("groups") or [] if group.name in role_groups}
        made_superuser = (
            cleaned.get("is_superuser") and not User.objects.filter(pk=person.pk, is_superuser=True).exists()
        )
        field = "groups" if roles_after - roles_before else "is_superuser"
        if roles_after - roles_before or made_superuser:
            try:
                services.user_role_grant_check(user=person, field=field)
            except ValidationError as error:
                self.add_error(None, error)
        return cleaned


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = PersonChangeForm
    ordering = ["email"]
    list_display = ["email", "display_name", "preferred_language", "is_active", "date_joined"]
    search_fields = ["email", "display_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Profile"), {"fields": ["display_name", "preferred_language", "first_name", "last_name"]}),
        (_("Roles"), {"fields": ["is_active", "is_staff", "is_superuser", "groups"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "display_name", "password1", "password2"]})
    ]

    # Email and legal name are personal details: staff other than superusers see them only through the
    # staff person page, which asks for a reason and records the look (portal/core/views/staff.py).
    _PERSONAL_FIELDS = ("email", "first_name", "last_name")

    def get_list_display(self, request):
        if request.user.is_superuser:
            return self.list_display
        return ["id", "display_name", "preferred_language", "is_active", "date_joined"]

    def get_search_fields(self, request):
        return self.search_fields if request.user.is_superuser else ["display_name"]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser or obj is None:
            return fieldsets
        return [
            (name, {**options, "fields": [f for f in options["fields"] if f not in self._PERSONAL_FIELDS]})
            for name, options in fieldsets
        ]

    def get_ordering(self, request):
        return self.ordering if request.user.is_superuser else ["pk"]

    # Accounts leave through erasure, which keeps the row anonymised. Deleted here, the row took with it the
    # actor of every audit entry and the moderator of every decision, so a person's use of staff powers
    # vanished from the log and the transparency figures; and their supports, follows and verification went
    # without the erasure's steps (the IIN kept from verifying a second account, what their proposals keep).
    def has_delete_permission(self, request, obj=None):
        return False

    # Who may do what, changed here rather than on the staff roles page, is written to the audit log too, and
    # the person's remembered roles are dropped (they would otherwise hold until their next request anyway).
    _ACCESS_FLAGS = ("is_active", "is_staff", "is_superuser")

    def save_related(self, request, form, formsets, change):
        person = form.instance
        groups_before = sorted(person.groups.values_list("name", flat=True)) if change else []
        super().save_related(request, form, formsets, change)
        groups_after = sorted(person.groups.values_list("name", flat=True))
        flags = {name: getattr(person, name) for name in self._ACCESS_FLAGS if name in form.changed_data}
        if groups_before != groups_after or flags:
            forget_roles(person)
            audit_record(
                actor=request.user,
                action="role.changed_in_admin",
                target=person,
                details={"groups": {"from": groups_before, "to": groups_after}, "flags": flags},
            )


class MembershipInline(admin.TabularInline):
    """Who represents an organisation changes through invitations and the members page, which check the
    organisation keeps a representative and tell the people concerned: here it is only read."""

    model = OrganisationMembership
    extra = 0
    raw_id_fields = ["user"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Organisation)
class OrganisationAdmin(ReadOnlyAdmin):
    list_display = ["name", "kind", "verified_at"]
    list_filter = ["kind", ("verified_at", admin.EmptyFieldListFilter)]
    search_fields = ["name"]
    readonly_fields = ["verified_at", "verified_by"]
    inlines = [MembershipInline]
    actions = ["verify"]

    # Renamed here, an organisation would skip the check that refuses a look-alike of a verified one, and a
    # verified one would keep its mark under a name nobody checked; deleted, its proposals lose who sent them.
    # Its representatives edit it on the portal; verifying is the action below, through the service.
    @admin.action(description=_("Verify the selected organisations"))
    def verify(self, request, queryset):
        verified = 0
        for organisation in queryset:
            try:
                services.organisation_verify(organisation=organisation, verified_by=request.user)
            # A look-alike of a verified one, or one the admin belongs to: the others still go on.
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            except PermissionDenied as error:
                messages.error(request, str(error))
            else:
                verified += 1
        if verified:
            messages.success(request, _("Verified."))


@admin.register(AccountBlock)
class AccountBlockAdmin(ReadOnlyAdmin):
    """Read only: a block is placed from a moderation case and lifted on the person's staff page, where the
    services tell the person, refuse lifting one's own block and write the audit entry; edited here, a block
    was lengthened, shortened or removed without a trace."""

    list_display = ("user", "blocked_until", "lifted_at", "blocked_by", "created_at")
    search_fields = ("user__display_name",)


@admin.register(PrivacyNotice)
class PrivacyNoticeAdmin(admin.ModelAdmin):
    """A published version is never edited: a change is a new version, which everyone is asked to accept."""

    list_display = ("version", "published_at")
    fields = ("text_kk", "text_ru", "text_en")

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        published = privacy_notice_publish(text_kk=obj.text_kk, text_ru=obj.text_ru, text_en=obj.text_en)
        obj.pk, obj.version, obj.published_at = published.pk, published.version, published.published_at


admin.site.unregister(Authenticator)


@admin.register(SecondFactor)
class SecondFactorAdmin(admin.ModelAdmin):
    """Which second factors people have, and removing one whose phone is lost (the person sets up a new one at
    their next staff page). Never its data: the TOTP secret and the recovery codes' seed would let whoever
    reads them produce the person's codes. The columns are named here: allauth has English names only."""

    list_display = ("person", "kind", "added", "last_used")
    list_filter = ("type",)
    fields = ("person", "kind", "added", "last_used")
    readonly_fields = fields

    @admin.display(description=_("person"), ordering="user")
    def person(self, factor):
        return factor.user

    @admin.display(description=_("kind"), ordering="type")
    def kind(self, factor):
        return factor.get_type_display()

    @admin.display(description=_("added"), ordering="created_at")
    def added(self, factor):
        return factor.created_at

    @admin.display(description=_("last used"), ordering="last_used_at")
    def last_used(self, factor):
        return factor.last_used_at

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


admin.site.unregister(Group)


@admin.register(Group)
class RoleGroupAdmin(GroupAdmin):
    """The role groups are the portal's roles: renamed or deleted here, every holder would lose the role at
    once, with no entry per person. Roles are granted and revoked on the staff roles page (or per person)."""

    @staticmethod
    def _is_role(group) -> bool:
        return group is not None and group.name in ROLE_GROUPS.values()

    def has_change_permission(self, request, obj=None):
        return not self._is_role(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._is_role(obj) and super().has_delete_permission(request, obj)
