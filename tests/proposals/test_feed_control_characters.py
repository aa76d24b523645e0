"""Control characters, which XML 1.0 forbids, never break a feed, sitemap.xml or the Akoma Ntoso export: the
superusers' Django admin normalises what is typed there as every other form does, and each XML writer leaves
out any that a row still holds (an import, a row from before), so the file parses with a strict XML parser,
in a feed reader, and against the AKN schema."""

import feedparser
import pytest
from lxml import etree

from proposals.documents.akoma_ntoso import AKN_NS, validate
from proposals.models import (
    Article,
    ArticleIdentity,
    Consultation,
    Document,
    DocumentVersion,
    Paragraph,
    ResponsibleBody,
    Section,
)
from tests.conftest import give_totp
from tests.factories import UserFactory

from .factories import (
    ConsultationFactory,
    HearingFactory,
    ProposalFactory,
    import_published,
    publish_response,
)

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
# Forbidden by XML 1.0, each one: C0 controls other than tab and line ends, and the two noncharacters U+FFFE and
# U+FFFF. (A lone surrogate is forbidden too, but no database of ours stores one: UTF-8 cannot carry it.)
FORBIDDEN = "\x01\x0b\x1f\ufffe\uffff"


def _strict(content: bytes):
    """The feed as a strict XML parser reads it (lxml refuses what ElementTree's expat might let by)."""
    return etree.fromstring(content, etree.XMLParser(recover=False, resolve_entities=False))


def test_a_stored_control_character_leaves_the_hearings_feed_well_formed(client, consultation):
    HearingFactory(
        consultation=consultation, title_en="Budget\x0b hearing", description_en="Agenda\x1f: local budgets"
    )
    answer = client.get("/en/feeds/hearings.atom")
    assert answer.status_code == 200
    root = _strict(answer.content)
    titles = [entry.findtext(f"{ATOM}title") for entry in root.iter(f"{ATOM}entry")]
    assert any(title.endswith(": Budget hearing") for title in titles), titles
    assert b"\x0b" not in answer.content and b"\x1f" not in answer.content
    assert not feedparser.parse(answer.content).bozo


def test_a_stored_control_character_leaves_the_answers_feed_well_formed(
    client, consultation, commissioner, second_commissioner
):
    proposal = ProposalFactory(consultation=consultation, title="Open\x0c councils", language="en")
    publish_response(
        proposal,
        drafter=commissioner,
        approver=second_commissioner,
        reasoning_en="Accepted\x0b in part.",
    )
    answer = client.get("/en/feeds/answers.atom")
    assert answer.status_code == 200
    root = _strict(answer.content)
    entry = root.find(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}title").endswith("Open councils")
    assert "Accepted in part." in entry.findtext(f"{ATOM}summary")


def test_the_django_admin_keeps_no_control_character_a_superuser_typed(client):
    superuser = UserFactory(is_superuser=True, is_staff=True)
    give_totp(superuser)
    client.force_login(superuser)
    answer = client.post(
        "/en/admin/proposals/responsiblebody/add/",
        {
            "slug": "finance",
            "name_kk": "Қаржы\x0b министрлігі",
            "name_ru": "Министерство\x1f финансов",
            "name_en": "Ministry of\x0b Finance",
        },
    )
    assert answer.status_code == 302
    body = ResponsibleBody.objects.get(slug="finance")
    assert (body.name_kk, body.name_ru, body.name_en) == (
        "Қаржы министрлігі",
        "Министерство финансов",
        "Ministry of Finance",
    )


@pytest.fixture
def law_with_forbidden_characters():
    """/<lang>/consultations/reform/law/, one published version whose stored texts, written straight to the
    rows as an import or an old row would hold them, carry characters XML 1.0 forbids."""
    document = Document.objects.create(
        consultation=ConsultationFactory(slug="reform"), slug="law", title_en="Law"
    )
    version = import_published(
        document=document,
        labels={"en": "Draft"},
        sources={"en": ("en.md", "# 1. General\n## 1. The state {#state}\n1. Kazakhstan is a republic.\n")},
        imported_by=None,
    )
    DocumentVersion.objects.filter(pk=version.pk).update(label_en=f"Draft{FORBIDDEN} of May")
    Section.objects.filter(version=version).update(heading_en=f"General{FORBIDDEN} provisions")
    Article.objects.filter(version=version).update(heading_en=f"The{FORBIDDEN} state")
    Paragraph.objects.filter(article__version=version).update(text_en=f"Kazakhstan{FORBIDDEN} is a republic.")
    return version


def test_stored_forbidden_characters_leave_the_akoma_ntoso_export_valid(
    client, law_with_forbidden_characters
):
    answer = client.get("/en/consultations/reform/law/versions/1/akn.xml?language=en")
    assert answer.status_code == 200
    root = _strict(answer.content)
    assert validate(answer.content) == []
    texts = {
        tag: root.find(f".//{{{AKN_NS}}}{tag}").xpath("string()") for tag in ("docTitle", "heading", "p")
    }
    assert texts["docTitle"] == "Draft of May"
    assert texts["heading"] == "General provisions"
    assert root.find(f".//{{{AKN_NS}}}paragraph//{{{AKN_NS}}}p").text == "Kazakhstan is a republic."


def test_stored_forbidden_characters_leave_every_sitemap_well_formed(client, law_with_forbidden_characters):
    """A slug or an article key is the stored text a sitemap carries, in every address and alternate."""
    consultation = Consultation.objects.get(slug="reform")
    Consultation.objects.filter(pk=consultation.pk).update(slug=f"reform{FORBIDDEN}")
    ArticleIdentity.objects.filter(document__consultation=consultation).update(key=f"state{FORBIDDEN}")
    for path in (
        "/sitemap.xml",
        "/sitemap-consultations.xml",
        "/sitemap-outcomes.xml",
        "/sitemap-articles.xml",
    ):
        answer = client.get(path)
        assert answer.status_code == 200, path
        _strict(answer.content)
    root = _strict(client.get("/sitemap-articles.xml").content)
    addresses = [url.findtext(f"{SITEMAP}loc") for url in root.iter(f"{SITEMAP}url")]
    assert addresses and all(
        address.endswith("/consultations/reform/law/articles/state/") for address in addresses
    )
