from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from proposals.documents.draft_format import DocumentFormatError
from proposals.models import Document
from proposals.services.document import LANGUAGES, document_version_import, document_version_publish


class Command(BaseCommand):
    help = (
        "Imports a draft version from Markdown (docs/document-format.md). PATH is a folder with kk.md, ru.md "
        "and/or en.md, or one .md file with --language. Nothing is written unless every file is valid."
    )

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--consultation", required=True, help="slug of the consultation")
        parser.add_argument("--label", required=True, help="the version's label, e.g. 'Draft of 31 January'")
        parser.add_argument(
            "--document", default="constitution", help="slug of the document (default: constitution)"
        )
        parser.add_argument("--language", choices=LANGUAGES, help="language of PATH when it is a single file")
        parser.add_argument(
            "--publish",
            action="store_true",
            help="publish the version at once (otherwise it stays a draft until staff publish it)",
        )

    def handle(self, *args, **options):
        path = Path(options["path"])
        if path.is_dir():
            sources = {code: path / f"{code}.md" for code in LANGUAGES if (path / f"{code}.md").exists()}
            if not sources:
                raise CommandError(f"{path}: expected kk.md, ru.md or en.md in this folder")
        elif path.is_file():
            if not options["language"]:
                raise CommandError("a single file needs --language kk|ru|en")
            sources = {options["language"]: path}
        else:
            raise CommandError(f"{path}: no such file or folder")
        document = Document.objects.filter(
            consultation__slug=options["consultation"], slug=options["document"]
        ).first()
        if document is None:
            raise CommandError(
                f"no document {options['document']!r} in consultation {options['consultation']!r}"
            )
        texts = {}
        for code, file in sources.items():
            try:
                texts[code] = (str(file), file.read_text(encoding="utf-8"))
            except UnicodeDecodeError as error:
                raise CommandError(f"{file}:1: expected UTF-8 text ({error.reason})") from error
        try:
            version = document_version_import(
                document=document,
                labels=dict.fromkeys(LANGUAGES, options["label"]),
                sources=texts,
                imported_by=None,
            )
        except DocumentFormatError as error:
            raise CommandError(str(error)) from error
        count = version.articles.count()
        if options["publish"]:
            try:
                document_version_publish(version=version, actor=None)
            except ValidationError as error:
                reason = " ".join(error.messages)
                raise CommandError(
                    f"imported version {version.position} as a draft, not published: {reason}"
                ) from error
            state = "published"
        else:
            state = "a draft: publish it from the staff pages"
        self.stdout.write(
            self.style.SUCCESS(f"imported version {version.position} with {count} articles ({state})")
        )
