"""The consultation journey in Kazakh: an administrator with a second factor runs a second consultation from
the staff area, from creation to the published outcome and its report, while the first keeps working; and a
citizen finds a half-written draft again on "My participation" and finishes it there."""

import re

import pytest
from docx import Document as DocxDocument
from playwright.sync_api import expect
from pypdf import PdfReader

from proposals.models import Consultation, Proposal
from tests.conftest import give_totp
from tests.factories import UserFactory
from tests.proposals.factories import ConsultationFactory, publish_response

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DRAFT_KK = """# 1. Жалпы ережелер
## 1. Жергілікті кеңестер {#local-councils}
1. Жергілікті кеңестер өз бюджетін бекітеді.
## 2. Ашықтық {#openness}
1. Кеңес отырыстары ашық өтеді.
"""
REASON = "Ұсыныс қабылданды: бюджет тыңдаулары міндетті болады."


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_admin_runs_a_second_consultation_to_its_report_while_the_first_keeps_working(
    page, login_as, admin_user, commissioner, second_commissioner, tmp_path
):
    first = ConsultationFactory(slug="constitution", title_kk="Конституция")
    citizen = UserFactory(email="aigerim@example.test", display_name="Айгерім", preferred_language="kk")
    give_totp(admin_user)

    # The administrator creates the consultation; it starts as a draft nobody else sees.
    login_as(admin_user)
    page.goto("/kk/staff/consultations/")
    page.get_by_role("link", name="Жаңа консультация").click()
    page.locator("#id_slug").fill("local-councils")
    page.locator("#id_title_kk").fill("Жергілікті кеңестер туралы заң")
    page.locator("#id_title_ru").fill("Закон о местных советах")
    page.locator("#id_answer_days").fill("20")
    page.get_by_role("button", name="Консультацияны құру").click()
    page.get_by_text("Консультация жоба ретінде құрылды.").wait_for()
    second = Consultation.objects.get(slug="local-councils")
    assert second.status == "draft"

    # Its draft law: a document, then its first version uploaded as Markdown.
    page.locator("#id_document-slug").fill("draft-law")
    page.locator("#id_document-title_kk").fill("Заң жобасы")
    page.get_by_role("button", name="Құжатты құру").click()
    page.get_by_text("Құжат құрылды: оның алғашқы нұсқасын жүктеңіз.").wait_for()
    page.locator("#id_label_kk").fill("Талқылауға арналған жоба")
    draft_file = tmp_path / "kk.md"
    draft_file.write_text(DRAFT_KK, encoding="utf-8")
    page.locator("#id_file_kk").set_input_files(str(draft_file))
    page.get_by_role("button", name="Импорттау").click()
    page.get_by_text("1-нұсқа тек қызметкерлер көретін жоба ретінде жүктелді").wait_for()
    # The version stays a draft until published from the same page.
    # Publishing cannot be taken back: the box beside the button says the draft was read.
    page.get_by_label("Жобаны оқып шықтым: жарияланған соң оны қайтарып алуға болмайды.").check()
    page.get_by_role("button", name="Осы нұсқаны жариялау").click()
    page.get_by_text("1-нұсқа жарияланды: оны бәрі оқи алады.").wait_for()
    page.get_by_role("link", name="Жергілікті кеңестер туралы заң").first.click()

    # Published, then intake opens.
    page.get_by_role("button", name="Консультацияны жариялау").click()
    page.get_by_text("Консультация жарияланды.").wait_for()
    page.get_by_role("button", name="Қабылдауды ашу").click()
    page.get_by_text("Қабылдау ашылды: азаматтар ұсыныс жібере алады.").wait_for()

    # A citizen is asked which consultation, writes to the new one, and submits.
    login_as(citizen)
    page.goto("/kk/proposals/new/")
    expect(page.get_by_role("link", name="Конституция")).to_be_visible()
    page.get_by_role("link", name="Жергілікті кеңестер туралы заң").click()
    page.get_by_label("Тақырыбы").fill("Бюджет тыңдаулары міндетті болсын")
    page.get_by_label("Қысқаша мазмұны").fill("Жергілікті бюджет алдымен қоғамдық тыңдаудан өтсін.")
    page.get_by_label("Ұсыныс мәтіні").fill("Кеңес бюджетті бекітпес бұрын қоғамдық тыңдау өткізеді.")
    page.get_by_label(re.compile("Баптар|бап", re.I)).first.select_option(index=0)
    page.get_by_role("button", name="Сақтау және жалғастыру").click()
    page.get_by_role("link", name="Өз ұсынысымды жалғастыру").click()
    page.get_by_role("button", name="Ұсынысты жіберу").click()
    page.get_by_text("Ұсынысыңыз жіберілді және жарияланды.").wait_for()
    proposal = Proposal.objects.get(author=citizen)
    assert proposal.consultation == second and proposal.status == "published"

    # The first consultation keeps working: its write form is still open to the same citizen.
    page.goto(f"/kk/proposals/new/?consultation={first.slug}")
    expect(page.get_by_label("Тақырыбы")).to_be_visible()
    page.goto("/kk/")
    expect(page.locator(f'[data-consultation="{first.slug}"]')).to_be_visible()
    expect(page.locator('[data-consultation="local-councils"]')).to_be_visible()

    # The administrator closes intake; the Commission's answer is published (four eyes, by the services).
    login_as(admin_user)
    page.goto(f"/kk/staff/consultations/{second.pk}/")
    page.get_by_role("button", name="Ұсыныстар қабылдауды жабу").click()
    page.get_by_text("Қабылдау жабылды.").wait_for()
    publish_response(
        proposal,
        drafter=commissioner,
        approver=second_commissioner,
        articles=list(proposal.articles.all()),
        reasoning_kk=REASON,
    )

    # The outcome is published with its summary in three languages.
    page.reload()
    page.locator("#id_summary_kk").fill("Бір ұсыныс қабылданды.")
    page.locator("#id_summary_ru").fill("Одно предложение принято.")
    page.locator("#id_summary_en").fill("One proposal was accepted.")
    page.get_by_role("button", name="Қорытындыны жариялау").last.click()
    page.get_by_text("Бір ұсыныс қабылданды.").wait_for()
    assert page.url.endswith("/kk/consultations/local-councils/outcome/")

    # The report downloads as PDF and as DOCX, with the article's wording and the answer's reasons.
    with page.expect_download() as pdf_download:
        page.get_by_role("link", name="PDF жүктеу").click()
    pdf = PdfReader(pdf_download.value.path())
    pdf_text = _flat(" ".join(p.extract_text() for p in pdf.pages))
    assert "Жергілікті кеңестер өз бюджетін бекітеді." in pdf_text
    assert REASON in pdf_text
    with page.expect_download() as docx_download:
        page.get_by_role("link", name="DOCX жүктеу (өңделетін)").click()
    document = DocxDocument(docx_download.value.path())
    cells = [_flat(cell.text) for table in document.tables for row in table.rows for cell in row.cells]
    assert any("Жергілікті кеңестер өз бюджетін бекітеді." in cell for cell in cells)
    assert REASON in cells


