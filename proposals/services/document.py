"""A draft's versions: imported (all languages parsed and checked first, then written in one transaction) as a
draft only staff see, then published by a staff member, or discarded while still a draft."""

from __future__ import annotations

import heapq
from dataclasses import dataclass
from difflib import SequenceMatcher

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from portal.accounts.models import User
from portal.core.audit import audit_record
from portal.core.revisions import CHANGED_MEANWHILE, refuse_if_changed, revision
from portal.core.text import plain_text
from proposals.permissions.consultation import can_import_document

from ..documents.draft_format import ParsedArticle, merge, parse
from ..models import Article, ArticleIdentity, Document, DocumentVersion, Follow, Paragraph, Section
from ..models.translated import LANGUAGE_ORDER as LANGUAGES
from ..selectors.reader_facts import own_facts_changed

# Below this similarity an unmarked article is treated as new rather than as a changed old one.
MATCH_THRESHOLD = 0.55
# The old articles whose exact similarity is worked out for each new one: those closest by shared trigrams.
# The exact measure costs about 5 ms for two articles of 700 characters; every pair of two 100-article
# versions took a minute of the import request.
MATCH_SHORTLIST = 3
# What may name an article identity; one no relation names is left over when its version goes.
ARTICLE_IDENTITY_REFERENCES = ("versions", "proposals", "responses", "commitments", "follows", "agenda_items")


def _article_text(article: ParsedArticle) -> str:
    return " ".join(paragraph.text for paragraph in article.paragraphs)


def _propose_identities(
    document: Document, articles: list[ParsedArticle]
) -> dict[str, tuple[ArticleIdentity | None, bool]]:
    """For each article number: the identity to use and whether it was proposed by similarity.

    Explicit keys win. Unmarked articles are matched to the previous version's articles by text similarity,
    best pairs first, each old article at most once; what stays unmatched gets a new identity.
    """
    previous = document.versions.order_by("-position").first()
    result: dict[str, tuple[ArticleIdentity | None, bool]] = {}
    taken: set[int] = set()
    for article in articles:
        if article.key:
            identity, _created = ArticleIdentity.objects.get_or_create(document=document, key=article.key)
            result[article.number] = (identity, False)
            taken.add(identity.pk)
    if previous is not None:
        old = {
            a.identity_id: (
                a.identity,
                " ".join(p.text_kk or p.text_ru or p.text_en for p in a.paragraphs.all()),
            )
            for a in Article.objects.filter(version=previous)
            .select_related("identity")
            .prefetch_related("paragraphs")
        }
        old_trigrams = [(identity, old_text, _trigrams(old_text)) for identity, old_text in old.values()]
        candidates = []
        for article in articles:
            if article.number in result:
                continue
            text = _article_text(article)
            trigrams = _trigrams(text)
            closest = heapq.nlargest(
                MATCH_SHORTLIST, old_trigrams, key=lambda entry: _dice(trigrams, entry[2])
            )
            for identity, old_text, _old in closest:
                ratio = SequenceMatcher(None, text, old_text, autojunk=False).ratio()
                if ratio >= MATCH_THRESHOLD:
                    candidates.append((ratio, article.number, identity))
        for _ratio, number, identity in sorted(candidates, key=lambda c: c[0], reverse=True):
            if number not in result and identity.pk not in taken:
                result[number] = (identity, True)
                taken.add(identity.pk)
    for article in articles:
        if article.number not in result:
            result[article.number] = (None, False)
    return result


def _trigrams(text: str) -> set[str]:
    folded = " ".join(text.casefold().split())
    return {folded[start : start + 3] for start in range(max(len(folded) - 2, 1))}


def _dice(first: set[str], second: set[str]) -> float:
    return 2 * len(first & second) / (len(first) + len(second) or 1)


def _new_identity(document: Document, number: str) -> ArticleIdentity:
    base = f"art-{number}".lower()
    key, counter = base, 2
    while ArticleIdentity.objects.filter(document=document, key=key).exists():
        key, counter = f"{base}-{counter}", counter + 1
    return ArticleIdentity.objects.create(document=document, key=key)


