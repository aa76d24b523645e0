from django.db.models import QuerySet

from .models import Organisation, OrganisationMembership


def organisations_awaiting_verification() -> QuerySet[Organisation]:
    return Organisation.objects.filter(verified_at__isnull=True).order_by("created_at")


def organisations_of(*, user) -> QuerySet[OrganisationMembership]:
    return OrganisationMembership.objects.filter(user=user).select_related("organisation")


def organisation_public_members(*, organisation: Organisation) -> QuerySet[OrganisationMembership]:
    """Members as the public sees them: display names only."""
    return (
        organisation.memberships.select_related("user")
        .only("role", "user__display_name", "organisation_id")
        .order_by("role", "user__display_name")
    )
