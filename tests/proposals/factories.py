import re
from datetime import datetime, timedelta

import factory
from django.test import TestCase
from django.utils import timezone

from proposals.models import (
    AgendaItem,
    ArticleIdentity,
    Comment,
    Consultation,
    Document,
    Hearing,
    Phase,
    Proposal,
    Topic,
)
from proposals.search import search_index_update
from proposals.services.comment import comment_create
from tests.factories import UserFactory


class ConsultationFactory(factory.django.DjangoModelFactory):
    """A consultation whose proposal intake is open now."""

    class Meta:
        model = Consultation
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"consultation-{n}")
    title_en = "Constitutional reform"

    @factory.post_generation
    def intake(consultation, create, extracted, **kwargs):
        if create and extracted is not False:
            now = timezone.now()
            Phase.objects.create(
                consultation=consultation,
                kind="intake",
                starts_at=now - timedelta(days=5),
                ends_at=now + timedelta(days=5),
            )


def close_intake(consultation, days_ago=2):
    Phase.objects.filter(consultation=consultation, kind="intake").update(
        starts_at=timezone.now() - timedelta(days=days_ago + 10),
        ends_at=timezone.now() - timedelta(days=days_ago),
    )


class DocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Document

    consultation = factory.SubFactory(ConsultationFactory)
    slug = factory.Sequence(lambda n: f"document-{n}")
    title_en = "Basic Law"


class ArticleIdentityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ArticleIdentity

    document = factory.SubFactory(DocumentFactory)
    key = factory.Sequence(lambda n: f"art-{n + 1}")


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic

    slug = factory.Sequence(lambda n: f"topic-{n}")
    name_en = factory.Sequence(lambda n: f"Topic {n}")


class ProposalFactory(factory.django.DjangoModelFactory):
    """A published proposal, as if it went through the lifecycle (use services to test the lifecycle)."""

    class Meta:
        model = Proposal
        skip_postgeneration_save = True

    @factory.post_generation
    def indexed(proposal, create, extracted, **kwargs):
        """Published proposals are in the full-text index, as the transition service leaves them."""
        if create and proposal.status == "published":
            search_index_update(Proposal.objects.filter(pk=proposal.pk))

    consultation = factory.SubFactory(ConsultationFactory)
    author = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Proposal {n}")
    summary = "Widen the rights of local councils."
    body = "Local councils should approve their own budgets."
    body_html = "<p>Local councils should approve their own budgets.</p>"
    language = "en"
    status = "published"
    published_at = factory.LazyFunction(timezone.now)


class CommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Comment

    proposal = factory.SubFactory(ProposalFactory)
    author = factory.SubFactory(UserFactory)
    body = "I agree."


class HearingFactory(factory.django.DjangoModelFactory):
    """A scheduled hearing a week from now with registration open."""

    class Meta:
        model = Hearing

    consultation = factory.SubFactory(ConsultationFactory)
    title_en = factory.Sequence(lambda n: f"Hearing {n}")
    title_kk = factory.Sequence(lambda n: f"Тыңдау {n}")
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))
    ends_at = factory.LazyAttribute(lambda hearing: hearing.starts_at + timedelta(hours=2))
    venue_kk = "Астана, 2-зал"
    venue_ru = "Астана, зал 2"
    venue_en = "Astana, hall 2"
    capacity = 50


