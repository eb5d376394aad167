from django.core.management.base import BaseCommand, CommandError

from creditreg.backup import BackupError, keys_check


class Command(BaseCommand):
    help = "Decrypt a sample of every encrypted field with the keys in the environment (after a restore)."

    def handle(self, *args, **options):
        try:
            checked = keys_check()
        except BackupError as exc:
            raise CommandError(f"the keys do not fit the data: {exc}") from None
        self.stdout.write(f"keys fit: {checked} encrypted values read")
