"""The Chinese catalogue is complete and its compiled form is the one committed."""

from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils import translation

LOCALE = Path(settings.PACKAGE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES"


def test_every_message_has_a_chinese_translation():
    catalogue = polib.pofile(str(LOCALE / "django.po"))
    missing = [entry.msgid for entry in catalogue if not entry.translated() and not entry.obsolete]
    assert len(catalogue) > 100
    assert missing == []


def _texts(entries) -> dict:
    """msgid -> its translation (the single Chinese form of a plural entry)."""
    return {
        (e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural.get(0, "")
        for e in entries
        if e.msgid and (e.msgstr or e.msgstr_plural)
    }


def test_compiled_catalogue_matches_the_source():
    source = _texts(polib.pofile(str(LOCALE / "django.po")))
    compiled = _texts(polib.mofile(str(LOCALE / "django.mo")))
    assert compiled == source


@pytest.mark.parametrize(("language", "expected"), [("zh-hans", "自然人"), ("en", "Natural person")])
def test_chinese_by_default_with_an_english_fallback(language, expected):
    from subjects.models import SubjectKind

    assert settings.LANGUAGE_CODE == "zh-hans" and settings.TIME_ZONE == "Asia/Shanghai"
    with translation.override(language):
        assert str(SubjectKind.NATURAL_PERSON.label) == expected
