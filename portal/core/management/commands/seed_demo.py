import random

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from portal.accounts import demo as account_demo


class Command(BaseCommand):
    help = "Creates demo content. Running it again adds nothing twice."

    def add_arguments(self, parser):
        parser.add_argument("--users", type=int, default=50, help="Number of demo citizens.")
        parser.add_argument("--seed", type=int, default=2026, help="Random seed, for repeatable content.")
        parser.add_argument(
            "--demo-accounts",
            action="store_true",
            help="Create citizen@, citizen2@, moderator@, commission@ and admin@demo.test (DEBUG only).",
        )
        parser.add_argument("--demo-password", help="Password of the demo accounts.")

    def handle(self, *args, **options):
        if options["users"] < 0:
            raise CommandError("--users must be zero or more.")
        if options["demo_accounts"]:
            if not settings.DEBUG:
                raise CommandError("--demo-accounts creates accounts with a known password: DEBUG must be on.")
            if not options["demo_password"] or len(options["demo_password"]) < 8:
                raise CommandError("--demo-accounts needs --demo-password of at least 8 characters.")
        rng = random.Random(options["seed"])
        with transaction.atomic():
            added = account_demo.seed_users(count=options["users"], rng=rng)
            self.stdout.write(f"demo citizens: {added} added")
            if options["demo_accounts"]:
                emails = account_demo.seed_demo_accounts(password=options["demo_password"])
                self.stdout.write("demo accounts: " + ", ".join(emails))
        self.stdout.write(self.style.SUCCESS("seed_demo done"))
