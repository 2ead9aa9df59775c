"""Every URL pattern and API operation x every role of D22 + anonymous, with the expected answer.

A route with no row fails `test_every_route_has_a_row`: a new route must be added here.
"""

import datetime

import pytest
from django.contrib import admin
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse

from cse_framework.accounts.models import Agency
from cse_framework.accounts.roles import RoleCode
from cse_framework.audit.policy import AUDITOR_ROLES
from cse_framework.dashboards import policy as dashboards
from cse_framework.timescales import policy as timescales
from cse_framework.timescales.models import Deadline
from intelligence import policy as intelligence
from macse import policy as macse
from referrals import policy as referrals
from shield import policy as shield
from strategy import policy as strategy
from tests.factories.accounts import AgencyFactory, UserFactory
from tests.factories.referrals import ChildFactory, make_meeting, make_received
from tests.factories.shield import make_assessment, make_case
from tests.governance import matrix as governance_matrix
from tests.intelligence import matrix as intelligence_matrix
from tests.macse import matrix as macse_matrix
from tests.returns import matrix as returns_matrix

pytestmark = pytest.mark.django_db

ROLES = list(RoleCode)
ANONYMOUS = "anonymous"


def every(status: int, anonymous: int) -> dict:
    return {**{role: status for role in ROLES}, ANONYMOUS: anonymous}


def only(roles, *, allowed: int = 200, denied: int = 403, anonymous: int = 302) -> dict:
    return {**{role: allowed if role in roles else denied for role in ROLES}, ANONYMOUS: anonymous}


SIGNED_IN_PAGE = every(200, anonymous=302)
TEAM_MANAGERS = set(referrals.REGISTER_ROLES) & {
    RoleCode.MASH_TEAM_MANAGER,
    RoleCode.SHIELD_TEAM_MANAGER,
}
PUBLIC_PAGE = every(200, anonymous=200)
# Of those who see every child's Shield records: who records events, who decides flags.
SHIELD_RECORDERS = shield.COHORT_ROLES & shield.ASSESS_ROLES
AGENCY_FLAG_DECIDERS = {RoleCode.SHIELD_TEAM_MANAGER, RoleCode.MACSE_CHAIR}
FLAG_DECIDERS = AGENCY_FLAG_DECIDERS | {RoleCode.POLICE_INTELLIGENCE_OFFICER}

