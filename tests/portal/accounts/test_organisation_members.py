"""The members page of an organisation and joining it by invitation."""

import re
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.utils import timezone

from portal.accounts import invitations, privacy, services
from portal.accounts.models import OrganisationInvitation, OrganisationMembership
from portal.core.models import AuditEntry
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

REPRESENTATIVE = OrganisationMembership.Role.REPRESENTATIVE
MEMBER = OrganisationMembership.Role.MEMBER


@pytest.fixture
def organisation(citizen):
    """Registered by `citizen`, its only representative."""
    return services.organisation_register(name="Civic Lawyers", kind="ngo", registered_by=citizen)


def members_url(organisation) -> str:
    return f"/en/accounts/organisations/{organisation.slug}/members/"


@pytest.fixture
def invite(django_capture_on_commit_callbacks):
    """Posts the invitation form; the email goes out as the request's transaction commits."""

    def post(client, organisation, email, *, role="member", can_act_on_behalf=False, follow=False):
        data = {"email": email, "role": role}
        if can_act_on_behalf:
            data["can_act_on_behalf"] = "on"
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(members_url(organisation), data, follow=follow)

    return post


def link_in(message) -> str:
    return re.search(r"https?://\S+/accounts/invitations/\S+/", message.body).group(0)


def path_of(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


def test_invited_person_joins_by_accepting_the_emailed_link(client, citizen, organisation, invite):
    invitee = UserFactory(email="bolat@example.test", preferred_language="ru")
    client.force_login(citizen)
    response = invite(client, organisation, "  Bolat@Example.TEST ", can_act_on_behalf=True)
    assert response.status_code == 302
    # Nobody is a member before saying yes.
    assert not OrganisationMembership.objects.filter(user=invitee).exists()
    [message] = mail.outbox
    assert message.to == ["bolat@example.test"]
    assert message.extra_headers["Content-Language"] == "ru"
    assert "Civic Lawyers" in message.subject
    link = path_of(link_in(message))
    assert link.startswith("/ru/")

    client.force_login(invitee)
    page = client.get(link)
    assert page.status_code == 200
    assert b'value="accept"' in page.content
    response = client.post(link, {"answer": "accept"})
    assert response.status_code == 302
    membership = OrganisationMembership.objects.get(organisation=organisation, user=invitee)
    assert (membership.role, membership.can_act_on_behalf) == (MEMBER, True)
    assert AuditEntry.objects.filter(action="organisation.invitation_accepted", actor=invitee).exists()

    # The link works once.
    again = client.post(link, {"answer": "accept"})
    assert again.status_code == 302
    assert client.get(link).status_code == 410


def test_email_to_an_address_without_an_account_is_in_kazakh(client, citizen, organisation, invite):
    client.force_login(citizen)
    invite(client, organisation, "nobody@example.test")
    [message] = mail.outbox
    assert message.extra_headers["Content-Language"] == "kk"
    assert path_of(link_in(message)).startswith("/kk/")


@pytest.mark.parametrize(
    ("days", "written"), [(1, "действует 1 день:"), (3, "действует 3 дня:"), (7, "действует 7 дней:")]
)
def test_the_russian_invitation_counts_the_days_of_its_link_in_the_plural_form_of_the_number(
    client, citizen, organisation, invite, monkeypatch, days, written
):
    """«(срок — дней: 7)» stood in for the plural forms the text did not have."""
    monkeypatch.setattr(invitations, "INVITATION_DAYS", days)
    UserFactory(email="reader@example.test", preferred_language="ru")
    client.force_login(citizen)
    invite(client, organisation, "reader@example.test")
    [message] = mail.outbox
    assert written in message.body


def test_email_to_an_accounts_second_address_is_in_the_accounts_language(
    client, citizen, organisation, invite
):
    """The account that confirmed the address as its second one may accept; the email was in Kazakh."""
    reader = UserFactory(preferred_language="en")
    EmailAddress.objects.create(user=reader, email="work@example.test", verified=True, primary=False)
    client.force_login(citizen)
    invite(client, organisation, "work@example.test")
    [message] = mail.outbox
    assert message.extra_headers["Content-Language"] == "en"
    assert path_of(link_in(message)).startswith("/en/")


def test_someone_else_holding_the_link_cannot_accept(client, citizen, other_citizen, organisation, invite):
    UserFactory(email="bolat@example.test")
    client.force_login(citizen)
    invite(client, organisation, "bolat@example.test")
    link = path_of(link_in(mail.outbox[0]))

    client.force_login(other_citizen)
    page = client.get(link)
    assert b'value="accept"' not in page.content
    client.post(link, {"answer": "accept"})
    assert not OrganisationMembership.objects.filter(user=other_citizen).exists()
    assert OrganisationInvitation.objects.get().status == OrganisationInvitation.Status.PENDING


def test_an_unconfirmed_address_does_not_accept(client, citizen, organisation):
    """Anybody can type someone else's address into their account; only a confirmed one counts."""
    impostor = UserFactory(email="bolat@example.test", verified=False)
    invitation = invitations.invitation_send(
        organisation=organisation,
        email="bolat@example.test",
        role=MEMBER,
        can_act_on_behalf=False,
        invited_by=citizen,
    )
    with pytest.raises(invitations.PermissionDenied):
        invitations.invitation_accept(invitation=invitation, user=impostor)
    assert not OrganisationMembership.objects.filter(user=impostor).exists()


def test_an_anonymous_visitor_is_asked_to_sign_in_to_accept(client, citizen, organisation, invite):
    client.force_login(citizen)
    invite(client, organisation, "bolat@example.test")
    link = path_of(link_in(mail.outbox[0]))
    client.logout()
    response = client.post(link, {"answer": "accept"})
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_invitee_may_decline_without_an_account(client, citizen, organisation, invite):
    client.force_login(citizen)
    invite(client, organisation, "nobody@example.test")
    link = path_of(link_in(mail.outbox[0]))
    client.logout()
    response = client.post(link, {"answer": "decline"})
    assert response.status_code == 302
    assert OrganisationInvitation.objects.get().status == OrganisationInvitation.Status.DECLINED
    assert organisation.memberships.count() == 1


def test_an_expired_link_is_refused(client, citizen, organisation, invite):
    invitee = UserFactory(email="bolat@example.test")
    client.force_login(citizen)
    invite(client, organisation, "bolat@example.test")
    link = path_of(link_in(mail.outbox[0]))
    OrganisationInvitation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    client.force_login(invitee)
    assert client.get(link).status_code == 410
    client.post(link, {"answer": "accept"})
    assert not OrganisationMembership.objects.filter(user=invitee).exists()


def test_a_tampered_or_replaced_link_is_refused(client, citizen, organisation, invite):
    invitee = UserFactory(email="bolat@example.test")
    client.force_login(citizen)
    invite(client, organisation, "bolat@example.test")
    invite(client, organisation, "bolat@example.test", role="representative")
    first, second = (path_of(link_in(message)) for message in mail.outbox)
    client.force_login(invitee)
    assert client.get(first.replace("/invitations/", "/invitations/x")).status_code == 404
    # A second invitation to the address replaces the first: only the newest link works.
    assert client.get(first).status_code == 410
    client.post(second, {"answer": "accept"})
    assert OrganisationMembership.objects.get(user=invitee).role == REPRESENTATIVE


def test_the_page_answers_alike_whether_an_account_exists(client, citizen, organisation, invite):
    UserFactory(email="known@example.test")
    client.force_login(citizen)
    known = invite(client, organisation, "known@example.test", follow=True)
    unknown = invite(client, organisation, "unknown@example.test", follow=True)
    assert known.status_code == unknown.status_code == 200
    assert [str(m) for m in known.context["messages"]] == [str(m) for m in unknown.context["messages"]]
    assert len(mail.outbox) == 2


def test_invitations_are_limited_per_organisation_and_day(client, citizen, organisation, invite):
    client.force_login(citizen)
    for number in range(invitations.INVITATIONS_PER_DAY):
        assert invite(client, organisation, f"p{number}@example.test").status_code == 302
    response = invite(client, organisation, "one-more@example.test")
    assert response.status_code == 400
    assert b"Send more tomorrow" in response.content
    assert b'value="one-more@example.test"' in response.content
    assert len(mail.outbox) == invitations.INVITATIONS_PER_DAY


def test_more_organisations_or_more_accounts_do_not_multiply_the_invitations(
    client, citizen, organisation, invite, monkeypatch
):
    """Any account registers as many organisations as it likes, and each invitation is an email from the
    portal carrying the organisation's name: the limit per organisation made the portal a mailer for spam."""
    second = services.organisation_register(name="Second Lawyers", kind="ngo", registered_by=citizen)
    client.force_login(citizen)
    for number in range(invitations.INVITATIONS_PER_DAY):
        assert (
            invite(client, second if number % 2 else organisation, f"p{number}@example.test").status_code
            == 302
        )
    third = services.organisation_register(name="Third Lawyers", kind="ngo", registered_by=citizen)
    refused = invite(client, third, "one-more@example.test")
    assert b"Too many invitations were sent from your account or network today" in refused.content
    # Another account behind the same address: two more fit under the address's limit.
    monkeypatch.setattr(invitations, "INVITATIONS_PER_ADDRESS_PER_DAY", invitations.INVITATIONS_PER_DAY + 2)
    other = UserFactory()
    fourth = services.organisation_register(name="Fourth Lawyers", kind="ngo", registered_by=other)
    client.force_login(other)
    statuses = [invite(client, fourth, f"q{number}@example.test").status_code for number in range(3)]
    assert statuses == [302, 302, 400]
    assert len(mail.outbox) == invitations.INVITATIONS_PER_DAY + 2


def test_a_bad_address_is_an_error_and_what_was_typed_stays(client, citizen, organisation):
    client.force_login(citizen)
    response = client.post(members_url(organisation), {"email": "not an address", "role": "boss"})
    assert response.status_code == 400
    assert response.context["form"].errors.keys() == {"email", "role"}
    assert b'value="not an address"' in response.content
    assert not mail.outbox


@pytest.mark.parametrize("persona", ["other_citizen", "moderator", "commissioner", "member"])
def test_only_representatives_open_or_post_to_the_members_page(
    client, request, organisation, persona, invite
):
    if persona == "member":
        user = UserFactory()
        OrganisationMembership.objects.create(organisation=organisation, user=user, can_act_on_behalf=True)
    else:
        user = request.getfixturevalue(persona)
    client.force_login(user)
    membership = organisation.memberships.get(role=REPRESENTATIVE)
    assert client.get(members_url(organisation)).status_code == 404
    assert invite(client, organisation, "x@example.test").status_code == 404
    update = client.post(f"{members_url(organisation)}{membership.pk}/", {"role": "member"})
    remove = client.post(f"{members_url(organisation)}{membership.pk}/remove/")
    assert update.status_code == remove.status_code == 404
    assert not mail.outbox
    assert organisation.memberships.get(pk=membership.pk).role == REPRESENTATIVE


def test_anonymous_is_sent_to_log_in(client, organisation):
    response = client.get(members_url(organisation))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_members_page_lists_every_member_with_role_and_right_to_act(client, citizen, organisation):
    quiet = UserFactory(display_name="Quiet member")
    OrganisationMembership.objects.create(organisation=organisation, user=quiet)
    client.force_login(citizen)
    response = client.get(members_url(organisation), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    content = response.content.decode()
    assert "Quiet member" in content and "Aigerim" in content
    assert quiet.email not in content
    assert "Does not submit on its behalf" in content


def test_representative_changes_a_role_and_removes_a_member(client, citizen, organisation):
    colleague = UserFactory(display_name="Colleague")
    membership = OrganisationMembership.objects.create(organisation=organisation, user=colleague)
    client.force_login(citizen)
    client.post(
        f"{members_url(organisation)}{membership.pk}/", {"role": "representative", "can_act_on_behalf": "on"}
    )
    membership.refresh_from_db()
    assert (membership.role, membership.can_act_on_behalf) == (REPRESENTATIVE, True)
    client.post(f"{members_url(organisation)}{membership.pk}/remove/")
    assert not OrganisationMembership.objects.filter(pk=membership.pk).exists()
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"organisation.member_changed", "organisation.member_removed"} <= actions


def test_the_last_representative_cannot_be_demoted(client, citizen, organisation):
    mine = organisation.memberships.get(user=citizen)
    client.force_login(citizen)
    response = client.post(
        f"/ru/accounts/organisations/{organisation.slug}/members/{mine.pk}/", {"role": "member"}
    )
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.role == REPRESENTATIVE
    page = client.get(response["Location"])
    assert "единственный представитель" in page.content.decode()


def test_the_last_representative_cannot_be_removed_even_by_an_admin(citizen, admin_user, organisation):
    mine = organisation.memberships.get(user=citizen)
    with pytest.raises(services.ValidationError):
        services.organisation_member_remove(membership=mine, removed_by=admin_user)
    assert organisation.memberships.filter(pk=mine.pk).exists()


def test_a_representative_does_not_remove_themselves_here(client, citizen, other_citizen, organisation):
    OrganisationMembership.objects.create(organisation=organisation, user=other_citizen, role=REPRESENTATIVE)
    mine = organisation.memberships.get(user=citizen)
    client.force_login(citizen)
    response = client.post(f"{members_url(organisation)}{mine.pk}/remove/", follow=True)
    assert organisation.memberships.filter(pk=mine.pk).exists()
    assert "Leave" in " ".join(str(m) for m in response.context["messages"])


def test_with_a_second_representative_the_first_may_leave(client, citizen, organisation, invite):
    """The dead end the page removes: name another representative, then leave."""
    colleague = UserFactory(email="bolat@example.test")
    client.force_login(citizen)
    invite(client, organisation, "bolat@example.test", role="representative")
    client.force_login(colleague)
    client.post(path_of(link_in(mail.outbox[0])), {"answer": "accept"})
    client.force_login(citizen)
    client.post(f"/en/accounts/organisations/{organisation.slug}/leave/")
    assert list(organisation.memberships.values_list("user", "role")) == [(colleague.pk, REPRESENTATIVE)]


def test_a_representative_withdraws_an_invitation(client, citizen, organisation, invite):
    invitee = UserFactory(email="bolat@example.test")
    client.force_login(citizen)
    invite(client, organisation, "bolat@example.test")
    invitation = OrganisationInvitation.objects.get()
    client.post(f"/en/accounts/organisations/{organisation.slug}/invitations/{invitation.pk}/withdraw/")
    client.force_login(invitee)
    link = path_of(link_in(mail.outbox[0]))
    assert client.get(link).status_code == 410
    client.post(link, {"answer": "accept"})
    assert not OrganisationMembership.objects.filter(user=invitee).exists()


def test_accepting_does_not_change_an_existing_membership(citizen, organisation):
    """An invitation to the only representative's address, as a plain member, must not demote them."""
    invitation = invitations.invitation_send(
        organisation=organisation,
        email=citizen.email,
        role=MEMBER,
        can_act_on_behalf=False,
        invited_by=citizen,
    )
    invitations.invitation_accept(invitation=invitation, user=citizen)
    assert organisation.memberships.get(user=citizen).role == REPRESENTATIVE


def test_invitations_are_in_the_persons_data_erased_with_them_and_purged_after_their_time(citizen):
    """An invitation names an address, maybe of someone who never signed up: it is in the export of the
    address's owner, goes with their account, and goes 30 days after it was answered or expired."""
    organisation = services.organisation_register(name="Lawyers", kind="ngo", registered_by=citizen)
    invitee, stranger = UserFactory(email="Invitee@Example.test"), "nobody@example.test"
    to_invitee = invitations.invitation_send(
        organisation=organisation, email="invitee@example.test", role="member", can_act_on_behalf=False,
        invited_by=citizen,
    )  # fmt: skip
    to_stranger = invitations.invitation_send(
        organisation=organisation, email=stranger, role="member", can_act_on_behalf=False, invited_by=citizen
    )
    exported = privacy.personal_data_of(invitee)["organisation_invitations"]
    assert [row["organisation"] for row in exported] == ["Lawyers"] and "email" not in exported[0]
    assert privacy.personal_data_of(citizen)["organisation_invitations"] == []
    # Retention: a waiting invitation stays; one expired more than 30 days ago goes.
    assert privacy.retention_purge()["organisation_invitations"] == 0
    OrganisationInvitation.objects.filter(pk=to_stranger.pk).update(
        expires_at=timezone.now() - timedelta(days=31)
    )
    assert privacy.retention_purge()["organisation_invitations"] == 1
    # Erasure: the invitation to the person's address goes with their account.
    privacy.account_deletion_request(user=invitee, requested_by=invitee, withdraw_content=False)
    invitee.__class__.objects.filter(pk=invitee.pk).update(
        deletion_due_at=timezone.now() - timedelta(seconds=1)
    )
    assert privacy.accounts_erase_due() == 1
    assert not OrganisationInvitation.objects.filter(pk=to_invitee.pk).exists()


def test_an_invitation_from_an_unverified_organisation_says_so(
    client, citizen, admin_user, organisation, invite
):
    """Anyone can register a party's name while the real one is not yet on the portal, and mail invitations
    from the portal in it: the invitee must not take the portal's word for who invites them."""
    warning = "портал оның атауында айтылған ұйым екеніне кепілдік бермейді"  # to an address unknown: Kazakh
    client.force_login(citizen)
    invite(client, organisation, "bolat@example.test")
    [message] = mail.outbox
    assert warning in message.body
    assert warning in client.get(path_of(link_in(message))).content.decode()

    services.organisation_verify(organisation=organisation, verified_by=admin_user)
    invite(client, organisation, "dana@example.test")
    assert warning not in mail.outbox[1].body
    assert warning not in client.get(path_of(link_in(mail.outbox[1]))).content.decode()
