"""PDFs with WeasyPrint. Pages are rendered from our own templates; the renderer may fetch
nothing but our own static files (ASVS 5.2.6, 12.6.1: no server-side request forgery)."""

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


def render_pdf(template: str, context: dict, *, filename: str) -> HttpResponse:
    """A PDF download (never shown inline) named by a reference, never by a child's name."""
    from weasyprint import HTML  # imported here: only PDF views need Pango

    html = render_to_string(template, context)
    document = HTML(string=html, base_url=STATIC_PREFIX, url_fetcher=_fetch_static_only)
    response = HttpResponse(
        document.write_pdf(pdf_variant="pdf/ua-1"), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
