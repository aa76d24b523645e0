"""The Django admin is for superusers only; an Administrator (the secretariat, with a second factor) does
every task of the portal from the staff area: obligations, topics, responsible bodies, answer templates,
site switches, document versions and the consultation's life."""

import pytest
from django.urls import reverse

from portal.core.models import AuditEntry, SiteSwitches
from proposals.models import ObligationRule, ResponsibleBody, Topic
from tests.conftest import give_totp
from tests.factories import UserFactory

from .factories import ConsultationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def secretariat(client, admin_user):
    give_totp(admin_user)
    client.force_login(admin_user)
    return client


def test_an_administrator_with_a_second_factor_gets_no_django_admin(secretariat):
    answer = secretariat.get("/en/admin/")
    assert answer.status_code == 302 and "/admin/login/" in answer.url
    assert secretariat.get("/en/admin/proposals/responsetemplate/").status_code == 302
    dashboard = secretariat.get(reverse("staff_dashboard")).content.decode()
    assert "/admin/" not in dashboard
    for name in (
        "staff_consultation_list",
        "staff_answer_template_list",
        "staff_obligation_list",
        "staff_topic_list",
        "staff_responsible_body_list",
        "staff_site_switches",
        "staff_audit_log",
    ):
        assert reverse(name) in dashboard, name


def test_a_superuser_with_a_second_factor_still_has_the_admin(client):
    superuser = UserFactory(is_superuser=True, is_staff=True)
    give_totp(superuser)
    client.force_login(superuser)
    assert client.get("/en/admin/").status_code == 200
    assert client.get("/en/admin/proposals/responsetemplate/").status_code == 200
    assert "/admin/" in client.get(reverse("staff_dashboard")).content.decode()


def test_obligations_are_kept_on_staff_pages_per_consultation_and_for_all(secretariat):
    consultation = ConsultationFactory()
    page = secretariat.get(reverse("staff_consultation", kwargs={"pk": consultation.pk})).content.decode()
    assert reverse("staff_obligation_create") + f"?consultation={consultation.pk}" in page
    answer = secretariat.post(
        reverse("staff_obligation_create"),
        {
            "consultation": consultation.pk,
            "name_kk": "30 күнде жауап",
            "name_en": "Answer in 30 days",
            "days": "30",
            "min_supports": "0",
            "is_active": "on",
        },
    )
    assert answer.url.endswith("#obligations")
    secretariat.post(
        reverse("staff_obligation_create"),
        {
            "name_kk": "Танымалдарына 10 күнде",
            "name_en": "Popular ones in 10 days",
            "days": "10",
            "min_supports": "100",
            "is_active": "on",
        },
    )
    rules = {rule.name_en: rule for rule in ObligationRule.objects.all()}
    assert rules["Answer in 30 days"].consultation == consultation
    assert rules["Popular ones in 10 days"].consultation is None
    assert AuditEntry.objects.filter(action="obligation.created").count() == 2
    # Editing the consultation's settings leaves its obligations alone.
    edit = secretariat.get(reverse("staff_consultation", kwargs={"pk": consultation.pk})).context["form"]
    assert "answer_days" not in edit.fields
    listing = secretariat.get(reverse("staff_obligation_list")).content.decode()
    assert "Answer in 30 days" in listing and "Popular ones in 10 days" in listing


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"name_kk": "", "name_en": "In English only", "days": "30", "min_supports": "0"}, "name_kk"),
        ({"name_kk": "Нөл", "days": "0", "min_supports": "0"}, "days"),
        ({"name_kk": "Үлкен", "days": "99999999999", "min_supports": "0"}, "days"),
        ({"name_kk": "Теріс", "days": "5", "min_supports": "-1"}, "min_supports"),
    ],
)
def test_a_bad_obligation_is_refused_with_a_clear_error(secretariat, data, field):
    page = secretariat.post(reverse("staff_obligation_create"), data)
    assert page.status_code == 400 and field in page.context["form"].errors
    assert not ObligationRule.objects.exists()