# (route name, method) -> expected status per role. Detail routes get a real object's id.
MATRIX: dict[tuple[str, str], dict] = {
    ("home", "GET"): SIGNED_IN_PAGE,
    ("floor", "GET"): SIGNED_IN_PAGE,
    ("accessibility", "GET"): PUBLIC_PAGE,
    ("privacy", "GET"): PUBLIC_PAGE,
    ("healthz", "GET"): PUBLIC_PAGE,
    ("readyz", "GET"): PUBLIC_PAGE,
    ("accounts:sign-in", "GET"): every(302, anonymous=200),
    ("accounts:security-code", "GET"): every(302, anonymous=302),
    ("accounts:enrol", "GET"): every(302, anonymous=302),
    ("accounts:sign-out", "GET"): PUBLIC_PAGE,
    ("accounts:signed-out", "GET"): PUBLIC_PAGE,
    ("accounts:keep-alive", "GET"): every(405, anonymous=302),
    ("accounts:keep-alive", "POST"): every(302, anonymous=302),
    ("accounts:kept-form", "GET"): every(302, anonymous=302),
    ("accounts:account", "GET"): SIGNED_IN_PAGE,
    ("accounts:backup-codes", "GET"): every(405, anonymous=302),
    ("accounts:backup-codes", "POST"): every(200, anonymous=302),
    ("audit:log", "GET"): only(AUDITOR_ROLES),
    # The filter, answered with a redirect to the filtered log.
    ("audit:log", "POST"): only(AUDITOR_ROLES, allowed=302),
    # Unfiltered: back to the log to filter it first (tests/audit/test_access_log_export.py).
    ("audit:log-export", "GET"): only(AUDITOR_ROLES, allowed=302, denied=403),
    # A user's access pattern, its CSV (the download audited), and who has seen a child.
    ("audit:user-pattern", "GET"): only(AUDITOR_ROLES),
    ("audit:user-pattern-export", "GET"): only(AUDITOR_ROLES),
    ("audit:child-viewers", "GET"): only(AUDITOR_ROLES),
    ("notices:list", "GET"): SIGNED_IN_PAGE,
    # Marks only the user's own notices read, then back to the list.
    ("notices:mark-read", "POST"): every(302, anonymous=302),
    ("dashboards:index", "GET"): only(dashboards.LANDING_ROLES),
    ("dashboards:overdue", "GET"): only(timescales.MANAGER_ROLES),
    ("dashboards:overdue-list", "GET"): only(timescales.MANAGER_ROLES),
    ("dashboards:overdue-csv", "GET"): only(timescales.MANAGER_ROLES),
    ("dashboards:timeliness", "GET"): only(timescales.MANAGER_ROLES),
    ("timescales:worklist", "GET"): only(timescales.WORKLIST_ROLES),
    # The referral's clock belongs to no team here, so nobody may take it.
    ("timescales:take", "POST"): every(404, anonymous=302),
    # The clock is not late, so there is nothing to explain.
    ("timescales:explain", "GET"): every(404, anonymous=302),
    ("referrals:index", "GET"): only(referrals.LANDING_ROLES),
    ("referrals:child-list", "GET"): only(referrals.REGISTER_ROLES),
    ("referrals:child-detail", "GET"): only(referrals.REGISTER_ROLES, denied=404),
    ("referrals:referral-start", "GET"): only(referrals.LANDING_ROLES),
    ("referrals:triage-queue", "GET"): only(referrals.REGISTER_ROLES),
    ("referrals:edt-queue", "GET"): only(referrals.REGISTER_ROLES),
    # A received referral made by another agency's referrer: MASH and EDT may see it.
    ("referrals:referral-detail", "GET"): only(referrals.REGISTER_ROLES, denied=404),
    # Someone else's referral can never be changed: 404 for everyone.
    ("referrals:checklist", "GET"): every(404, anonymous=302),
    ("referrals:check", "GET"): every(404, anonymous=302),
    # Shield and service managers may read the triage page; only MASH and EDT act on it.
    ("referrals:triage", "GET"): only(referrals.REGISTER_ROLES, denied=404),
    ("referrals:print", "GET"): only(referrals.REGISTER_ROLES, denied=404),
    ("referrals:edit", "GET"): every(404, anonymous=302),
    ("referrals:marf", "GET"): every(404, anonymous=302),
    # An empty POST is a form with errors (200) for those allowed.
    ("referrals:triage-search", "POST"): only(referrals.TRIAGE_ROLES, denied=404),
    ("referrals:confirm-child", "POST"): only(referrals.TRIAGE_ROLES, denied=404),
    # Nothing waits for authorisation, and the child was not placed by another authority.
    ("referrals:authorise", "POST"): every(404, anonymous=302),
    ("referrals:placing-authority", "GET"): every(404, anonymous=302),
    ("referrals:authorisation", "GET"): only(referrals.AUTHORISATION_SETTING_ROLES),
    ("referrals:child-search", "POST"): only(referrals.REGISTER_ROLES),
    ("referrals:child-edit", "GET"): only(referrals.REGISTER_EDIT_ROLES, denied=404),
    ("referrals:child-add", "GET"): only(referrals.REGISTER_EDIT_ROLES, denied=404),
    ("referrals:child-merge", "GET"): only(referrals.MERGE_ROLES, denied=404),
    ("strategy:index", "GET"): only(strategy.LANDING_ROLES),
    # The referral awaits triage, so no discussion can be recorded for it yet.
    ("strategy:discussion-new", "GET"): every(404, anonymous=302),
    ("strategy:discussion-detail", "GET"): only(referrals.REGISTER_ROLES, denied=404),
    ("strategy:meeting-new", "GET"): only(strategy.RECORD_ROLES, denied=404),
    ("strategy:meeting-detail", "GET"): only(referrals.REGISTER_ROLES, denied=404),
    ("strategy:meeting-record", "GET"): only(strategy.RECORD_ROLES, denied=404),
    # The chair (a MASH team manager) or a team manager signs off and amends a held record.
    ("strategy:discussion-sign-off", "POST"): only(TEAM_MANAGERS, allowed=302, denied=404),
    ("strategy:discussion-amend", "GET"): only(TEAM_MANAGERS, denied=404),
    # The meeting is arranged, not yet held: nothing to sign off or amend.
    ("strategy:meeting-sign-off", "POST"): every(404, anonymous=302),
    ("strategy:meeting-amend", "GET"): every(404, anonymous=302),
    ("shield:index", "GET"): only(shield.LANDING_ROLES),
    # Shield records: the cohort roles see every child's; a worker only the children they hold.
    ("shield:case-detail", "GET"): only(shield.COHORT_ROLES, denied=404),
    # Casework: a Shield team manager allocates (an empty POST is a form with errors); the
    # managers see any caseload, a worker their own (the matrix's case is another worker's);
    # notes are written by those who assess, a draft only by its author; the chronology and
    # its print are the child's Shield records.
    ("shield:case-allocate", "GET"): only(shield.ALLOCATE_ROLES, denied=404),
    ("shield:case-allocate", "POST"): only(shield.ALLOCATE_ROLES, denied=404),
    ("shield:caseload", "GET"): only(
        {RoleCode.SHIELD_TEAM_MANAGER, RoleCode.SERVICE_MANAGER}, denied=404
    ),
    ("shield:caseload-mine", "GET"): only({RoleCode.SHIELD_WORKER, RoleCode.SHIELD_TEAM_MANAGER}),
    ("shield:case-note-new", "GET"): only(SHIELD_RECORDERS, denied=404),
    ("shield:case-note-edit", "GET"): every(404, anonymous=302),
    ("shield:case-note-correct", "GET"): only(SHIELD_RECORDERS, denied=404),
    ("shield:chronology", "GET"): only(shield.COHORT_ROLES, denied=404),
    ("shield:chronology-print", "GET"): only(shield.COHORT_ROLES, denied=404),
    ("shield:assessment-detail", "GET"): only(shield.COHORT_ROLES, denied=404),
    # The CSE2 pages: started and corrected by those who assess and see the child (an empty
    # POST is a form with errors); the matrix's CSE2 is completed, so its edit page is 404 for
    # everyone; a Shield team manager overrides the band; compare and print are reads.
    ("shield:assessment-new", "GET"): only(SHIELD_RECORDERS, denied=404),
    ("shield:assessment-new", "POST"): only(SHIELD_RECORDERS, denied=404),
    ("shield:assessment-edit", "GET"): every(404, anonymous=302),
    ("shield:assessment-correct", "POST"): only(SHIELD_RECORDERS, allowed=302, denied=404),
    ("shield:assessment-override", "GET"): only(shield.OVERRIDE_ROLES, denied=404),
    ("shield:assessment-override", "POST"): only(shield.OVERRIDE_ROLES, denied=404),
    ("shield:assessment-compare", "GET"): only(shield.COHORT_ROLES, denied=404),
    ("shield:assessment-print", "GET"): only(shield.COHORT_ROLES, denied=404),
    # A child's events: seen by whoever sees the child's Shield records; incidents and missing
    # episodes recorded by those who assess; flags decided by the police (the chair) or the
    # partnership (a Shield team manager). The matrix's child is held by another worker.
    ("shield:events", "GET"): only(shield.COHORT_ROLES, denied=404),
    ("shield:incident-new", "GET"): only(SHIELD_RECORDERS, denied=404),
    ("shield:incident-detail", "GET"): only(shield.COHORT_ROLES, denied=404),
    ("shield:missing-new", "GET"): only(SHIELD_RECORDERS, denied=404),
    ("shield:missing-edit", "GET"): only(SHIELD_RECORDERS, denied=404),
    ("shield:flag-new", "GET"): only(FLAG_DECIDERS, denied=404),
    # The flag is another agency's: a partnership decision.
    # The flag removed here is another agency's: a partnership decision, not the police's.
    ("shield:flag-remove", "GET"): only(AGENCY_FLAG_DECIDERS, denied=404),
    # The same in the API; an empty body is a field-level 400 for those who may create.
    ("flag-list", "GET"): every(200, anonymous=401),
    ("flag-list", "POST"): only(
        FLAG_DECIDERS | {RoleCode.POLICE_INTELLIGENCE_OFFICER}, allowed=400, anonymous=401
    ),
    ("flag-detail", "GET"): only(shield.COHORT_ROLES, denied=404, anonymous=401),
    ("incident-list", "GET"): every(200, anonymous=401),
    ("incident-list", "POST"): only(shield.ASSESS_ROLES, allowed=400, anonymous=401),
    ("incident-detail", "GET"): only(shield.COHORT_ROLES, denied=404, anonymous=401),
    ("missing-episode-list", "GET"): every(200, anonymous=401),
    ("missing-episode-list", "POST"): only(shield.ASSESS_ROLES, allowed=400, anonymous=401),
    ("missing-episode-detail", "GET"): only(shield.COHORT_ROLES, denied=404, anonymous=401),
    # Changing an episode and removing a flag: as the pages allow; an empty body is a 400.
    ("missing-episode-detail", "PATCH"): only(
        SHIELD_RECORDERS, allowed=400, denied=404, anonymous=401
    ),
    ("flag-remove", "POST"): only(AGENCY_FLAG_DECIDERS, allowed=400, denied=404, anonymous=401),
    ("macse:index", "GET"): only(macse.LANDING_ROLES),
    ("intelligence:index", "GET"): only(intelligence.LANDING_ROLES),
    # API: 401 without credentials; lists are scoped (empty, not forbidden) for other roles.
    ("api-root", "GET"): every(200, anonymous=401),
    ("child-list", "GET"): every(200, anonymous=401),
    ("child-detail", "GET"): only(referrals.REGISTER_ROLES, denied=404, anonymous=401),
    ("referral-list", "GET"): every(200, anonymous=401),
    # An empty body: field-level 400 for anyone who may refer, 403 for the others.
    ("referral-list", "POST"): only(referrals.LANDING_ROLES, allowed=400, anonymous=401),
    ("referral-detail", "GET"): only(referrals.REGISTER_ROLES, denied=404, anonymous=401),
    ("referral-submit", "POST"): every(404, anonymous=401),
    ("deadline-list", "GET"): every(200, anonymous=401),
    ("deadline-detail", "GET"): only(timescales.MANAGER_ROLES, denied=404, anonymous=401),
    ("notice-list", "GET"): every(200, anonymous=401),
    ("strategy-discussion-list", "GET"): every(200, anonymous=401),
    ("strategy-discussion-detail", "GET"): only(
        referrals.REGISTER_ROLES, denied=404, anonymous=401
    ),
    ("strategy-meeting-list", "GET"): every(200, anonymous=401),
    ("strategy-meeting-detail", "GET"): only(referrals.REGISTER_ROLES, denied=404, anonymous=401),
    # The CSE2's schemes are reference data; assessments are Shield records (scoped, 404).
    ("cse2-scheme-list", "GET"): every(200, anonymous=401),
    ("cse2-scheme-detail", "GET"): every(200, anonymous=401),
    ("cse2-assessment-list", "GET"): every(200, anonymous=401),
    # An empty body: field-level 400 for those who complete a CSE2, 403 for the others.
    ("cse2-assessment-list", "POST"): only(shield.ASSESS_ROLES, allowed=400, anonymous=401),
    ("cse2-assessment-detail", "GET"): only(shield.COHORT_ROLES, denied=404, anonymous=401),
    # The assessment is completed: those who see it and assess are refused the change (409);
    # completing needs the version read (400); everyone else gets 404.
    ("cse2-assessment-draft", "POST"): only(
        shield.COHORT_ROLES & shield.ASSESS_ROLES, allowed=409, denied=404, anonymous=401
    ),
    ("cse2-assessment-complete", "POST"): only(
        shield.COHORT_ROLES & shield.ASSESS_ROLES, allowed=400, denied=404, anonymous=401
    ),
    ("notice-read", "POST"): every(404, anonymous=401),
    ("api-schema", "GET"): every(200, anonymous=401),
    ("api-docs", "GET"): every(200, anonymous=401),
    ("admin-login", "GET"): every(302, anonymous=302),
    **macse_matrix.ROWS,
    **intelligence_matrix.ROWS,
    **returns_matrix.ROWS,
    **governance_matrix.ROWS,
}


