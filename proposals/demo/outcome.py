"""The closed demo consultation for `seed_demo`: the loop the portal exists for, already run once. A draft law
in two versions, proposals answered with every kind of decision (some changing the text, some late, two
still unanswered past their deadline), a finished hearing with minutes and a recording, and the outcome
published. Dates are set in the past as they would have been; a second run changes nothing."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from portal.accounts.models import User
from portal.notifications.messages import in_every_language
from portal.notifications.models import Notification

from ..models import (
    ArticleIdentity,
    Consultation,
    ConsultationStatus,
    ConsultationTransition,
    Document,
    Hearing,
    HearingFormat,
    HearingStatus,
    HearingTransition,
    ObligationRule,
    Phase,
    Proposal,
    ProposalResponse,
    ProposalStatus,
    ProposalTransition,
    ResponseState,
    ResponseStatus,
    Support,
)
from ..rich_text import render_markdown
from ..search import search_index_update
from ..services.document import document_version_import, document_version_publish
from ..services.follow import follow_add
from ..services.obligation import answer_within_names
from ..services.staff_list import per_language
from . import discussion_item

SLUG = "public-councils-law"
ANSWER_DAYS = 30

_ARTICLES = {
    # key: (number, {language: (heading, old text, new text)})
    "councils": (
        "1",
        {
            "kk": ("Қоғамдық кеңестер", "Қоғамдық кеңестер министрліктер жанында құрылады.", None),
            "ru": ("Общественные советы", "Общественные советы создаются при министерствах.", None),
            "en": ("Public councils", "Public councils are set up at the ministries.", None),
        },
    ),
    "members": (
        "2",
        {
            "kk": (
                "Кеңес мүшелері",
                "Кеңес мүшелерін министр тағайындайды.",
                "Кеңес мүшелерінің жартысын азаматтық қоғам ашық конкурс арқылы сайлайды.",
            ),
            "ru": (
                "Члены совета",
                "Членов совета назначает министр.",
                "Половину членов совета избирает гражданское общество на открытом конкурсе.",
            ),
            "en": (
                "Members of a council",
                "The minister appoints the members of a council.",
                "Half of the members of a council are elected by civil society in an open competition.",
            ),
        },
    ),
    "meetings": (
        "3",
        {
            "kk": (
                "Отырыстар",
                "Кеңес отырыстары жабық өтеді.",
                "Кеңес отырыстары ашық өтеді және интернетте көрсетіледі.",
            ),
            "ru": (
                "Заседания",
                "Заседания совета проводятся закрыто.",
                "Заседания совета открыты и транслируются в интернете.",
            ),
            "en": (
                "Meetings",
                "Meetings of a council are held behind closed doors.",
                "Meetings of a council are open and streamed online.",
            ),
        },
    ),
    "reports": (
        "4",
        {
            "kk": ("Есептер", "Кеңес жыл сайын есеп жариялайды.", None),
            "ru": ("Отчёты", "Совет ежегодно публикует отчёт.", None),
            "en": ("Reports", "A council publishes a report every year.", None),
        },
    ),
}
_VERSION_LABELS = [
    {"kk": "Талқылауға арналған жоба", "ru": "Проект для обсуждения", "en": "Draft for discussion"},
    {"kk": "Қайта қаралған жоба", "ru": "Доработанный проект", "en": "Revised draft"},
]
_SECTION = {"kk": "Жалпы ережелер", "ru": "Общие положения", "en": "General provisions"}

# (article key or None, decision or None for unanswered, days ago published, days ago answered, changes text)
_PROPOSALS = [
    ("members", ResponseStatus.ACCEPTED, 85, 60, True),
    ("meetings", ResponseStatus.PARTIALLY_ACCEPTED, 82, 58, True),
    ("councils", ResponseStatus.REJECTED, 80, 40, False),
    ("reports", ResponseStatus.ALREADY_REFLECTED, 78, 55, False),
    (None, ResponseStatus.OUT_OF_SCOPE, 76, 30, False),
    ("members", ResponseStatus.ACCEPTED, 74, 20, True),
    ("meetings", None, 72, None, False),
    ("councils", None, 66, None, False),
]
_TEXTS = {
    "members": (
        "Кеңес мүшелерін азаматтық қоғам сайласын",
        "Members chosen by civil society",
        "Мүшелердің жартысын ашық конкурс арқылы сайлау керек.",
    ),
    "meetings": (
        "Кеңес отырыстары ашық болсын",
        "Open meetings",
        "Отырыстарды интернетте көрсету және хаттамаларын жариялау керек.",
    ),
    "councils": (
        "Кеңестерді әкімдіктерде де құру",
        "Councils at local authorities too",
        "Қоғамдық кеңестер облыс әкімдіктері жанында да құрылсын.",
    ),
    "reports": (
        "Жылдық есеп міндетті болсын",
        "Yearly report",
        "Кеңес жыл сайын есеп жариялауы керек.",
    ),
    None: (
        "Мемлекеттік қызметшілердің жалақысын көтеру",
        "Civil servants' pay",
        "Мемлекеттік қызметшілердің жалақысын көтеру керек.",
    ),
}
_REASONS = {
    ResponseStatus.ACCEPTED: (
        "Ұсыныс қабылданды: 2-бап жаңа редакцияда берілді.",
        "Предложение принято: статья 2 изложена в новой редакции.",
        "Accepted: Article 2 now reads as proposed.",
    ),
    ResponseStatus.PARTIALLY_ACCEPTED: (
        "Ішінара қабылданды: отырыстар ашық болады, хаттамалар кеңестің шешімімен жарияланады.",
        "Принято частично: заседания открыты, протоколы публикуются по решению совета.",
        "Partly accepted: meetings are open; minutes are published when the council decides so.",
    ),
    ResponseStatus.REJECTED: (
        "Қабылданбады: жергілікті кеңестерді жеке заң реттейді.",
        "Отклонено: местные советы регулируются отдельным законом.",
        "Rejected: local councils are governed by a separate law.",
    ),
    ResponseStatus.ALREADY_REFLECTED: (
        "4-бап бұл талапты қазірдің өзінде қамтиды.",
        "Статья 4 уже содержит это требование.",
        "Article 4 already requires this.",
    ),
    ResponseStatus.OUT_OF_SCOPE: (
        "Жалақы мәселесі бұл заң жобасының аясынан тыс.",
        "Вопрос оплаты труда выходит за рамки этого законопроекта.",
        "Pay is outside the scope of this draft law.",
    ),
}
_SUMMARY = {
    "kk": "Комиссия 8 ұсыныстың 6-сына жауап берді; 3 ұсыныс бойынша 2 және 3-баптар өзгертілді.",
    "ru": "Комиссия ответила на 6 из 8 предложений; по трём из них изменены статьи 2 и 3.",
    "en": "The Commission answered 6 of 8 proposals; three of them changed Articles 2 and 3.",
}
_MINUTES = {
    "kk": "## Хаттама\n\n- 2-бап бойынша ұсыныс талқыланды.\n- 3-бап бойынша ұсыныс ішінара қолдау тапты.",
}


def _in_languages(field: str, kk: str, ru: str, en: str) -> dict[str, str]:
    """Keyword arguments for a field kept in the three site languages: `title` gives title_kk, _ru and _en."""
    return per_language(field, {"kk": kk, "ru": ru, "en": en})


def _markdown(version: int, code: str) -> str:
    lines = [f"# 1. {_SECTION[code]}"]
    for key, (number, texts) in _ARTICLES.items():
        heading, old, new = texts[code]
        lines += [f"## {number}. {heading} {{#{key}}}", f"1. {(new or old) if version == 2 else old}"]
    return "\n".join(lines) + "\n"


@transaction.atomic
def seed_closed_consultation() -> Consultation | None:
    """Creates the closed consultation once; returns it, or None when it exists already or there are no
    demo citizens to be its authors and supporters."""
    people = list(User.objects.filter(email__endswith="@demo.invalid").order_by("pk"))
    if Consultation.objects.filter(slug=SLUG).exists() or not people:
        return None
    now = timezone.now()
    consultation = Consultation.objects.create(
        slug=SLUG,
        **_in_languages(
            "title",
            "Қоғамдық кеңестер туралы заң жобасы (демо)",
            "Проект закона об общественных советах (демо)",
            "Draft law on public councils (demo)",
        ),
        **_in_languages(
            "description",
            "Аяқталған консультация: ұсыныстар, жауаптар және қорытынды. Демо мазмұн.",
            "Завершённая консультация: предложения, ответы и итоги. Демонстрационное содержание.",
            "A finished consultation: proposals, answers and the outcome. Demo content.",
        ),
        status=ConsultationStatus.OUTCOME_PUBLISHED,
        outcome_published_at=now - timedelta(days=10),
        **{f"outcome_summary_{code}": text for code, text in _SUMMARY.items()},
    )
    for kind, start, end in (
        (Phase.Kind.INTAKE, -90, -60),
        (Phase.Kind.HEARINGS, -60, -45),
        (Phase.Kind.REVIEW, -45, -10),
        (Phase.Kind.OUTCOME, -10, 355),
    ):
        Phase.objects.create(
            consultation=consultation,
            kind=kind,
            starts_at=now + timedelta(days=start),
            ends_at=now + timedelta(days=end),
        )
    ConsultationTransition.objects.create(
        consultation=consultation,
        action="outcome_published",
        from_status=ConsultationStatus.PUBLISHED,
        to_status=ConsultationStatus.OUTCOME_PUBLISHED,
    )
    ObligationRule.objects.create(
        consultation=consultation,
        **per_language("name", answer_within_names(ANSWER_DAYS)),
        min_supports=0,
        days=ANSWER_DAYS,
    )
    document = Document.objects.create(
        consultation=consultation,
        slug="draft-law",
        **_in_languages(
            "title", "Қоғамдық кеңестер туралы заң", "Закон об общественных советах", "Law on public councils"
        ),
    )
    versions = [
        document_version_publish(
            version=document_version_import(
                document=document,
                labels=labels,
                sources={code: (f"{code}.md", _markdown(position, code)) for code in ("kk", "ru", "en")},
                imported_by=None,
            ),
            actor=None,
        )
        for position, labels in enumerate(_VERSION_LABELS, start=1)
    ]
    identities = {identity.key: identity for identity in ArticleIdentity.objects.filter(document=document)}
    proposals = []
    for index, (key, decision, published_days, answered_days, changes) in enumerate(_PROPOSALS):
        title, title_en, body = _TEXTS[key]
        published_at = now - timedelta(days=published_days)
        author = people[index % len(people)]
        # Real support rows, fewer for later proposals, so the counters equal the rows as everywhere.
        supporters = [person for person in people if person != author][: max(len(people) - index, 0)]
        proposal = Proposal.objects.create(
            consultation=consultation,
            author=author,
            title=title,
            summary=f"{title_en}. {body}",
            body=body,
            body_html=render_markdown(body),
            language="kk",
            status=ProposalStatus.RESPONDED if decision else ProposalStatus.PUBLISHED,
            supports_count=len(supporters),
            submitted_at=published_at,
            published_at=published_at,
            responded_at=now - timedelta(days=answered_days) if decision else None,
        )
        Support.objects.bulk_create(Support(proposal=proposal, user=person) for person in supporters)
        if key:
            proposal.articles.set([identities[key]])
        history = [(ProposalStatus.SUBMITTED, published_at), (ProposalStatus.PUBLISHED, published_at)]
        if decision:
            history.append((ProposalStatus.RESPONDED, now - timedelta(days=answered_days)))
        previous = ProposalStatus.DRAFT
        for status, moment in history:
            row = ProposalTransition.objects.create(proposal=proposal, from_status=previous, to_status=status)
            ProposalTransition.objects.filter(pk=row.pk).update(created_at=moment)
            previous = status
        if decision:
            response = ProposalResponse.objects.create(
                proposal=proposal,
                status=decision,
                **_in_languages("reasoning", *_REASONS[decision]),
                version=versions[1] if changes else None,
                state=ResponseState.PUBLISHED,
                published_at=now - timedelta(days=answered_days),
            )
            if changes:
                response.articles.set([identities[key]])
        proposals.append(proposal)
    search_index_update(Proposal.objects.filter(pk__in=[p.pk for p in proposals]))
    _seed_held_hearing(consultation, proposals[:2], now=now)
    return consultation


def _seed_held_hearing(consultation: Consultation, proposals: list[Proposal], *, now) -> None:
    starts = now - timedelta(days=50)
    hearing = Hearing.objects.create(
        consultation=consultation,
        **_in_languages(
            "title",
            "Қоғамдық кеңестер туралы тыңдау (демо)",
            "Слушания об общественных советах (демо)",
            "Hearing on public councils (demo)",
        ),
        **_in_languages(
            "description",
            "Комиссия ұсыныстарды авторлармен бірге талқылады.",
            "Комиссия обсудила предложения вместе с их авторами.",
            "The Commission discussed the proposals with their authors.",
        ),
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        format=HearingFormat.HYBRID,
        **_in_languages(
            "venue",
            "Астана, Мәңгілік Ел даңғылы, 4, 1-зал",
            "Астана, проспект Мангилик Ел, 4, зал 1",
            "Astana, Mangilik El Avenue 4, hall 1",
        ),
        capacity=40,
        status=HearingStatus.FINISHED,
        **{f"minutes_{code}": _MINUTES[code] for code in _MINUTES},
        **{f"minutes_html_{code}": render_markdown(_MINUTES[code]) for code in _MINUTES},
        recording_url="https://www.youtube.com/watch?v=qatysu-demo",
    )
    HearingTransition.objects.create(
        hearing=hearing, from_status=HearingStatus.SCHEDULED, to_status=HearingStatus.FINISHED
    )
    for position, proposal in enumerate(proposals, start=1):
        discussion_item(hearing, position=position, proposal_id=proposal.pk, minutes=40)


def seed_open_consultation_deadline(consultation: Consultation) -> None:
    """The open demo consultation promises answers too, so its proposals show a deadline."""
    ObligationRule.objects.get_or_create(
        consultation=consultation,
        defaults={**per_language("name", answer_within_names(45)), "min_supports": 0, "days": 45},
    )


def seed_digest_notifications(*, consultation: Consultation) -> int:
    """Yesterday's notifications in the digest categories of the demo accounts, about proposals they
    follow, so that `send_digests --frequency daily` has something real to deliver. Added once per account."""
    people = User.objects.filter(email__in=["citizen@demo.test", "citizen2@demo.test"])
    proposals = list(
        Proposal.objects.filter(consultation=consultation, status=ProposalStatus.PUBLISHED).order_by("pk")[:2]
    )
    if not proposals:
        return 0
    yesterday = timezone.now() - timedelta(days=1)
    added = 0
    for person in people:
        # The digest speaks of these proposals, so the demo person follows them: a digest about proposals one
        # neither wrote nor follows would show a reader of the demo something the portal never sends.
        for proposal in proposals:
            follow_add(user=person, proposal=proposal)
        if Notification.objects.filter(recipient=person, category__in=["proposals", "comments"]).exists():
            continue
        rows = [
            Notification(
                recipient=person,
                category="comments",
                kind="comment.new",
                params={"author": "Asel K.", "title": proposal.title},
                url=proposal.get_absolute_url(),
            )
            for proposal in proposals
        ] + [
            Notification(
                recipient=person,
                category="proposals",
                kind="proposal.status_changed",
                params={
                    "title": proposals[0].title,
                    "status": in_every_language(ProposalStatus.UNDER_REVIEW.label),
                },
                url=proposals[0].get_absolute_url(),
            )
        ]
        created = Notification.objects.bulk_create(rows)
        Notification.objects.filter(pk__in=[row.pk for row in created]).update(created_at=yesterday)
        added += len(created)
    return added
