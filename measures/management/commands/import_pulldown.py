"""``manage.py import_pulldown FILE``: import a JSON Lines file the platform pushed down (national
evaluation results, red/black lists), idempotently; exits non-zero if any item was rejected."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from measures.pulldown import PulldownError, pulldown_import, pulldown_parse_lines


class Command(BaseCommand):
    help = "Import national evaluation results and red/black lists pushed down by the platform."

    def add_arguments(self, parser):
        parser.add_argument("file", help="JSON Lines, one item per line")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        try:
            items = pulldown_parse_lines(path.read_bytes())
            result = pulldown_import(actor=None, items=items, source=path.name)
        except PulldownError as exc:
            raise CommandError(str(exc)) from None
        r = result.as_dict()
        self.stdout.write(
            f"{path.name}: {r['national_created']} national results imported "
            f"({r['national_duplicates']} already there), {r['lists_added']} list entries added "
            f"({r['lists_existing']} already there), {r['lists_removed']} removed, "
            f"{len(r['rejected'])} rejected"
        )
        for rejected in r["rejected"]:
            self.stderr.write(f"item {rejected['item']} ({rejected['id']}): {rejected['error']}")
        if r["rejected"]:
            raise CommandError(f"{len(r['rejected'])} items rejected")
