"""Roles and early lifting of blocks, which only the Django admin offered: now staff pages, audited."""

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from portal.accounts import services
from portal.accounts.models import IdentityVerification
from portal.accounts.permissions import is_blocked
from portal.core.models import AuditEntry
from portal.core.roles import ROLE_GROUPS, Role, held_roles
from tests.conftest import give_totp
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _roles(user):
    """Roles read afresh (a user object caches the roles it read once)."""
    return held_roles(type(user).objects.get(pk=user.pk))


@pytest.fixture
def secretariat(client, admin_user):
    give_totp(admin_user)
    client.force_login(admin_user)
    return client


def test_an_administrator_grants_and_revokes_a_role_from_the_staff_area(secretariat, citizen, admin_user):
    give_totp(citizen)
    assert reverse("staff_roles") in secretariat.get(reverse("staff_dashboard")).content.decode()
    answer = secretariat.post(reverse("staff_roles"), {"email": citizen.email.upper(), "role": "moderator"})
    assert answer.status_code == 302
    assert _roles(citizen) == {Role.MODERATOR}
    assert AuditEntry.objects.filter(action="role.granted", target_id=str(citizen.pk)).exists()
    assert citizen.public_name in secretariat.get(reverse("staff_roles")).content.decode()
    revoke = reverse("staff_role_revoke", kwargs={"pk": citizen.pk, "role": "moderator"})
    assert secretariat.post(revoke).status_code == 302
    assert _roles(citizen) == frozenset()
    assert AuditEntry.objects.filter(action="role.revoked", target_id=str(citizen.pk)).exists()


def test_the_administrators_role_opens_the_staff_area_but_not_the_django_admin(secretariat, citizen):
    """The role is a group; Django's `is_staff` (what the admin reads) stays as it was, so the admin keeps to
    superusers even if its own check were loosened to Django's default."""
    give_totp(citizen)
    secretariat.post(reverse("staff_roles"), {"email": citizen.email, "role": "admin"})
    citizen.refresh_from_db()
    assert _roles(citizen) == {Role.ADMIN}
    assert citizen.is_staff is False


def test_an_unknown_email_or_role_is_a_clear_error(secretariat):
    page = secretariat.post(reverse("staff_roles"), {"email": "nobody@example.test", "role": "moderator"})
    assert page.status_code == 400 and "email" in page.context["form"].errors
    assert "nobody@example.test" in page.content.decode()
    page = secretariat.post(reverse("staff_roles"), {"email": "x@example.test", "role": "king"})
    assert "role" in page.context["form"].errors


def test_an_administrator_cannot_lock_themselves_out(secretariat, admin_user):
    revoke = reverse("staff_role_revoke", kwargs={"pk": admin_user.pk, "role": "admin"})
    secretariat.post(revoke)
    assert Role.ADMIN in _roles(admin_user)


def test_a_moderator_lifts_a_block_early_from_the_person_page(client, moderator, citizen):
    services.account_block(user=citizen, blocked_by=moderator, days=7, reason="Repeated insults in comments.")
    give_totp(moderator)
    client.force_login(moderator)
    page = client.get(reverse("staff_person", kwargs={"pk": citizen.pk})).content.decode()
    assert reverse("staff_person_unblock", kwargs={"pk": citizen.pk}) in page
    client.post(reverse("staff_person_unblock", kwargs={"pk": citizen.pk}))
    citizen.__dict__.pop("_portal_blocked", None)
    assert is_blocked(citizen) is False
    assert AuditEntry.objects.filter(action="account.unblock", target_id=str(citizen.pk)).exists()


@pytest.mark.parametrize("persona", ["citizen", "moderator", "commissioner"])
def test_only_administrators_manage_roles(client, request, persona, other_citizen):
    user = request.getfixturevalue(persona)
    give_totp(user)
    client.force_login(user)
    assert (
        client.post(reverse("staff_roles"), {"email": other_citizen.email, "role": "admin"}).status_code
        == 403
    )
    assert _roles(other_citizen) == frozenset()


def test_a_block_reason_counts_what_the_person_sees(moderator, citizen):
    """Twenty characters of reasons are twenty a reader sees, not one letter padded with zero-width spaces."""
    with pytest.raises(ValidationError) as refused:
        services.account_block(user=citizen, blocked_by=moderator, days=7, reason="x" + "\u200b" * 40)
    assert "reason" in refused.value.message_dict
    assert not is_blocked(citizen)


