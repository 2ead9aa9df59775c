"""The permission matrix's rows for MACSE's plans routes (tests/test_permission_matrix.py takes
them from tests/macse/matrix.py): (route name, method) -> expected status per role, and each
route's URL built from real objects (tests/factories/macse.py).

The objects: a child adopted onto MACSE at a closed meeting (its plan, with the version the
meeting agreed), and an action of the plan owned by a school's referrer. The users the matrix
signs in are none of these people: so a Shield worker (who holds no case of the child) and a
referrer (who owns no action) see nothing; a partner's own action is tested in
tests/macse/test_plans.py and test_api.py."""

from django.urls import reverse

from cse_framework.accounts.roles import RoleCode
from macse import policy as macse
from shield import policy as shield

ROLES = list(RoleCode)
ANONYMOUS = "anonymous"

# Who sees a child's plan, its versions and its actions: the MACSE roles, and those who see
# every child's Shield records.
VIEWERS = macse.MEETING_ROLES | shield.COHORT_ROLES
# Of those, who adds actions and records progress for a named contact.
PLANNERS = macse.PLAN_ROLES & VIEWERS


def _only(roles, *, allowed: int = 200, denied: int = 404, anonymous: int = 302) -> dict:
    return {**{role: allowed if role in roles else denied for role in ROLES}, ANONYMOUS: anonymous}


def _every(status: int, *, anonymous: int) -> dict:
    return _only(ROLES, allowed=status, anonymous=anonymous)


ROWS: dict = {
    ("macse:plan-detail", "GET"): _only(VIEWERS),
    ("macse:plan-version", "GET"): _only(VIEWERS),
    ("macse:plan-edit", "GET"): _only(PLANNERS),
    # An empty POST: the form with its errors (the version is missing) for the plan's roles.
    ("macse:plan-edit", "POST"): _only(PLANNERS),
    ("macse:action-add", "GET"): _only(PLANNERS),
    # An empty POST is a form with errors for those who may add.
    ("macse:action-add", "POST"): _only(PLANNERS),
    ("macse:action-detail", "GET"): _only(VIEWERS),
    # An empty POST: the progress form with its errors for its owner and the plan's roles;
    # those who only read the action (or cannot see it) get 404.
    ("macse:action-detail", "POST"): _only(PLANNERS),
    # The user's own open actions: none here, for anyone.
    ("macse:my-actions", "GET"): _every(200, anonymous=302),
    # The children on MACSE: the landing page's roles (each sees the children in their scope).
    ("macse:cohort", "GET"): _only(macse.LANDING_ROLES, denied=403),
    # API: 401 without credentials; lists are scoped (empty, not forbidden) for other roles.
    ("macse-meeting-list", "GET"): _every(200, anonymous=401),
    ("macse-meeting-detail", "GET"): _only(macse.MEETING_ROLES, anonymous=401),
    ("macse-agenda-item-list", "GET"): _every(200, anonymous=401),
    ("macse-agenda-item-detail", "GET"): _only(macse.MEETING_ROLES, anonymous=401),
    ("macse-plan-list", "GET"): _every(200, anonymous=401),
    ("macse-plan-detail", "GET"): _only(VIEWERS, anonymous=401),
    ("macse-action-list", "GET"): _every(200, anonymous=401),
    ("macse-action-detail", "GET"): _only(VIEWERS, anonymous=401),
    # An empty body: field-level 400 for the plan's roles (and the owner); 404 for the others.
    ("macse-action-progress", "POST"): _only(PLANNERS, allowed=400, anonymous=401),
}
NAMES = {name for name, _ in ROWS}


def url(name: str) -> str | None:
    if name not in NAMES:
        return None
    if name.endswith("-list") or name in ("macse:my-actions", "macse:cohort"):
        return reverse(name)
    from macse.models import AgendaItem, PlanVersion
    from tests.factories.macse import make_action, make_plan

    plan = make_plan()
    pk = {
        "macse:plan-detail": lambda: plan.pk,
        "macse:action-add": lambda: plan.pk,
        "macse:plan-edit": lambda: plan.pk,
        "macse-plan-detail": lambda: plan.pk,
        "macse:plan-version": lambda: PlanVersion.objects.get(plan=plan).pk,
        "macse-meeting-detail": lambda: plan.entry.first_heard_at_id,
        "macse-agenda-item-detail": lambda: AgendaItem.objects.get(child=plan.child).pk,
    }.get(name, lambda: make_action(plan).pk)()
    return reverse(name, kwargs={"pk": pk})
