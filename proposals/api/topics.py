"""/api/v1/topics: the topics proposals are filed under, with their names in each language. Proposals and open
data name a topic by its slug; this is where a client finds what to show for it."""

from ninja import Router, Schema

from ..models import Topic
from .errors import refuse_unknown_parameters
from .types import Translated, translated

router = Router(tags=["proposals"])


class TopicOut(Schema):
    slug: str
    name: Translated
    is_active: bool


class TopicList(Schema):
    count: int
    results: list[TopicOut]


@router.get("", response=TopicList, summary="Topics, with their names in kk, ru and en")
def list_topics(request):
    """Every topic, also those no longer offered to authors (`is_active` false): old proposals keep theirs."""
    refuse_unknown_parameters(request, set())
    topics = [
        {"slug": t.slug, "name": translated(t, "name"), "is_active": t.is_active} for t in Topic.objects.all()
    ]
    return {"count": len(topics), "results": topics}
