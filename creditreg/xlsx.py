"""``core.xlsx`` under its old name, for ``records/importing.py`` and ``exchange/formats.py`` only, until
their rewrite imports ``core.xlsx``; then this module goes."""

from core.xlsx import xlsx_bytes

__all__ = ["xlsx_bytes"]
