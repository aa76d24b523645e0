"""Reading the consultation and its draft: the phases, the table of contents, one article."""

from django.db.models import Exists, OuterRef, Value
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from portal.core.page_cache import cache_anonymous_page
from portal.core.roles import is_staff_member
from portal.core.shared_pages import render_for_reader
from proposals.permissions.consultation import intake_is_open

from ..documents.akoma_ntoso import LANGUAGE_CODES, export_version
from ..models import ArticleIdentity, Consultation, Document, Follow
from ..permissions import consultation as consultation_permissions
from ..selectors import consultation as consultation_selectors
from ..selectors import document as document_selectors
from ..selectors.commitment import commitments_for_article
from ..selectors.comparison import compare_versions
from ..selectors.document import version_for_export
from ..selectors.proposal import article_proposals
from ..selectors.reader_facts import reader_follows_article
from ..selectors.response import article_changes


def visible_consultation(request, slug, queryset=None) -> Consultation:
    """The consultation at this address, or 404 for one the reader may not see (a draft, to the public): every
    page under a consultation's address starts here."""
    consultation = get_object_or_404(Consultation if queryset is None else queryset, slug=slug)
    if not consultation_permissions.can_view_consultation(request.user, consultation):
        raise Http404
    return consultation


@cache_anonymous_page()
def consultation_detail(request, slug):
    consultation = visible_consultation(
        request, slug, Consultation.objects.prefetch_related("phases", "documents")
    )
    return render(
        request,
        "proposals/consultation_detail.html",
        {
            "consultation": consultation,
            "timeline": consultation_selectors.phase_timeline(consultation),
            "intake_open": intake_is_open(consultation),
        },
    )


def _document(slug, document_slug, user=None) -> Document:
    document = get_object_or_404(
        Document.objects.select_related("consultation"), consultation__slug=slug, slug=document_slug
    )
    if not consultation_permissions.can_view_consultation(user, document.consultation):
        raise Http404
    return document


def _chosen_version(request, document):
    versions = document_selectors.visible_versions(document, request.user)
    if not versions:
        raise Http404
    wanted = request.GET.get("version", "")
    if not wanted:
        return versions, versions[-1]
    chosen = next((v for v in versions if str(v.position) == wanted), None)
    if chosen is None:
        # A link to a version there is not (or not for this reader) would otherwise show another version's
        # text under the asked-for address, as if it were that version's.
        raise Http404
    return versions, chosen


@cache_anonymous_page()
def document_detail(request, slug, document):
    document = _document(slug, document, request.user)
    versions, version = _chosen_version(request, document)
    sections = document_selectors.version_table_of_contents(version)
    return render(
        request,
        "proposals/document_detail.html",
        {
            "document": document,
            "versions": versions,
            "version": version,
            "sections": sections,
            "akn_language": _export_language(request, version),
        },
    )


@cache_anonymous_page()
def article_detail(request, slug, document, key):
    # Staff may read unpublished versions: their page is their own. Every other signed-in reader's page
    # differs only by whether they follow the article, read first, in one query: a reader given the stored
    # page needs nothing more, and the article is looked up only to render it.
    situation = None
    if request.user.is_authenticated and not is_staff_member(request.user):
        follows = reader_follows_article(
            consultation_slug=slug, document_slug=document, key=key, reader=request.user
        )
        situation = (follows,)
    return render_for_reader(
        request,
        "proposals/article_detail.html",
        lambda: _article_context(request, slug, document, key),
        situation=situation,
    )


def _article_context(request, slug, document, key) -> dict:
    document = _document(slug, document, request.user)
    identity = get_object_or_404(_identity_with_follow(request.user), document=document, key=key)
    versions, version = _chosen_version(request, document)
    article = document_selectors.article_heading_in_version(identity, version)
    if article is None and not document_selectors.article_history(identity):
        raise Http404
    language = request.LANGUAGE_CODE
    # The text, history, answers, commitments and proposals are the same for every reader: the template
    # renders them once per change of the site and shares them, so they are read only then.
    return {
        "document": document,
        "identity": identity,
        "versions": versions,
        "version": version,
        "article": article,
        "paragraphs": lambda: _paragraphs(article, language),
        "history": lambda: document_selectors.article_history(identity),
        "proposals": lambda: list(article_proposals(identity_id=identity.pk)[:10]),
        "proposals_count": lambda: document_selectors.article_proposal_count(identity),
        "changes": lambda: article_changes(identity=identity, language=language),
        "commitments": lambda: commitments_for_article(identity),
        "neighbours": lambda: document_selectors.article_neighbours(article) if article else None,
        "intake_closed": lambda: consultation_selectors.intake_closed_note(document.consultation),
        "proposable": lambda: _proposable(identity, article, version, versions),
        "follows": identity.followed,
    }


