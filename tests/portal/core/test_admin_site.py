"""The Django admin, attacked by its own superuser and by whoever holds a superuser's session: it asks for a
recent second factor, shows no second factor's secret, writes every change to the audit log, deletes no
record the portal keeps, and saves through the services where the portal has rules."""

import time
from datetime import timedelta

import pytest
from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.admin import site
from django.contrib.auth.models import Group
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from portal.accounts import services as account_services
from portal.accounts.adapter import MFAAdapter
from portal.accounts.models import AccountBlock
from portal.core.models import AuditEntry
from portal.core.roles import ROLE_GROUPS, Role, held_roles, mark_second_factor
from proposals.models import Consultation, ConsultationTransition, ObligationRule, Phase, Topic
from proposals.models.consultation import ConsultationStatus
from tests.conftest import give_totp
from tests.factories import PASSWORD, OrganisationFactory, UserFactory
from tests.proposals.factories import ConsultationFactory, TopicFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(client, settings):
    settings.PORTAL_STAFF_MFA = "required"
    person = UserFactory(is_superuser=True, is_staff=True, display_name="Root")
    give_totp(person)
    client.force_login(person)
    return person


def _second_factor_passed(client, seconds_ago: float) -> None:
    session = client.session
    for record in session[AUTHENTICATION_METHODS_SESSION_KEY]:
        record["at"] = time.time() - seconds_ago
    session.save()


def test_the_admin_asks_again_for_a_second_factor_passed_long_ago(client, superuser, settings):
    assert client.get("/en/admin/").status_code == 200
    _second_factor_passed(client, settings.PORTAL_ADMIN_SECOND_FACTOR_MAX_AGE + 60)
    for answer in (
        client.get("/en/admin/"),
        client.post("/en/admin/proposals/topic/add/", {"slug": "late", "name_kk": "Кеш", "position": 1}),
    ):
        assert answer.status_code == 302
        assert answer["Location"].startswith(reverse("mfa_reauthenticate") + "?next=/en/admin/")
    assert not Topic.objects.filter(slug="late").exists()
    # The staff area keeps the sign-in's second factor; the admin opens again once it is confirmed anew.
    assert client.get(reverse("staff_dashboard")).status_code == 200
    _second_factor_passed(client, 5)
    assert client.get("/en/admin/").status_code == 200


def test_the_site_itself_refuses_a_superuser_whose_session_has_no_second_factor(superuser, settings):
    request = RequestFactory().get("/en/admin/")
    request.user = superuser
    mark_second_factor(superuser, verified=False)
    assert not site.has_permission(request)
    mark_second_factor(superuser, verified=True)
    assert site.has_permission(request)


def test_no_secret_of_a_second_factor_is_shown_or_written(client, superuser, moderator):
    secret = give_totp(moderator)
    totp = Authenticator.objects.get(user=moderator, type=Authenticator.Type.TOTP)
    change = f"/en/admin/accounts/secondfactor/{totp.pk}/change/"
    page = client.get(change)
    assert page.status_code == 200 and secret not in page.content.decode()
    client.post(change, {"user": superuser.pk, "type": "totp", "data": '{"secret": "AAAA"}'})
    assert client.get("/en/admin/accounts/secondfactor/add/").status_code == 403
    totp.refresh_from_db()
    assert totp.user == moderator and MFAAdapter().decrypt(totp.data["secret"]) == secret
    # A lost phone: the authenticator is removed, and the audit log says by whom.
    client.post(f"/en/admin/accounts/secondfactor/{totp.pk}/delete/", {"post": "yes"})
    assert not Authenticator.objects.filter(pk=totp.pk).exists()
    entry = AuditEntry.objects.get(action="admin.deleted")
    assert (entry.actor, entry.target_type, entry.target_id) == (
        superuser,
        "accounts.secondfactor",
        str(totp.pk),
    )


