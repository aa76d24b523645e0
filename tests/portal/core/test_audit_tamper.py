"""Nobody takes a staff action out of the record: no screen, the Django admin included, deletes the account a
decision and its audit entries name, or changes a block behind the audit log; and the log stays shut to
staff whose session has not passed the second factor."""

from datetime import timedelta

import pytest
from django.utils import timezone

from portal.accounts import services as account_services
from portal.accounts.models import AccountBlock, User
from portal.core.models import AuditEntry
from proposals.models import ModerationCase
from proposals.services.moderation import moderation_act
from tests.conftest import sign_in_staff
from tests.factories import UserFactory
from tests.proposals.factories import ProposalFactory
from tests.proposals.moderation_helpers import STATEMENT

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(client):
    return sign_in_staff(client, UserFactory(is_superuser=True, is_staff=True))


def test_the_django_admin_cannot_delete_a_moderator_and_so_empty_their_decisions(superuser_client, moderator):
    case = moderation_act(
        moderator=moderator,
        proposal=ProposalFactory(status="published"),
        decision="hide",
        reason_code="abuse",
        statement=STATEMENT,
    )
    delete_url = f"/en/admin/accounts/user/{moderator.pk}/delete/"
    assert superuser_client.get(delete_url).status_code == 403
    assert superuser_client.post(delete_url, {"post": "yes"}).status_code == 403
    # Nor in bulk, from the list.
    superuser_client.post(
        "/en/admin/accounts/user/",
        {"action": "delete_selected", "_selected_action": [moderator.pk], "post": "yes"},
    )
    assert User.objects.filter(pk=moderator.pk).exists()
    assert ModerationCase.objects.get(pk=case.pk).decided_by_id == moderator.pk
    assert AuditEntry.objects.filter(action="moderation.hide", actor=moderator).count() == 1


def test_a_block_is_neither_changed_nor_removed_in_the_django_admin(superuser_client, citizen, moderator):
    block = account_services.account_block(user=citizen, blocked_by=moderator, days=30, reason=STATEMENT)
    until = block.blocked_until
    change_url = f"/en/admin/accounts/accountblock/{block.pk}/change/"
    answer = superuser_client.post(
        change_url,
        {"blocked_until_0": timezone.localdate().isoformat(), "blocked_until_1": "00:00:00", "reason": "x"},
    )
    assert answer.status_code == 403
    assert (
        superuser_client.post(
            f"/en/admin/accounts/accountblock/{block.pk}/delete/", {"post": "yes"}
        ).status_code
        == 403
    )
    assert superuser_client.get("/en/admin/accounts/accountblock/add/").status_code == 403
    block.refresh_from_db()
    assert block.blocked_until == until and block.reason == STATEMENT
    # Superusers still read the blocks there.
    assert superuser_client.get(change_url).status_code == 200
    assert AccountBlock.objects.filter(
        user=citizen, blocked_until__gt=timezone.now() + timedelta(days=29)
    ).exists()
