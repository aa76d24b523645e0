"""The rows of the open data exports: public proposals, their status and their published answer."""

from collections.abc import Iterator

from django.conf import settings
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from ..models import ArticleIdentity, ObligationRule, ProposalResponse, ResponseState
from .commitment import OPEN_DATA_RESOURCES, in_dictionary_languages, iso_utc, table_schema
from .moderation_open_data import MODERATION_RESOURCES
from .proposal import with_supports_by_level
from .public import public_proposals
from .response import (
    PUBLIC_ANSWER_ARTICLES,
    PUBLIC_CORRECTIONS,
    answer_deadline,
    obligation_rules,
    public_corrections,
)

FIELDS = (
    "id",
    "url",
    "consultation",
    "title",
    "summary",
    "language",
    "status",
    "submitter_type",
    "organisation",
    "topic",
    "articles",
    "supports_count",
    "supports_signature",
    "supports_national_sign_in",
    "supports_self_declared",
    "supports_staff",
    "comments_count",
    "published_at",
    "responded_at",
    "cluster_of",
    "cluster_size",
    "answer_deadline",
    "answered_on_time",
    "response_status",
    "response_reasoning_kk",
    "response_reasoning_ru",
    "response_reasoning_en",
    "response_articles",
    "response_version",
    "response_published_at",
    "response_corrections",
)

# The data dictionary: each field's Frictionless type and what it holds (shown in kk, ru and en).
FIELD_DICTIONARY = {
    "id": ("integer", _("Number of the proposal on the portal.")),
    "url": ("string", _("Address of the proposal's public page.")),
    "consultation": ("string", _("Short name (slug) of the consultation.")),
    "title": ("string", _("Title, as the author wrote it.")),
    "summary": ("string", _("Summary, as the author wrote it.")),
    "language": ("string", _("Language the proposal is written in: kk, ru or en.")),
    "status": ("string", _("Status code of the proposal, e.g. published or responded.")),
    "submitter_type": ("string", _("Submitted by a person or an organisation: individual or organisation.")),
    "organisation": ("string", _("Name of the organisation that submitted it, if any.")),
    "topic": ("string", _("Short name (slug) of the topic.")),
    "articles": ("string", _("Keys of the articles the proposal refers to, separated by spaces.")),
    "supports_count": ("integer", _("Number of supports by verified people.")),
    "supports_signature": ("integer", _("Supports resting on a digital signature (strong).")),
    "supports_national_sign_in": ("integer", _("Supports resting on the national sign-in (strong).")),
    "supports_self_declared": ("integer", _("Supports resting on a self-declared IIN (weak).")),
    "supports_staff": ("integer", _("Supports resting on a check by the portal's staff.")),
    "comments_count": ("integer", _("Number of public comments.")),
    "published_at": ("datetime", _("When the proposal was published (UTC, ISO 8601).")),
    "responded_at": ("datetime", _("When the Commission's answer was published (UTC, ISO 8601).")),
    "cluster_of": ("integer", _("Number of the proposal that represents its campaign cluster, if any.")),
    "cluster_size": ("integer", _("Number of identical proposals in its campaign cluster.")),
    "answer_deadline": ("datetime", _("Date by which an answer is due (UTC, ISO 8601).")),
    "answered_on_time": ("boolean", _("Whether the answer was published by the deadline.")),
    "response_status": ("string", _("Code of the answer: accepted, partially_accepted, rejected and so on.")),
    "response_reasoning_kk": ("string", _("Reasons of the answer in Kazakh.")),
    "response_reasoning_ru": ("string", _("Reasons of the answer in Russian.")),
    "response_reasoning_en": ("string", _("Reasons of the answer in English.")),
    "response_articles": ("string", _("Keys of the articles the answer changed, separated by spaces.")),
    "response_version": (
        "integer",
        _(
            "Number (position) of the draft version that reflects the answer; "
            "empty until that version is published."
        ),
    ),
    "response_published_at": ("datetime", _("When the answer was published (UTC, ISO 8601).")),
    "response_corrections": (
        "string",
        _(
            "When and why the articles or the version the answer names were corrected, oldest first: one "
            "line each, the time (UTC, ISO 8601) and the reason (objects with at and reason in JSON). "
            "The decision and its reasons are never corrected."
        ),
    ),
}


