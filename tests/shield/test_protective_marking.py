"""The protective marking on every PDF the service prints about a child reads exactly
"OFFICIAL-SENSITIVE" (one word, hyphenated, no spaces): in every PDF template, and in the text of
the PDFs themselves. The quarterly return for the board holds aggregate figures only, with small
numbers hidden (D14), and is marked OFFICIAL."""

import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.template.loaders.app_directories import get_app_template_dirs
from django.urls import reverse
from pypdf import PdfReader

from cse_framework.accounts.roles import RoleCode
from tests.factories.accounts import UserFactory
from tests.factories.referrals import make_received
from tests.factories.shield import make_assessment, make_case

MARKING = "OFFICIAL-SENSITIVE"
AGGREGATES = {"returns/pdf/return.html"}  # no child in them: OFFICIAL
# Any spelling of the marking: spaces, another dash, or none.
ANY_SPELLING = re.compile(r"OFFICIAL\s*[-\u2010-\u2015]?\s*SENSITIVE", re.IGNORECASE)


def _pdf_templates() -> dict[str, str]:
    """Every template laid out for print (it has an ``@page`` rule): the PDFs' templates."""
    dirs = [*settings.TEMPLATES[0]["DIRS"], *get_app_template_dirs("templates")]
    found = {}
    for root in dirs:
        for path in Path(root).rglob("*.html"):
            text = path.read_text(encoding="utf-8")
            if "@page" in text:
                found[str(path.relative_to(root))] = text
    return found


def _spellings(text: str) -> set[str]:
    return {match.group(0) for match in ANY_SPELLING.finditer(text)}


def test_every_pdf_template_carries_the_marking_spelt_exactly():
    templates = _pdf_templates()
    assert {
        "referrals/referral_print.html",
        "shield/pdf/assessment.html",
        "shield/pdf/chronology.html",
    } <= set(templates)
    assert set(templates) >= AGGREGATES
    for name, text in templates.items():
        if name in AGGREGATES:
            assert "OFFICIAL" in text and not _spellings(text), name
        else:
            assert _spellings(text) == {MARKING}, name


def _text(response) -> str:
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() or "" for page in reader.pages))


@pytest.mark.django_db
def test_the_printed_pdfs_read_official_sensitive(client_for):
    """The CSE2, the chronology and the referral, as printed: the marking is in their text."""
    case = make_case()
    done = make_assessment(case.child, case.worker)
    worker = client_for(user=case.worker)
    mash = client_for(RoleCode.MASH_SOCIAL_WORKER)
    referral = make_received(UserFactory(roles=[RoleCode.REFERRER]))
    for client, url in (
        (worker, reverse("shield:assessment-print", kwargs={"pk": done.pk})),
        (worker, reverse("shield:chronology-print", kwargs={"child_pk": case.child_id})),
        (mash, reverse("referrals:print", kwargs={"pk": referral.pk})),
    ):
        text = _text(client.get(url))
        assert _spellings(text) == {MARKING}, (url, text[:300])
