"""A confirmed article match confirmed wrongly is changed from the staff page: to another article, to a new
article, or (in a draft) back to unconfirmed; with a reason in the audit log, refused on a stale page, and
followed by the public pages when the version is published."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from portal.core.models import AuditEntry
from portal.core.revisions import ChangedMeanwhile
from portal.core.roles import mark_second_factor
from proposals.models import Article, ArticleIdentity, Document, Follow
from proposals.services import document as document_services
from proposals.services.document import (
    MATCH_NEW,
    MATCH_UNCONFIRMED,
    MatchChange,
    article_identity_confirm,
    article_match_change,
    article_match_revision,
    document_version_import,
    document_version_publish,
)
from tests.conftest import sign_in_staff
from tests.form_fields import form_fields

from .factories import ConsultationFactory, ProposalFactory, import_published

pytestmark = pytest.mark.django_db

V1 = """# 1. S
## 1. Budgets {#budgets}
1. Local councils approve the local budget every year.
## 2. Courts {#courts}
1. Judges are independent and obey only the Constitution.
"""
# Unmarked: "Budgets" is proposed as the old budgets article; "Elections" is new.
V2 = """# 1. S
## 1. Budgets
1. Local councils approve the local budget each year.
## 2. Elections
1. Elections are free, equal and held by secret ballot.
"""
REASON = "Article 1 continues the budgets article, not the courts one."


@pytest.fixture
def document():
    return Document.objects.create(consultation=ConsultationFactory(slug="reform"), slug="law")


def _import(document, text):
    return document_version_import(
        document=document, labels={"kk": "Жоба"}, sources={"kk": ("kk.md", text)}, imported_by=None
    )


@pytest.fixture
def wrong_draft_match(document, admin_user):
    """Version 1 published; version 2 a draft whose article 1 an admin confirmed as the courts article."""
    import_published(
        document=document, labels={"kk": "Бірінші"}, sources={"kk": ("kk.md", V1)}, imported_by=None
    )
    version = _import(document, V2)
    article = version.articles.get(number="1")
    assert article.identity_proposed
    mark_second_factor(admin_user, verified=True)
    article_identity_confirm(
        article=article, identity=ArticleIdentity.objects.get(key="courts"), confirmed_by=admin_user
    )
    article.refresh_from_db()
    assert (article.identity.key, article.identity_proposed) == ("courts", False)
    return article


def _identity(key):
    return ArticleIdentity.objects.get(key=key)


def test_a_wrongly_confirmed_draft_match_is_changed_to_the_right_article_with_the_reason_logged(
    wrong_draft_match, admin_user
):
    budgets = _identity("budgets")
    changed = article_match_change(
        article=wrong_draft_match,
        changed_by=admin_user,
        data=MatchChange(choice=str(budgets.pk), reason=f"  {REASON} "),
    )
    assert (changed.identity, changed.identity_proposed) == (budgets, False)
    entry = AuditEntry.objects.get(action="document.article_match_changed")
    assert (entry.actor, entry.target_id) == (admin_user, str(changed.pk))
    assert entry.details == {
        "reason": REASON,
        "version": 2,
        "identity": {"from": "courts", "to": "budgets"},
        "unconfirmed": False,
    }


def test_a_draft_match_returned_to_unconfirmed_holds_the_version_back_until_confirmed_again(
    wrong_draft_match, admin_user
):
    article_match_change(
        article=wrong_draft_match,
        changed_by=admin_user,
        data=MatchChange(choice=MATCH_UNCONFIRMED, reason=REASON),
    )
    wrong_draft_match.refresh_from_db()
    assert wrong_draft_match.identity_proposed
    with pytest.raises(ValidationError, match="Confirm the 1 article match"):
        document_version_publish(version=wrong_draft_match.version, actor=admin_user)


@pytest.mark.parametrize(
    ("choice", "reason", "field", "message"),
    [
        ("budgets", "", "reason", "Say why the match is changed"),
        ("courts", REASON, "choice", "Nothing to change"),
        ("elections", REASON, "choice", "Article 2 of this version is matched to that article already"),
        ("999999", REASON, "choice", "Choose an article from the list."),
    ],
)
def test_a_change_that_cannot_be_made_is_refused_with_what_to_do(
    wrong_draft_match, admin_user, choice, reason, field, message
):
    elections = Article.objects.get(version=wrong_draft_match.version, number="2").identity
    keys = {"budgets": _identity("budgets").pk, "courts": _identity("courts").pk, "elections": elections.pk}
    with pytest.raises(ValidationError) as refused:
        article_match_change(
            article=wrong_draft_match,
            changed_by=admin_user,
            data=MatchChange(choice=str(keys.get(choice, choice)), reason=reason),
        )
    assert message in " ".join(refused.value.message_dict[field])
    wrong_draft_match.refresh_from_db()
    assert wrong_draft_match.identity.key == "courts"
    assert not AuditEntry.objects.filter(action="document.article_match_changed").exists()


def test_a_change_from_a_page_shown_before_another_change_is_refused(wrong_draft_match, admin_user):
    shown = article_match_revision(wrong_draft_match)
    article_match_change(
        article=wrong_draft_match, changed_by=admin_user, data=MatchChange(choice=MATCH_NEW, reason=REASON)
    )
    with pytest.raises(ChangedMeanwhile):
        article_match_change(
            article=wrong_draft_match,
            changed_by=admin_user,
            data=MatchChange(choice=str(_identity("budgets").pk), reason=REASON, seen=shown),
        )
    wrong_draft_match.refresh_from_db()
    assert wrong_draft_match.identity.key.startswith("art-1")


@pytest.mark.parametrize("who", ["citizen", "moderator", "admin without a second factor"])
def test_only_an_administrator_with_a_second_factor_may_change_a_match(
    request, wrong_draft_match, who, settings
):
    settings.PORTAL_STAFF_MFA = "required"
    if who == "admin without a second factor":
        user = request.getfixturevalue("admin_user")
        user.__dict__.pop("_portal_roles", None)
        mark_second_factor(user, verified=False)
    else:
        user = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        article_match_change(
            article=wrong_draft_match,
            changed_by=user,
            data=MatchChange(choice=str(_identity("budgets").pk), reason=REASON),
        )
    wrong_draft_match.refresh_from_db()
    assert wrong_draft_match.identity.key == "courts"


def test_a_published_match_changed_moves_the_public_pages(wrong_draft_match, admin_user, client):
    """Published with the wrong match, the courts article's page showed the budgets text as its version 2."""
    document_version_publish(version=wrong_draft_match.version, actor=admin_user)
    courts = _identity("courts")
    assert (courts.number, courts.removed_in) == ("1", None)
    assert "each year" in client.get("/kk/consultations/reform/law/articles/courts/").content.decode()

    with translation.override("en"), pytest.raises(ValidationError, match="stay confirmed"):
        article_match_change(
            article=wrong_draft_match,
            changed_by=admin_user,
            data=MatchChange(choice=MATCH_UNCONFIRMED, reason=REASON),
        )
    changed = article_match_change(
        article=wrong_draft_match,
        changed_by=admin_user,
        data=MatchChange(choice=str(_identity("budgets").pk), reason=REASON),
    )
    courts.refresh_from_db()
    changed.identity.refresh_from_db()
    # The courts article was left out of version 2; the budgets article is version 2's article 1.
    assert (courts.number, courts.removed_in) == ("2", 2)
    assert (changed.identity.number, changed.identity.removed_in) == ("1", None)
    page = client.get("/kk/consultations/reform/law/articles/courts/").content.decode()
    assert "each year" not in page
    assert "each year" in client.get("/kk/consultations/reform/law/articles/budgets/").content.decode()