def _proposable(identity, article, version, versions) -> bool:
    """Whether a proposal can name the article: the latest published version has it. Read from the page's
    own version when that is the one, without a query."""
    latest = next((v for v in reversed(versions) if v.is_published), None)
    if version == latest:
        return article is not None
    return document_selectors.in_latest_version(identity)


def _paragraphs(article, language: str) -> list[dict]:
    if article is None:
        return []
    return [
        {
            "paragraph": paragraph,
            "text": getattr(paragraph, f"text_{language}", ""),
            "available": paragraph.languages_of("text"),
        }
        for paragraph in document_selectors.article_paragraphs(article)
    ]


def _identity_with_follow(viewer):
    """Article identities with whether the reader follows each, read in the same query."""
    if not viewer.is_authenticated:
        return ArticleIdentity.objects.annotate(followed=Value(False))
    return ArticleIdentity.objects.annotate(
        followed=Exists(Follow.objects.filter(article=OuterRef("pk"), user=viewer))
    )


def document_compare(request, slug, document):
    """Two versions side by side: a summary, then each changed article as a word-level diff."""
    document = _document(slug, document, request.user)
    versions = document_selectors.visible_versions(document, request.user)
    if len(versions) < 2:
        raise Http404
    by_position = {str(v.position): v for v in versions}
    error = None
    old_version = by_position.get(request.GET.get("from", ""), versions[-2])
    new_version = by_position.get(request.GET.get("to", ""), versions[-1])
    if ("from" in request.GET and request.GET["from"] not in by_position) or (
        "to" in request.GET and request.GET["to"] not in by_position
    ):
        error = _("There is no such version; the two latest versions are compared instead.")
        old_version, new_version = versions[-2], versions[-1]
    if old_version == new_version:
        error = _("Choose two different versions.")
    rows, summary = compare_versions(
        old_version=old_version, new_version=new_version, language=request.LANGUAGE_CODE
    )
    show_all = request.GET.get("show") == "all"
    return render(
        request,
        "proposals/document_compare.html",
        {
            "document": document,
            "versions": versions,
            "old_version": old_version,
            "new_version": new_version,
            "rows": rows if show_all else [row for row in rows if row.status != "unchanged" or row.moved],
            "summary": summary,
            "error": error,
            "show_all": show_all,
        },
    )


def _export_language(request, version) -> str:
    """The reader's language when the version has its text, else the first language it has."""
    languages = document_selectors.version_languages(version)
    return request.LANGUAGE_CODE if request.LANGUAGE_CODE in languages or not languages else languages[0]


def version_akn(request, slug, document, position):
    """The version as Akoma Ntoso 3.0 XML in ?language=kk|ru|en (default: the page's language, if the version
    has it)."""
    document = _document(slug, document, request.user)
    version = next(
        (v for v in document_selectors.visible_versions(document, request.user) if v.position == position),
        None,
    )
    if version is None:
        raise Http404
    language = request.GET.get("language") or _export_language(request, version)
    if language not in LANGUAGE_CODES:
        return HttpResponse("language must be kk, ru or en", status=400, content_type="text/plain")
    if language not in document_selectors.version_languages(version):
        # An expression in a language is that language's text: another language's text under its name
        # would be wrong data, not a fallback.
        return HttpResponse(
            f"this version has no text in {language}", status=404, content_type="text/plain; charset=utf-8"
        )
    xml = export_version(
        work_id=f"{slug}/{document.slug}",
        work_date=document_selectors.work_date(document),
        version_label=version.translated("label", language),
        version_number=version.position,
        created=version.created_at.date(),
        language=language,
        sections=version_for_export(version, language),
    )
    response = HttpResponse(xml, content_type="application/akn+xml; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="{document.slug}-v{version.position}-{language}.xml"'
    )
    return response
