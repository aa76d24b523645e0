"""Writes on accounts and organisations. Keyword-only; each raises PermissionDenied when refused."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from portal.accounts.permissions import (
    can_block_accounts,
    can_manage_members,
    can_manage_roles,
    can_verify_organisation,
    is_blocked,
)
from portal.core.audit import audit_record
from portal.core.formats import format_when, iso_datetime
from portal.core.roles import (
    ROLE_GROUPS,
    ROLE_LABELS,
    Role,
    forget_roles,
    has_second_factor,
    is_staff_member,
    staff_second_factor_required,
)
from portal.core.text import latin_slug, shown_length
from portal.notifications.email import email_queue
from portal.notifications.messages import link_in
from portal.notifications.models import Category
from portal.notifications.services import address_is_suppressed, notify

from .models import AccountBlock, Organisation, OrganisationMembership, User
from .notification_messages import (
    ORGANISATION_NAMED,
    ORGANISATION_REFUSED,
    ORGANISATION_REMOVED,
    ORGANISATION_VERIFIED,
)
from .validators import organisation_name_keys, validate_display_name, validate_organisation_name
from .verification.bin import bin_canonical


def validate_public_name(display_name: str) -> None:
    """`validate_display_name`, and not the name of a verified organisation in any look-alike spelling: a
    person's proposal signed "Amanat" would read as the party's."""
    validate_display_name(display_name)
    if _verified_look_alike(display_name) is not None:
        raise ValidationError(
            {
                "display_name": _(
                    "This is the name of a verified organisation. Choose another name; to submit for the "
                    "organisation, ask its representative to add you."
                )
            }
        )


def user_update_profile(*, user: User, display_name: str, preferred_language: str) -> User:
    """Sets the public name and the language of the person's emails."""
    display_name = " ".join(display_name.split())
    validate_public_name(display_name)
    if preferred_language not in User.Language.values:
        raise ValidationError({"preferred_language": _("Choose Kazakh, Russian or English.")})
    user.display_name = display_name
    user.preferred_language = preferred_language
    user.save(update_fields=["display_name", "preferred_language"])
    return user


def user_role_grant_check(*, user: User, field: str) -> None:
    """Refuses a staff power (a role, or superuser in the Django admin) to an account that may not take one
    now, naming `field` of the form that asked."""
    # An account not yet saved is neither blocked nor holds an authenticator app.
    if user.pk is not None and is_blocked(user):
        raise ValidationError(
            {field: _("This account is blocked: lift the block first, then grant the role.")}
        )
    if staff_second_factor_required() and (user.pk is None or not has_second_factor(user)):
        # Whoever holds the password of an account with no authenticator yet would set up their own, and
        # the role with it: the second factor is set up before the power is given, not after.
        raise ValidationError(
            {
                field: _(
                    "This account has no authenticator app yet. Ask the person to add one (their profile, "
                    "Two-factor authentication), then grant the role."
                )
            }
        )


@transaction.atomic
def user_grant_role(*, user: User, role: Role, granted_by: User | None) -> None:
    """Adds `user` to the role's group. `granted_by=None` is the system (seed data, shell)."""
    if granted_by is not None and not can_manage_roles(granted_by):
        raise PermissionDenied(_("Only administrators can grant roles."))
    if granted_by is not None:
        user_role_grant_check(user=user, field="email")
    group, _created = Group.objects.get_or_create(name=ROLE_GROUPS[Role(role)])
    # Only the group: the portal reads roles, and the Django admin (which reads `is_staff`) is for superusers.
    user.groups.add(group)
    forget_roles(user)
    audit_record(actor=granted_by, action="role.granted", target=user, details={"role": str(role)})
    if granted_by is not None:
        _tell_role_changed(user=user, role=Role(role), by=granted_by, granted=True)


@transaction.atomic
def user_revoke_role(*, user: User, role: Role, revoked_by: User | None) -> None:
    if revoked_by is not None and not can_manage_roles(revoked_by):
        raise PermissionDenied(_("Only administrators can revoke roles."))
    user.groups.remove(*Group.objects.filter(name=ROLE_GROUPS[Role(role)]))
    forget_roles(user)
    audit_record(actor=revoked_by, action="role.revoked", target=user, details={"role": str(role)})
    if revoked_by is not None:
        _tell_role_changed(user=user, role=Role(role), by=revoked_by, granted=False)


