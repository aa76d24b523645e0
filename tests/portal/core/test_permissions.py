from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied

from portal.accounts import services
from portal.accounts.models import Organisation
from portal.accounts.permissions import can_act_for_organisation
from portal.core.models import AuditEntry
from portal.core.roles import Role, is_admin, is_commission_member, is_moderator, is_staff_member, roles_of
from proposals.permissions.response import can_review_response
from tests.conftest import give_totp
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
    assert is_moderator(user) is moderates
    assert is_commission_member(user) is commissions
    assert is_admin(user) is administers
    assert is_staff_member(user) is (persona != "citizen")


def test_anonymous_has_no_role():
    from django.contrib.auth.models import AnonymousUser

    assert roles_of(AnonymousUser()) == frozenset()


def test_only_admins_grant_roles(citizen, moderator, admin_user):
    with pytest.raises(PermissionDenied):
        services.user_grant_role(user=citizen, role=Role.MODERATOR, granted_by=moderator)
    give_totp(citizen)
    services.user_grant_role(user=citizen, role=Role.MODERATOR, granted_by=admin_user)
    assert is_moderator(citizen)
    assert AuditEntry.objects.filter(action="role.granted", target_id=str(citizen.pk)).exists()


def test_revoking_a_role_takes_it_away(moderator, admin_user):
    services.user_revoke_role(user=moderator, role=Role.MODERATOR, revoked_by=admin_user)
    assert not is_moderator(moderator)


def test_member_acts_for_an_organisation_only_once_verified_and_delegated(admin_user):
    organisation = OrganisationFactory()
    delegate = MembershipFactory(organisation=organisation, can_act_on_behalf=True).user
    plain_member = MembershipFactory(organisation=organisation, can_act_on_behalf=False).user
    outsider = UserFactory()
    assert not can_act_for_organisation(delegate, organisation)
    services.organisation_verify(organisation=organisation, verified_by=admin_user)
    organisation.refresh_from_db()
    assert can_act_for_organisation(delegate, organisation)
    assert not can_act_for_organisation(plain_member, organisation)
    assert not can_act_for_organisation(outsider, organisation)


def test_an_administrator_does_not_verify_an_organisation_they_belong_to(client, admin_user):
    """Verification lets its delegated members submit in its name: one of them deciding it is deciding in
    their own cause (staff page and Django admin action alike go through the service)."""
    organisation = OrganisationFactory()
    MembershipFactory(organisation=organisation, user=admin_user, can_act_on_behalf=True)
    with pytest.raises(PermissionDenied):
        services.organisation_verify(organisation=organisation, verified_by=admin_user)
    give_totp(admin_user)
    client.force_login(admin_user)
    client.post(f"/en/staff/organisations/{organisation.pk}/verify/")
    assert Organisation.objects.get(pk=organisation.pk).verified_at is None
    assert not can_act_for_organisation(admin_user, organisation)


@pytest.mark.parametrize("state", ["draft", "in_review", "returned", "published"])
def test_only_commission_members_review_answers(citizen, moderator, commissioner, state, settings):
    settings.RESPONSE_FOUR_EYES = False
    answer = SimpleNamespace(
        state=state, drafted_by_id=None, proposal=SimpleNamespace(pk=0, author_id=None, organisation_id=None)
    )
    assert not can_review_response(citizen, answer)
    assert not can_review_response(moderator, answer)
    assert can_review_response(commissioner, answer) is (state != "published")


@pytest.mark.parametrize(
    ("state", "drafted_by_self", "allowed"),
    [
        ("in_review", False, True),
        ("in_review", True, False),  # four eyes: never the member who drafted it
        ("draft", False, False),
        ("returned", False, False),
        ("published", False, False),
    ],
)
def test_with_four_eyes_another_member_reviews_only_an_answer_sent_for_review(
    commissioner, state, drafted_by_self, allowed, settings
):
    settings.RESPONSE_FOUR_EYES = True
    answer = SimpleNamespace(
        state=state,
        drafted_by_id=commissioner.pk if drafted_by_self else None,
        proposal=SimpleNamespace(pk=0, author_id=None, organisation_id=None),
    )
    assert can_review_response(commissioner, answer) is allowed