def open_data_rows(*, site_url: str, consultation=None) -> Iterator[dict]:
    """One dict per public proposal (of `consultation` when given), oldest first, read in chunks. A cluster
    member carries its representative's answer (one answer for the whole cluster)."""
    rules = list(ObligationRule.objects.filter(is_active=True))
    responses = {
        response.proposal_id: response
        for response in ProposalResponse.objects.filter(state=ResponseState.PUBLISHED)
        .select_related("version")
        .prefetch_related(
            Prefetch("articles", queryset=PUBLIC_ANSWER_ARTICLES.order_by("id")),
            Prefetch("transitions", queryset=PUBLIC_CORRECTIONS, to_attr="corrections"),
        )
    }
    proposals = public_proposals()
    if consultation is not None:
        proposals = proposals.filter(consultation=consultation)
    queryset = with_supports_by_level(
        proposals.select_related("consultation", "organisation", "topic", "cluster_of")
        .prefetch_related(Prefetch("articles", queryset=ArticleIdentity.objects.order_by("id")))
        .order_by("published_at", "id")
    )
    # Links in the default language, whatever language the request negotiated.
    with translation.override(settings.LANGUAGE_CODE):
        page_url = site_url + reverse("proposal_detail", kwargs={"pk": 0})[:-2]
    for proposal in queryset.iterator(chunk_size=2000):
        response = responses.get(proposal.cluster_of_id or proposal.pk)
        deadline = answer_deadline(proposal, obligation_rules(proposal.consultation_id, among=rules))
        yield {
            "id": proposal.pk,
            "url": f"{page_url}{proposal.pk}/",
            "consultation": proposal.consultation.slug,
            "title": proposal.title,
            "summary": proposal.summary,
            "language": proposal.language,
            "status": proposal.status,
            "submitter_type": proposal.submitter_type,
            "organisation": proposal.organisation.name if proposal.organisation_id else None,
            "topic": proposal.topic.slug if proposal.topic_id else None,
            "articles": [article.key for article in proposal.articles.all()],
            "supports_count": proposal.supports_count,
            "supports_signature": proposal.supports_signature,
            "supports_national_sign_in": proposal.supports_national_sign_in,
            "supports_self_declared": proposal.supports_self_declared,
            "supports_staff": proposal.supports_staff,
            "comments_count": proposal.comments_count,
            "published_at": iso_utc(proposal.published_at),
            "responded_at": iso_utc(proposal.responded_at),
            "cluster_of": proposal.cluster_of_id,
            "cluster_size": proposal.cluster_size,
            "answer_deadline": iso_utc(deadline),
            "answered_on_time": (response.published_at <= deadline) if response and deadline else None,
            "response_status": response.status if response else None,
            "response_reasoning_kk": response.reasoning_kk if response else None,
            "response_reasoning_ru": response.reasoning_ru if response else None,
            "response_reasoning_en": response.reasoning_en if response else None,
            "response_articles": [article.key for article in response.articles.all()] if response else [],
            "response_version": response.public_version.position
            if response and response.public_version
            else None,
            "response_published_at": iso_utc(response.published_at) if response else None,
            "response_corrections": [
                {"at": iso_utc(correction["at"]), "reason": correction["reason"]}
                for correction in public_corrections(response)
            ]
            if response
            else [],
        }


LICENCE = {
    "name": "CC-BY-4.0",
    "title": "Creative Commons Attribution 4.0 International",
    "path": "https://creativecommons.org/licenses/by/4.0/",
}
DICTIONARY_LANGUAGES = ("kk", "ru", "en")


def _descriptions(text) -> dict[str, str]:
    descriptions = {}
    for code in DICTIONARY_LANGUAGES:
        with translation.override(code):
            descriptions[code] = str(text)
    return descriptions


def open_data_package(*, site_url: str) -> dict:
    """The Frictionless data package of the open data: licence, and each field's type and meaning in kk, ru
    and en (`description` in English, the standard's one text; `descriptions` per language). Values are
    codes, numbers and UTC times: the same whatever the reader's language."""
    fields = []
    for name in FIELDS:
        field_type, description = FIELD_DICTIONARY[name]
        texts = _descriptions(description)
        field = {"name": name, "type": field_type, "description": texts["en"], "descriptions": texts}
        if field_type == "datetime":
            field["format"] = "default"
        fields.append(field)
    titles = _descriptions(_("Proposals of the public consultations and the Commission's answers"))
    return {
        "profile": "tabular-data-package",
        "name": "qatysu-proposals",
        "title": titles["en"],
        "titles": titles,
        "homepage": f"{site_url}/open-data/",
        "licenses": [LICENCE],
        "resources": [
            {
                "profile": "tabular-data-resource",
                "name": "proposals",
                "title": titles["en"],
                "titles": titles,
                "path": f"{site_url}/open-data/proposals.csv",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8-sig",
                "licenses": [LICENCE],
                "schema": {"fields": fields, "primaryKey": ["id"]},
            },
            # How adopted changes are carried out: commitments and their dated updates; then what moderation
            # did, the transparency page's figures, and the statements of reasons the public timelines show.
            *(
                {
                    "profile": "tabular-data-resource",
                    "name": resource["name"],
                    "title": str(resource["title"]),
                    "titles": in_dictionary_languages(resource["title"]),
                    "path": f"{site_url}/{resource['paths'][0]}",
                    "format": "csv",
                    "mediatype": "text/csv",
                    "encoding": "utf-8-sig",
                    "licenses": [LICENCE],
                    "schema": {
                        **table_schema(resource["fields"]),
                        "primaryKey": resource.get("primary_key", "id"),
                    },
                }
                for resource in (*OPEN_DATA_RESOURCES, *MODERATION_RESOURCES)
            ),
        ],
    }
