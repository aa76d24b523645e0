import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from proposals.models import Article, ArticleIdentity, Document, DocumentVersion
from tests.conftest import give_totp
from tests.form_fields import form_fields

from .factories import ConsultationFactory

pytestmark = pytest.mark.django_db

# The ticked box that publishing, which cannot be taken back, asks for.
CONFIRMED = {"confirm": "on"}
V1 = "# 1. S\n## 1. Budgets\n1. Local councils approve the local budget every year.\n"
V2 = "# 1. S\n## 1. Budgets\n1. Local councils approve the local budget each year.\n"


@pytest.fixture
def document():
    return Document.objects.create(consultation=ConsultationFactory(), slug="law")


def _upload(client, document, text, name="kk.md"):
    return client.post(
        f"/en/staff/documents/{document.pk}/import/",
        {"label_kk": "Жоба", "file_kk": SimpleUploadedFile(name, text.encode())},
    )


@pytest.mark.parametrize(
    ("persona", "status", "imported"),
    [(None, 302, False), ("citizen", 403, False), ("moderator", 403, False), ("admin_user", 302, True)],
)
def test_import_matrix(client, request, document, persona, status, imported):
    if persona:
        user = request.getfixturevalue(persona)
        give_totp(user)
        client.force_login(user)
    response = _upload(client, document, V1)
    assert response.status_code == status
    assert DocumentVersion.objects.filter(document=document).exists() is imported


def test_a_malformed_upload_reports_file_and_line_and_imports_nothing(client, document, admin_user):
    give_totp(admin_user)
    client.force_login(admin_user)
    response = _upload(client, document, "# 1. S\nstray\n")
    assert response.status_code == 200
    assert (
        "kk.md, line 2: expected an article heading of the form &#x27;## &lt;number&gt;. &lt;heading&gt;&#x27;. "
        "Nothing was imported." in response.content.decode()
    )
    assert not DocumentVersion.objects.exists()


def test_a_version_without_the_kazakh_text_is_refused_with_the_field_named(client, document, admin_user):
    give_totp(admin_user)
    client.force_login(admin_user)
    response = client.post(
        f"/ru/staff/documents/{document.pk}/import/",
        {"label_kk": "Жоба", "file_ru": SimpleUploadedFile("ru.md", V1.encode())},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["file_kk"] == [
        "Загрузите текст на казахском языке (kk.md): каждая версия публикуется на государственном языке."
    ]
    assert not DocumentVersion.objects.exists()


def _match_proposed(client, document, admin_user) -> Article:
    """Two versions imported by an admin signed in on `client`: the second's article matched by similarity."""
    give_totp(admin_user)
    client.force_login(admin_user)
    _upload(client, document, V1)
    _upload(client, document, V2)
    return Article.objects.get(version__position=2)


def test_similarity_matches_are_listed_and_confirmed(client, document, admin_user):
    proposed = _match_proposed(client, document, admin_user)
    assert proposed.identity_proposed
    page = client.get(f"/en/staff/documents/{document.pk}/matches/").content.decode()
    assert "Budgets" in page
    client.post(f"/en/staff/articles/{proposed.pk}/confirm-match/", {"identity": ""})
    proposed.refresh_from_db()
    assert not proposed.identity_proposed


def test_confirming_needs_an_admin(client, document, moderator):
    give_totp(moderator)
    client.force_login(moderator)
    assert client.get(f"/en/staff/documents/{document.pk}/matches/").status_code == 403


def test_an_upload_with_control_characters_is_imported_without_them(client, document, admin_user):
    # A NUL byte failed the import with a server error on PostgreSQL; a bidi override reversed what readers saw.
    give_totp(admin_user)
    client.force_login(admin_user)
    response = _upload(
        client, document, "# 1. S\n## 1. Budgets\n1. Local\x00 councils \u202eapprove\u202c budgets.\n"
    )
    assert response.status_code == 302
    paragraph = Article.objects.get(version__document=document).paragraphs.get()
    assert paragraph.text_kk == "Local councils approve budgets."


def test_a_version_with_unconfirmed_matches_is_published_only_once_they_are_confirmed(
    client, document, admin_user
):
    give_totp(admin_user)
    client.force_login(admin_user)
    _upload(client, document, V1)
    client.post(f"/en/staff/versions/{DocumentVersion.objects.get(position=1).pk}/publish/", CONFIRMED)
    _upload(client, document, V2)
    second = DocumentVersion.objects.get(document=document, position=2)
    page = client.post(f"/en/staff/versions/{second.pk}/publish/", CONFIRMED, follow=True).content.decode()
    assert "Confirm the 1 article match proposed by similarity first." in page
    second.refresh_from_db()
    assert not second.is_published
    proposed = Article.objects.get(version=second)
    client.post(f"/en/staff/articles/{proposed.pk}/confirm-match/", {"identity": ""})
    client.post(f"/en/staff/versions/{second.pk}/publish/", CONFIRMED)
    second.refresh_from_db()
    assert second.is_published


def test_the_articles_of_a_published_version_keep_their_identities(client, document, admin_user):
    give_totp(admin_user)
    client.force_login(admin_user)
    _upload(client, document, V1)
    first = DocumentVersion.objects.get(document=document, position=1)
    client.post(f"/en/staff/versions/{first.pk}/publish/", CONFIRMED)
    article = Article.objects.get(version=first)
    other = ArticleIdentity.objects.create(document=document, key="other")
    page = client.post(
        f"/en/staff/articles/{article.pk}/confirm-match/", {"identity": other.pk}, follow=True
    ).content.decode()
    assert "The articles of a published version keep their identities." in page
    article.refresh_from_db()
    assert article.identity.key != "other"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A key the importer cannot read would stay in the heading every reader sees.
        ("# 1. S\n## 1. The state {#State}\n1. x\n", "kk.md, line 2: expected an article key of the form"),
        ("# 1. S\n## 1. The state{#state}\n1. x\n", "kk.md, line 2: expected an article key of the form"),
        # Two articles cannot share one identity: the database refused it with a server error.
        (
            "# 1. S\n## 1. A {#state}\n1. x\n## 2. B {#state}\n1. y\n",
            "kk.md, line 4: the article key {#state} is already used by article 1 on line 2",
        ),
    ],
)
def test_a_malformed_article_key_is_refused_with_its_line(client, document, admin_user, text, expected):
    give_totp(admin_user)
    client.force_login(admin_user)
    response = _upload(client, document, text)
    assert response.status_code == 200
    assert expected in response.content.decode()
    assert not DocumentVersion.objects.exists()


