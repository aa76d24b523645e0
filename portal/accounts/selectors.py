from django.db.models import Q, QuerySet
from django.utils import timezone

from .models import (
    LEVEL_OF_METHOD,
    IdentityVerification,
    Organisation,
    OrganisationInvitation,
    OrganisationMembership,
)


def organisations_awaiting_verification() -> QuerySet[Organisation]:
    """Neither verified nor refused yet: a refused one waits for nobody."""
    return Organisation.objects.filter(verified_at__isnull=True, refused_at__isnull=True).order_by(
        "created_at"
    )


def organisations_of(*, user) -> QuerySet[OrganisationMembership]:
    return OrganisationMembership.objects.filter(user=user).select_related("organisation")


def organisation_public_members(*, organisation: Organisation) -> QuerySet[OrganisationMembership]:
    """The people who speak for the organisation (its representatives and those who may submit for it), as
    the public sees them: display names only. The rest of its members are nobody else's business: belonging
    to a party is a political opinion."""
    return (
        organisation.memberships.filter(
            Q(role=OrganisationMembership.Role.REPRESENTATIVE) | Q(can_act_on_behalf=True)
        )
        .select_related("user")
        .only("role", "user__display_name", "organisation_id")
        .order_by("role", "user__display_name")
    )


def organisation_members(*, organisation: Organisation) -> QuerySet[OrganisationMembership]:
    """Every member, for its representatives' page: representatives first, then by public name."""
    return (
        organisation.memberships.select_related("user")
        .only(
            "role",
            "can_act_on_behalf",
            "created_at",
            "organisation_id",
            "user__display_name",
            "user__erased_at",
        )
        .order_by("-role", "user__display_name", "pk")
    )


def organisation_pending_invitations(*, organisation: Organisation) -> QuerySet[OrganisationInvitation]:
    """Invitations that can still be answered, newest first."""
    return organisation.invitations.filter(
        status=OrganisationInvitation.Status.PENDING, expires_at__gt=timezone.now()
    ).order_by("-created_at")


def identity_level(user) -> str | None:
    """The `IdentityLevel` a person's support rests on; None when unverified or awaiting reconfirmation."""
    if not user.is_authenticated:
        return None
    if "_portal_identity_level" not in user.__dict__:
        method = (
            IdentityVerification.objects.filter(user=user, needs_reconfirmation=False)
            .values_list("method", flat=True)
            .first()
        )
        user._portal_identity_level = LEVEL_OF_METHOD.get(method)
    return user._portal_identity_level