def test_a_draft_left_half_way_is_found_and_finished_from_my_participation(page, login_as):
    consultation = ConsultationFactory(title_kk="Конституция")
    citizen = UserFactory(email="timur@example.test", display_name="Тимур", preferred_language="kk")
    login_as(citizen)
    page.goto(f"/kk/proposals/new/?consultation={consultation.slug}")
    page.get_by_label("Тақырыбы").fill("Сайлау учаскелері көбейсін")
    page.get_by_label("Қысқаша мазмұны").fill("Ауылдарда сайлау учаскелері жақын болсын.")
    page.get_by_label("Ұсыныс мәтіні").fill("Әр ауылда кемінде бір сайлау учаскесі ашылады.")
    page.get_by_role("button", name="Сақтау және жалғастыру").click()
    # Left at the similar-proposals step: the person goes elsewhere.
    page.get_by_role("link", name="Өз ұсынысымды жалғастыру").wait_for()
    page.goto("/kk/")

    page.get_by_role("link", name="Менің қатысуым").click()
    drafts = page.locator("#drafts")
    expect(drafts.get_by_text("Сайлау учаскелері көбейсін")).to_be_visible()
    drafts.get_by_role("link", name="Тоқтаған жерден жалғастыру").click()
    page.get_by_role("link", name="Өз ұсынысымды жалғастыру").click()
    page.get_by_role("button", name="Ұсынысты жіберу").click()
    page.get_by_text("Ұсынысыңыз жіберілді және жарияланды.").wait_for()
    assert Proposal.objects.get(author=citizen).status == "published"
    page.goto("/kk/me/")
    assert page.locator("#drafts").get_by_text("Сайлау учаскелері көбейсін").count() == 0
    expect(page.locator("#proposals").get_by_text("Сайлау учаскелері көбейсін")).to_be_visible()
