"""A version uploaded by staff is a draft that only staff see until a staff member publishes it: the public
pages, the API, the lists citizens choose articles from and the outcome report show published versions only."""

import importlib

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from portal.core.models import AuditEntry
from proposals.models import ArticleIdentity, Document, DocumentVersion
from proposals.selectors.document import article_choices, consultation_articles
from proposals.selectors.outcome_report import report_identities
from proposals.services.document import (
    document_version_discard,
    document_version_import,
    document_version_publish,
)
from proposals.services.proposal import ProposalInput, proposal_draft_save
from tests.conftest import give_totp

from .factories import ConsultationFactory, ProposalFactory, import_published

pytestmark = pytest.mark.django_db

V1 = "# 1. S\n## 1. Budgets {#budgets}\n1. Local councils approve the local budget every year.\n"
V2 = (
    "# 1. S\n## 1. Local budgets {#budgets}\n1. Local councils approve the local budget each year.\n"
    "## 2. Secret article {#secret}\n1. A provision still being drafted.\n"
)


@pytest.fixture
def document():
    document = Document.objects.create(
        consultation=ConsultationFactory(slug="law"), slug="draft", title_en="Law"
    )
    import_published(
        document=document, labels={"en": "First"}, sources={"en": ("en.md", V1)}, imported_by=None
    )
    return document


@pytest.fixture
def secretariat(client, admin_user):
    give_totp(admin_user)
    client.force_login(admin_user)
    return client


def _upload(client, document, text=V2):
    return client.post(
        reverse("staff_document_import", kwargs={"pk": document.pk}),
        {
            "label_kk": "Екінші",
            "label_en": "Second",
            "file_kk": SimpleUploadedFile("kk.md", text.encode()),
            "file_en": SimpleUploadedFile("en.md", text.encode()),
        },
    )


def test_an_uploaded_version_is_a_draft_the_public_does_not_see(client, secretariat, document):
    assert _upload(secretariat, document).status_code == 302
    draft = document.versions.get(position=2)
    assert draft.published_at is None
    secret = ArticleIdentity.objects.get(document=document, key="secret")
    budgets = ArticleIdentity.objects.get(document=document, key="budgets")
    # Lists name articles as the public reads them: the draft's new heading waits for publication.
    assert budgets.heading_en == "Budgets"
    assert [pk for pk, _label in article_choices(document.consultation)] == [budgets.pk]
    assert secret not in [identity for identity, _current in consultation_articles(document.consultation)]
    assert secret not in report_identities(document.consultation)

    client.logout()
    # To the public the draft is no version at all: its address is not found, as a made-up one is.
    hidden = client.get(document.get_absolute_url() + "?version=2")
    assert hidden.status_code == 404 and "Second" not in hidden.content.decode()
    assert "First" in client.get(document.get_absolute_url()).content.decode()
    assert client.get(secret.get_absolute_url() + "?version=2").status_code == 404
    assert client.get("/en/consultations/law/draft/versions/2/akn.xml").status_code == 404
    api = client.get(f"/api/v1/documents/{document.pk}/versions").json()
    assert [v["position"] for v in api["results"]] == [1]
    assert client.get(f"/api/v1/versions/{draft.pk}/articles").status_code == 404
    assert client.get(f"/api/v1/documents/{document.pk}/articles/secret").status_code == 404
    assert client.get(f"/api/v1/documents/{document.pk}/diff?from=1&to=2").status_code == 404


