"""What a walk through the staff area as the secretariat found, in kk, ru and en: no dead ends, every bad
input a clear error in the reader's language, nothing typed lost."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from proposals.models import Consultation, ConsultationStatus, Document, DocumentVersion, ObligationRule
from proposals.services import consultation as services
from proposals.services.document import document_version_import, document_version_publish
from tests.conftest import give_totp

from .factories import ConsultationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def secretariat(client, admin_user):
    give_totp(admin_user)
    client.force_login(admin_user)
    return client


def _url(name, language, **kwargs):
    with translation.override(language):
        return reverse(name, kwargs=kwargs)


def test_a_bad_intake_end_is_shown_beside_the_form_not_dropped(secretariat):
    consultation = ConsultationFactory(intake=False)
    page = secretariat.post(
        _url("staff_consultation_intake_open", "kk", pk=consultation.pk),
        {"ends_at_day": "ертең", "ends_at_month": "12", "ends_at_year": "2026", "ends_at_time": "18:00"},
    )
    assert page.status_code == 400
    assert "ends_at" in page.context["intake_form"].errors
    assert "ертең" in page.content.decode()
    past = (timezone.localtime() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    page = secretariat.post(
        _url("staff_consultation_intake_open", "ru", pk=consultation.pk), {"ends_at": past}
    )
    assert page.status_code == 400
    assert page.context["intake_form"].errors["ends_at"] == ["Приём должен заканчиваться в будущем."]
    assert not consultation.phases.filter(kind="intake").exists()


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("kk", "Тек латын әріптерін, сандарды және дефистерді"),
        ("ru", "Только латинские буквы, цифры и дефисы"),
        ("en", "Use only Latin letters, digits and hyphens"),
    ],
)
def test_a_bad_address_says_what_to_type_instead_of_slug(secretariat, language, words):
    page = secretariat.post(
        _url("staff_consultation_create", language),
        {"slug": "Жаңа заң", "title_kk": "Заң", "description_kk": "Мәтін"},
    )
    content = page.content.decode()
    assert words in content and "slug" not in page.context["form"].errors["slug"][0]
    assert "Мәтін" in content


def test_an_answer_deadline_of_centuries_is_refused_not_saved(secretariat):
    page = secretariat.post(
        _url("staff_consultation_create", "en"),
        {"slug": "laws", "title_kk": "Заң", "answer_days": "99999999"},
    )
    assert "answer_days" in page.context["form"].errors
    assert not Consultation.objects.filter(slug="laws").exists()
    assert not ObligationRule.objects.exists()


def test_archiving_asks_for_a_ticked_confirmation(secretariat):
    consultation = ConsultationFactory()
    page = secretariat.post(_url("staff_consultation_archive", "kk", pk=consultation.pk), {})
    assert page.status_code == 400 and "confirm" in page.context["archive_form"].errors
    consultation.refresh_from_db()
    assert consultation.status == ConsultationStatus.PUBLISHED
    secretariat.post(_url("staff_consultation_archive", "kk", pk=consultation.pk), {"confirm": "on"})
    consultation.refresh_from_db()
    assert consultation.status == ConsultationStatus.ARCHIVED


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_a_malformed_draft_is_explained_in_the_readers_language_with_file_and_line(secretariat, language):
    document = Document.objects.create(consultation=ConsultationFactory(), slug="law")
    page = secretariat.post(
        _url("staff_document_import", language, pk=document.pk),
        {"label_kk": "Жоба", "file_kk": SimpleUploadedFile("kk.md", b"# 1. S\nstray\n")},
    )
    content = page.content.decode()
    explained = {
        "kk": "kk.md, 2-жол: «## &lt;нөмір&gt;. &lt;тақырып&gt;» түріндегі бап тақырыбы күтілген. Ештеңе импортталмады.",
        "ru": "kk.md, строка 2: ожидался заголовок статьи вида «## &lt;номер&gt;. &lt;заголовок&gt;». "
        "Ничего не импортировано.",
    }
    assert content.count(explained[language]) == 1
    # The detail too is in the reader's language, and nothing points to a file of the repository.
    assert "expected" not in content and "docs/document-format.md" not in content
    assert not DocumentVersion.objects.exists()


def test_the_history_of_a_consultation_is_in_words_not_codes(secretariat, admin_user):
    consultation = ConsultationFactory()
    services.consultation_intake_close(consultation=consultation, actor=admin_user)
    page = secretariat.get(_url("staff_consultation", "kk", pk=consultation.pk)).content.decode()
    assert "Ұсыныстар қабылдау жабылды" in page and "intake_closed" not in page


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_every_staff_list_leads_back_to_the_staff_area(secretariat, language):
    for name in (
        "staff_consultation_list",
        "staff_answer_template_list",
        "staff_obligation_list",
        "staff_topic_list",
        "staff_responsible_body_list",
        "staff_site_switches",
        "staff_roles",
    ):
        page = secretariat.get(_url(name, language)).content.decode()
        assert f'href="/{language}/staff/"' in page, name


def test_the_staff_page_warns_while_no_version_of_the_draft_is_public(secretariat, admin_user):
    consultation = ConsultationFactory()
    document = Document.objects.create(consultation=consultation, slug="law")
    version = document_version_import(
        document=document,
        labels={},
        sources={"en": ("en.md", "# 1. S\n## 1. A\n1. Text.\n")},
        imported_by=None,
    )
    url = _url("staff_consultation", "en", pk=consultation.pk)
    assert "No version of the draft is published yet" in secretariat.get(url).content.decode()
    document_version_publish(version=version, actor=admin_user)
    assert "No version of the draft is published yet" not in secretariat.get(url).content.decode()
