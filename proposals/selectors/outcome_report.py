"""What the outcome report says, per article: old and new wording, the proposals on it with their supports,
and the Commission's published answers with reasons. Public material only."""

from dataclasses import dataclass, field

from django.db.models import Max, Prefetch, Q

from ..models import Article, ArticleIdentity, Paragraph, Proposal, ProposalResponse, ResponseState
from ..models.proposal import PUBLIC_STATUSES, ProposalTransition
from .comparison import _text


@dataclass
class ReportProposal:
    pk: int
    title: str
    summary: str
    supports: int
    decision: str
    reasons: str


@dataclass
class ReportArticle:
    number: str
    heading: str
    document: str
    old_label: str
    new_label: str
    old_text: str
    new_text: str
    proposals: list[ReportProposal] = field(default_factory=list)


def report_stamp(consultation) -> str:
    """Changes whenever something the report shows changes, so a stale file is rebuilt."""
    latest_answer = ProposalResponse.objects.filter(
        proposal__consultation=consultation, state=ResponseState.PUBLISHED
    ).aggregate(latest=Max("published_at"), count=Max("id"), corrected=Max("updated_at"))
    latest_version = (
        Article.objects.filter(
            version__document__consultation=consultation, version__published_at__isnull=False
        ).aggregate(latest=Max("version_id"))
    )["latest"]
    # A proposal hidden, withdrawn or merged after the file was written leaves the report (it lists public
    # proposals only): every status change is a new transition row. The newest row of all consultations, read
    # from the key's index (0.6 ms): filtered by this consultation, the join took 300 ms at 100,000 proposals
    # on every download. A change in another consultation rebuilds this report too, which after an outcome
    # is published is rare.
    latest_transition = ProposalTransition.objects.aggregate(latest=Max("id"))["latest"]
    return "|".join(
        str(value)
        for value in (
            latest_answer["latest"],
            latest_answer["count"],
            # A published answer's articles and version may be corrected; the report names both.
            latest_answer["corrected"],
            latest_version,
            latest_transition,
            consultation.outcome_published_at,
        )
    )


def report_identities(consultation) -> list[ArticleIdentity]:
    return list(
        ArticleIdentity.objects.published()
        .filter(document__consultation=consultation)
        .select_related("document")
        .order_by("document_id", "id")
    )


def report_article(identity: ArticleIdentity, *, language: str) -> ReportArticle:
    """One article of the report: three queries (versions with paragraphs, proposals with answers)."""
    versions = list(
        Article.objects.filter(identity=identity, version__published_at__isnull=False)
        .select_related("version")
        .prefetch_related(Prefetch("paragraphs", queryset=Paragraph.objects.order_by("number")))
        .order_by("version__position")
    )
    old, new = (versions[0], versions[-1]) if versions else (None, None)
    # The proposals on the article, and those whose published answer says it changed the article: a proposal
    # may drive a change of an article it did not name, and the report must show what drove each change.
    proposals = (
        Proposal.objects.filter(
            Q(articles=identity) | Q(response__articles=identity, response__state=ResponseState.PUBLISHED),
            status__in=PUBLIC_STATUSES,
            cluster_of__isnull=True,
        )
        .select_related("response")
        .distinct()
        .order_by("-supports_count", "pk")
    )
    return ReportArticle(
        number=(new.number if new else identity.number) or identity.key,
        heading=(new.translated("heading", language) if new else identity.translated("heading", language)),
        document=identity.document.translated("title", language),
        old_label=old.version.translated("label", language) if old else "",
        new_label=new.version.translated("label", language) if new and new is not old else "",
        old_text=_text(old, language),
        new_text=_text(new, language) if new is not old else "",
        proposals=_rows(proposals, language),
    )


def report_unplaced(consultation, *, language: str) -> list[ReportProposal]:
    """The public proposals that name no article and whose answer changed none: the report closes with them,
    so that every answer the outcome page counts can be found in it."""
    proposals = (
        Proposal.objects.filter(
            consultation=consultation,
            status__in=PUBLIC_STATUSES,
            cluster_of__isnull=True,
            articles__isnull=True,
        )
        .exclude(
            pk__in=ProposalResponse.articles.through.objects.filter(
                proposalresponse__state=ResponseState.PUBLISHED
            ).values("proposalresponse__proposal_id")
        )
        .select_related("response")
        .order_by("-supports_count", "pk")
    )
    return _rows(proposals, language)


def _rows(proposals, language: str) -> list[ReportProposal]:
    rows = []
    for proposal in proposals:
        response = getattr(proposal, "response", None)
        published = response is not None and response.state == ResponseState.PUBLISHED
        rows.append(
            ReportProposal(
                pk=proposal.pk,
                title=proposal.title,
                summary=proposal.summary,
                supports=proposal.supports_count,
                decision=str(response.get_status_display()) if published else "",
                reasons=response.translated("reasoning", language) if published else "",
            )
        )
    return rows
