"""Reading the text back out of an issued PDF (pdfminer.six), as a person copying it would."""

import io

from pdfminer.high_level import extract_text


def pdf_text(content: bytes) -> str:
    return extract_text(io.BytesIO(content))


def squeeze(text: str) -> str:
    """The text without the spaces and line breaks the layout put in (a table cell wraps a long value)."""
    return "".join(text.split())
