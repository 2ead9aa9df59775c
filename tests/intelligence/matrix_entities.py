"""The permission matrix's rows for intelligence entities and the list of "children linked" alerts
(tests/intelligence/matrix.py gathers them): (route name, method) -> expected status per role,
and each route's URL built from real objects.

The objects: a car two children are linked to by a school's records, not police-only, so the
managers of policy.ALERT_MANAGER_ROLES may see it and the alert it raised; the matrix's Shield
worker holds neither child (test_entities.py and test_entity_api.py: the allocated worker, what
each sees, and what is masked)."""

import datetime as dt

from django.urls import reverse

from cse_framework.accounts.roles import RoleCode
from intelligence import alert_views, policy

ROLES = list(RoleCode)
ANONYMOUS = "anonymous"
SEES_ENTITY = policy.POLICE_ONLY_ROLES | policy.ALERT_MANAGER_ROLES


def _only(roles, *, allowed: int = 200, denied: int = 404, anonymous: int = 302) -> dict:
    return {**{role: allowed if role in roles else denied for role in ROLES}, ANONYMOUS: anonymous}


ROWS: dict = {
    # Finding an entity is police-only: 404 to everyone else, as the police queue.
    ("intelligence:entity-search", "GET"): _only(policy.POLICE_ONLY_ROLES),
    ("intelligence:entity-detail", "GET"): _only(SEES_ENTITY),
    # Linking by hand is police-only; an empty POST is the form with its errors.
    ("intelligence:entity-link", "GET"): _only(policy.POLICE_ONLY_ROLES),
    ("intelligence:entity-link", "POST"): _only(policy.POLICE_ONLY_ROLES),
    # The alerts list shows no single record: 403 to those who see no alert (a Shield worker
    # lists the alerts about the children they hold: none here).
    ("intelligence:alert-list", "GET"): _only(alert_views.LIST_ROLES, denied=403),
    # API (intelligence/entity_api.py): 401 without credentials; lists are scoped (empty, not
    # forbidden); an entity or an alert is 404 to those who may not see it.
    ("intelligence-entity-list", "GET"): _only(ROLES, anonymous=401),
    ("intelligence-entity-detail", "GET"): _only(SEES_ENTITY, anonymous=401),
    ("intelligence-alert-list", "GET"): _only(ROLES, anonymous=401),
    ("intelligence-alert-detail", "GET"): _only(SEES_ENTITY, anonymous=401),
}
NAMES = {name for name, _ in ROWS}


def _linked():
    """Two children linked to one car by a school's records (not police-only): the car and the
    alert it raised."""
    from intelligence import linking
    from intelligence.models import Report
    from tests.factories.accounts import UserFactory
    from tests.factories.referrals import ChildFactory

    school = UserFactory(roles=[RoleCode.REFERRER])
    car = linking.vehicle_record(registration="XR15 KQZ")
    raised = []
    for _ in range(2):
        source = Report.objects.create(
            submitted_by=school,
            observed_from=dt.datetime(2026, 1, 12, 15, 30, tzinfo=dt.UTC),
            what_happened="A silver hatchback waits by the school gates at home time.",
            provenance=Report.Provenance.SAW,
        )
        raised += linking.child_link(child=ChildFactory(), entity=car, source=source, by=school)[1]
    return car, raised[0]


def url(name: str) -> str | None:
    if name not in NAMES:
        return None
    if name in (
        "intelligence:entity-search",
        "intelligence:alert-list",
        "intelligence-entity-list",
        "intelligence-alert-list",
    ):
        return reverse(name)
    car, alert = _linked()
    if name == "intelligence-entity-detail":
        return reverse(name, kwargs={"ref": f"vehicle-{car.pk}"})
    if name == "intelligence-alert-detail":
        return reverse(name, kwargs={"pk": alert.pk})
    return reverse(name, kwargs={"kind": "vehicle", "pk": car.pk})