def _tell_role_changed(*, user: User, role: Role, by: User, granted: bool) -> None:
    """The person learns by email when someone gives or takes a staff role on their account: a power given by
    an administrator whose account was taken over is noticed by the one person who did not ask for it."""

    def write(language: str) -> tuple[str, str]:
        params = {"role": str(ROLE_LABELS[role]), "by": by.public_name}
        subject = (
            _("You were given the role “%(role)s” on Qatysu")
            if granted
            else _("Your role “%(role)s” on Qatysu was removed")
        )
        context = {**params, "granted": granted, "office": settings.CONTACT_EMAIL}
        return subject % params, render_to_string("account/email/role_changed.txt", context)

    _email_person(user, write)


def _email_person(user: User, write) -> None:
    """An email about the person's own account, in their language and whatever their notification settings,
    unless the account is closed or its address refuses mail: `write(language)` gives the subject and the
    body, and is called in that language."""
    if not user.is_active or address_is_suppressed(user.email):
        return
    language = user.preferred_language or "kk"
    with translation.override(language):
        subject, body = write(language)
    email_queue(
        message=EmailMessage(subject=f"[Qatysu] {subject}", body=body, to=[user.email]), language=language
    )


def _unique_slug(name: str) -> str:
    # Transliterated: Django's slugify dropped every Cyrillic letter, and Kazakh and Russian names all
    # became "organisation-2", "organisation-3"…
    base = latin_slug(name, max_length=70) or "organisation"
    slug, counter = base, 2
    while Organisation.objects.filter(slug=slug).exists():
        slug = f"{base}-{counter}"
        counter += 1
    return slug


def _verified_look_alike(name: str, *, besides: Organisation | None = None) -> Organisation | None:
    """A verified organisation whose name reads like `name` (`organisation_name_keys`), if there is one."""
    keys = organisation_name_keys(name) - {""}  # a name of punctuation only reads like no other
    verified = Organisation.objects.filter(verified_at__isnull=False).only("name")
    if besides is not None:
        verified = verified.exclude(pk=besides.pk)
    return next((other for other in verified if keys & organisation_name_keys(other.name)), None)


def _organisation_name(name: str, *, besides: Organisation | None = None) -> str:
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": _("The organisation needs a name.")})
    validate_organisation_name(name)
    # A second "Amanat" spelt with a Cyrillic letter or a zero-width space would pass for the first on every
    # proposal card; the real one's people join it through its representative instead. Only verified names
    # are taken: a squatter's unverified copy must not keep the real organisation out.
    if _verified_look_alike(name, besides=besides) is not None:
        raise ValidationError(
            {
                "name": _(
                    "An organisation with this name, or one that looks the same, is already registered. "
                    "If you represent it, ask its representative to add you."
                )
            }
        )
    return name


@transaction.atomic
def organisation_register(
    *,
    name: str,
    kind: str,
    description: str = "",
    website: str = "",
    business_number: str = "",
    registered_by: User,
) -> Organisation:
    """Creates an unverified organisation; the person registering it becomes its representative."""
    if kind not in Organisation.Kind.values:
        raise ValidationError({"kind": _("Choose a kind of organisation.")})
    business_number = _business_number(business_number)
    name = _organisation_name(name)
    organisation = Organisation(
        name=name,
        slug=_unique_slug(name),
        kind=kind,
        description=description,
        website=website,
        business_number=business_number,
    )
    organisation.full_clean()
    organisation.save()
    OrganisationMembership.objects.create(
        organisation=organisation,
        user=registered_by,
        role=OrganisationMembership.Role.REPRESENTATIVE,
        can_act_on_behalf=True,
    )
    audit_record(actor=registered_by, action="organisation.registered", target=organisation)
    return organisation


def _business_number(value: str, *, besides: Organisation | None = None) -> str:
    if not value.strip():
        return ""
    try:
        number = bin_canonical(value)
    except ValidationError as error:
        raise ValidationError({"business_number": error.messages}) from error
    # Whoever registers a verified organisation's number is not it; only verified ones hold theirs, so that a
    # squatter's unverified registration cannot keep the real one out.
    holders = Organisation.objects.filter(business_number=number, verified_at__isnull=False)
    if besides is not None:
        holders = holders.exclude(pk=besides.pk)
    if holders.exists():
        raise ValidationError(
            {
                "business_number": _(
                    "A verified organisation has this BIN. If you represent it, ask its representative to "
                    "add you."
                )
            }
        )
    return number