def _walk(patterns, namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}"


def _routes() -> set[str]:
    return set(_walk(get_resolver().url_patterns))


def _admin_routes() -> set[str]:
    return {name for name in _routes() if name.startswith("admin:")}


def test_every_route_has_a_row():
    """Adding a URL without deciding who may use it fails here."""
    declared = {name for name, _ in MATRIX}
    missing = _routes() - declared - _admin_routes()
    assert not missing, f"add these routes to MATRIX: {sorted(missing)}"
    assert not declared - _routes(), "MATRIX names routes that no longer exist"


def _client_for(role, client, client_for):
    return client if role == ANONYMOUS else client_for(role)


CSE2_ASSESSMENT_ROUTES = {
    "cse2-assessment-detail",
    "cse2-assessment-draft",
    "cse2-assessment-complete",
}


def _shield_url(name: str, assessment) -> str | None:
    if name.startswith("shield:case-"):
        return reverse(name, kwargs={"pk": assessment.child.shield_cases.get().pk})
    if name in ("shield:assessment-new", "shield:assessment-compare"):
        return reverse(name, kwargs={"child_pk": assessment.child_id})
    if name.startswith("shield:assessment-") or name in CSE2_ASSESSMENT_ROUTES:
        return reverse(name, kwargs={"pk": assessment.pk})
    if name == "cse2-scheme-detail":
        return reverse(name, kwargs={"pk": assessment.scheme_id})
    return None