@transaction.atomic
def document_version_import(
    *,
    document: Document,
    labels: dict[str, str],
    sources: dict[str, tuple[str, str]],
    imported_by: User | None,
) -> DocumentVersion:
    """Adds a draft version from one Markdown text per language ({language: (file name, text)}); it stays
    out of public pages, API and open data until `document_version_publish`.

    Raises DocumentFormatError (file, line, what was expected) before anything is written. The text is
    normalised as every typed input is (`plain_text`): a NUL byte from an uploaded file would fail on
    PostgreSQL, and bidi overrides could make an article read otherwise than its stored words.
    """
    if imported_by is not None and not can_import_document(imported_by):
        raise PermissionDenied(_("Only administrators can import documents."))
    unknown = set(sources) - set(LANGUAGES)
    if unknown or not sources:
        raise ValueError(f"languages must be among {LANGUAGES}")
    parsed = {language: parse(plain_text(text), file=name) for language, (name, text) in sources.items()}
    merge(parsed)
    reference = parsed[next(iter(parsed))]
    identities = _propose_identities(document, reference.articles())
    position = (document.versions.order_by("-position").values_list("position", flat=True).first() or 0) + 1
    version = DocumentVersion.objects.create(
        document=document, position=position, **{f"label_{code}": labels.get(code, "") for code in LANGUAGES}
    )
    article_position = 0
    paragraphs = []
    for section_index, ref_section in enumerate(reference.sections):
        section = Section.objects.create(
            version=version,
            position=section_index + 1,
            number=ref_section.number,
            **{f"heading_{code}": parsed[code].sections[section_index].heading for code in parsed},
        )
        for article_index, ref_article in enumerate(ref_section.articles):
            article_position += 1
            identity, proposed = identities[ref_article.number]
            if identity is None:
                identity = _new_identity(document, ref_article.number)
            headings = {
                f"heading_{code}": parsed[code].sections[section_index].articles[article_index].heading
                for code in parsed
            }
            article = Article.objects.create(
                version=version,
                section=section,
                identity=identity,
                position=article_position,
                number=ref_article.number,
                identity_proposed=proposed,
                **headings,
            )
            for paragraph_index, ref_paragraph in enumerate(ref_article.paragraphs):
                paragraphs.append(
                    Paragraph(
                        article=article,
                        number=ref_paragraph.number,
                        **{
                            f"text_{code}": parsed[code]
                            .sections[section_index]
                            .articles[article_index]
                            .paragraphs[paragraph_index]
                            .text
                            for code in parsed
                        },
                    )
                )
    Paragraph.objects.bulk_create(paragraphs, batch_size=1000)
    audit_record(actor=imported_by, action="document.version_imported", target=version)
    return version


def _require_importer(actor) -> None:
    if actor is not None and not can_import_document(actor):
        raise PermissionDenied(_("Only administrators can publish or discard document versions."))


@transaction.atomic
def document_version_publish(*, version: DocumentVersion, actor, now=None) -> DocumentVersion:
    """Makes a draft version public from `now`. Versions are published in order, so the latest published
    version is always the last one the public reads, and its articles name their identities in lists."""
    _require_importer(actor)
    locked = DocumentVersion.objects.select_for_update().get(pk=version.pk)
    if locked.is_published:
        raise ValidationError(_("This version is already published."))
    earlier_draft = (
        DocumentVersion.objects.filter(document_id=locked.document_id, position__lt=locked.position)
        .filter(published_at__isnull=True)
        .order_by("position")
        .first()
    )
    if earlier_draft is not None:
        raise ValidationError(
            _("Publish or discard version %(number)d first.") % {"number": earlier_draft.position}
        )
    # A guessed match decides which article's history, proposals, answers and followers the new text joins;
    # once public, correcting it would rewrite what readers already followed.
    unconfirmed = Article.objects.filter(version=locked, identity_proposed=True).count()
    if unconfirmed:
        raise ValidationError(
            ngettext(
                "Confirm the %(count)d article match proposed by similarity first.",
                "Confirm the %(count)d article matches proposed by similarity first.",
                unconfirmed,
            )
            % {"count": unconfirmed}
        )
    locked.published_at = now or timezone.now()
    locked.published_by = actor
    locked.save(update_fields=["published_at", "published_by"])
    for article in Article.objects.filter(version=locked):
        ArticleIdentity.objects.filter(pk=article.identity_id).update(
            number=article.number,
            removed_in=None,
            **{f"heading_{code}": getattr(article, f"heading_{code}") for code in LANGUAGES},
        )
    # An article this version leaves out keeps its last number, which may now be another article's.
    left_out = ArticleIdentity.objects.published().filter(document_id=locked.document_id)
    left_out.filter(removed_in__isnull=True).exclude(versions__version=locked).update(
        removed_in=locked.position
    )
    audit_record(actor=actor, action="document.version_published", target=locked)
    return locked


