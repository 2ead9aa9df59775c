"""PDFs with WeasyPrint. Pages are rendered from our own templates; the renderer may fetch
nothing but our own static files (ASVS 5.2.6, 12.6.1: no server-side request forgery)."""

from dataclasses import dataclass
from pathlib import Path

from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.template.loader import render_to_string

STATIC_PREFIX = "static:///"


def _fetch_static_only(url: str, *args, **kwargs):
    if not url.startswith(STATIC_PREFIX):
        raise ValueError("PDFs may only load the service's own static files")
    path = finders.find(url.removeprefix(STATIC_PREFIX))
    if not path:
        raise ValueError("no such static file")
    return {"file_obj": Path(path).open("rb"), "mime_type": None}


@dataclass(frozen=True)
class Pdf:
    content: bytes
    pages: int


def pdf_from_html(html: str) -> Pdf:
    """The PDF (tagged, PDF/UA-1) of finished HTML, and its number of pages."""
    from weasyprint import HTML  # imported here: only PDF views and tasks need Pango

    document = HTML(string=html, base_url=STATIC_PREFIX, url_fetcher=_fetch_static_only).render()
    return Pdf(document.write_pdf(pdf_variant="pdf/ua-1"), len(document.pages))


def pdf_from_template(template: str, context: dict) -> Pdf:
    return pdf_from_html(render_to_string(template, context))


def pdf_response(content: bytes, *, filename: str) -> HttpResponse:
    """A PDF download (never shown inline) named by a reference, never by a child's name."""
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def render_pdf(template: str, context: dict, *, filename: str) -> HttpResponse:
    return pdf_response(pdf_from_template(template, context).content, filename=filename)