SHIELD_CHILD_ROUTES = {
    "shield:events",
    "shield:incident-new",
    "shield:missing-new",
    "shield:flag-new",
}


def _shield_event_url(name: str, child) -> str | None:
    """A child's events page and forms, or an incident, missing episode or flag of theirs
    recorded through the services by the child's worker and a Shield team manager."""
    from shield import event_services

    when = datetime.datetime(2026, 11, 19, 10, 0, tzinfo=datetime.UTC)
    worker = child.shield_cases.get().worker
    if name in SHIELD_CHILD_ROUTES:
        return reverse(name, kwargs={"child_pk": child.pk})
    if name in ("shield:incident-detail", "incident-detail"):
        row = event_services.incident_record(
            child=child,
            by=worker,
            occurred_at=when,
            description="Seen with older males.",
            consent="parental_responsibility",
            now=when,
        )
    elif name in ("shield:missing-edit", "missing-episode-detail"):
        row = event_services.missing_episode_record(
            child=child, by=worker, went_missing_at=when, now=when
        )
    elif name in ("shield:flag-remove", "flag-detail", "flag-remove"):
        row = event_services.flag_raise(
            child=child,
            by=UserFactory(roles=[RoleCode.SHIELD_TEAM_MANAGER]),
            kind="agency",
            agency=AgencyFactory(name="Health (matrix)", kind=Agency.Kind.HEALTH),
            risk_level="medium",
            rationale="Partnership decision.",
            decided_on=when.date(),
            now=when,
        )
    else:
        return None
    return reverse(name, kwargs={"pk": row.pk})