@transaction.atomic
def organisation_update(
    *,
    organisation: Organisation,
    updated_by: User,
    name: str,
    description: str = "",
    website: str = "",
    business_number: str = "",
) -> Organisation:
    """Its representatives correct its public details. A new name or BIN sends a verified organisation back
    to the verification queue (staff checked both against the register, and a verified name is what readers
    trust on every proposal card), and a refused one too: its representatives corrected what was refused.
    The address of its page stays."""
    if not can_manage_members(updated_by, organisation):
        raise PermissionDenied(_("Only the organisation's representatives can change its details."))
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    name = _organisation_name(name, besides=organisation)
    business_number = _business_number(business_number, besides=organisation)
    if not business_number and organisation.kind in (
        Organisation.Kind.POLITICAL_PARTY,
        Organisation.Kind.NGO,
    ):
        raise ValidationError(
            {"business_number": _("A party or an NGO gives its BIN, as in the state register.")}
        )
    renamed = (name, business_number) != (organisation.name, organisation.business_number)
    renamed = renamed or organisation.refused_at is not None
    organisation.name, organisation.description, organisation.website = name, description.strip(), website
    organisation.business_number = business_number
    organisation.full_clean()
    if renamed:
        organisation.verified_at = organisation.verified_by = organisation.refused_at = None
        organisation.refused_by = None
        organisation.refusal_reason = ""
    organisation.save()
    audit_record(
        actor=updated_by,
        action="organisation.renamed" if renamed else "organisation.changed",
        target=organisation,
    )
    return organisation


@transaction.atomic
def organisation_verify(*, organisation: Organisation, verified_by: User | None) -> Organisation:
    """Marks the organisation as verified; its delegated members may then act on its behalf."""
    if verified_by is not None and not can_verify_organisation(verified_by):
        raise PermissionDenied(_("Only administrators can verify organisations."))
    # Verifying lets its delegated members submit in its name: its own members do not decide it.
    if verified_by is not None and organisation.memberships.filter(user=verified_by).exists():
        raise PermissionDenied(_("Another administrator verifies an organisation you belong to."))
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if organisation.verified_at is None:
        if (
            organisation.business_number
            and Organisation.objects.filter(
                business_number=organisation.business_number, verified_at__isnull=False
            ).exists()
        ):
            raise ValidationError(_("Another verified organisation has this BIN."))
        look_alike = _verified_look_alike(organisation.name, besides=organisation)
        if look_alike is not None:
            raise ValidationError(
                _(
                    "“%(name)s” reads like “%(other)s”, which is already verified; "
                    "two of them would be told apart by nobody."
                )
                % {"name": organisation.name, "other": look_alike.name}
            )
        organisation.verified_at = timezone.now()
        organisation.verified_by = verified_by
        organisation.refused_at = None
        organisation.refused_by = None
        organisation.refusal_reason = ""
        organisation.save(
            update_fields=["verified_at", "verified_by", "refused_at", "refused_by", "refusal_reason"]
        )
        audit_record(actor=verified_by, action="organisation.verified", target=organisation)
        if verified_by is not None:  # the demo's seed verifies its own organisation: nobody to tell
            _tell_representatives(
                organisation, kind=ORGANISATION_VERIFIED, params={"organisation": organisation.name}
            )
    return organisation


@transaction.atomic
def organisation_refuse(*, organisation: Organisation, refused_by: User, reason: str) -> Organisation:
    """Refuses to verify the organisation, with a reason its representatives are told: it leaves the queue,
    stays unverified, and may still be verified later (say, once the BIN is corrected)."""
    if not can_verify_organisation(refused_by):
        raise PermissionDenied(_("Only administrators can verify organisations."))
    if organisation.memberships.filter(user=refused_by).exists():
        raise PermissionDenied(_("Another administrator verifies an organisation you belong to."))
    reason = reason.strip()
    if shown_length(reason) < 20:
        raise ValidationError(
            {"reason": _("Explain the refusal to the organisation in at least 20 characters.")}
        )
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if organisation.verified_at is not None:
        raise ValidationError(_("%(name)s is already verified.") % {"name": organisation.name})
    organisation.refused_at = timezone.now()
    organisation.refused_by = refused_by
    organisation.refusal_reason = reason
    organisation.save(update_fields=["refused_at", "refused_by", "refusal_reason"])
    audit_record(actor=refused_by, action="organisation.refused", target=organisation)
    _tell_representatives(
        organisation, kind=ORGANISATION_REFUSED, params={"organisation": organisation.name, "reason": reason}
    )
    return organisation


def _tell_representatives(organisation: Organisation, *, kind: str, params: dict) -> None:
    """The people who registered and speak for the organisation learn the staff's decision on it."""
    notify(
        recipients=organisation.memberships.filter(
            role=OrganisationMembership.Role.REPRESENTATIVE
        ).values_list("user_id", flat=True),
        category=Category.ORGANISATIONS,
        kind=kind,
        params=params,
        url=organisation.get_absolute_url(),
    )