def test_only_the_latest_published_version_has_its_matches_changed(wrong_draft_match, admin_user, document):
    document_version_publish(version=wrong_draft_match.version, actor=admin_user)
    import_published(
        document=document, labels={"kk": "Үшінші"}, sources={"kk": ("kk.md", V1)}, imported_by=None
    )
    with pytest.raises(ValidationError, match="Version 3 was published after this one"):
        article_match_change(
            article=wrong_draft_match,
            changed_by=admin_user,
            data=MatchChange(choice=str(_identity("budgets").pk), reason=REASON),
        )


def test_what_named_an_article_no_other_version_has_follows_it_to_the_article_chosen(
    document, admin_user, citizen, monkeypatch
):
    """Published as new, the budgets text drew proposals under an identity of its own: it was the old
    budgets article all along, and those proposals concern it."""
    import_published(
        document=document, labels={"kk": "Бірінші"}, sources={"kk": ("kk.md", V1)}, imported_by=None
    )
    text = V2.replace("Budgets", "Budgets {#budgets-2024}", 1)
    version = document_version_publish(version=_import(document, text), actor=None)
    article = version.articles.get(number="1")
    proposal = ProposalFactory(consultation=document.consultation)
    proposal.articles.add(article.identity)
    Follow.objects.create(user=citizen, article=article.identity)
    budgets = _identity("budgets")
    mark_second_factor(admin_user, verified=True)
    renewed = []
    monkeypatch.setattr(document_services, "own_facts_changed", lambda people: renewed.extend(people))
    article_match_change(
        article=article, changed_by=admin_user, data=MatchChange(choice=str(budgets.pk), reason=REASON)
    )
    assert list(proposal.articles.all()) == [budgets]
    assert not ArticleIdentity.objects.filter(key="budgets-2024").exists()
    # The follower follows the chosen article, and a web process reads that afresh at their next page.
    assert Follow.objects.filter(user=citizen, article=budgets).exists()
    assert renewed == [citizen.pk]


