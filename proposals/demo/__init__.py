"""The demo consultation for `seed_demo`: phases around today and a draft in two versions (kk/ru/en); after
the outcome, commitments carrying out the adopted changes."""

from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from portal.accounts.models import User
from portal.core.roles import ROLE_GROUPS, Role

from ..models import (
    AgendaItem,
    Commitment,
    CommitmentStatus,
    CommitmentUpdate,
    Consultation,
    Document,
    Hearing,
    HearingFormat,
    HearingStatus,
    MeasureKind,
    Phase,
    Proposal,
    ResponsibleBody,
    UpdateState,
)
from ..models.proposal import PUBLIC_STATUSES
from ..selectors import commitment as commitment_selectors
from ..services import commitment as commitment_services
from ..services.document import LANGUAGES, document_version_import, document_version_publish
from ..services.hearing import hearing_transition

DEMO_DIR = Path(__file__).resolve().parent / "constitution"
SLUG = "constitutional-reform"
VERSIONS = [
    ("in-force", {"kk": "Қолданыстағы мәтін", "ru": "Действующий текст", "en": "Text in force"}),
    ("draft", {"kk": "31 қаңтардағы жоба", "ru": "Проект от 31 января", "en": "Draft of 31 January"}),
]


@transaction.atomic
def seed_consultation() -> Consultation:
    """Creates the demo consultation once; a second run changes nothing."""
    consultation, created = Consultation.objects.get_or_create(
        slug=SLUG,
        defaults={
            "title_kk": "Конституциялық реформа (демо)",
            "title_ru": "Конституционная реформа (демо)",
            "title_en": "Constitutional reform (demo)",
            "description_kk": "Негізгі Заң жобасын талқылау. Бұл демонстрациялық мазмұн.",
            "description_ru": "Обсуждение проекта Основного Закона. Это демонстрационное содержание.",
            "description_en": "A public consultation on the draft Basic Law. This is demo content.",
        },
    )
    if created:
        today = timezone.now().replace(hour=0, minute=0, second=0, microsecond=0)
        spans = [
            (Phase.Kind.INTAKE, -10, 30),
            (Phase.Kind.HEARINGS, 30, 45),
            (Phase.Kind.REVIEW, 45, 75),
            (Phase.Kind.OUTCOME, 75, 120),
        ]
        Phase.objects.bulk_create(
            Phase(
                consultation=consultation,
                kind=kind,
                starts_at=today + timedelta(days=start),
                ends_at=today + timedelta(days=end),
            )
            for kind, start, end in spans
        )
    document, _created = Document.objects.get_or_create(
        consultation=consultation,
        slug="constitution",
        defaults={"title_kk": "Негізгі Заң", "title_ru": "Основной Закон", "title_en": "Basic Law"},
    )
    for position, (folder, labels) in enumerate(VERSIONS, start=1):
        if document.versions.filter(position=position).exists():
            continue
        sources = {
            code: (str(DEMO_DIR / folder / f"{code}.md"), (DEMO_DIR / folder / f"{code}.md").read_text())
            for code in LANGUAGES
        }
        version = document_version_import(document=document, labels=labels, sources=sources, imported_by=None)
        document_version_publish(version=version, actor=None)
    return consultation


DEMO_HEARING_TITLES = {
    "kk": "Қоғамдық тыңдау №%(number)d (демо)",
    "ru": "Общественные слушания №%(number)d (демо)",
    "en": "Public hearing no. %(number)d (demo)",
}


def discussion_item(hearing: Hearing, *, position: int, proposal_id: int, minutes: int) -> AgendaItem:
    """An agenda item on one proposal, in the `position`-th slot of `minutes` from the hearing's start."""
    starts = hearing.starts_at + timedelta(minutes=minutes * (position - 1))
    item = AgendaItem.objects.create(
        hearing=hearing,
        position=position,
        title_kk=f"Ұсынысты талқылау #{proposal_id}",
        title_ru=f"Обсуждение предложения #{proposal_id}",
        title_en=f"Discussion of proposal #{proposal_id}",
        starts_at=starts,
        ends_at=starts + timedelta(minutes=minutes),
        speakers_kk="Комиссия хатшылығы",
        speakers_ru="Секретариат Комиссии",
        speakers_en="Commission secretariat",
    )
    item.proposals.add(proposal_id)
    return item