def test_staff_preview_the_draft_and_publish_it_with_a_date_and_an_audit_entry(
    client, secretariat, document, admin_user
):
    _upload(secretariat, document)
    draft = document.versions.get(position=2)
    preview = secretariat.get(document.get_absolute_url() + "?version=2").content.decode()
    assert "only staff see it until it is published" in preview and "Second" in preview
    staff_page = secretariat.get(
        reverse("staff_document_import", kwargs={"pk": document.pk})
    ).content.decode()
    assert reverse("staff_version_publish", kwargs={"pk": draft.pk}) in staff_page

    # Without the ticked box, nothing is published: it cannot be taken back.
    unticked = secretariat.post(reverse("staff_version_publish", kwargs={"pk": draft.pk}), follow=True)
    assert "Tick the box to confirm publishing the version." in unticked.content.decode()
    draft.refresh_from_db()
    assert draft.published_at is None
    response = secretariat.post(reverse("staff_version_publish", kwargs={"pk": draft.pk}), {"confirm": "on"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.published_at is not None and draft.published_by == admin_user
    assert AuditEntry.objects.filter(action="document.version_published", target_id=str(draft.pk)).exists()
    assert ArticleIdentity.objects.get(document=document, key="budgets").heading_en == "Local budgets"

    client.logout()
    assert "Second" in client.get(document.get_absolute_url() + "?version=2").content.decode()
    api = client.get(f"/api/v1/documents/{document.pk}/versions").json()
    assert [v["position"] for v in api["results"]] == [1, 2]
    assert api["results"][1]["published_at"]
    secret = ArticleIdentity.objects.get(document=document, key="secret")
    assert secret.pk in [pk for pk, _label in article_choices(document.consultation)]


def test_a_published_version_is_not_published_again_nor_discarded(document, admin_user):
    version = document.versions.get()
    with pytest.raises(ValidationError):
        document_version_publish(version=version, actor=admin_user)
    with pytest.raises(ValidationError):
        document_version_discard(version=version, actor=admin_user)


def test_versions_are_published_in_order(document, admin_user):
    second = document_version_import(
        document=document, labels={}, sources={"en": ("en.md", V2)}, imported_by=None
    )
    third = document_version_import(
        document=document, labels={}, sources={"en": ("en.md", V1)}, imported_by=None
    )
    with pytest.raises(ValidationError, match="version 2 first"):
        document_version_publish(version=third, actor=admin_user)
    document_version_publish(version=second, actor=admin_user)
    document_version_publish(version=third, actor=admin_user)
    assert document.versions.published().count() == 3


def test_a_draft_imported_by_mistake_is_discarded_with_its_new_articles(secretariat, document):
    _upload(secretariat, document)
    draft = document.versions.get(position=2)
    url = reverse("staff_version_discard", kwargs={"pk": draft.pk})
    # The imported text of every language goes: the box must be ticked.
    answer = secretariat.post(url, follow=True)
    assert "Tick the box to confirm discarding the draft." in answer.content.decode()
    assert DocumentVersion.objects.filter(pk=draft.pk).exists()
    answer = secretariat.post(url, {"confirm": "on"}, follow=True)
    assert "is discarded" in answer.content.decode()
    assert not DocumentVersion.objects.filter(pk=draft.pk).exists()
    assert not ArticleIdentity.objects.filter(document=document, key="secret").exists()
    assert ArticleIdentity.objects.filter(document=document, key="budgets").exists()
    assert AuditEntry.objects.filter(action="document.version_discarded").exists()


@pytest.mark.parametrize("persona", ["citizen", "moderator", "commissioner"])
def test_only_the_secretariat_publishes_versions(client, request, document, persona):
    draft = document_version_import(
        document=document, labels={}, sources={"en": ("en.md", V2)}, imported_by=None
    )
    user = request.getfixturevalue(persona)
    give_totp(user)
    client.force_login(user)
    assert client.post(reverse("staff_version_publish", kwargs={"pk": draft.pk})).status_code == 403
    assert client.post(reverse("staff_version_discard", kwargs={"pk": draft.pk})).status_code == 403
    assert client.get(document.get_absolute_url() + "?version=2").status_code == 404
    draft.refresh_from_db()
    assert draft.published_at is None


def test_an_article_only_a_draft_has_is_published_with_the_draft(document):
    draft = document_version_import(
        document=document, labels={}, sources={"en": ("en.md", V2)}, imported_by=None
    )
    assert ArticleIdentity.objects.published().filter(key="secret").exists() is False
    document_version_publish(version=draft, actor=None)
    assert ArticleIdentity.objects.published().filter(key="secret").exists() is True


def test_the_migration_keeps_versions_imported_before_it_public(document):
    version = document.versions.get()
    DocumentVersion.objects.filter(pk=version.pk).update(published_at=None)
    migration = importlib.import_module(
        "proposals.migrations.0008_version_publication_and_consultation_answer_templates"
    )
    migration.versions_imported_before_were_public(apps, None)
    version.refresh_from_db()
    assert version.published_at == version.created_at


def test_the_import_command_leaves_a_draft_unless_told_to_publish(tmp_path, document):
    (tmp_path / "en.md").write_text(V2)
    call_command("import_document", str(tmp_path), consultation="law", document="draft", label="Second")
    assert document.versions.get(position=2).published_at is None
    # The third cannot go public before the second: the command says so instead of skipping it.
    with pytest.raises(CommandError, match="version 2 first"):
        call_command(
            "import_document",
            str(tmp_path),
            consultation="law",
            document="draft",
            label="Third",
            publish=True,
        )
    assert document.versions.get(position=3).published_at is None
    document_version_publish(version=document.versions.get(position=2), actor=None)
    document_version_discard(version=document.versions.get(position=3), actor=None)
    call_command(
        "import_document", str(tmp_path), consultation="law", document="draft", label="Third", publish=True
    )
    assert document.versions.get(position=3).published_at is not None


def test_a_proposal_page_linking_a_published_article_still_works_while_a_draft_waits(client, document):
    proposal = ProposalFactory(consultation=document.consultation)
    proposal.articles.set([ArticleIdentity.objects.get(key="budgets")])
    document_version_import(document=document, labels={}, sources={"en": ("en.md", V2)}, imported_by=None)
    assert client.get(proposal.get_absolute_url()).status_code == 200


def test_a_proposal_names_only_published_articles_of_its_consultation(secretariat, document, citizen):
    _upload(secretariat, document)
    secret = ArticleIdentity.objects.get(document=document, key="secret")
    budgets = ArticleIdentity.objects.get(document=document, key="budgets")
    elsewhere = Document.objects.create(consultation=ConsultationFactory(), slug="other")
    foreign = ArticleIdentity.objects.create(document=elsewhere, key="foreign")
    data = {
        "title": "Budgets",
        "summary": "Yearly budgets.",
        "body": "Approve them yearly.",
        "language": "en",
    }
    for article in (secret, foreign):
        with pytest.raises(ValidationError) as error:
            proposal_draft_save(
                author=citizen,
                consultation=document.consultation,
                data=ProposalInput(**data, article_ids=(article.pk,)),
            )
        assert "articles" in error.value.message_dict
    proposal = proposal_draft_save(
        author=citizen,
        consultation=document.consultation,
        data=ProposalInput(**data, article_ids=(budgets.pk,)),
    )
    assert list(proposal.articles.all()) == [budgets]


def test_an_article_new_in_a_draft_or_of_a_consultation_in_preparation_cannot_be_followed(
    client, secretariat, document, citizen
):
    _upload(secretariat, document)
    secret = ArticleIdentity.objects.get(document=document, key="secret")
    hidden = Document.objects.create(consultation=ConsultationFactory(status="draft"), slug="hidden")
    import_published(document=hidden, labels={"en": "First"}, sources={"en": ("en.md", V1)}, imported_by=None)
    prepared = hidden.identities.get()
    client.force_login(citizen)
    for article in (secret, prepared):
        assert client.post(f"/en/follow/article/{article.pk}/").status_code == 404
        assert not article.follows.exists()
    budgets = ArticleIdentity.objects.get(document=document, key="budgets")
    assert client.post(f"/en/follow/article/{budgets.pk}/").status_code == 302
    assert budgets.follows.filter(user=citizen).exists()