def test_every_addition_change_and_action_in_the_admin_is_audited(client, superuser, citizen):
    client.post("/en/admin/proposals/topic/add/", {"slug": "courts", "name_kk": "Соттар", "position": 1})
    topic = Topic.objects.get(slug="courts")
    client.post(
        f"/en/admin/proposals/topic/{topic.pk}/change/",
        {"slug": "courts", "name_kk": "Сот билігі", "position": 1, "is_active": "on"},
    )
    address = EmailAddress.objects.get(user=citizen)
    EmailAddress.objects.filter(pk=address.pk).update(verified=False)
    client.post(
        "/en/admin/account/emailaddress/", {"action": "make_verified", "_selected_action": [address.pk]}
    )
    assert EmailAddress.objects.get(pk=address.pk).verified
    entries = {entry.action: entry for entry in AuditEntry.objects.filter(actor=superuser)}
    assert entries["admin.added"].target_id == str(topic.pk)
    assert entries["admin.changed"].details == {"fields": ["Name (Kazakh)", "Offered to authors"]}
    assert entries["admin.action"].details == {
        "action": "make_verified",
        "model": "account.emailaddress",
        "ids": [str(address.pk)],
    }
    log = client.get(reverse("staff_audit_log")).content.decode()
    assert "Changed in the Django admin" in log and "Action run in the Django admin" in log


def test_records_the_portal_keeps_are_not_deleted_in_the_admin(client, superuser, citizen, moderator):
    consultation = ConsultationFactory()
    ConsultationTransition.objects.create(
        consultation=consultation, action="published", from_status="draft", to_status="published"
    )
    topic = TopicFactory()
    rule = ObligationRule.objects.create(name_kk="30 күн", days=30)
    give_totp(moderator)
    block = account_services.account_block(
        user=citizen, blocked_by=moderator, days=3, reason="Repeated insults in the comments."
    )
    for path in (
        f"proposals/consultation/{consultation.pk}",
        f"proposals/topic/{topic.pk}",
        f"proposals/obligationrule/{rule.pk}",
        f"accounts/user/{citizen.pk}",
        f"accounts/accountblock/{block.pk}",
        f"accounts/organisation/{OrganisationFactory().pk}",
    ):
        assert client.post(f"/en/admin/{path}/delete/", {"post": "yes"}).status_code == 403, path
    assert client.post(
        "/en/admin/accounts/user/",
        {"action": "delete_selected", "_selected_action": [citizen.pk], "post": "yes"},
    ).status_code in (200, 302)
    assert Consultation.objects.filter(pk=consultation.pk).exists()
    assert consultation.transitions.count() == 1
    assert Topic.objects.filter(pk=topic.pk).exists() and ObligationRule.objects.filter(pk=rule.pk).exists()
    assert citizen.__class__.objects.filter(pk=citizen.pk).exists()
    assert AccountBlock.objects.filter(pk=block.pk).exists()


def test_a_block_is_not_lifted_in_the_admin(client, citizen, moderator, settings):
    settings.PORTAL_STAFF_MFA = "required"
    # A moderator who is also a superuser, blocked before: the staff page refuses lifting one's own block.
    give_totp(moderator)
    block = account_services.account_block(
        user=citizen, blocked_by=moderator, days=3, reason="Repeated insults in the comments."
    )
    citizen.is_superuser = True
    citizen.save(update_fields=["is_superuser"])
    give_totp(citizen)
    client.force_login(citizen)
    now = timezone.localtime()
    client.post(
        f"/en/admin/accounts/accountblock/{block.pk}/change/",
        {
            "blocked_until_0": now.strftime("%Y-%m-%d"),
            "blocked_until_1": now.strftime("%H:%M:%S"),
            "lifted_at_0": now.strftime("%Y-%m-%d"),
            "lifted_at_1": now.strftime("%H:%M:%S"),
            "reason": "x",
        },
    )
    block.refresh_from_db()
    assert block.lifted_at is None and block.blocked_until > timezone.now() + timedelta(days=2)


