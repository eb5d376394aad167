"""``manage.py push_outbox --transport file --dir DIR`` (SPEC §7).

Delivers every pending outbox item through the transport (by default the configured one) and exits.
With the file transport, each delivered item is one line of a JSON Lines file in DIR with
``idempotency_key``, ``type`` and ``payload`` (plus the platform's spreadsheets and a manifest). Items
already delivered are never delivered again, so running the command twice delivers nothing new. An
item in backoff is tried now (the operator asked); a batch held by a live worker is left to it.
"""

from django.conf import settings
from django.core.checks import Tags
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from exchange.delivery import outbox_deliver
from exchange.models import OutboxItem, OutboxStatus
from exchange.transports import transport_from_settings


class Command(BaseCommand):
    help = "Deliver every pending outbox item to the platform and exit."
    # The checks of what a delivery uses, the models. The URL and admin checks import every view and
    # admin module — a second of each run on a busy machine — and are the web process's to run.
    requires_system_checks = [Tags.models]

    def add_arguments(self, parser):
        parser.add_argument("--transport", choices=["file", "http"], help="default: EXCHANGE_TRANSPORT")
        parser.add_argument("--dir", dest="directory", help="drop directory of the file transport")
        parser.add_argument(
            "--batch-size",
            type=int,
            help=f"items per batch (default: file {settings.EXCHANGE_FILE_BATCH_SIZE}, "
            f"http {settings.EXCHANGE_BATCH_SIZE})",
        )

    def handle(self, *args, **options):
        name = options["transport"] or settings.EXCHANGE_TRANSPORT
        if options["batch_size"] is not None and options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1")
        try:
            transport = transport_from_settings(name, directory=options["directory"])
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from None
        report = outbox_deliver(transport=transport, batch_size=options["batch_size"], now_due=False)
        where = options["directory"] or (
            settings.EXCHANGE_FILE_DIR if name == "file" else settings.EXCHANGE_HTTP_URL
        )
        pending = OutboxItem.objects.filter(status=OutboxStatus.PENDING).count()
        failed = OutboxItem.objects.filter(status=OutboxStatus.FAILED).count()
        self.stdout.write(
            f"delivered {report.delivered} items in {report.batches - report.failed_batches} batches "
            f"through {name} to {where}; {pending} pending, {failed} failed"
        )
        if report.failed_batches:
            raise CommandError(f"a batch was not delivered: {report.errors[-1]}")