def seed_hearings(*, count: int, consultation: Consultation) -> int:
    """Demo hearings with agendas of demo proposals; the first of several is already finished. Each hearing
    is found again by its title, so a second run adds nothing."""
    almaty = ZoneInfo("Asia/Almaty")
    today = timezone.localtime(timezone.now(), almaty).replace(hour=10, minute=0, second=0, microsecond=0)
    proposal_ids = list(
        Proposal.objects.filter(consultation=consultation, status__in=PUBLIC_STATUSES)
        .order_by("pk")
        .values_list("pk", flat=True)[: count * 3]
    )
    added = 0
    for index in range(count):
        number = index + 1
        finished = count > 1 and index == 0
        starts = today + timedelta(days=-7 if finished else 7 * number)
        with transaction.atomic():
            hearing, created = Hearing.objects.get_or_create(
                consultation=consultation,
                title_en=DEMO_HEARING_TITLES["en"] % {"number": number},
                defaults={
                    "title_kk": DEMO_HEARING_TITLES["kk"] % {"number": number},
                    "title_ru": DEMO_HEARING_TITLES["ru"] % {"number": number},
                    "description_en": "The Commission discusses proposals on the draft. Demo content.",
                    "description_ru": "Комиссия обсуждает предложения к проекту. Демо-содержание.",
                    "description_kk": "Комиссия жоба бойынша ұсыныстарды талқылайды. Демо мазмұн.",
                    "starts_at": starts,
                    "ends_at": starts + timedelta(hours=3),
                    "format": HearingFormat.HYBRID,
                    "venue_kk": "Астана, Мәңгілік Ел даңғылы, 4, 2-зал",
                    "venue_ru": "Астана, проспект Мангилик Ел, 4, зал 2",
                    "venue_en": "Astana, Mangilik El Avenue 4, hall 2",
                    "stream_url": "https://www.youtube.com/embed/demo",
                    "capacity": 50,
                },
            )
            if not created:
                continue
            mine = proposal_ids[index * 3 : index * 3 + 3]
            for position, proposal_id in enumerate(mine, start=1):
                discussion_item(hearing, position=position, proposal_id=proposal_id, minutes=30)
            if finished:
                hearing_transition(hearing=hearing, to_status=HearingStatus.FINISHED, actor=None)
            added += 1
    return added


# --- after the outcome: commitments -------------------------------------------------------------------------

DEMO_BODIES = [
    (
        "parliament",
        {
            "kk": "Қазақстан Республикасының Парламенті",
            "ru": "Парламент Республики Казахстан",
            "en": "Parliament of the Republic of Kazakhstan",
        },
    ),
    (
        "ministry-of-justice",
        {"kk": "Әділет министрлігі", "ru": "Министерство юстиции", "en": "Ministry of Justice"},
    ),
    (
        "ministry-of-finance",
        {"kk": "Қаржы министрлігі", "ru": "Министерство финансов", "en": "Ministry of Finance"},
    ),
]
# Two demo members who cannot log in: one posts, the other approves "done" and "dropped" (four eyes). Named as
# people, as the other demo accounts are: the staff pages list them, and the approval notices greet them.
DEMO_MEMBERS = {
    "implementation-1@demo.invalid": "Askar Nurlanov",
    "implementation-2@demo.invalid": "Zhanna Bekova",
}
# (title kk/ru/en, body, measure, due in days from today, updates: (status, progress, days ago))
DEMO_COMMITMENTS = [
    (
        ("Конституциялық заңды қабылдау", "Принять конституционный закон", "Pass the constitutional law"),
        "parliament",
        MeasureKind.LAW,
        60,
        [(CommitmentStatus.IN_PROGRESS, 40, 50), (CommitmentStatus.IN_PROGRESS, 70, 10)],
    ),
    (
        ("Сот бақылауы туралы қаулы", "Постановление о судебном контроле", "Regulation on court review"),
        "ministry-of-justice",
        MeasureKind.REGULATION,
        30,
        [(CommitmentStatus.IN_PROGRESS, 50, 40), (CommitmentStatus.DONE, 100, 5)],
    ),
    (
        ("Омбудсмен кеңсесін құру", "Создать офис омбудсмена", "Set up the ombudsman's office"),
        "ministry-of-justice",
        MeasureKind.BODY,
        -20,
        [(CommitmentStatus.IN_PROGRESS, 20, 45)],
    ),
    (
        ("Бюджет жолын қарастыру", "Предусмотреть строку бюджета", "Provide a budget line"),
        "ministry-of-finance",
        MeasureKind.BUDGET,
        120,
        [(CommitmentStatus.DELAYED, None, 20)],
    ),
    (
        ("Ақпараттық науқан", "Информационная кампания", "Information campaign"),
        "parliament",
        MeasureKind.OTHER,
        90,
        [(CommitmentStatus.DROPPED, None, 15)],
    ),
]
_DEMO_TEXT = {
    CommitmentStatus.IN_PROGRESS: ("Жұмыс жүріп жатыр.", "Работа идёт.", "Work is under way."),
    CommitmentStatus.DONE: (
        "Орындалды, ресми жарияланды.",
        "Выполнено, официально опубликовано.",
        "Done and officially published.",
    ),
    CommitmentStatus.DELAYED: ("Мерзімі ауыстырылды.", "Срок перенесён.", "The due date moved."),
    CommitmentStatus.DROPPED: ("Бас тартылды.", "Отменено.", "Dropped."),
}
_DEMO_REASON = (
    "Қосымша келісу қажет.",
    "Требуется дополнительное согласование.",
    "Further approval is needed.",
)


