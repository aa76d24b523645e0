"""The demo consultation for `seed_demo`: phases around today and a draft in two versions (kk/ru/en)."""

from datetime import timedelta
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from .models import Consultation, Document, Phase
from .services.document import LANGUAGES, document_version_import

DEMO_DIR = Path(__file__).resolve().parent / "demo" / "constitution"
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
        document_version_import(document=document, labels=labels, sources=sources, imported_by=None)
    return consultation


DEMO_HEARING_TITLES = {
    "kk": "Қоғамдық тыңдау №%(number)d (демо)",
    "ru": "Общественные слушания №%(number)d (демо)",
    "en": "Public hearing no. %(number)d (demo)",
}


def seed_hearings(*, count: int, consultation: Consultation) -> int:
    """Demo hearings with agendas of demo proposals; the first of several is already finished. Each hearing
    is found again by its title, so a second run adds nothing."""
    from zoneinfo import ZoneInfo

    from .models import AgendaItem, Hearing, HearingFormat, HearingStatus, Proposal
    from .models.proposal import PUBLIC_STATUSES
    from .services.hearing import hearing_transition

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
                    "venue": "Astana, Mangilik El 4, hall 2",
                    "stream_url": "https://www.youtube.com/embed/demo",
                    "capacity": 50,
                },
            )
            if not created:
                continue
            mine = proposal_ids[index * 3 : index * 3 + 3]
            for position, proposal_id in enumerate(mine, start=1):
                slot = starts + timedelta(minutes=30 * (position - 1))
                item = AgendaItem.objects.create(
                    hearing=hearing,
                    position=position,
                    title_kk=f"Ұсынысты талқылау #{proposal_id}",
                    title_ru=f"Обсуждение предложения #{proposal_id}",
                    title_en=f"Discussion of proposal #{proposal_id}",
                    starts_at=slot,
                    ends_at=slot + timedelta(minutes=30),
                    speakers="Commission secretariat",
                )
                item.proposals.add(proposal_id)
            if finished:
                hearing_transition(hearing=hearing, to_status=HearingStatus.FINISHED, actor=None)
            added += 1
    return added
