"""Staff powers used in one's own cause: a block on one's own account, seen from the staff side."""

import pytest
from django.core.exceptions import PermissionDenied

from portal.accounts import services as account_services
from portal.accounts.permissions import is_blocked
from portal.core.roles import Role

pytestmark = pytest.mark.django_db

STATEMENT = "Repeated insults against other participants, see the reported comments."


def test_a_moderator_does_not_lift_their_own_block(citizen, moderator):
    """Blocked as a citizen, then given the moderator role: the block stays until another moderator lifts
    it."""
    account_services.account_block(user=citizen, blocked_by=moderator, days=30, reason=STATEMENT)
    account_services.user_grant_role(user=citizen, role=Role.MODERATOR, granted_by=None)
    with pytest.raises(PermissionDenied):
        account_services.account_unblock(user=citizen, lifted_by=citizen)
    citizen.__dict__.pop("_portal_blocked", None)
    assert is_blocked(citizen)
    assert account_services.account_unblock(user=citizen, lifted_by=moderator) == 1
