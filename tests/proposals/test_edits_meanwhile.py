"""Two staff members (or one in two tabs) editing the same thing at once: the save from a page another save
has outdated is refused with a clear word, what was typed stays on the form, what is saved now is shown beside
it, and nothing saved is lost. Saving again from the page shown then is a deliberate choice, and goes through."""

import pytest
from django.test import Client
from django.utils import timezone

from portal.accounts import services as account_services
from portal.core.roles import Role
from proposals.models import ObligationRule, Phase, ResponseTemplate, ResponsibleBody
from tests.conftest import give_totp
from tests.factories import UserFactory
from tests.form_fields import form_fields, saved_in_two_tabs

from .factories import TopicFactory, held

pytestmark = pytest.mark.django_db

REFUSED = {
    "ru": "пока вы редактировали, кто-то другой сохранил здесь изменения",
    "kk": "сіз өңдеп отырған кезде мұнда басқа біреу өзгерісті сақтап қойды",
}
SAVED_MEANWHILE = {"ru": "Сохранено за это время", "kk": "Осы аралықта сақталғаны"}


@pytest.fixture
def two_admins(db):
    clients = []
    for name in ("Saule", "Marat"):
        user = UserFactory(display_name=name, email=f"{name.lower()}@example.test")
        account_services.user_grant_role(user=user, role=Role.ADMIN, granted_by=None)
        give_totp(user)
        client = Client()
        client.force_login(user)
        clients.append(client)
    return clients


def _refused_and_kept(refused, *, mine: str, theirs: str, language: str = "ru", status: int = 400) -> str:
    page = refused.content.decode()
    assert refused.status_code == status
    assert REFUSED[language] in page.lower()
    # What this person typed is still in the form; what the other saved is shown above it.
    assert mine in page and theirs in page
    assert SAVED_MEANWHILE[language] in page
    return page


LISTS = {
    "topics": (lambda: TopicFactory(name_kk="Жолдар"), "name_ru"),
    "obligations": (lambda: ObligationRule.objects.create(name_kk="30 күн", days=30), "name_ru"),
    "responsible-bodies": (
        lambda: ResponsibleBody.objects.create(slug="mfa", name_kk="СІМ", name_ru="МИД", name_en="MFA"),
        "name_ru",
    ),
    "answer-templates": (
        lambda: ResponseTemplate.objects.create(
            name="Отказ", text_kk="Қабылданбады.", text_ru="Отклонено.", text_en="Rejected."
        ),
        "text_ru",
    ),
}


@pytest.mark.parametrize("path", LISTS)
def test_an_item_of_a_staff_list_saved_meanwhile_is_not_overwritten(two_admins, path):
    make, field = LISTS[path]
    item = make()
    url = f"/ru/staff/{path}/{item.pk}/"
    saved, refused = saved_in_two_tabs(
        *two_admins, url, field=field, texts=("Первая правка", "Вторая правка")
    )
    assert saved.status_code == 302
    _refused_and_kept(refused, mine="Вторая правка", theirs="Первая правка")
    item.refresh_from_db()
    assert getattr(item, field) == "Первая правка"
    # Having seen the other change, the second person keeps their own by saving the form shown again.
    again = two_admins[1].post(url, form_fields(refused))
    assert again.status_code == 302
    item.refresh_from_db()
    assert getattr(item, field) == "Вторая правка"


def test_a_save_from_the_same_page_twice_in_a_row_is_not_refused(two_admins):
    topic = TopicFactory(name_kk="Жолдар")
    url = f"/ru/staff/topics/{topic.pk}/"
    page = two_admins[0].get(url)
    data = form_fields(page)
    data["name_ru"] = ["Дороги"]
    assert two_admins[0].post(url, data).status_code == 302
    # A fresh load carries the new mark.
    data = form_fields(two_admins[0].get(url))
    data["name_ru"] = ["Дороги и мосты"]
    assert two_admins[0].post(url, data).status_code == 302
    topic.refresh_from_db()
    assert topic.name_ru == "Дороги и мосты"


def test_consultation_settings_saved_meanwhile_are_not_overwritten_in_kazakh(two_admins, consultation):
    consultation.title_kk = "Конституциялық реформа"
    consultation.save()
    url = f"/kk/staff/consultations/{consultation.pk}/"
    saved, refused = saved_in_two_tabs(
        *two_admins, url, field="description_kk", texts=("Бірінші сипаттама", "Екінші сипаттама")
    )
    assert saved.status_code == 302
    _refused_and_kept(refused, mine="Екінші сипаттама", theirs="Бірінші сипаттама", language="kk", status=200)
    consultation.refresh_from_db()
    assert consultation.description_kk == "Бірінші сипаттама"


def test_settings_loaded_before_intake_was_closed_do_not_reopen_it(two_admins, consultation):
    consultation.title_kk = "Конституциялық реформа"
    consultation.save()
    first, second = two_admins
    url = f"/ru/staff/consultations/{consultation.pk}/"
    loaded = form_fields(first.get(url))
    assert second.post(f"{url}intake/close/").status_code == 302
    closed_at = Phase.objects.get(consultation=consultation, kind="intake").ends_at
    assert closed_at <= timezone.now()
    # The settings form still holds the intake's old end, a week ahead: saved, it would open intake again.
    loaded["description_ru"] = ["Новое описание"]
    refused = first.post(url, loaded)
    _refused_and_kept(refused, mine="Новое описание", theirs="Приём предложений: окончание", status=200)
    assert Phase.objects.get(consultation=consultation, kind="intake").ends_at == closed_at


def test_a_hearing_edited_meanwhile_is_not_overwritten(two_admins, hearing):
    url = f"/ru/staff/hearings/{hearing.pk}/"
    saved, refused = saved_in_two_tabs(*two_admins, url, field="venue_ru", texts=("Зал 3", "Зал 4"))
    assert saved.status_code == 302
    _refused_and_kept(refused, mine="Зал 4", theirs="Зал 3", status=200)
    hearing.refresh_from_db()
    assert hearing.venue_ru == "Зал 3"


def test_a_hearing_s_minutes_written_meanwhile_are_not_overwritten(two_admins, hearing):
    held(hearing)
    url = f"/ru/staff/hearings/{hearing.pk}/"
    action = f"{url}outcome/"
    saved, refused = saved_in_two_tabs(
        *two_admins, url, field="minutes_ru", texts=("Протокол Салтанат.", "Протокол Марата."), action=action
    )
    assert saved.status_code == 302
    _refused_and_kept(refused, mine="Протокол Марата.", theirs="Протокол Салтанат.")
    hearing.refresh_from_db()
    assert hearing.minutes_ru == "Протокол Салтанат."


def test_a_status_step_meanwhile_does_not_outdate_the_hearing_form(two_admins, hearing):
    """The mark covers what the form edits: a change of something it does not show undoes nothing."""
    first, second = two_admins
    url = f"/ru/staff/hearings/{hearing.pk}/"
    loaded = form_fields(first.get(url))
    hearing.sequence += 5
    hearing.save(update_fields=["sequence", "updated_at"])
    loaded["venue_ru"] = ["Зал 5"]
    assert first.post(url, loaded).status_code == 302
    hearing.refresh_from_db()
    assert hearing.venue_ru == "Зал 5"
