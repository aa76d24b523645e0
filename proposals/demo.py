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
