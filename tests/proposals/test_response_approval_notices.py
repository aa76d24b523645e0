"""The four-eyes approval told to the people in it: the members who may approve an answer learn that it waits for
them, and its drafter learns that it was approved or returned, with the reasons."""

import pytest
from allauth.mfa.models import Authenticator
from django.core import mail
from django.utils import translation

from portal.core.roles import Role
from portal.notifications.messages import SECOND_FACTOR_NEEDED, link_in, render_message
from portal.notifications.models import Category, Notification
from proposals.services import response_approval as approval
from tests.conftest import _with_role, give_totp

from .factories import ProposalFactory
from .response_helpers import draft_answer

pytestmark = pytest.mark.django_db


@pytest.fixture
def members(published, commissioner, second_commissioner):
    """The drafter, a second member who reads Russian, and a member who wrote the proposal (never told); the
    first two with the second factor their work needs."""
    give_totp(commissioner)
    give_totp(second_commissioner)
    second_commissioner.preferred_language = "ru"
    second_commissioner.save(update_fields=["preferred_language"])
    published.author = _with_role(
        Role.COMMISSION, display_name="Commissioner Author", email="author@example.test"
    )
    published.save(update_fields=["author"])
    return commissioner, second_commissioner, published.author


def test_sending_for_approval_tells_the_members_who_may_approve_in_their_language(
    published, members, citizen, admin_user, django_capture_on_commit_callbacks
):
    drafter, second, author = members
    response = draft_answer(published, drafter)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        approval.response_submit(response=response, actor=drafter)
    [notice] = Notification.objects.filter(kind="response.awaiting_approval")
    # Not the drafter, not a member who wrote the proposal, not a citizen; the administrators only when no
    # member may approve.
    assert notice.recipient == second
    assert notice.category == Category.COMMISSION_WORK
    assert notice.url.endswith(f"/staff/commission/proposals/{published.pk}/")
    [email] = mail.outbox
    assert email.to == [second.email]
    body = email.body
    assert "ждёт вашего утверждения" in body and "Commissioner Erlan" in body
    assert f"/ru/staff/commission/proposals/{published.pk}/" in body


def test_the_administrators_are_told_when_no_member_may_approve(
    published, commissioner, admin_user, django_capture_on_commit_callbacks
):
    give_totp(admin_user)
    response = draft_answer(published, commissioner)
    approval.response_submit(response=response, actor=commissioner)
    recipients = Notification.objects.filter(kind="response.awaiting_approval").values_list(
        "recipient", flat=True
    )
    assert list(recipients) == [admin_user.pk]


def test_sent_again_after_a_return_the_approvers_are_told_again(published, members):
    drafter, second, _author = members
    response = draft_answer(published, drafter)
    approval.response_submit(response=response, actor=drafter)
    approval.response_return(response=response, reviewer=second, note="Cite article 7.")
    approval.response_submit(response=response, actor=drafter)
    assert Notification.objects.filter(kind="response.awaiting_approval", recipient=second).count() == 2


def test_the_drafter_is_told_of_the_return_with_its_reasons(
    published, members, django_capture_on_commit_callbacks
):
    drafter, second, _author = members
    drafter.preferred_language = "kk"
    drafter.save(update_fields=["preferred_language"])
    response = draft_answer(published, drafter)
    approval.response_submit(response=response, actor=drafter)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        approval.response_return(response=response, reviewer=second, note="Cite article 7 of the Code.")
    [notice] = Notification.objects.filter(kind="response.returned")
    assert (notice.recipient, notice.category) == (drafter, Category.COMMISSION_WORK)
    with translation.override("ru"):
        text = render_message(notice.kind, notice.params)
    assert text == (
        f"Commissioner Gulnara вернул(а) ваш ответ на «{published.title}» на доработку. "
        "Причины: Cite article 7 of the Code."
    )
    [email] = mail.outbox
    assert email.to == [drafter.email]
    assert "өзгертуге қайтарды" in email.body and "Cite article 7 of the Code." in email.body


def test_the_drafter_is_told_of_the_approval(published, members):
    drafter, second, _author = members
    response = draft_answer(published, drafter)
    approval.response_submit(response=response, actor=drafter)
    approval.response_approve(response=response, reviewer=second)
    [notice] = Notification.objects.filter(kind="response.approved")
    assert (notice.recipient, notice.category) == (drafter, Category.COMMISSION_WORK)
    with translation.override("en"):
        assert render_message(notice.kind, notice.params).startswith(
            f"Commissioner Gulnara approved your answer to “{published.title}”: it is published"
        )
    # The public answer goes to its readers under its own category, not the Commission's work.
    assert not Notification.objects.filter(
        category=Category.COMMISSION_WORK, recipient=published.author
    ).exists()


