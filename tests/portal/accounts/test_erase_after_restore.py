"""A restored backup has lost the erasures and deletion requests made after its dump. Each is also a log line
naming the account by number only; `manage.py erase_accounts` replays them (docs/DEPLOYMENT.md, "Backups and
the restore drill")."""

import logging
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from portal.accounts import privacy
from portal.accounts.models import User
from tests.factories import UserFactory


@pytest.mark.django_db
def test_a_deletion_request_and_an_erasure_leave_a_log_line_with_the_account_number_only(caplog):
    person = UserFactory(email="aigerim@example.kz")
    caplog.set_level(logging.INFO, logger="portal.accounts.privacy")
    privacy.account_deletion_request(user=person, requested_by=person, withdraw_content=False)
    assert privacy.account_deletion_cancel(user=person)
    privacy.account_deletion_request(user=person, requested_by=person, withdraw_content=False)
    User.objects.filter(pk=person.pk).update(deletion_due_at=timezone.now() - timedelta(seconds=1))
    assert privacy.account_erase(user_id=person.pk)
    lines = [record.getMessage() for record in caplog.records if record.name == "portal.accounts.privacy"]
    assert lines == [
        f"account deletion requested: account {person.pk}",
        f"account deletion cancelled: account {person.pk}",
        f"account deletion requested: account {person.pk}",
        f"account erased: account {person.pk}",
    ]
    assert "aigerim" not in caplog.text


@pytest.mark.django_db
def test_erasures_made_since_the_dump_are_replayed_after_a_restore(capsys):
    # As restored: the account that was erased after the dump is back, intact.
    returned, already_erased = UserFactory(email="returned@example.kz"), UserFactory()
    User.objects.filter(pk=already_erased.pk).update(deletion_due_at=timezone.now())
    privacy.account_erase(user_id=already_erased.pk)
    call_command("erase_accounts", str(returned.pk), str(already_erased.pk))
    assert capsys.readouterr().out.strip() == "1 erased"
    returned.refresh_from_db()
    assert returned.erased_at is not None and returned.email == f"erased-{returned.pk}@erased.invalid"
    assert not returned.is_active


@pytest.mark.django_db
def test_deletions_requested_since_the_dump_get_a_fresh_grace_period(capsys, settings):
    settings.ACCOUNT_DELETION_GRACE_DAYS = 7
    asked = UserFactory()
    call_command("erase_accounts", "--grace", str(asked.pk))
    assert capsys.readouterr().out.strip() == "1 scheduled"
    asked.refresh_from_db()
    assert asked.erased_at is None
    assert timezone.now() + timedelta(days=6) < asked.deletion_due_at <= timezone.now() + timedelta(days=7)
