from django.core.management.base import BaseCommand

from creditreg.demo import demo_load


class Command(BaseCommand):
    help = "Load the demo departments' units, one account per role and about 200 subjects (idempotent)."

    def handle(self, *args, **options):
        report = demo_load()
        self.stdout.write(f"Subjects: {report.created_subjects} new, {report.total_subjects} in all.")
        self.stdout.write(f"Records: {report.created_records} new.")
        self.stdout.write("Demo accounts (user name / password / role):")
        for username, password, role in report.users:
            self.stdout.write(f"  {username:<16} {password:<12} {role}")
        self.stdout.write(
            "Second factor: the credit office and reviewers enter a TOTP code after the password. Add the "
            "secret (or the otpauth URI as a QR code) to an authenticator app, or print the current code "
            "with `.venv/bin/python -m accounts.totp_now SECRET`:"
        )
        for username, secret, uri in report.second_factors:
            self.stdout.write(f"  {username:<16} {secret}  {uri}")
