"""``core.text`` under its old name, for ``records/importing.py`` only, until the importer's rewrite
imports ``core.text``; then this module goes."""

from core.text import UNSAFE, unsafe_character_message

__all__ = ["UNSAFE", "unsafe_character_message"]
