import random

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from proposals import demo as proposal_demo
from proposals.demo import accounts as account_demo
from proposals.demo import bulk as seeding
from proposals.demo import outcome as demo_outcome


class Command(BaseCommand):
    help = "Creates demo content. Running it again adds nothing twice."

    def add_arguments(self, parser):
        parser.add_argument("--users", type=int, default=50, help="Number of demo citizens.")
        parser.add_argument("--seed", type=int, default=2026, help="Random seed, for repeatable content.")
        parser.add_argument(
            "--demo-accounts",
            action="store_true",
            help="Create citizen@, citizen2@, moderator@, commission@, admin@ and auditor@demo.test "
            "(DEBUG only).",
        )
        parser.add_argument("--demo-password", help="Password of the demo accounts.")
        parser.add_argument("--proposals", type=int, default=40, help="Published demo proposals.")
        parser.add_argument("--supports", type=int, default=300, help="Supports spread over them.")
        parser.add_argument("--comments", type=int, default=100, help="Comments spread over them.")
        parser.add_argument(
            "--hearings", type=int, default=3, help="Demo hearings with agendas of demo proposals."
        )

    def handle(self, *args, **options):
        for name in ("users", "proposals", "supports", "comments", "hearings"):
            if options[name] < 0:
                raise CommandError(f"--{name} must be zero or more.")
        if options["demo_accounts"]:
            if not settings.DEBUG:
                raise CommandError(
                    "--demo-accounts creates accounts with a known password: DEBUG must be on."
                )
            if not options["demo_password"] or len(options["demo_password"]) < 8:
                raise CommandError("--demo-accounts needs --demo-password of at least 8 characters.")
        rng = random.Random(options["seed"])
        with transaction.atomic():
            added = account_demo.seed_users(count=options["users"], rng=rng)
            self.stdout.write(f"demo citizens: {added} added")
            if options["demo_accounts"]:
                emails = account_demo.seed_demo_accounts(password=options["demo_password"])
                self.stdout.write("demo accounts: " + ", ".join(emails))
            consultation = proposal_demo.seed_consultation()
            self.stdout.write(f"demo consultation: {consultation.slug}")
        # Each stage commits on its own, so that a huge run shows progress and keeps what it finished.
        document = consultation.documents.first()
        article_ids = list(document.identities.values_list("pk", flat=True)) if document else []
        try:
            added = seeding.seed_proposals(
                count=options["proposals"], consultation=consultation, article_ids=article_ids, rng=rng
            )
            self.stdout.write(f"demo proposals: {added} added")
            self.stdout.write(f"timeline steps of demo proposals: {seeding.seed_timelines()} added")
            self.stdout.write(f"supports: {seeding.seed_supports(count=options['supports'], rng=rng)} added")
            self.stdout.write(f"comments: {seeding.seed_comments(count=options['comments'], rng=rng)} added")
            added = proposal_demo.seed_hearings(count=options["hearings"], consultation=consultation)
            self.stdout.write(f"demo hearings: {added} added")
            # The loop already run once: a closed consultation with its answers and published outcome.
            closed = demo_outcome.seed_closed_consultation()
            self.stdout.write(f"closed demo consultation: {'added' if closed else 'there already'}")
            demo_outcome.seed_open_consultation_deadline(consultation)
            if options["demo_accounts"]:
                added = demo_outcome.seed_digest_notifications(consultation=consultation)
                self.stdout.write(f"digest notifications of the demo accounts: {added} added")
            self.stdout.write(f"demo commitments: {proposal_demo.seed_commitments()} added")
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS("seed_demo done"))
