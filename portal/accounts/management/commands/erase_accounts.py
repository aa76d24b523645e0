from django.core.management.base import BaseCommand

from portal.accounts.privacy import accounts_erase_again


class Command(BaseCommand):
    help = (
        "After restoring a backup: erases again the accounts erased since its dump (their numbers are in "
        "the workers' log lines 'account erased: account N'); with --grace, schedules the deletions "
        "requested since the dump ('account deletion requested: account N') after a fresh grace period."
    )

    def add_arguments(self, parser):
        parser.add_argument("accounts", nargs="+", type=int, metavar="ACCOUNT")
        parser.add_argument("--grace", action="store_true", help="schedule after the grace period, not now")

    def handle(self, *args, **options):
        done = accounts_erase_again(user_ids=options["accounts"], grace=options["grace"])
        self.stdout.write(f"{done} {'scheduled' if options['grace'] else 'erased'}")