def test_without_four_eyes_a_member_publishing_their_own_draft_is_not_told_of_it(
    published, commissioner, settings
):
    settings.RESPONSE_FOUR_EYES = False
    approval.response_approve(response=draft_answer(published, commissioner), reviewer=commissioner)
    assert not Notification.objects.filter(kind="response.approved").exists()


def test_the_notice_link_leads_through_the_second_factor(published, members, client):
    drafter, second, _author = members
    # Signed in before the authenticator existed: this session has not passed it.
    Authenticator.objects.filter(user=second).delete()
    client.force_login(second)
    give_totp(second)
    approval.response_submit(response=draft_answer(published, drafter), actor=drafter)
    notice = Notification.objects.get(kind="response.awaiting_approval")
    opened = client.get(notice.url)
    assert opened.status_code == 302
    assert opened["Location"] == f"/en/accounts/2fa/reauthenticate/?next={notice.url}"


def test_a_campaign_member_s_author_on_the_commission_is_not_asked_to_approve(
    consultation, commissioner, second_commissioner
):
    representative = ProposalFactory(consultation=consultation, cluster_size=2)
    ProposalFactory(consultation=consultation, cluster_of=representative, author=second_commissioner)
    approval.response_submit(response=draft_answer(representative, commissioner), actor=commissioner)
    assert not Notification.objects.filter(
        kind="response.awaiting_approval", recipient=second_commissioner
    ).exists()


def test_the_commission_work_category_is_offered_to_commission_members_only(client, citizen, commissioner):
    label = "Комиссия жұмысы: менің бекітуімді күтетін жауаптар"
    client.force_login(citizen)
    assert label not in client.get("/kk/notifications/settings/").content.decode()
    client.force_login(commissioner)  # before the second factor: the setting is theirs all the same
    assert label in client.get("/kk/notifications/settings/").content.decode()


def test_an_answer_taken_back_leaves_the_approvers_notices(published, members):
    drafter, second, _author = members
    response = draft_answer(published, drafter)
    approval.response_submit(response=response, actor=drafter)
    assert Notification.objects.filter(recipient=second, kind="response.awaiting_approval").exists()
    approval.response_recall(response=response, actor=drafter)
    assert not Notification.objects.filter(recipient=second, kind="response.awaiting_approval").exists()


def test_a_member_without_a_second_factor_is_told_only_that_work_waits_and_how_to_open_it(
    published, commissioner, second_commissioner, client, django_capture_on_commit_callbacks
):
    """Their password alone opens their mailbox and their notification centre: neither shows whose answer
    waits, who drafted it or why it was returned, which the staff page shows only after the second factor."""
    give_totp(commissioner)  # the drafter has one; the approver has not set theirs up yet
    second_commissioner.preferred_language = "ru"
    second_commissioner.save(update_fields=["preferred_language"])
    response = draft_answer(published, commissioner)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        approval.response_submit(response=response, actor=commissioner)
    [notice] = Notification.objects.filter(recipient=second_commissioner)
    assert (notice.kind, notice.params, notice.category) == (
        SECOND_FACTOR_NEEDED,
        {},
        Category.COMMISSION_WORK,
    )
    assert notice.url.endswith(f"/staff/commission/proposals/{published.pk}/")
    [email] = mail.outbox
    text = f"{email.subject}\n{email.body}\n{email.alternatives[0][0]}"
    assert "Страницы сотрудников открываются только со вторым фактором" in text
    assert published.title not in text and "Commissioner Erlan" not in text
    client.force_login(second_commissioner)
    assert published.title not in client.get("/ru/notifications/").content.decode()
    # The link leads to setting the second factor up, and from there to the work.
    opened = client.get(link_in(notice.url, "ru"))
    assert (opened.status_code, opened["Location"]) == (302, "/ru/accounts/2fa/totp/activate/")


def test_a_drafter_without_a_second_factor_is_not_mailed_the_reasons_of_a_return(
    published, commissioner, second_commissioner, django_capture_on_commit_callbacks
):
    give_totp(second_commissioner)
    response = draft_answer(published, commissioner)
    approval.response_submit(response=response, actor=commissioner)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        approval.response_return(
            response=response, reviewer=second_commissioner, note="Cite article 7 first."
        )
    [notice] = Notification.objects.filter(recipient=commissioner)
    assert (notice.kind, notice.params) == (SECOND_FACTOR_NEEDED, {})
    [email] = mail.outbox
    assert "Cite article 7" not in email.body and "Commissioner Gulnara" not in email.body
    # Once set up, the next notice of their work is told in full.
    give_totp(commissioner)
    approval.response_submit(response=response, actor=commissioner)
    approval.response_return(response=response, reviewer=second_commissioner, note="Cite article 8 too.")
    assert Notification.objects.get(recipient=commissioner, kind="response.returned").params["reason"] == (
        "Cite article 8 too."
    )
