"""The audit log page: each filter of its form narrows the entries by its own field."""

from datetime import timedelta

import pytest
from django.utils import timezone

from portal.core.audit import audit_record
from portal.core.models import AuditEntry
from proposals.models import Article
from tests.conftest import sign_in_staff
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def entries(admin_user):
    first, second = UserFactory(), UserFactory()
    audit_record(actor=admin_user, action="organisation.verified", target=first)
    audit_record(actor=admin_user, action="person.revealed", target=second)
    old = audit_record(actor=None, action="retention.purged")
    AuditEntry.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=10))
    return first, second


def _actions(client, query: str) -> set[str]:
    html = client.get(f"/en/staff/audit/?{query}").content.decode()
    return {
        action
        for action in ("organisation.verified", "person.revealed", "retention.purged")
        if action in html
    }


def test_each_filter_narrows_the_log_by_its_own_field(client, admin_user, entries):
    first, second = entries
    sign_in_staff(client, admin_user)
    today = timezone.localdate().isoformat()
    earlier = (timezone.localdate() - timedelta(days=5)).isoformat()
    assert _actions(client, "") == {"organisation.verified", "person.revealed", "retention.purged"}
    assert _actions(client, "action=person.") == {"person.revealed"}
    assert _actions(client, f"actor={admin_user.pk}") == {"organisation.verified", "person.revealed"}
    assert _actions(client, f"target_type=accounts.user&target_id={first.pk}") == {"organisation.verified"}
    assert _actions(client, f"since={earlier}") == {"organisation.verified", "person.revealed"}
    assert _actions(client, f"until={earlier}") == {"retention.purged"}
    assert _actions(client, f"since={today}&until={today}&target_id={second.pk}") == {"person.revealed"}


def test_entries_read_in_words_in_the_reader_language(client, admin_user):
    person = UserFactory()
    audit_record(actor=admin_user, action="role.granted", target=person, details={"role": "moderator"})
    audit_record(actor=admin_user, action="hearing.saved", details={"moved": False})
    audit_record(actor=admin_user, action="moderation.hide", details={"merge_into": None, "appeal": True})
    sign_in_staff(client, admin_user)
    html = client.get("/ru/staff/audit/").content.decode()
    assert "Роль выдана" in html and "Слушание сохранено" in html and "Модерация: скрыто" in html
    assert "Изменены время или место: нет" in html
    assert "Объединено с предложением: —" in html and "Апелляция: да" in html
    assert "{&#x27;" not in html and "{'" not in html and "None" not in html
    assert f"Пользователь #{person.pk}" in html


def test_codes_in_the_details_read_as_words_in_the_reader_language(client, admin_user):
    person = UserFactory()
    audit_record(actor=admin_user, action="role.granted", target=person, details={"role": "moderator"})
    audit_record(actor=admin_user, action="commitment.updated", details={"from": "planned", "to": "dropped"})
    audit_record(actor=admin_user, action="moderation.hide", details={"reason_code": "spam"})
    sign_in_staff(client, admin_user)
    html = client.get("/ru/staff/audit/").content.decode()
    for code in ("planned", "dropped", "moderator", "spam"):
        assert f": {code}" not in html, code
    assert "Было: Запланировано" in html


@pytest.mark.parametrize(
    ("language", "decision"),
    [("kk", "Мәртебе: Қабылданбады"), ("ru", "Статус: Отклонено"), ("en", "Status: Rejected")],
)
def test_a_published_answers_decision_reads_as_the_answer_says_it(client, admin_user, language, decision):
    """An auditor read "Мәртебе: accepted" under "Answer published", and a rejected answer as "Rejected by
    moderation": the detail holds the answer's outcome, not a lifecycle's status."""
    audit_record(actor=admin_user, action="response.published", details={"status": "rejected"})
    sign_in_staff(client, admin_user)
    html = client.get(f"/{language}/staff/audit/").content.decode()
    assert f"<td>{decision}</td>" in html


def test_target_type_filter_offers_the_types_of_the_log_by_name(client, admin_user, entries):
    sign_in_staff(client, admin_user)
    html = client.get("/kk/staff/audit/").content.decode()
    assert '<option value="accounts.user">' in html
    assert "e.g. proposals.proposal" not in html and "мысалы proposals.proposal" not in html


def test_a_change_reads_before_then_after_in_words_and_names_its_article(client, admin_user):
    """PostgreSQL's jsonb keeps keys by length ("to" before "from"): the log read "to: art-3; from: art-4",
    after before before and in English on a Kazakh page, and its target as "Article #81"."""
    article = Article(pk=81)
    audit_record(
        actor=admin_user,
        action="document.article_match_changed",
        target=article,
        details={"to": "published", "from": "hidden", "identity": {"to": "art-3", "from": "art-4"}},
    )
    sign_in_staff(client, admin_user)
    html = client.get("/kk/staff/audit/").content.decode()
    assert "Бап сәйкестігі өзгертілді" in html
    assert "Бап #81" in html and "Article #81" not in html
    assert "Бұрын: art-4; Кейін: art-3" in html
    assert html.index("Бұрын:") < html.index("Кейін:")
