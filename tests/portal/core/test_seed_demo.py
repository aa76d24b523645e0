import pytest
from django.core.management import CommandError, call_command

from portal.accounts.models import Organisation, User
from portal.core import permissions

pytestmark = pytest.mark.django_db


def test_seed_demo_twice_adds_nothing_twice(settings):
    settings.DEBUG = True
    call_command("seed_demo", users=7, demo_accounts=True, demo_password="demo-pass-123")
    counts = (User.objects.count(), Organisation.objects.count())
    call_command("seed_demo", users=7, demo_accounts=True, demo_password="demo-pass-123")
    assert (User.objects.count(), Organisation.objects.count()) == counts
    assert counts == (7 + 5, 1)


def test_demo_accounts_have_their_roles_and_can_log_in(client, settings):
    settings.DEBUG = True
    call_command("seed_demo", users=0, demo_accounts=True, demo_password="demo-pass-123")
    assert permissions.is_moderator(User.objects.get(email="moderator@demo.test"))
    assert permissions.is_commission_member(User.objects.get(email="commission@demo.test"))
    assert permissions.is_admin(User.objects.get(email="admin@demo.test"))
    response = client.post("/en/accounts/login/", {"login": "citizen@demo.test", "password": "demo-pass-123"})
    assert response.status_code == 302
    assert client.get("/en/accounts/profile/").status_code == 200


def test_demo_accounts_are_refused_with_debug_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo", users=0, demo_accounts=True, demo_password="demo-pass-123")
    assert not User.objects.filter(email="admin@demo.test").exists()