def test_topics_are_kept_on_staff_pages(secretariat):
    answer = secretariat.post(
        reverse("staff_topic_create"),
        {"slug": "courts", "name_kk": "Соттар", "name_en": "Courts", "position": "3", "is_active": "on"},
    )
    topic = Topic.objects.get(slug="courts")
    assert answer.url == reverse("staff_topic_list")
    duplicate = secretariat.post(
        reverse("staff_topic_create"), {"slug": "courts", "name_kk": "Басқа", "position": "1"}
    )
    assert duplicate.status_code == 400 and "slug" in duplicate.context["form"].errors
    edit = reverse("staff_topic_edit", kwargs={"pk": topic.pk})
    assert secretariat.post(edit, {"slug": "courts", "name_kk": "Соттар", "position": "3"}).status_code == 302
    topic.refresh_from_db()
    assert topic.is_active is False
    assert AuditEntry.objects.filter(action__startswith="topic.").count() == 2


def test_responsible_bodies_are_kept_on_staff_pages_by_commission_members_too(client, commissioner):
    give_totp(commissioner)
    client.force_login(commissioner)
    assert (
        reverse("staff_responsible_body_list") in client.get(reverse("staff_implementation")).content.decode()
    )
    missing = client.post(
        reverse("staff_responsible_body_create"), {"slug": "justice", "name_kk": "Әділет министрлігі"}
    )
    assert missing.status_code == 400
    assert {"name_ru", "name_en"} <= set(missing.context["form"].errors)
    assert "Әділет министрлігі" in missing.content.decode()
    client.post(
        reverse("staff_responsible_body_create"),
        {
            "slug": "justice",
            "name_kk": "Әділет министрлігі",
            "name_ru": "Министерство юстиции",
            "name_en": "Ministry of Justice",
        },
    )
    assert ResponsibleBody.objects.get(slug="justice").name_en == "Ministry of Justice"
    assert AuditEntry.objects.filter(action="responsible_body.created").exists()


def test_site_switches_are_set_from_the_staff_area_with_a_banner(secretariat, client):
    refused = secretariat.post(reverse("staff_site_switches"), {"supports_paused": "on"})
    assert refused.status_code == 400 and "banner_kk" in refused.context["form"].errors
    assert not SiteSwitches.objects.filter(supports_paused=True).exists()
    saved = secretariat.post(
        reverse("staff_site_switches"), {"supports_paused": "on", "banner_kk": "Қолдау уақытша тоқтатылды."}
    )
    assert saved.status_code == 302
    assert SiteSwitches.objects.get().supports_paused is True
    entry = AuditEntry.objects.get(action="site.switches_changed")
    assert entry.details == {"supports_paused": True}


@pytest.mark.parametrize("persona", ["citizen", "moderator", "commissioner"])
def test_only_administrators_keep_obligations_topics_and_switches(client, request, persona):
    user = request.getfixturevalue(persona)
    give_totp(user)
    client.force_login(user)
    for name in ("staff_obligation_create", "staff_topic_create", "staff_site_switches"):
        assert (
            client.post(reverse(name), {"name": "x", "days": "3", "slug": "x", "name_kk": "x"}).status_code
            == 403
        )
    assert not ObligationRule.objects.exists() and not Topic.objects.exists()


def test_an_obligation_named_in_one_language_is_marked_as_such_in_the_others(secretariat):
    consultation = ConsultationFactory()
    ObligationRule.objects.create(consultation=consultation, name_kk="Жедел жауап", days=5)
    for page in (
        secretariat.get(reverse("staff_obligation_list").replace("/en/", "/ru/", 1)),
        secretariat.get(f"/ru/staff/consultations/{consultation.pk}/"),
    ):
        html = page.content.decode()
        assert '<span lang="kk">Жедел жауап</span>' in html
        assert "есть только на казахском языке" in html
    rule = ObligationRule.objects.get()
    html = secretariat.get(f"/ru/staff/obligations/{rule.pk}/").content.decode()
    assert '<h1><span lang="kk">Жедел жауап</span>' in html
    assert "есть только на казахском языке" in html
