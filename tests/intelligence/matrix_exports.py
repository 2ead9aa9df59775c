"""The permission matrix's rows for intelligence: sending a report to the police mailbox, and its
PDF (test_export.py: the submitter's and a partner's own cases).

The object: matrix_reports' report, submitted by a school's referrer who is none of the users the
matrix signs in, and not shared with partners: only police-only users (D12) may send it or
download it; everyone else gets 404."""

from django.urls import reverse

from intelligence import policy
from tests.intelligence.matrix_reports import _only, _report

ROWS: dict = {
    # The confirmation page naming the mailbox; the send itself goes back to the report.
    ("intelligence:report-send", "GET"): _only(policy.POLICE_ONLY_ROLES),
    ("intelligence:report-send", "POST"): _only(policy.POLICE_ONLY_ROLES, allowed=302),
    ("intelligence:report-pdf", "GET"): _only(policy.POLICE_ONLY_ROLES),
}
NAMES = {name for name, _ in ROWS}


def url(name: str) -> str | None:
    if name not in NAMES:
        return None
    return reverse(name, kwargs={"pk": _report().pk})