@transaction.atomic
def document_version_discard(*, version: DocumentVersion, actor) -> None:
    """Removes a draft version imported by mistake, with the article identities only it had."""
    _require_importer(actor)
    locked = DocumentVersion.objects.select_for_update().get(pk=version.pk)
    if locked.is_published:
        raise ValidationError(_("A published version cannot be discarded."))
    if locked.responses.exists():
        raise ValidationError(_("A Commission answer refers to this version."))
    if DocumentVersion.objects.filter(document_id=locked.document_id, position__gt=locked.position).exists():
        raise ValidationError(_("Discard the later versions first."))
    identity_ids = list(Article.objects.filter(version=locked).values_list("identity_id", flat=True))
    # An answer naming an article new in this draft would be left pointing at an article no version has.
    if (
        ArticleIdentity.objects.filter(pk__in=identity_ids, responses__isnull=False)
        .exclude(pk__in=ArticleIdentity.objects.published())
        .exists()
    ):
        raise ValidationError(_("A Commission answer names an article new in this version."))
    audit_record(actor=actor, action="document.version_discarded", target=locked.document)
    locked.delete()
    # Identities nothing else refers to go with it; one that a proposal, answer, follow or agenda names stays.
    unreferenced = {f"{relation}__isnull": True for relation in ARTICLE_IDENTITY_REFERENCES}
    ArticleIdentity.objects.filter(pk__in=identity_ids, **unreferenced).delete()


@transaction.atomic
def article_identity_confirm(
    *,
    article: Article,
    identity: ArticleIdentity | None,
    confirmed_by: User,
    shown_identity_id: int | None = None,
) -> Article:
    """An admin confirms (identity=None keeps it) or corrects the identity proposed by similarity, which the
    page showed as `shown_identity_id`. A match another admin confirmed since keeps their decision unless it
    is the same: the choice was made about what the page showed."""
    if not can_import_document(confirmed_by):
        raise PermissionDenied(_("Only administrators can confirm article matches."))
    if article.version.is_published:
        raise ValidationError(_("The articles of a published version keep their identities."))
    article = Article.objects.select_for_update().select_related("identity").get(pk=article.pk)
    if not article.identity_proposed:
        wanted = identity.pk if identity is not None else shown_identity_id
        if wanted is None or wanted == article.identity_id:
            return article
        raise ValidationError(
            _(
                "Someone else confirmed this match while you were looking: article %(number)s stays matched "
                "to %(key)s."
            )
            % {"number": article.number, "key": article.identity.key},
            code=CHANGED_MEANWHILE,
        )
    if identity is not None and identity.pk != article.identity_id:
        if Article.objects.filter(version=article.version, identity=identity).exists():
            raise ValueError("that identity is already used in this version")
        article.identity = identity
    article.identity_proposed = False
    article.save(update_fields=["identity", "identity_proposed"])
    audit_record(actor=confirmed_by, action="document.article_match_confirmed", target=article)
    return article


# What a confirmed match may be changed to besides another article identity of the document.
MATCH_NEW = "new"
MATCH_UNCONFIRMED = "unconfirmed"
# The relations that follow an article identity which the change leaves in no version: the same article
# under the identity chosen now.
_MOVED_WITH_THE_ARTICLE = ("proposals", "responses", "commitments", "agenda_items")


@dataclass(frozen=True)
class MatchChange:
    # An article identity's id (as text), MATCH_NEW or MATCH_UNCONFIRMED.
    choice: str
    reason: str
    # The match as the page showed it (`article_match_revision`); None: not checked.
    seen: str | None = None


def article_match_revision(article: Article) -> str:
    """The mark of an article's match: which identity, and whether it is confirmed."""
    return revision({"identity": article.identity_id, "proposed": article.identity_proposed})