def _demo_members() -> list:
    members = []
    for email, name in DEMO_MEMBERS.items():
        user, created = User.objects.get_or_create(
            email=email, defaults={"display_name": name, "password": make_password(None)}
        )
        if created:
            user.groups.add(Group.objects.get(name=ROLE_GROUPS[Role.COMMISSION]))
        members.append(user)
    return members


def seed_commitments() -> int:
    """A handful of commitments in different states, one overdue, on each consultation whose published answers
    adopted a change and that has none yet. Returns how many were added."""
    added = 0
    for consultation in Consultation.objects.filter(commitments__isnull=True).order_by("id"):
        changes = commitment_selectors.adopted_changes(consultation=consultation)
        if changes:
            added += _seed_consultation_commitments(consultation, changes)
    return added


@transaction.atomic
def _seed_consultation_commitments(consultation: Consultation, changes: list[dict]) -> int:
    poster, approver = _demo_members()
    bodies = {}
    for slug, names in DEMO_BODIES:
        bodies[slug], _created = ResponsibleBody.objects.get_or_create(
            slug=slug, defaults={f"name_{code}": name for code, name in names.items()}
        )
    today = timezone.localdate()
    for index, (titles, body, measure, due_in, updates) in enumerate(DEMO_COMMITMENTS):
        change = changes[index % len(changes)]
        commitment = commitment_services.commitment_create(
            consultation=consultation,
            actor=poster,
            data=commitment_services.CommitmentInput(
                **{f"title_{code}": title for code, title in zip(LANGUAGES, titles, strict=True)},
                body_id=bodies[body].pk,
                measure=measure,
                due_date=today + timedelta(days=due_in),
                article_ids=(change["article"].pk,),
                response_ids=tuple(response.pk for response in change["responses"]),
            ),
        )
        for status, progress, days_ago in updates:
            reasoned = status in (CommitmentStatus.DELAYED, CommitmentStatus.DROPPED)
            update = commitment_services.commitment_update_post(
                commitment=commitment,
                actor=poster,
                data=commitment_services.UpdateInput(
                    **{
                        f"text_{code}": text for code, text in zip(LANGUAGES, _DEMO_TEXT[status], strict=True)
                    },
                    **{
                        f"reason_{code}": text if reasoned else ""
                        for code, text in zip(LANGUAGES, _DEMO_REASON, strict=True)
                    },
                    to_status=status,
                    progress=progress,
                    due_date=commitment.due_date + timedelta(days=60)
                    if status == CommitmentStatus.DELAYED
                    else None,
                ),
            )
            if update.state == UpdateState.PENDING:
                update = commitment_services.commitment_update_approve(update=update, reviewer=approver)
            commitment.refresh_from_db()
            # Demo history only: spread the updates over the past weeks so that the chart has a course.
            CommitmentUpdate.objects.filter(pk=update.pk).update(
                published_at=timezone.now() - timedelta(days=days_ago)
            )
        Commitment.objects.filter(pk=commitment.pk).update(created_at=timezone.now() - timedelta(days=60))
    return len(DEMO_COMMITMENTS)
