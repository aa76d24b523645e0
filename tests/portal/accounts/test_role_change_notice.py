"""A person is told by email, in their language, when someone gives or takes a staff role on their account: a
power given by an administrator whose account was taken over is noticed by the one person who did not ask."""

import pytest
from django.core import mail

from portal.accounts import services
from portal.core.roles import Role
from tests.conftest import give_totp
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_person_is_told_who_gave_and_who_took_a_role(
    admin_user, settings, django_capture_on_commit_callbacks
):
    settings.CONTACT_EMAIL = "office@konstitucia.example.kz"
    person = UserFactory(preferred_language="kk", email="aigerim@example.test")
    give_totp(person)
    with django_capture_on_commit_callbacks(execute=True):
        services.user_grant_role(user=person, role=Role.MODERATOR, granted_by=admin_user)
    [granted] = mail.outbox
    assert granted.to == ["aigerim@example.test"] and granted.extra_headers["Content-Language"] == "kk"
    assert "«Модератор» рөлі берілді" in granted.subject
    assert "Admin Saule" in granted.body and "office@konstitucia.example.kz" in granted.body
    with django_capture_on_commit_callbacks(execute=True):
        services.user_revoke_role(user=person, role=Role.MODERATOR, revoked_by=admin_user)
    assert "рөліңіз алынды" in mail.outbox[1].subject and "алып тастады" in mail.outbox[1].body


def test_roles_given_by_the_system_send_nothing(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.user_grant_role(user=UserFactory(), role=Role.MODERATOR, granted_by=None)
    assert mail.outbox == []
