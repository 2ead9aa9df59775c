"""The permission matrix's rows for intelligence reports, police handling, alerts and a child's
connections (tests/intelligence/matrix.py gathers them): (route name, method) -> expected status
per role, and each route's URL built from real objects.

The object: a report submitted by a school's referrer, not shared with partners. The users the
matrix signs in are not its submitter: so only police-only users (D12) see it; everyone else gets
404 (the submitter's own view and a shared sanitised version are tested in test_reports.py)."""

import datetime as dt

from django.urls import reverse

from cse_framework.accounts.roles import RoleCode
from intelligence import policy

ROLES = list(RoleCode)
ANONYMOUS = "anonymous"


def _only(roles, *, allowed: int = 200, denied: int = 404, anonymous: int = 302) -> dict:
    return {**{role: allowed if role in roles else denied for role in ROLES}, ANONYMOUS: anonymous}


ROWS: dict = {
    ("intelligence:report-new", "GET"): _only(policy.SUBMIT_ROLES, denied=403),
    # An empty POST: the form with its errors for anyone who may pass on intelligence.
    ("intelligence:report-new", "POST"): _only(policy.SUBMIT_ROLES, denied=403),
    # The user's own reports: none here.
    ("intelligence:report-mine", "GET"): _only(policy.SUBMIT_ROLES, denied=403),
    ("intelligence:report-detail", "GET"): _only(policy.POLICE_ONLY_ROLES),
    # The confirmation is the submitter's: police-only users are sent on to the report's page.
    ("intelligence:report-submitted", "GET"): _only(policy.POLICE_ONLY_ROLES, allowed=302),
    # Police handling (test_police.py): the queue and a report's handling are police-only and
    # answer 404 to everyone else; an empty POST is the handling form with its errors.
    ("intelligence:police-queue", "GET"): _only(policy.POLICE_ONLY_ROLES),
    ("intelligence:report-handle", "GET"): _only(policy.POLICE_ONLY_ROLES),
    ("intelligence:report-handle", "POST"): _only(policy.POLICE_ONLY_ROLES),
    # The PAIR form shows no record: 403 to everyone but police-only users.
    ("intelligence:pair-new", "GET"): _only(policy.POLICE_ONLY_ROLES, denied=403),
    ("intelligence:pair-new", "POST"): _only(policy.POLICE_ONLY_ROLES, denied=403),
    # A "children linked" alert resting on nothing police-only: police-only users and the
    # managers of policy.ALERT_MANAGER_ROLES (test_alerts.py: what each sees).
    ("intelligence:alert-detail", "GET"): _only(
        policy.POLICE_ONLY_ROLES | policy.ALERT_MANAGER_ROLES
    ),
    # A child's connections (test_connections.py): police-only users and the managers; the
    # child's own Shield worker too (the matrix's Shield worker holds no child: 404).
    ("intelligence:child-connections", "GET"): _only(
        policy.POLICE_ONLY_ROLES | policy.ALERT_MANAGER_ROLES
    ),
    # API (intelligence/api.py): 401 without credentials; the list is scoped (empty, not
    # forbidden); an empty body is a field-level 400 for those who may pass on intelligence, 403
    # for the others; the report and its handling are police-only here, 404 to everyone else.
    ("intelligence-report-list", "GET"): _only(ROLES, anonymous=401),
    ("intelligence-report-list", "POST"): _only(
        policy.SUBMIT_ROLES, allowed=400, denied=403, anonymous=401
    ),
    ("intelligence-report-detail", "GET"): _only(policy.POLICE_ONLY_ROLES, anonymous=401),
    ("intelligence-report-handle", "POST"): _only(
        policy.POLICE_ONLY_ROLES, allowed=400, anonymous=401
    ),
}
NAMES = {name for name, _ in ROWS}


def _report():
    from intelligence import services
    from tests.factories.accounts import UserFactory

    return services.report_submit(
        by=UserFactory(roles=[RoleCode.REFERRER]),
        observed_from=dt.datetime(2026, 1, 12, 15, 30, tzinfo=dt.UTC),
        what_happened="A silver hatchback waits by the school gates at home time.",
        provenance="saw",
        vehicles=[{"registration": "XR15 KQZ", "colour": "Silver"}],
    )


def _alert():
    from intelligence import linking
    from tests.factories.referrals import ChildFactory

    report = _report()
    by = report.submitted_by
    car = linking.vehicle_record(registration="XR15 KQZ")
    linking.child_link(child=ChildFactory(), entity=car, source=report, by=by)
    return linking.child_link(child=ChildFactory(), entity=car, source=_report(), by=by)[1][0]


def url(name: str) -> str | None:
    if name not in NAMES:
        return None
    if name == "intelligence:alert-detail":
        return reverse(name, kwargs={"pk": _alert().pk})
    if name == "intelligence:child-connections":
        return reverse(name, kwargs={"pk": _alert().first_child_id})
    if name in (
        "intelligence:report-new",
        "intelligence:report-mine",
        "intelligence:police-queue",
        "intelligence:pair-new",
        "intelligence-report-list",
    ):
        return reverse(name)
    return reverse(name, kwargs={"pk": _report().pk})
