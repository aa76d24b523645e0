from django.core.management.base import BaseCommand, CommandError

from portal.notifications.services import digest_plan, digest_send_batch


class Command(BaseCommand):
    help = "Plans and sends the digests of the period just ended. Safe to run twice: nobody gets two."

    def add_arguments(self, parser):
        parser.add_argument("--frequency", required=True, choices=["daily", "weekly"])
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args, **options):
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1.")
        planned = digest_plan(frequency=options["frequency"])
        total = 0
        while True:
            done = digest_send_batch(frequency=options["frequency"], batch_size=options["batch_size"])
            if not done:
                break
            total += done
        self.stdout.write(f"planned {planned} deliveries; processed {total}")