@transaction.atomic
def article_match_change(*, article: Article, changed_by: User, data: MatchChange) -> Article:
    """Changes a match already confirmed: to another article of the document, to a new article of its own,
    or (in a draft) back to unconfirmed, which keeps the version from being published until it is confirmed
    again. A published version's matches change only in the latest one: a later version was matched against
    it. The identities touched repeat the latest published text again, so public lists and article pages
    follow; an identity the change leaves in no version was the same article, and what named it (proposals,
    answers, commitments, hearing agendas, followers) moves to the one chosen. The reason is kept in the
    audit log with what the match was before and after."""
    if not can_import_document(changed_by):
        raise PermissionDenied(_("Only administrators can change article matches."))
    locked = Article.objects.select_for_update().select_related("identity", "version").get(pk=article.pk)
    refuse_if_changed(
        seen=data.seen,
        now=article_match_revision(locked),
        saved=locked,
        message=_(
            "Someone else changed this match after you opened the page; nothing is changed. Article "
            "%(number)s is now matched to %(key)s. Choose again; your reason is kept."
        )
        % {"number": locked.number, "key": locked.identity.key},
    )
    version, before = locked.version, locked.identity
    errors: dict[str, list[str]] = {}
    reason = data.reason.strip()
    if not reason:
        errors["reason"] = [_("Say why the match is changed: the reason is kept in the audit log.")]
    if version.is_published:
        latest = (
            DocumentVersion.objects.published().filter(document_id=version.document_id).latest("position")
        )
        if latest.pk != version.pk:
            errors["choice"] = [
                _(
                    "Version %(number)d was published after this one and was matched against it: only the "
                    "latest published version's matches can be changed."
                )
                % {"number": latest.position}
            ]
        elif data.choice == MATCH_UNCONFIRMED:
            errors["choice"] = [_("A published version's matches stay confirmed: choose an article instead.")]
    target = None if errors else _match_target(locked, data.choice, errors)
    if errors:
        raise ValidationError(errors)
    if data.choice == MATCH_UNCONFIRMED:
        locked.identity_proposed = True
    else:
        locked.identity = target if target is not None else _new_identity(version.document, locked.number)
        locked.identity_proposed = False
    locked.save(update_fields=["identity", "identity_proposed"])
    if version.is_published:
        for identity in (before, locked.identity):
            _repeat_latest_published(identity)
    if before.pk != locked.identity_id and not before.versions.exists():
        _move_references(before, locked.identity)
    audit_record(
        actor=changed_by,
        action="document.article_match_changed",
        target=locked,
        details={
            "reason": reason,
            "version": version.position,
            "identity": {"from": before.key, "to": locked.identity.key},
            "unconfirmed": locked.identity_proposed,
        },
    )
    return locked


def _match_target(article: Article, choice: str, errors: dict) -> ArticleIdentity | None:
    """The identity `choice` names for `article` (None for a new one or for unconfirming); a choice that
    changes nothing or that another article of the version holds goes into `errors`."""
    nothing = [_("Nothing to change: the article is matched so already.")]
    if choice == MATCH_UNCONFIRMED:
        if article.identity_proposed:
            errors["choice"] = nothing
        return None
    if choice == MATCH_NEW:
        if not article.identity.versions.exclude(pk=article.pk).exists():
            errors["choice"] = [_("Nothing to change: no other version has this article, it is new already.")]
        return None
    target = (
        ArticleIdentity.objects.filter(document_id=article.version.document_id, pk=int(choice)).first()
        if choice.isascii() and choice.isdigit() and len(choice) < 11
        else None
    )
    if target is None:
        errors["choice"] = [_("Choose an article from the list.")]
    elif target.pk == article.identity_id and not article.identity_proposed:
        errors["choice"] = nothing
    elif holder := Article.objects.filter(version_id=article.version_id, identity=target).first():
        errors["choice"] = [
            _(
                "Article %(number)s of this version is matched to that article already. Change its match "
                "first (to a new article, for example), then this one."
            )
            % {"number": holder.number}
        ]
    return target


def _repeat_latest_published(identity: ArticleIdentity) -> None:
    """Sets what `identity` repeats of the latest published version that has it, as publishing does."""
    latest = (
        Article.objects.filter(identity=identity, version__published_at__isnull=False)
        .select_related("version")
        .order_by("-version__position")
        .first()
    )
    if latest is None:
        return
    newest = DocumentVersion.objects.published().filter(document_id=identity.document_id).latest("position")
    ArticleIdentity.objects.filter(pk=identity.pk).update(
        number=latest.number,
        removed_in=None if latest.version_id == newest.pk else latest.version.position + 1,
        **{f"heading_{code}": getattr(latest, f"heading_{code}") for code in LANGUAGES},
    )


def _move_references(old: ArticleIdentity, new: ArticleIdentity) -> None:
    """`old` named no other version's article: what named it concerns the article now matched to `new`."""
    for relation in _MOVED_WITH_THE_ARTICLE:
        getattr(new, relation).add(*getattr(old, relation).all())
    following = Follow.objects.filter(article=new).values("user_id")
    followers = list(Follow.objects.filter(article=old).values_list("user_id", flat=True))
    Follow.objects.filter(article=old).exclude(user_id__in=following).update(article=new)
    old.delete()
    own_facts_changed(followers)  # they follow the article at its new identity's address