# --- the staff page ---------------------------------------------------------------------------------------


def test_the_matches_page_leads_to_changing_a_confirmed_match_in_kazakh(
    wrong_draft_match, admin_user, client
):
    sign_in_staff(client, admin_user)
    document = wrong_draft_match.version.document_id
    page = client.get(f"/kk/staff/documents/{document}/matches/").content.decode()
    assert "Расталған сәйкестіктер" in page
    assert f"/kk/staff/articles/{wrong_draft_match.pk}/match/" in page
    form = client.get(f"/kk/staff/articles/{wrong_draft_match.pk}/match/").content.decode()
    assert "Сәйкестікті өзгерту" in form
    assert "Жаңа бап: бұрынғы нұсқалардың ешқайсысында жоқ" in form


def test_the_page_changes_the_match_and_keeps_what_was_typed_when_refused(
    wrong_draft_match, admin_user, client
):
    sign_in_staff(client, admin_user)
    url = f"/ru/staff/articles/{wrong_draft_match.pk}/match/"
    fields = form_fields(client.get(url), None)
    fields["choice"] = [str(_identity("budgets").pk)]
    # Without a reason: shown again in Russian, the choice kept.
    refused = client.post(url, {**fields, "reason": ""})
    assert refused.status_code == 400
    assert "Укажите, почему меняется соответствие" in refused.content.decode()
    assert refused.context["form"]["choice"].value() == str(_identity("budgets").pk)
    done = client.post(url, {**fields, "reason": REASON}, follow=True)
    assert "Статья 1 теперь сопоставлена с budgets." in done.content.decode()
    wrong_draft_match.refresh_from_db()
    assert wrong_draft_match.identity.key == "budgets"


def test_a_page_shown_before_another_change_keeps_the_reason_and_says_what_is_matched_now(
    wrong_draft_match, admin_user, client
):
    sign_in_staff(client, admin_user)
    url = f"/en/staff/articles/{wrong_draft_match.pk}/match/"
    first = form_fields(client.get(url), None)
    second = form_fields(client.get(url), None)
    client.post(url, {**first, "choice": MATCH_NEW, "reason": REASON})
    stale = client.post(url, {**second, "choice": str(_identity("budgets").pk), "reason": "Typed reason"})
    page = stale.content.decode()
    assert stale.status_code == 400
    assert "Someone else changed this match after you opened the page" in page
    assert "Typed reason" in page
    wrong_draft_match.refresh_from_db()
    assert wrong_draft_match.identity.key != "budgets"


def test_a_citizen_is_refused_and_staff_without_a_second_factor_are_sent_to_set_it_up(
    wrong_draft_match, citizen, admin_user, client, settings
):
    settings.PORTAL_STAFF_MFA = "required"
    url = f"/en/staff/articles/{wrong_draft_match.pk}/match/"
    data = {"choice": str(_identity("budgets").pk), "reason": REASON}
    client.force_login(citizen)
    assert client.post(url, data).status_code == 403
    client.force_login(admin_user)
    answer = client.post(url, data)
    assert answer.status_code == 302 and "/2fa/totp/activate/" in answer["Location"]
    wrong_draft_match.refresh_from_db()
    assert wrong_draft_match.identity.key == "courts"


def test_a_proposed_match_that_is_wrong_can_be_made_a_new_article_from_the_matches_page(
    document, admin_user, client
):
    """The confirming form offers only earlier articles: an article the importer took for an old one but
    which is new had no way to say so before publishing."""
    import_published(
        document=document, labels={"kk": "Бірінші"}, sources={"kk": ("kk.md", V1)}, imported_by=None
    )
    proposed = _import(document, V2).articles.get(number="1")
    sign_in_staff(client, admin_user)
    page = client.get(f"/en/staff/documents/{document.pk}/matches/").content.decode()
    url = f"/en/staff/articles/{proposed.pk}/match/"
    assert f'<p><a href="{url}">None of these: a new article</a></p>' in page
    # The proposed article is named as readers know it, not by its key alone.
    assert "<td>Article 1. Budgets <code>budgets</code></td>" in page
    assert ">2. Courts (courts)</option>" in page
    client.post(url, {**form_fields(client.get(url), None), "choice": MATCH_NEW, "reason": REASON})
    proposed.refresh_from_db()
    assert not proposed.identity_proposed
    assert proposed.identity.key == "art-1"
