import pytest
from django.core.exceptions import PermissionDenied

from portal.accounts import services
from portal.core import permissions
from portal.core.models import AuditEntry
from portal.core.permissions import Role
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("persona", "moderates", "commissions", "administers"),
    [
        ("citizen", False, False, False),
        ("moderator", True, False, False),
        ("commissioner", False, True, False),
        ("admin_user", True, True, True),
    ],
)
def test_role_predicates(request, persona, moderates, commissions, administers):
    user = request.getfixturevalue(persona)
    assert permissions.is_moderator(user) is moderates
    assert permissions.is_commission_member(user) is commissions
    assert permissions.is_admin(user) is administers
    assert permissions.is_staff_member(user) is (persona != "citizen")


def test_anonymous_has_no_role():
    from django.contrib.auth.models import AnonymousUser

    assert permissions.roles_of(AnonymousUser()) == frozenset()


def test_only_admins_grant_roles(citizen, moderator, admin_user):
    with pytest.raises(PermissionDenied):
        services.user_grant_role(user=citizen, role=Role.MODERATOR, granted_by=moderator)
    services.user_grant_role(user=citizen, role=Role.MODERATOR, granted_by=admin_user)
    assert permissions.is_moderator(citizen)
    assert AuditEntry.objects.filter(action="role.granted", target_id=str(citizen.pk)).exists()


def test_revoking_a_role_takes_it_away(moderator, admin_user):
    services.user_revoke_role(user=moderator, role=Role.MODERATOR, revoked_by=admin_user)
    assert not permissions.is_moderator(moderator)


def test_member_acts_for_an_organisation_only_once_verified_and_delegated(admin_user):
    organisation = OrganisationFactory()
    delegate = MembershipFactory(organisation=organisation, can_act_on_behalf=True).user
    plain_member = MembershipFactory(organisation=organisation, can_act_on_behalf=False).user
    outsider = UserFactory()
    assert not permissions.can_act_for_organisation(delegate, organisation)
    services.organisation_verify(organisation=organisation, verified_by=admin_user)
    organisation.refresh_from_db()
    assert permissions.can_act_for_organisation(delegate, organisation)
    assert not permissions.can_act_for_organisation(plain_member, organisation)
    assert not permissions.can_act_for_organisation(outsider, organisation)