def test_a_role_waits_for_the_persons_authenticator(secretariat, citizen):
    """Granted to an account with no authenticator, a staff role went to whoever had its password: they set up
    their own second factor and held the power."""
    page = secretariat.post("/ru/staff/roles/", {"email": citizen.email, "role": "moderator"})
    assert page.status_code == 400
    assert page.context["form"].errors["email"] == [
        "У этой учётной записи ещё нет приложения-аутентификатора. Попросите человека добавить его (профиль, "
        "двухфакторная аутентификация), затем назначьте роль."
    ]
    assert _roles(citizen) == frozenset()
    give_totp(citizen)
    assert (
        secretariat.post("/ru/staff/roles/", {"email": citizen.email, "role": "moderator"}).status_code == 302
    )
    assert _roles(citizen) == {Role.MODERATOR}


def test_roles_changed_in_the_django_admin_are_in_the_audit_log(client, citizen):
    """The staff roles page wrote every grant to the audit log; the same change made in the Django admin left
    no trace of who gave whom which power."""
    superuser = UserFactory(is_superuser=True, is_staff=True)
    give_totp(superuser)
    client.force_login(superuser)
    give_totp(citizen)  # the admin, like the staff roles page, gives no role to an account without one
    moderators, _created = Group.objects.get_or_create(name=ROLE_GROUPS[Role.MODERATOR])
    joined = timezone.localtime(citizen.date_joined)
    answer = client.post(
        f"/en/admin/accounts/user/{citizen.pk}/change/",
        {
            "email": citizen.email,
            "display_name": citizen.display_name,
            "preferred_language": citizen.preferred_language,
            "first_name": "",
            "last_name": "",
            "is_active": "on",
            "is_staff": "on",
            "groups": [moderators.pk],
            "date_joined_0": joined.strftime("%Y-%m-%d"),
            "date_joined_1": joined.strftime("%H:%M:%S"),
            "_save": "Save",
        },
    )
    assert (answer.status_code, answer["Location"]) == (302, "/en/admin/accounts/user/")
    assert _roles(citizen) == {Role.MODERATOR}
    entry = AuditEntry.objects.get(action="role.changed_in_admin", target_id=str(citizen.pk))
    assert entry.actor == superuser
    assert entry.details == {
        "groups": {"from": [], "to": [ROLE_GROUPS[Role.MODERATOR]]},
        "flags": {"is_staff": True},
    }
    log = client.get(reverse("staff_audit_log")).content.decode()
    assert "Roles or access changed in the Django admin" in log


def test_a_blocked_account_is_given_no_role(secretariat, citizen, moderator):
    give_totp(citizen)
    services.account_block(
        user=citizen, blocked_by=moderator, days=7, reason="The same advertisement posted twenty times."
    )
    page = secretariat.post("/en/staff/roles/", {"email": citizen.email, "role": "moderator"})
    assert page.context["form"].errors["email"] == [
        "This account is blocked: lift the block first, then grant the role."
    ]
    assert _roles(citizen) == frozenset()


def test_revoking_the_administrator_role_of_a_superuser_says_they_stay_one(secretariat):
    """A superuser holds the administrator's powers whatever their groups: the page said "no longer"."""
    superuser = UserFactory(is_superuser=True, display_name="Root")
    give_totp(superuser)
    services.user_grant_role(user=superuser, role=Role.ADMIN, granted_by=None)
    answer = secretariat.post(
        reverse("staff_role_revoke", kwargs={"pk": superuser.pk, "role": "admin"}), follow=True
    )
    shown = [str(message) for message in answer.context["messages"]]
    assert shown == [
        "Root is a superuser and stays an administrator. Superuser status is removed in the Django admin."
    ]
    assert Role.ADMIN in _roles(superuser)
    assert not AuditEntry.objects.filter(action="role.revoked").exists()


def test_an_administrator_verifying_their_own_identity_is_told_why_not(secretariat, admin_user):
    """The refusal was a bare 403 page; it is said on the staff page the form is on."""
    answer = secretariat.post(
        reverse("staff_person_verify"), {"email": admin_user.email, "note": "my passport"}, follow=True
    )
    assert answer.status_code == 200
    assert [str(message) for message in answer.context["messages"]] == [
        "Another administrator checks your own identity."
    ]
    assert not IdentityVerification.objects.filter(user=admin_user).exists()


def test_the_grant_form_says_beforehand_what_a_role_needs_and_what_each_role_does(secretariat):
    # The form said only "the person signs up first": the authenticator a role needs came up as a refusal,
    # and nothing told the secretariat that "Administrator" is the role that runs consultations.
    page = secretariat.get("/kk/staff/roles/").content.decode()
    assert "Адам алдымен тіркеліп, аутентификатор қолданбасын қосады" in page
    assert "Әкімші: консультацияларды, жобаларды, тыңдауларды" in page
