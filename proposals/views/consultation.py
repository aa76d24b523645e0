"""Reading the consultation and its draft: the phases, the table of contents, one article."""

from django.http import Http404
from django.shortcuts import get_object_or_404, render

from ..models import ArticleIdentity, Consultation, Document
from ..selectors import consultation as consultation_selectors
from ..selectors import document as document_selectors
from ..selectors.proposal import article_proposals


def consultation_detail(request, slug):
    consultation = get_object_or_404(Consultation.objects.prefetch_related("phases", "documents"), slug=slug)
    return render(
        request,
        "proposals/consultation_detail.html",
        {"consultation": consultation, "timeline": consultation_selectors.phase_timeline(consultation)},
    )


def _document(slug, document_slug) -> Document:
    return get_object_or_404(
        Document.objects.select_related("consultation"), consultation__slug=slug, slug=document_slug
    )


def _chosen_version(request, document):
    versions = list(document.versions.order_by("position"))
    if not versions:
        raise Http404
    wanted = request.GET.get("version", "")
    chosen = next((v for v in versions if str(v.position) == wanted), versions[-1])
    return versions, chosen


def document_detail(request, slug, document):
    document = _document(slug, document)
    versions, version = _chosen_version(request, document)
    sections = document_selectors.version_table_of_contents(version)
    return render(
        request,
        "proposals/document_detail.html",
        {"document": document, "versions": versions, "version": version, "sections": sections},
    )


def article_detail(request, slug, document, key):
    document = _document(slug, document)
    identity = get_object_or_404(ArticleIdentity, document=document, key=key)
    versions, version = _chosen_version(request, document)
    article = document_selectors.article_in_version(identity, version)
    history = document_selectors.article_history(identity)
    if article is None and not history:
        raise Http404
    language = request.LANGUAGE_CODE
    paragraphs = []
    if article is not None:
        for paragraph in article.paragraphs.all():
            text = getattr(paragraph, f"text_{language}", "")
            paragraphs.append(
                {"paragraph": paragraph, "text": text, "available": paragraph.languages_of("text")}
            )
    proposals = article_proposals(identity_id=identity.pk)[:10]
    return render(
        request,
        "proposals/article_detail.html",
        {
            "document": document,
            "identity": identity,
            "versions": versions,
            "version": version,
            "article": article,
            "paragraphs": paragraphs,
            "history": history,
            "proposals": proposals,
            "proposals_count": document_selectors.article_proposal_count(identity),
            "follows": request.user.is_authenticated and identity.follows.filter(user=request.user).exists(),
        },
    )
