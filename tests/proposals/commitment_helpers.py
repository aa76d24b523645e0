"""Building blocks of the commitment tests: an adopted change (a proposal with a published accepted answer that
changed article 7) and a commitment recorded on it, all through the services."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone

from proposals.models import (
    ArticleIdentity,
    Commitment,
    Consultation,
    Proposal,
    ProposalResponse,
    ResponsibleBody,
)
from proposals.services.commitment import (
    CommitmentInput,
    UpdateInput,
    commitment_create,
    commitment_update_post,
)
from tests.proposals.factories import ProposalFactory, publish_response, revised_document


@dataclass
class AdoptedChange:
    consultation: Consultation
    article: ArticleIdentity
    proposal: Proposal
    response: ProposalResponse


def adopted_change(
    consultation, *, drafter, approver, title="Courts must review every arrest"
) -> AdoptedChange:
    _document, _old, new, liberty = revised_document(consultation)
    proposal = ProposalFactory(consultation=consultation, title=title)
    proposal.articles.add(liberty)
    response = publish_response(proposal, drafter=drafter, approver=approver, articles=[liberty], version=new)
    return AdoptedChange(consultation, liberty, proposal, response)


def body(slug="ministry-of-justice") -> ResponsibleBody:
    return ResponsibleBody.objects.get_or_create(
        slug=slug,
        defaults={
            "name_kk": "Әділет министрлігі",
            "name_ru": "Министерство юстиции",
            "name_en": "Ministry of Justice",
        },
    )[0]


def commitment_input(change: AdoptedChange, **overrides) -> CommitmentInput:
    values = {
        "title_kk": "Қамауды сот тексереді",
        "title_ru": "Суд проверяет каждый арест",
        "title_en": "Courts review every arrest",
        "body_id": body().pk,
        "measure": "law",
        "due_date": timezone.localdate() + timedelta(days=90),
        "article_ids": (change.article.pk,),
        "response_ids": (change.response.pk,),
    }
    return CommitmentInput(**(values | overrides))


def record(change: AdoptedChange, actor, *, due_date: date | None = None, **overrides) -> Commitment:
    if due_date is not None:
        overrides["due_date"] = due_date
    return commitment_create(
        consultation=change.consultation, actor=actor, data=commitment_input(change, **overrides)
    )


def texts(kk="Жұмыс басталды.", ru="Работа началась.", en="Work has started.", prefix="text") -> dict:
    return {f"{prefix}_kk": kk, f"{prefix}_ru": ru, f"{prefix}_en": en}


def post(commitment, actor, **changes):
    values = texts() | changes
    return commitment_update_post(commitment=commitment, actor=actor, data=UpdateInput(**values))