@transaction.atomic
def organisation_add_member(
    *,
    organisation: Organisation,
    user: User,
    added_by: User | None,
    role: str = OrganisationMembership.Role.MEMBER,
    can_act_on_behalf: bool = False,
) -> OrganisationMembership:
    """Adds or updates a member. Representatives of the organisation and admins may do this.

    No page calls it: a person joins by accepting an invitation (`invitations.invitation_accept`). Seed data
    and the admin site use it."""
    if added_by is not None and not can_manage_members(added_by, organisation):
        raise PermissionDenied(_("Only the organisation's representatives can add members."))
    membership, _created = OrganisationMembership.objects.update_or_create(
        organisation=organisation,
        user=user,
        defaults={"role": role, "can_act_on_behalf": can_act_on_behalf},
    )
    audit_record(actor=added_by, action="organisation.member_added", target=organisation)
    return membership


def _locked_membership(membership: OrganisationMembership) -> tuple[OrganisationMembership, list[int]]:
    """The membership as it is now and the user ids of the organisation's representatives, every membership
    of the organisation locked: two representatives demoting each other at once must not leave it none."""
    memberships = list(
        OrganisationMembership.objects.select_for_update()
        .filter(organisation_id=membership.organisation_id)
        .order_by("pk")
    )
    current = next((m for m in memberships if m.pk == membership.pk), None)
    if current is None:
        raise ValidationError(_("This person no longer belongs to the organisation."))
    representatives = [m.user_id for m in memberships if m.role == OrganisationMembership.Role.REPRESENTATIVE]
    return current, representatives


@transaction.atomic
def organisation_member_update(
    *, membership: OrganisationMembership, role: str, can_act_on_behalf: bool, updated_by: User
) -> OrganisationMembership:
    """Sets a member's role and whether they may submit for the organisation. Its last representative
    stays one: without a representative nobody but an administrator could manage it again."""
    organisation = membership.organisation
    if not can_manage_members(updated_by, organisation):
        raise PermissionDenied(_("Only the organisation's representatives can change its members."))
    if role not in OrganisationMembership.Role.values:
        raise ValidationError({"role": _("Choose representative or member.")})
    current, representatives = _locked_membership(membership)
    if role != OrganisationMembership.Role.REPRESENTATIVE and representatives == [current.user_id]:
        raise ValidationError(
            {
                "role": _(
                    "%(name)s is the organisation's only representative: make another member a "
                    "representative first."
                )
                % {"name": current.user.public_name}
            }
        )
    if (current.role, current.can_act_on_behalf) != (role, can_act_on_behalf):
        was_named = _publicly_named(current)
        current.role = role
        current.can_act_on_behalf = can_act_on_behalf
        current.save(update_fields=["role", "can_act_on_behalf"])
        audit_record(
            actor=updated_by,
            action="organisation.member_changed",
            target=organisation,
            details={"person": current.user_id, "membership_role": role, "on_behalf": can_act_on_behalf},
        )
        # Belonging to a party is a political opinion: one who joined as a plain member, unnamed, learns that
        # the organisation's page now names them, and can leave if they did not want that.
        if not was_named and _publicly_named(current):
            notify(
                recipients=[current.user_id],
                category=Category.ORGANISATIONS,
                kind=ORGANISATION_NAMED,
                params={"organisation": organisation.name, "by": updated_by.public_name},
                url=organisation.get_absolute_url(),
                exclude=updated_by,
            )
    return current


def _publicly_named(membership: OrganisationMembership) -> bool:
    """As `selectors.organisation_public_members` chooses whom the organisation's page names."""
    return membership.role == OrganisationMembership.Role.REPRESENTATIVE or membership.can_act_on_behalf


@transaction.atomic
def organisation_member_remove(*, membership: OrganisationMembership, removed_by: User) -> None:
    """Ends someone else's membership; what they submitted for the organisation stays its. Leaving oneself
    is `organisation_leave`, and the last representative cannot be removed."""
    organisation = membership.organisation
    if not can_manage_members(removed_by, organisation):
        raise PermissionDenied(_("Only the organisation's representatives can remove members."))
    if membership.user_id == removed_by.pk:
        raise ValidationError(
            _("To leave the organisation yourself, use “Leave the organisation” on your account page.")
        )
    current, representatives = _locked_membership(membership)
    if representatives == [current.user_id]:
        raise ValidationError(
            _("%(name)s is the organisation's only representative and cannot be removed.")
            % {"name": current.user.public_name}
        )
    current.delete()
    audit_record(
        actor=removed_by,
        action="organisation.member_removed",
        target=organisation,
        details={"person": current.user_id},
    )
    _tell_removed_member(current.user, organisation=organisation, removed_by=removed_by)