def comment_posted(**kwargs):
    """A comment as a person posts it: created, then screened once the request commits, which is when the
    proposal's author and followers are told of it (`comment_announce`)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return comment_create(**kwargs)


def under_way(hearing):
    """The hearing moved to have begun a few minutes ago: it may be marked live (not days before)."""
    hearing.starts_at = timezone.now() - timedelta(minutes=10)
    hearing.ends_at = hearing.starts_at + timedelta(hours=2)
    hearing.save(update_fields=["starts_at", "ends_at"])
    return hearing


def held(hearing):
    """The hearing moved to yesterday: it has taken place, and its record may be published."""
    hearing.starts_at = timezone.now() - timedelta(days=1)
    hearing.ends_at = hearing.starts_at + timedelta(hours=2)
    hearing.save(update_fields=["starts_at", "ends_at"])
    return hearing


class AgendaItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgendaItem
        skip_postgeneration_save = True

    hearing = factory.SubFactory(HearingFactory)
    title_en = factory.Sequence(lambda n: f"Item {n}")
    position = factory.Sequence(lambda n: n)

    @factory.post_generation
    def proposals(item, create, extracted, **kwargs):
        if create and extracted:
            item.proposals.set(extracted)


def publish_response(
    proposal, *, drafter, approver, status="accepted", articles=(), version=None, **reasoning
):
    """An answer drafted by one Commission member and approved (published) by another, via the services."""
    from proposals.services.response import ResponseInput, response_draft_save
    from proposals.services.response_approval import response_approve, response_submit

    reasoning = reasoning or {f"reasoning_{proposal.language}": "The Commission agrees with the proposal."}
    response = response_draft_save(
        proposal=proposal,
        author=drafter,
        data=ResponseInput(
            status=status,
            article_ids=tuple(a.pk for a in articles),
            version_id=version.pk if version else None,
            **reasoning,
        ),
    )
    response_submit(response=response, actor=drafter)
    return response_approve(response=response, reviewer=approver)


def _seven_articles(liberty: str) -> str:
    lines = ["# 1. Rights"]
    for number in range(1, 7):
        lines += [f"## {number}. Article {number} {{#article-{number}}}", f"1. Text of article {number}."]
    lines += ["## 7. Personal liberty {#liberty}", f"1. {liberty}"]
    return "\n".join(lines) + "\n"


def import_published(**kwargs):
    """A version imported and published at once, as the public reads it (staff publish in two steps)."""
    from proposals.services.document import document_version_import, document_version_publish

    return document_version_publish(version=document_version_import(**kwargs), actor=None)


def revised_document(consultation):
    """A document in two versions where article 7 ("liberty") changed; returns (document, old, new, identity)."""
    from proposals.models import Document

    document = Document.objects.create(consultation=consultation, slug="basic-law", title_en="Basic Law")
    old = import_published(
        document=document,
        labels={"en": "Text in force"},
        sources={"en": ("old.md", _seven_articles("Everyone has the right to personal liberty."))},
        imported_by=None,
    )
    new = import_published(
        document=document,
        labels={"en": "New draft"},
        sources={
            "en": (
                "new.md",
                _seven_articles(
                    "Everyone has the right to personal liberty. A court reviews every arrest within 48 hours."
                ),
            )
        },
        imported_by=None,
    )
    return document, old, new, ArticleIdentity.objects.get(document=document, key="liberty")


def date_parts(name: str, value: str) -> dict[str, str]:
    """What a form's day, month, year (and time) boxes send for an ISO date or moment, as a person types it."""
    moment = datetime.fromisoformat(value)
    parts = {
        f"{name}_day": str(moment.day),
        f"{name}_month": str(moment.month),
        f"{name}_year": str(moment.year),
    }
    if "T" in value:
        parts[f"{name}_time"] = moment.strftime("%H:%M")
    return parts


def date_parts_shown(html: str, name: str, value: str) -> bool:
    """Whether a page's form shows the ISO date or moment `value` in the boxes of the field `name`."""
    shown = {}
    for key in date_parts(name, value):
        if key.endswith("_month"):
            select = re.search(rf'<select name="{key}"[^>]*>(.*?)</select>', html, re.S)
            chosen = select and re.search(r'<option value="(\d+)" selected>', select.group(1))
            shown[key] = chosen.group(1) if chosen else None
        else:
            typed = re.search(rf'name="{key}" value="([^"]*)"', html)
            shown[key] = typed.group(1) if typed else None
    return shown == date_parts(name, value)
