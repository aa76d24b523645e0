"""The implementation journey in Kazakh: a Commission member records a commitment from an adopted change, posts two
updates (one delaying it with a reason), asks to mark it done and a second member approves; a follower is told
of every update; the tracker, the article page and the proposal page show the chain proposal → answer → article
change → commitment → updates."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from portal.notifications.models import Notification
from proposals.models import Commitment, CommitmentTransition
from tests.conftest import give_totp
from tests.factories import UserFactory
from tests.proposals.commitment_helpers import adopted_change, body
from tests.proposals.factories import ConsultationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fill_texts(page, prefix, kk, ru, en):
    page.locator(f"#id_{prefix}_kk").fill(kk)
    page.locator(f"#id_{prefix}_ru").fill(ru)
    page.locator(f"#id_{prefix}_en").fill(en)


def _fill_date(page, name, day):
    """Day and year typed, the month chosen by its Kazakh name, as a person fills the date's parts."""
    fieldset = page.locator("fieldset", has=page.locator(f"#id_{name}_0"))
    fieldset.get_by_label("Күн", exact=True).fill(str(day.day))
    fieldset.get_by_label("Ай", exact=True).select_option(str(day.month))
    fieldset.get_by_label("Жыл", exact=True).fill(str(day.year))


def test_commitment_from_an_adopted_change_to_done_with_a_follower_in_kazakh(
    page, login_as, commissioner, second_commissioner
):
    consultation = ConsultationFactory(slug="reform")
    change = adopted_change(consultation, drafter=commissioner, approver=second_commissioner)
    justice = body()
    follower = UserFactory(email="follower@example.test", preferred_language="kk")
    give_totp(commissioner)
    give_totp(second_commissioner)
    due = timezone.localdate() + timedelta(days=90)

    # A member finds the adopted change of article 7 and records a commitment on it.
    login_as(commissioner)
    page.goto("/kk/staff/implementation/")
    page.get_by_role("link", name="7-бап бойынша міндеттеме енгізу").click()
    _fill_texts(
        page, "title", "Қамауды сот тексереді", "Суд проверяет каждый арест", "Courts review every arrest"
    )
    page.get_by_label("Жауапты орган").select_option(label="Әділет министрлігі")
    page.get_by_label("Шара түрі").select_option(label="Қабылданатын заң")
    _fill_date(page, "due_date", due)
    page.get_by_role("button", name="Міндеттемені енгізу").click()
    page.get_by_text("Міндеттеме енгізілді және жария.").wait_for()
    commitment = Commitment.objects.get()
    assert list(commitment.responses.all()) == [change.response]
    assert list(commitment.articles.all()) == [change.article]

    # A citizen follows it from the public page.
    login_as(follower)
    page.goto(f"/kk/consultations/reform/implementation/{commitment.pk}/")
    page.get_by_role("button", name="Бұл міндеттемеге жазылу").click()
    page.get_by_text("Сіз жазылдыңыз").wait_for()

    # First update: work starts, with the official publication as evidence.
    mail.outbox.clear()
    login_as(commissioner)
    page.goto(f"/kk/staff/implementation/{commitment.pk}/")
    _fill_texts(
        page, "text", "Заң жобасы Мәжіліске енгізілді.", "Законопроект внесён в Мажилис.", "Bill tabled."
    )
    page.get_by_label("Жаңа мәртебе").select_option(label="Орындалуда")
    page.get_by_label("Орындалу барысы, пайызбен").fill("40")
    page.get_by_label("Дәлел түрі").select_option(label="Ресми жарияланым")
    page.get_by_label("Дәлелдің атауы").fill("Мәжіліс хабаршысы")
    page.get_by_label("Дәлелге сілтеме").fill("https://parlam.kz/kk/mazhilis/bill/1")
    page.get_by_role("button", name="Жаңартуды жариялау").click()
    page.get_by_text("Жаңарту жарияланды.").wait_for()

    # Second update: delayed, with a public reason in three languages and a new due date.
    _fill_texts(
        page,
        "text",
        "Сенат қарауы кейінге қалды.",
        "Рассмотрение в Сенате отложено.",
        "Senate review delayed.",
    )
    page.get_by_label("Жаңа мәртебе").select_option(label="Кейінге қалдырылды")
    _fill_date(page, "due_date", due + timedelta(days=30))
    _fill_texts(
        page,
        "reason",
        "Қосымша сараптама қажет.",
        "Нужна дополнительная экспертиза.",
        "Expert review needed.",
    )
    page.get_by_role("button", name="Жаңартуды жариялау").click()
    page.get_by_text("Жаңарту жарияланды.").wait_for()

    # Third: marked done, which waits for a second member; the poster cannot approve it.
    _fill_texts(page, "text", "Заң қабылданды.", "Закон принят.", "The law is passed.")
    page.get_by_label("Жаңа мәртебе").select_option(label="Орындалды")
    page.get_by_role("button", name="Жаңартуды жариялау").click()
    page.get_by_text("Өзгеріс басқа мүшенің мақұлдауына жіберілді.").wait_for()
    assert page.get_by_role("button", name="Бекітіп, жариялау").count() == 0
    commitment.refresh_from_db()
    assert commitment.status == "delayed"

    login_as(second_commissioner)
    page.reload()
    page.get_by_role("button", name="Бекітіп, жариялау").click()
    page.get_by_text("Өзгеріс мақұлданды және жарияланды.").wait_for()
    commitment.refresh_from_db()
    assert commitment.status == "done"
    assert list(CommitmentTransition.objects.values_list("to_status", flat=True)) == [
        "in_progress",
        "delayed",
        "done",
    ]

    # The follower was told of each of the three published updates, in Kazakh; so was the author of the
    # proposal whose answer the commitment carries out.
    told = Notification.objects.filter(recipient=follower, kind="commitment.updated")
    assert told.count() == 3
    assert {m.to[0] for m in mail.outbox} == {"follower@example.test", change.proposal.author.email}
    login_as(follower)
    page.goto("/kk/notifications/")
    assert page.get_by_text("«Қамауды сот тексереді» міндеттемесі бойынша жаңалық").count() == 3

    # The public: tracker → commitment (with the chain and the updates) → article and proposal.
    page.context.clear_cookies()
    page.goto("/kk/consultations/reform/implementation/")
    row = page.get_by_role("row").filter(has_text="Қамауды сот тексереді")
    expect(row.get_by_text("Орындалды")).to_be_visible()
    expect(row.get_by_text("Әділет министрлігі")).to_be_visible()
    row.get_by_role("link", name="Қамауды сот тексереді").click()
    chain = page.get_by_role("region", name="Қайдан шықты")
    expect(chain.get_by_role("link", name=change.proposal.title)).to_be_visible()
    updates = page.get_by_role("region", name="Жаңартулар")
    expect(updates.get_by_text("Қосымша сараптама қажет.")).to_be_visible()
    expect(updates.get_by_role("link", name="Мәжіліс хабаршысы")).to_be_visible()
    expect(updates.get_by_text("Мәртебесі: Кейінге қалдырылды → Орындалды")).to_be_visible()
    chain.get_by_role("link", name="7-бап").click()
    page.wait_for_url(
        re.compile(r"/kk/consultations/reform/basic-law/articles/liberty/\?version=2#what-changed$")
    )
    commitments = page.get_by_role("region", name="Оны орындайтын міндеттемелер")
    expect(commitments.get_by_role("link", name="Қамауды сот тексереді")).to_be_visible()
    changes = page.get_by_role("region", name="Не өзгерді және неліктен")
    expect(changes.get_by_role("link", name=change.proposal.title)).to_be_visible()
    page.goto(f"/kk/proposals/{change.proposal.pk}/")
    commitments = page.get_by_role("region", name="Оны орындайтын міндеттемелер")
    commitments.get_by_role("link", name="Қамауды сот тексереді").click()
    page.wait_for_url(f"**/kk/consultations/reform/implementation/{commitment.pk}/")
    assert justice.commitments.count() == 1
    assert page.console_errors == []