def test_a_file_saved_with_a_byte_order_mark_is_imported(client, document, admin_user):
    give_totp(admin_user)
    client.force_login(admin_user)
    _upload(client, document, "\ufeff" + V1)
    assert Article.objects.get(version__document=document).heading_kk == "Budgets"


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00\xdf\xa4\xd2lZ\x01", "is a Word or PDF document"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "is a Word or PDF document"),
        ("# 1. Жалпы ережелер\n".encode("cp1251"), "is not saved as UTF-8 text"),
    ],
)
def test_a_file_that_is_not_utf8_markdown_is_refused_with_what_to_do(
    client, document, admin_user, content, expected
):
    # A secretariat with the draft in Word got "line 1: expected a section heading" or "not UTF-8 text",
    # neither of which says how to make the file the importer takes.
    give_totp(admin_user)
    client.force_login(admin_user)
    response = client.post(
        f"/en/staff/documents/{document.pk}/import/",
        {"label_kk": "Жоба", "file_kk": SimpleUploadedFile("kk.md", content)},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert f"kk.md {expected}" in page
    assert "Save as" in page and "UTF-8" in page
    assert not DocumentVersion.objects.exists()


def test_a_match_another_admin_confirmed_meanwhile_keeps_their_decision(client, document, admin_user):
    proposed = _match_proposed(client, document, admin_user)
    old = proposed.identity
    other = ArticleIdentity.objects.create(document=document, key="art-other")
    url = f"/ru/staff/documents/{document.pk}/matches/"
    # Two tabs (or two admins) show the proposed match; the first corrects it, the second keeps the proposal.
    first = form_fields(client.get(url), f"/articles/{proposed.pk}/confirm-match/")
    second = form_fields(client.get(url), f"/articles/{proposed.pk}/confirm-match/")
    first["identity"] = [str(other.pk)]
    client.post(f"/ru/staff/articles/{proposed.pk}/confirm-match/", first)
    page = client.post(f"/ru/staff/articles/{proposed.pk}/confirm-match/", second, follow=True)
    assert "это соответствие подтвердил кто-то другой" in page.content.decode().lower()
    assert "art-other" in page.content.decode()
    proposed.refresh_from_db()
    assert (proposed.identity, proposed.identity_proposed) == (other, False)
    assert old != other
    # The same decision sent again (a double click) is simply done.
    again = client.post(f"/ru/staff/articles/{proposed.pk}/confirm-match/", first, follow=True)
    assert "это соответствие подтвердил кто-то другой" not in again.content.decode().lower()