def _audit_url(name: str, objects: dict) -> str | None:
    """A user's access pattern (the referrer's) and its download; who has seen the child."""
    if name in ("audit:user-pattern", "audit:user-pattern-export"):
        return reverse(name, kwargs={"pk": objects["referral"].referrer_id})
    if name == "audit:child-viewers":
        return reverse(name, kwargs={"pk": objects["child"].pk})
    return None


def _url(name: str, objects: dict) -> str:
    if name == "strategy:discussion-new":
        return reverse(name, kwargs={"referral_pk": objects["referral"].pk})
    if name.startswith(
        ("strategy:discussion-", "strategy-discussion-detail", "strategy:meeting-new")
    ):
        return reverse(name, kwargs={"pk": objects["discussion"].pk})
    if name.startswith(("strategy:meeting-", "strategy-meeting-detail")):
        return reverse(name, kwargs={"pk": objects["meeting"].pk})
    assessment = objects["assessment"]
    from shield.casework_services import case_note_save

    case = assessment.child.shield_cases.get()
    note = lambda complete: (  # noqa: E731 - the worker's note: a draft, or completed
        case_note_save(
            by=case.worker,
            child=case.child,
            occurred_at=datetime.datetime(2026, 11, 19, 10, 0, tzinfo=datetime.UTC),
            text="Seen at school.",
            complete=complete,
        ).pk
    )
    casework = {  # Shield casework: a child's pages, the worker's caseload, a note of theirs
        "shield:case-note-new": lambda: {"child_pk": case.child_id},
        "shield:chronology": lambda: {"child_pk": case.child_id},
        "shield:chronology-print": lambda: {"child_pk": case.child_id},
        "shield:caseload": lambda: {"user_pk": case.worker_id},
        "shield:case-note-edit": lambda: {"pk": note(False)},
        "shield:case-note-correct": lambda: {"pk": note(True)},
    }
    if url := (
        (name in casework and reverse(name, kwargs=casework[name]()))
        or _shield_url(name, assessment)
        or _shield_event_url(name, assessment.child)
        or _audit_url(name, objects)
    ):
        return url
    if name == "notice-read":
        return reverse(name, kwargs={"pk": 999999})
    if name in ("timescales:take", "timescales:explain", "deadline-detail"):
        clock = Deadline.objects.get(
            started_by_id=str(objects["referral"].pk), kind="strategy_discussion"
        )
        return reverse(name, kwargs={"pk": clock.pk})
    if name == "referrals:child-add":
        return reverse(name, kwargs={"pk": objects["child"].pk, "kind": "other-name"})
    if name.endswith(("child-detail", "child-edit", "child-merge")):
        return reverse(name, kwargs={"pk": objects["child"].pk})
    if name in {
        "referral-detail",
        "referral-submit",
        "referrals:referral-detail",
        "referrals:checklist",
        "referrals:check",
        "referrals:triage",
        "referrals:print",
        "referrals:edit",
        "referrals:marf",
        "referrals:triage-search",
        "referrals:confirm-child",
        "referrals:authorise",
        "referrals:placing-authority",
    }:
        return reverse(name, kwargs={"pk": objects["referral"].pk})
    return reverse(name)


