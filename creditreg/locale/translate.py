"""Fill the zh_Hans catalogue from the table in locale/zh_Hans.json (msgid -> translation).

Used after `make messages`: new msgids are added to the JSON by the developer, then this script writes
them into django.po; `make messages` compiles the .mo. Plural entries take one form in Chinese.
"""

import json
import sys
from pathlib import Path

import polib

HERE = Path(__file__).resolve().parent
PO = HERE / "zh_Hans" / "LC_MESSAGES" / "django.po"
# The main table and one per app that keeps its own (zh_Hans.<app>.json); later files may not
# contradict earlier ones.
TABLES = sorted(HERE.glob("zh_Hans*.json"))


def main() -> int:
    table: dict[str, str] = {}
    for path in TABLES:
        for msgid, text in json.loads(path.read_text(encoding="utf-8")).items():
            if table.get(msgid, text) != text:
                print(f"{path.name}: conflicting translation of {msgid!r}", file=sys.stderr)
                return 1
            table[msgid] = text
    catalogue = polib.pofile(str(PO))
    missing = []
    for entry in catalogue:
        text = table.get(entry.msgid)
        if text is None:
            if not entry.translated():
                missing.append(entry.msgid)
            continue
        if entry.msgid_plural:
            entry.msgstr_plural = {0: text}
        else:
            entry.msgstr = text
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
    catalogue.metadata["Plural-Forms"] = "nplurals=1; plural=0;"
    catalogue.metadata["Language"] = "zh_Hans"
    catalogue.save(str(PO))
    catalogue.save_as_mofile(str(PO.with_suffix(".mo")))
    for msgid in missing:
        print(f"untranslated: {msgid!r}", file=sys.stderr)
    return 1 if missing else 0


if __name__ == "__main__":
    raise SystemExit(main())