def _tell_removed_member(user: User, *, organisation: Organisation, removed_by: User) -> None:
    """The person learns which organisation dropped them, who did, and where its representatives are listed:
    in the centre, and by email in their language (a change to what their account may do, so whatever
    their notification settings, unless the address refuses mail)."""
    params = {"organisation": organisation.name, "by": removed_by.public_name}
    url = organisation.get_absolute_url()
    # "Proposals": what the membership changed is whose name their proposals may carry.
    notify(
        recipients=[user],
        category=Category.ORGANISATIONS,
        kind=ORGANISATION_REMOVED,
        params=params,
        url=url,
        email=False,
    )

    def write(language: str) -> tuple[str, str]:
        context = {**params, "organisation_url": settings.SITE_URL + link_in(url, language)}
        return (
            _("You are no longer a member of “%(organisation)s”") % params,
            render_to_string("account/email/organisation_member_removed.txt", context),
        )

    _email_person(user, write)


@transaction.atomic
def organisation_leave(*, organisation: Organisation, user: User) -> bool:
    """The person stops belonging to the organisation: no longer named on its page nor acting for it.
    What they submitted for it stays the organisation's. False when they did not belong to it.

    Its only representative stays until they name another: without one, nobody could speak for it again
    but an administrator."""
    memberships = OrganisationMembership.objects.select_for_update().filter(organisation=organisation)
    representatives = [m.user_id for m in memberships if m.role == OrganisationMembership.Role.REPRESENTATIVE]
    if representatives == [user.pk]:
        raise ValidationError(
            _("You are its only representative: make another member a representative before you leave.")
        )
    left, _details = OrganisationMembership.objects.filter(organisation=organisation, user=user).delete()
    if left:
        audit_record(actor=user, action="organisation.member_left", target=organisation)
    return bool(left)


@transaction.atomic
def account_block(*, user: User, blocked_by: User, days: int, reason: str):
    """Blocks an account for `days` with a reason the person is told (in-app and by email)."""
    if not can_block_accounts(blocked_by):
        raise PermissionDenied(_("Only moderators can block accounts."))
    if is_staff_member(user):
        raise PermissionDenied(_("Staff accounts are not blocked here; an admin removes their role instead."))
    reason = reason.strip()
    if shown_length(reason) < 20:
        raise ValidationError({"reason": _("Explain the block to the person in at least 20 characters.")})
    if not 1 <= days <= 365:
        raise ValidationError({"days": _("Block for 1 to 365 days.")})
    # Two moderators blocking the same person from their case pages (or one pressing twice) would each add a
    # block and send a notice with their own reason and period; the person's row serialises them.
    User.objects.select_for_update().filter(pk=user.pk).first()
    current = AccountBlock.objects.filter(
        user=user, lifted_at__isnull=True, blocked_until__gt=timezone.now()
    ).first()
    if current is not None:
        raise ValidationError(
            _(
                "%(name)s's account is already blocked until %(until)s. Lift that block first to set another "
                "period."
            )
            % {"name": user.display_name, "until": format_when(current.blocked_until)}
        )
    until = timezone.now() + timedelta(days=days)
    block = AccountBlock.objects.create(user=user, blocked_until=until, reason=reason, blocked_by=blocked_by)
    user.__dict__.pop("_portal_blocked", None)
    audit_record(actor=blocked_by, action="account.block", target=user, details={"days": days})
    notify(
        recipients=[user.pk],
        category="moderation",
        kind="account.blocked",
        params={"until": iso_datetime(until), "reason": reason},
    )
    return block


@transaction.atomic
def account_unblock(*, user: User, lifted_by: User) -> int:
    if not can_block_accounts(lifted_by):
        raise PermissionDenied(_("Only moderators can lift blocks."))
    # A person blocked before they were given a role would otherwise decide in their own cause.
    if lifted_by.pk == user.pk:
        raise PermissionDenied(_("Another moderator lifts a block on your own account."))
    lifted = AccountBlock.objects.filter(
        user=user, lifted_at__isnull=True, blocked_until__gt=timezone.now()
    ).update(lifted_at=timezone.now())
    user.__dict__.pop("_portal_blocked", None)
    audit_record(actor=lifted_by, action="account.unblock", target=user, details={"blocks": lifted})
    return lifted