def test_an_organisation_is_neither_renamed_nor_given_members_in_the_admin(client, superuser, citizen):
    organisation = OrganisationFactory(name="Zhasyl El")
    answer = client.post(
        f"/en/admin/accounts/organisation/{organisation.pk}/change/",
        {
            "name": "Верховный суд",
            "kind": organisation.kind,
            "memberships-TOTAL_FORMS": "1",
            "memberships-INITIAL_FORMS": "0",
            "memberships-0-user": citizen.pk,
            "memberships-0-role": "representative",
        },
    )
    assert answer.status_code == 403
    organisation.refresh_from_db()
    assert organisation.name == "Zhasyl El" and not organisation.memberships.exists()


def test_a_consultation_added_in_the_admin_starts_as_a_draft_in_its_log(client, superuser):
    answer = client.post(
        "/en/admin/proposals/consultation/add/",
        {
            "slug": "new-one",
            "title_kk": "Жаңа",
            "moderation_policy": "",
            "accepted_identity_levels": ["signature", "national_sign_in"],
            "phases-TOTAL_FORMS": "0",
            "phases-INITIAL_FORMS": "0",
        },
    )
    assert answer.status_code == 302
    consultation = Consultation.objects.get(slug="new-one")
    assert consultation.status == ConsultationStatus.DRAFT
    assert list(consultation.transitions.values_list("action", flat=True)) == ["created"]
    assert AuditEntry.objects.filter(action="consultation.created", target_id=str(consultation.pk)).exists()
    without_title = client.post(
        "/en/admin/proposals/consultation/add/",
        {
            "slug": "no-title",
            "title_en": "English only",
            "accepted_identity_levels": ["signature"],
            "phases-TOTAL_FORMS": "0",
            "phases-INITIAL_FORMS": "0",
        },
    )
    assert without_title.status_code == 200 and "Give the title in Kazakh." in without_title.content.decode()


def test_a_consultations_phases_are_not_moved_in_the_admin(client, superuser):
    consultation = ConsultationFactory(title_kk="Реформа")
    intake = consultation.phases.get()
    ends_at = intake.ends_at
    later = timezone.localtime(ends_at + timedelta(days=300))
    answer = client.post(
        f"/en/admin/proposals/consultation/{consultation.pk}/change/",
        {
            "slug": consultation.slug,
            "title_kk": "Реформа",
            "title_en": "Constitutional reform",
            "moderation_policy": "",
            "accepted_identity_levels": consultation.accepted_identity_levels,
            "phases-TOTAL_FORMS": "2",
            "phases-INITIAL_FORMS": "1",
            "phases-0-id": intake.pk,
            "phases-0-consultation": consultation.pk,
            "phases-0-kind": "intake",
            "phases-0-starts_at_0": later.strftime("%Y-%m-%d"),
            "phases-0-starts_at_1": "00:00:00",
            "phases-0-ends_at_0": later.strftime("%Y-%m-%d"),
            "phases-0-ends_at_1": "12:00:00",
            "phases-1-consultation": consultation.pk,
            "phases-1-kind": "outcome",
            "phases-1-starts_at_0": "2020-01-01",
            "phases-1-starts_at_1": "00:00:00",
            "phases-1-ends_at_0": "2020-01-02",
            "phases-1-ends_at_1": "00:00:00",
        },
    )
    assert answer.status_code == 302
    assert list(Phase.objects.filter(consultation=consultation)) == [intake]
    intake.refresh_from_db()
    assert intake.ends_at == ends_at
    assert AuditEntry.objects.filter(action="consultation.updated", target_id=str(consultation.pk)).exists()


def _user_change(person, **extra):
    joined = timezone.localtime(person.date_joined)
    return {
        "email": person.email,
        "display_name": person.display_name,
        "preferred_language": person.preferred_language,
        "is_active": "on",
        "date_joined_0": joined.strftime("%Y-%m-%d"),
        "date_joined_1": joined.strftime("%H:%M:%S"),
        **extra,
    }


