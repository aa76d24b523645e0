"""/api/v1/topics: the topics proposals are filed under, with their names in each language. Proposals and open
data name a topic by its slug; this is where a client finds what to show for it."""

from ninja import Query, Router, Schema

from ..models import Topic
from .errors import refuse_unknown_parameters
from .types import PAGE_PARAMETERS, Page, Translated, page_of, translated

router = Router(tags=["proposals"])


class TopicOut(Schema):
    slug: str
    name: Translated
    is_active: bool


class TopicList(Schema):
    count: int
    results: list[TopicOut]


@router.get("", response=TopicList, summary="Topics, with their names in kk, ru and en")
def list_topics(request, paging: Query[Page]):
    """Every topic, also those no longer offered to authors (`is_active` false): old proposals keep theirs."""
    refuse_unknown_parameters(request, PAGE_PARAMETERS)
    return page_of(
        Topic.objects.order_by("position", "slug"), page=paging.page, page_size=paging.page_size, out=_out
    )


def _out(topic: Topic) -> dict:
    return {"slug": topic.slug, "name": translated(topic, "name"), "is_active": topic.is_active}
