"""Letters as documents: the printable letter pages (an objection's receipt and decision, a written
reminder) say what a letter says, in the site's language; ``letter_stated`` reads a rendered page into
what the PDF states, so the page and the PDF never tell two stories. ``letter_pdf_response`` hands an
issued letter (or report) out as a download."""

import html
import re
from urllib.parse import quote

from django.http import HttpResponse

from .services import Issued

H1 = re.compile(r"<h1[^>]*>(.*?)</h1>", re.S)
PARAGRAPH = re.compile(r"<p(?P<attrs>[^>]*)>(?P<body>.*?)</p>", re.S)
BREAK = re.compile(r"<br\s*/?>", re.I)
TAG = re.compile(r"<[^>]+>")


def _text(fragment: str) -> str:
    lines = [" ".join(html.unescape(TAG.sub("", part)).split()) for part in BREAK.split(fragment)]
    return "\n".join(line for line in lines if line)


def letter_stated(page: str) -> tuple[str, dict]:
    """The title and the stated content of a rendered letter page: its ``<h1>``, the ``<p class="number">``
    (the letter's 文号), the ``<p class="sign">`` (who signs, and when) and every other paragraph of the
    body in order."""
    title_match = H1.search(page)
    title = _text(title_match.group(1)) if title_match else ""
    body = page[title_match.end() :] if title_match else page
    wenhao, sign, text = "", [], []
    for match in PARAGRAPH.finditer(body):
        classes = re.search(r'class="([^"]*)"', match.group("attrs"))
        names = set(classes.group(1).split()) if classes else set()
        value = _text(match.group("body"))
        if not value:
            continue
        if "number" in names:
            wenhao = value
        elif "sign" in names:
            sign.extend(value.split("\n"))
        else:
            text.append(value)
    return title, {"wenhao": wenhao, "blocks": [{"text": text}], "sign": sign}


def letter_pdf_response(issued: Issued) -> HttpResponse:
    """An issued document as a PDF download named by its number."""
    response = HttpResponse(issued.content, content_type="application/pdf")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(issued.filename)}"
    response["X-Document-Number"] = issued.document.number
    response["Cache-Control"] = "no-store"
    return response