def test_the_admin_gives_no_role_to_an_account_without_an_authenticator(client, superuser, citizen):
    """Whoever holds such an account's password would set up their own authenticator, and the power with it:
    the staff roles page refused this, the admin did not."""
    moderators, _created = Group.objects.get_or_create(name=ROLE_GROUPS[Role.MODERATOR])
    change = f"/en/admin/accounts/user/{citizen.pk}/change/"
    for extra in ({"groups": [moderators.pk]}, {"is_superuser": "on"}):
        page = client.post(change, _user_change(citizen, **extra))
        assert page.status_code == 200
        assert "This account has no authenticator app yet." in page.content.decode()
    citizen.refresh_from_db()
    assert not citizen.is_superuser and not held_roles(citizen)
    give_totp(citizen)
    assert client.post(change, _user_change(citizen, groups=[moderators.pk])).status_code == 302
    assert citizen.groups.filter(pk=moderators.pk).exists()


def test_the_admin_speaks_the_chosen_language(client, superuser):
    """Django's own title is "Django site admin", in Kazakh "Даңғо сайтының әкімі": the portal names itself."""
    for language, title in (
        ("kk", "Qatysu әкімшілігі"),
        ("ru", "Администрирование Qatysu"),
        ("en", "Qatysu administration"),
    ):
        page = client.get(f"/{language}/admin/").content.decode()
        assert title in page and "Даңғо" not in page and "Django site admin" not in page


def test_a_role_group_is_neither_renamed_nor_deleted_in_the_admin(client, superuser, moderator):
    """Either would take the role from every moderator at once, with no entry per person."""
    moderators = Group.objects.get(name=ROLE_GROUPS[Role.MODERATOR])
    assert client.post(f"/en/admin/auth/group/{moderators.pk}/change/", {"name": "Gone"}).status_code == 403
    assert client.post(f"/en/admin/auth/group/{moderators.pk}/delete/", {"post": "yes"}).status_code == 403
    client.post(
        "/en/admin/auth/group/",
        {"action": "delete_selected", "_selected_action": [moderators.pk], "post": "yes"},
    )
    assert Group.objects.filter(name=ROLE_GROUPS[Role.MODERATOR]).exists()
    assert Role.MODERATOR in held_roles(type(moderator).objects.get(pk=moderator.pk))


def test_the_admin_names_its_sections_and_second_factors_in_kazakh(client, superuser, moderator):
    """allauth names authenticators only in English and has no Kazakh at all; its "Accounts" section stood
    beside ours under the same name."""
    give_totp(moderator)
    index = client.get("/kk/admin/").content.decode()
    assert (
        "Адамдар мен ұйымдар" in index and "Екінші факторлар" in index and "Дайджест жіберілімдері" in index
    )
    assert "Authenticators" not in index and "Digest deliverys" not in index
    page = client.get("/kk/admin/accounts/secondfactor/").content.decode()
    assert "Аутентификатор қолданбасы (TOTP)" in page and "соңғы қолданылған" in page.lower()
    assert "Last used at" not in page and "TOTP Authenticator" not in page


def test_a_superuser_whose_authenticator_was_removed_is_sent_to_set_one_up(client, superuser):
    """A lost phone reset by another administrator (or the app turned off): the session that passed it keeps
    no power in the admin, read or write."""
    assert client.get("/en/admin/").status_code == 200
    Authenticator.objects.filter(user=superuser).delete()
    for answer in (
        client.get("/en/admin/"),
        client.post("/en/admin/proposals/topic/add/", {"slug": "orphan", "name_kk": "Жетім", "position": 1}),
    ):
        assert answer.status_code == 302
        assert answer["Location"] == reverse("mfa_activate_totp")
    assert not Topic.objects.filter(slug="orphan").exists()


def test_turning_the_authenticator_off_ends_the_staff_powers_of_the_session(client, moderator, settings):
    settings.PORTAL_STAFF_MFA = "required"
    give_totp(moderator)
    client.force_login(moderator)
    assert client.get(reverse("moderation_queue")).status_code == 200
    # allauth asks for the password again before the app is turned off.
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert client.post(reverse("mfa_deactivate_totp"))["Location"] == reverse("mfa_index")
    assert not Authenticator.objects.filter(user=moderator, type=Authenticator.Type.TOTP).exists()
    answer = client.get(reverse("moderation_queue"))
    assert answer.status_code == 302 and answer["Location"] == reverse("mfa_activate_totp")