def _received_referral():
    referrer = UserFactory(roles=[RoleCode.REFERRER])
    return make_received(
        referrer,
        child_given_names="Elsie",
        child_family_name="Marrowby",
        child_date_of_birth=datetime.date(2012, 6, 21),
    )


@pytest.mark.parametrize(("route", "method"), sorted(MATRIX))
def test_route_answers_each_role_as_the_matrix_says(route, method, client, client_for, settings):
    """Each role (and anonymous) gets exactly the status the matrix expects."""
    settings.CELERY_BROKER_URL = "memory://"  # /readyz: no worker is expected here
    objects = {
        "child": ChildFactory(),
        "referral": _received_referral(),
    }
    objects["meeting"] = make_meeting()
    case = make_case()
    objects["assessment"] = make_assessment(case.child, case.worker)
    objects["discussion"] = objects["meeting"].discussion
    url = (
        macse_matrix.url(route)
        or intelligence_matrix.url(route)
        or returns_matrix.url(route)
        or governance_matrix.url(route)
        or _url(route, objects)
    )
    answers = {}
    for role in [*ROLES, ANONYMOUS]:
        http = _client_for(role, client, client_for)
        if method in ("GET", "POST"):
            response = http.get(url) if method == "GET" else http.post(url)
        else:  # PATCH: an empty JSON body, as an API client sends one
            response = http.generic(method, url, "{}", "application/json")
        answers[role] = response.status_code
    expected = MATRIX[(route, method)]
    wrong = {
        role: (answers[role], want) for role, want in expected.items() if answers[role] != want
    }
    assert not wrong, f"{method} {url}: role -> (got, expected): {wrong}"


def _admin_url(name: str, user) -> str | None:
    """The admin URL, with a real object (the user's agency) where it needs one."""
    agency = user.agency
    shapes = (
        {},
        {"app_label": "accounts"},
        {"object_id": agency.pk},
        {"object_id": agency.pk, "history_id": agency.history.latest().history_id},
        {"content_type_id": 1, "object_id": agency.pk},
    )
    for kwargs in shapes:
        try:
            return reverse(name, kwargs=kwargs)
        except NoReverseMatch:
            continue
    try:  # simple-history's view of one historical version takes positional arguments
        return reverse(name, args=[agency.pk, agency.history.latest().history_id])
    except NoReverseMatch:
        return None


@pytest.mark.parametrize("route", sorted(_admin_routes()))
def test_admin_is_for_system_administrators_only(route, client, client_for):
    """Only a system administrator gets past the admin's door; everyone else is redirected."""
    administrator = client_for(RoleCode.SYSTEM_ADMINISTRATOR)
    url = _admin_url(route, administrator.user)
    if url is None:
        pytest.fail(f"no way to build a URL for {route}")
    door = "/account/sign-in/" if route == "admin:login" else "/admin/login/"
    for role in ROLES:
        if role == RoleCode.SYSTEM_ADMINISTRATOR:
            continue
        response = client_for(role).get(url)
        assert response.status_code in (302, 405), (role, url, response.status_code)
        if response.status_code == 302 and route != "admin:logout":
            assert response["Location"].startswith(door), (role, url)
    # The admin's door (/admin/login/) sends everyone to the service's own sign-in.
    anonymous = client.get(url)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith((door, "/account/sign-in/"))
    assert client.get("/admin/login/")["Location"].startswith("/account/sign-in/")
    answer = administrator.get(url)
    assert answer.status_code < 500
    if answer.status_code == 302 and route != "admin:login":
        assert not answer["Location"].startswith(("/admin/login/", "/account/sign-in/"))


def test_no_child_scoped_model_in_the_admin():
    """The admin holds reference data only: it would bypass the access mechanism and the audit."""
    from referrals.models import Child

    for model in admin.site._registry:
        assert model is not Child
        assert "child" not in {field.name for field in model._meta.get_fields()}, model
