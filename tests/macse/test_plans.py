"""MACSE plan pages: the plan under its headings (D10) for each role, adding an action (field
errors keep what was typed), kept versions that later changes never alter, an action's progress
by its owner (a partner) or the plan's roles (for a named contact), a partner kept to their own
actions (404), a stale update refused, the user's own open actions, and fixed query counts."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cse_framework.accounts.models import Agency
from cse_framework.accounts.roles import RoleCode
from cse_framework.audit.models import AccessEvent
from cse_framework.timescales.clocks import Kind
from cse_framework.timescales.models import Deadline
from macse import services
from macse.models import Action, ActionProgress, AgendaItem, PlanVersion
from tests.factories.accounts import UserFactory
from tests.factories.macse import agency, make_action, make_plan
from tests.factories.shield import make_assessment, make_case

pytestmark = pytest.mark.django_db

APRIL = dt.datetime(2027, 1, 10, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def plan():
    return make_plan()


@pytest.fixture
def administrator(plan, client_for):
    return client_for(user=plan.entry.first_heard_at.administrator)


@pytest.fixture
def school():
    """A partner: a school's referrer who owns an action of the plan."""
    return UserFactory(roles=[RoleCode.REFERRER], agency=agency(Agency.Kind.EDUCATION))


@pytest.fixture
def action(plan, school):
    return make_action(plan, owner=school)


@pytest.fixture
def partner(school, client_for):
    return client_for(user=school)


def _plan_url(plan) -> str:
    return reverse("macse:plan-detail", kwargs={"pk": plan.pk})


def _add_url(plan) -> str:
    return reverse("macse:action-add", kwargs={"pk": plan.pk})


def _action_url(action) -> str:
    return reverse("macse:action-detail", kwargs={"pk": action.pk})


def _version_url(version) -> str:
    return reverse("macse:plan-version", kwargs={"pk": version.pk})


def _progress(
    client,
    action,
    *,
    note="Met the child at the gate every day.",
    status="in_progress",
    version=None,
    **headers,
):
    body = {
        "note": note,
        "status": status,
        "version": action.version if version is None else version,
    }
    return client.post(_action_url(action), body, **headers)


# --- The plan page ----------------------------------------------------------------------------


def test_the_plan_shows_its_header_and_actions_under_the_four_headings(plan, action, administrator):
    """Child and age, lead professional, review date, CSE2 band and score, parents told; the
    actions under Support, Prevent, Protect and Pursue (no Prepare by default)."""
    make_assessment(plan.child, UserFactory(roles=[RoleCode.SHIELD_WORKER]), values=(3,) * 8)
    item = AgendaItem.objects.get(child=plan.child)
    services.parents_decide(
        item=item,
        by=plan.entry.first_heard_at.administrator,
        told=False,
        reason="Father is a person of concern.",
    )
    plan.lead_professional = UserFactory(full_name="Rowan Testwell")
    plan.save()
    page = administrator.get(_plan_url(plan))
    assert page.status_code == 200
    text = page.text
    assert str(plan.child) in text and f"(age {plan.child.age})" in text
    assert "Rowan Testwell" in text
    assert f"{plan.review_on:%-d %B %Y}" in text
    assert "Band Medium, score 26" in text
    assert "No: Father is a person of concern." in text
    for heading in ("Support", "Prevent", "Protect", "Pursue"):
        assert f'id="heading-{heading.lower()}">{heading}</h2>' in text
    assert "heading-prepare" not in text
    assert action.desired_outcome in text and action.description in text
    assert str(action.owner) in text and action.agency.name in text
    assert "Add an action" in text


def test_prepare_is_a_heading_only_where_the_setting_turns_it_on(plan, administrator, settings):
    settings.MACSE_PREPARE_HEADING = True
    assert 'id="heading-prepare">Prepare</h2>' in administrator.get(_plan_url(plan)).text
    assert "Prepare" in administrator.get(_add_url(plan)).text


def test_actions_against_perpetrators_and_locations_are_shown_alongside(plan, administrator):
    make_action(
        plan,
        section="pursue",
        about="perpetrator",
        about_details="Dee, a man of about 30",
        description="Serve a child abduction warning notice.",
    )
    make_action(
        plan,
        section="pursue",
        about="location",
        about_details="Shop on Testing Lane",
        description="Licensing visit to the shop.",
    )
    text = administrator.get(_plan_url(plan)).text
    pursue = text[text.index('id="heading-pursue"') : text.index('id="versions"')]
    assert "Against perpetrators and locations" in pursue
    assert "Dee, a man of about 30" in pursue and "Shop on Testing Lane" in pursue
    assert "Serve a child abduction warning notice." in pursue


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (RoleCode.MACSE_ADMINISTRATOR, 200),
        (RoleCode.MACSE_CHAIR, 200),
        (RoleCode.HEALTH_REPRESENTATIVE, 200),
        (RoleCode.SHIELD_TEAM_MANAGER, 200),
        (RoleCode.SERVICE_MANAGER, 200),
        (RoleCode.SHIELD_WORKER, 404),  # another worker's child
        (RoleCode.REFERRER, 404),
        (RoleCode.MASH_SOCIAL_WORKER, 404),
        (RoleCode.LSCB_ANALYST, 404),
    ],
)
def test_the_plan_page_per_role(plan, client_for, role, status):
    assert client_for(role).get(_plan_url(plan)).status_code == status


def test_the_childs_shield_worker_sees_the_plan_and_adds_actions(plan, client_for):
    case = make_case(plan.child)
    worker = client_for(user=case.worker)
    page = worker.get(_plan_url(plan))
    assert page.status_code == 200 and "Add an action" in page.text
    assert worker.get(_add_url(plan)).status_code == 200


def test_those_who_only_read_the_plan_cannot_add_to_it(plan, client_for):
    health = client_for(RoleCode.HEALTH_REPRESENTATIVE)
    assert "Add an action" not in health.get(_plan_url(plan)).text
    assert health.get(_add_url(plan)).status_code == 404
    assert health.post(_add_url(plan), {}).status_code == 404


def test_the_plan_page_is_audited(plan, administrator):
    administrator.get(_plan_url(plan))
    event = AccessEvent.objects.get(object_type="macse.plan", action="view")
    assert event.child_id == plan.child_id and event.user_id == administrator.user.pk


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


PLAN_PAGE_QUERIES = 13


def test_the_plan_page_runs_a_fixed_number_of_queries(
    plan, administrator, django_assert_num_queries
):
    """1 action or 30: the same queries."""
    school = UserFactory(roles=[RoleCode.REFERRER], agency=agency(Agency.Kind.EDUCATION))
    first = make_action(plan, owner=school)
    services.action_progress(action=first, by=school, note="Started.", status="in_progress")
    _queries(administrator, _plan_url(plan))  # the session and the user's roles, once
    one = _queries(administrator, _plan_url(plan))
    for n in range(29):
        made = make_action(
            plan,
            owner=school,
            section=("support", "prevent", "pursue")[n % 3],
            about=("child", "perpetrator", "location")[n % 3],
            about_details="" if n % 3 == 0 else "Somewhere",
        )
        services.action_progress(action=made, by=school, note=f"Note {n}.", status="in_progress")
    thirty = _queries(administrator, _plan_url(plan))
    assert one == thirty
    with django_assert_num_queries(PLAN_PAGE_QUERIES):
        page = administrator.get(_plan_url(plan))
    assert page.text.count('id="action-') == 30


# --- Adding an action -------------------------------------------------------------------------

ACTION_FORM = {
    "section": "protect",
    "about": "child",
    "desired_outcome": "The child travels home safely.",
    "description": "Arrange a taxi home from school on Fridays.",
}


def test_an_action_without_an_owner_or_a_due_date_is_refused_and_nothing_is_lost(
    plan, administrator
):
    page = administrator.post(_add_url(plan), ACTION_FORM)
    assert page.status_code == 200
    text = page.text
    assert "There is a problem" in text
    assert "Choose who owns the action, or enter a named contact at an agency" in text
    assert "Enter the date the action is due" in text
    assert "The child travels home safely." in text
    assert "Arrange a taxi home from school on Fridays." in text
    assert not Action.objects.filter(plan=plan).exists()


def test_a_perpetrator_action_needs_to_say_who(plan, administrator, school):
    body = {
        **ACTION_FORM,
        "about": "perpetrator",
        "owner": school.pk,
        "due_on_0": "15",
        "due_on_1": "1",
        "due_on_2": "2027",
    }
    page = administrator.post(_add_url(plan), body)
    assert "Say who or where the action is about" in page.text
    assert not Action.objects.filter(plan=plan).exists()


def test_prepare_is_refused_unless_configured(plan, administrator, school):
    body = {
        **ACTION_FORM,
        "section": "prepare",
        "owner": school.pk,
        "due_on_0": "15",
        "due_on_1": "1",
        "due_on_2": "2027",
    }
    page = administrator.post(_add_url(plan), body)
    assert page.status_code == 200 and not Action.objects.filter(plan=plan).exists()


def test_an_action_owned_by_a_user_is_a_clock_in_their_work_list(plan, administrator, school):
    body = {
        **ACTION_FORM,
        "owner": school.pk,
        "due_on_0": "15",
        "due_on_1": "1",
        "due_on_2": "2027",
    }
    response = administrator.post(_add_url(plan), body)
    action = Action.objects.get(plan=plan)
    assert response.status_code == 302
    assert response["Location"] == f"{_plan_url(plan)}#action-{action.pk}"
    assert action.owner == school and action.agency == school.agency  # the owner's agency
    assert action.due_on == dt.date(2027, 1, 15) and action.created_by == administrator.user
    clock = Deadline.objects.get(kind=Kind.ACTION, started_by_id=str(action.pk))
    assert clock.owner == school and clock.child_id == plan.child_id
    assert AccessEvent.objects.filter(
        object_type="macse.action", action="create", child_id=plan.child_id
    ).exists()


def test_an_action_for_a_named_contact_without_an_account(plan, administrator):
    health = agency(Agency.Kind.HEALTH)
    body = {
        **ACTION_FORM,
        "owner_name": "Nurse Ash Example",
        "agency": health.pk,
        "due_on_0": "1",
        "due_on_1": "2",
        "due_on_2": "2027",
    }
    assert administrator.post(_add_url(plan), body).status_code == 302
    action = Action.objects.get(plan=plan)
    assert action.owner is None and action.owner_label == "Nurse Ash Example"
    assert action.agency == health
    page = administrator.get(_action_url(action))
    assert "a named contact without an account" in page.text and "Record progress" in page.text


def test_a_named_contact_needs_an_agency(plan, administrator):
    body = {
        **ACTION_FORM,
        "owner_name": "Nurse Ash Example",
        "due_on_0": "1",
        "due_on_1": "2",
        "due_on_2": "2027",
    }
    page = administrator.post(_add_url(plan), body)
    assert "Choose the owner&#x27;s agency" in page.text
    assert "Nurse Ash Example" in page.text
    assert not Action.objects.filter(plan=plan).exists()


def test_a_date_that_is_not_real_keeps_what_was_typed(plan, administrator, school):
    body = {
        **ACTION_FORM,
        "owner": school.pk,
        "due_on_0": "31",
        "due_on_1": "2",
        "due_on_2": "2027",
    }
    page = administrator.post(_add_url(plan), body)
    assert "Due date must be a real date" in page.text
    assert 'value="31"' in page.text and "The child travels home safely." in page.text


# --- An action and its progress ---------------------------------------------------------------


def test_a_partner_records_progress_on_their_own_action_without_javascript(action, partner, school):
    """A plain form POST (what a browser sends with JavaScript off)."""
    page = partner.get(_action_url(action))
    assert page.status_code == 200 and "Record progress" in page.text
    assert "The child&#x27;s MACSE plan" not in page.text  # the plan itself is not theirs
    response = _progress(partner, action)
    assert response.status_code == 302 and response["Location"] == _action_url(action)
    action.refresh_from_db()
    assert action.status == "in_progress" and action.version == 2
    [progress] = ActionProgress.objects.filter(action=action)
    assert (
        progress.recorded_by == school and progress.note == "Met the child at the gate every day."
    )
    page = partner.get(_action_url(action))
    assert "Met the child at the gate every day." in page.text


def test_the_same_form_sent_by_script_works_too(action, partner):
    """With JavaScript on, the form is still a form POST (progressive enhancement only); sent
    from a script it answers the same."""
    response = _progress(partner, action, HTTP_X_REQUESTED_WITH="XMLHttpRequest")
    assert response.status_code == 302
    assert ActionProgress.objects.filter(action=action).count() == 1


def test_done_meets_the_actions_clock_and_cancelled_makes_it_not_required(plan, action, partner):
    assert _progress(partner, action, status="done", note="Done.").status_code == 302
    clock = Deadline.objects.get(kind=Kind.ACTION, started_by_id=str(action.pk))
    assert clock.met_at is not None
    other = make_action(plan, owner=action.owner)
    assert (
        _progress(partner, other, status="cancelled", note="No longer needed.").status_code == 302
    )
    clock = Deadline.objects.get(kind=Kind.ACTION, started_by_id=str(other.pk))
    assert clock.not_required_at is not None and clock.met_at is None


def test_a_progress_note_is_needed_and_what_was_chosen_is_kept(action, partner):
    page = _progress(partner, action, note="  ", status="done")
    assert page.status_code == 200 and "Enter what has been done" in page.text
    assert 'value="done" checked' in page.text
    assert not ActionProgress.objects.exists()


def test_a_partner_cannot_see_or_touch_another_agencys_action(plan, action, client_for):
    """Another school, police and health partners: 404 for the page and the POST, nothing
    written, and the refusal audited."""
    housing = UserFactory(roles=[RoleCode.REFERRER], agency=agency(Agency.Kind.HOUSING))
    other = client_for(user=housing)
    assert other.get(_action_url(action)).status_code == 404
    assert _progress(other, action).status_code == 404
    assert not ActionProgress.objects.exists()
    action.refresh_from_db()
    assert action.status == "not_started"
    assert AccessEvent.objects.filter(
        object_type="macse.action", object_id=str(action.pk), action="deny"
    ).exists()


def test_the_plan_roles_record_progress_and_readers_only_read(action, administrator, client_for):
    assert "Record progress" in administrator.get(_action_url(action)).text
    assert _progress(administrator, action).status_code == 302
    health = client_for(RoleCode.HEALTH_REPRESENTATIVE)
    page = health.get(_action_url(action))
    assert page.status_code == 200 and "Record progress" not in page.text
    assert _progress(health, action).status_code == 404


def test_a_stale_update_is_refused_and_what_was_typed_is_kept(action, partner, administrator):
    """Two people with the same action open: the second save is refused, never lost."""
    seen = action.version
    assert (
        _progress(administrator, action, status="done", note="Closed at review.").status_code == 302
    )
    page = _progress(partner, action, version=seen, note="My late update.")
    assert page.status_code == 200
    assert "Someone else updated this action while you were writing" in page.text
    assert "My late update." in page.text
    action.refresh_from_db()
    assert action.status == "done" and action.version == seen + 1
    assert f'name="version" value="{action.version}"' in page.text
    assert list(ActionProgress.objects.values_list("note", flat=True)) == ["Closed at review."]


def test_a_form_without_its_version_is_refused(action, partner):
    page = partner.post(_action_url(action), {"note": "No version.", "status": "done"})
    assert page.status_code == 200 and "This form is out of date" in page.text
    assert not ActionProgress.objects.exists()


def test_the_action_page_is_audited_with_its_child(plan, action, partner):
    partner.get(_action_url(action))
    assert AccessEvent.objects.filter(
        object_type="macse.action", action="view", child_id=plan.child_id
    ).exists()


# --- Kept versions ----------------------------------------------------------------------------


def test_plan_versions_are_kept_unchanged_after_later_edits(plan, action, administrator, partner):
    """The version the meeting agreed stays as it was; a new version keeps the plan as it is."""
    first = PlanVersion.objects.get(plan=plan)
    assert first.number == 1 and first.actions == []  # agreed before the action was added
    again = services.plan_agree(plan=plan, by=administrator.user)
    snapshot = list(again.actions)
    assert _progress(partner, action, status="done", note="Done.").status_code == 302
    make_action(plan, description="A later action.")
    again.refresh_from_db()
    assert again.actions == snapshot and snapshot[0]["status"] == "not_started"
    page = administrator.get(_version_url(again))
    assert page.status_code == 200
    assert action.description in page.text and "Not started" in page.text
    assert "A later action." not in page.text
    first_page = administrator.get(_version_url(first))
    assert plan.entry.first_heard_at.reference in first_page.text
    assert action.description not in first_page.text
    plan_page = administrator.get(_plan_url(plan)).text
    assert _version_url(first) in plan_page and _version_url(again) in plan_page
    assert AccessEvent.objects.filter(
        object_type="macse.planversion", child_id=plan.child_id, action="view"
    ).exists()


def test_a_version_is_seen_by_those_who_see_the_plan(plan, client_for):
    version = PlanVersion.objects.get(plan=plan)
    assert client_for(RoleCode.SHIELD_TEAM_MANAGER).get(_version_url(version)).status_code == 200
    assert client_for(RoleCode.REFERRER).get(_version_url(version)).status_code == 404


# --- The user's own actions -------------------------------------------------------------------


def test_my_actions_lists_only_my_open_actions(plan, action, partner, school):
    done = make_action(plan, owner=school, description="A finished action.")
    services.action_progress(action=done, by=school, note="Finished.", status="done")
    make_action(plan, description="Someone else's action.")
    page = partner.get(reverse("macse:my-actions"))
    assert page.status_code == 200
    assert action.description in page.text and str(plan.child) in page.text
    assert "A finished action." not in page.text and "Someone else&#x27;s action." not in page.text
    assert _action_url(action) in page.text
    assert 'href="/work/"' in page.text  # their work list shows the actions' clocks too
    assert AccessEvent.objects.filter(
        object_type="macse.action", action="view", child_id=plan.child_id
    ).exists()


def test_my_actions_runs_a_fixed_number_of_queries(
    plan, partner, school, django_assert_num_queries
):
    make_action(plan, owner=school)
    url = reverse("macse:my-actions")
    _queries(partner, url)
    one = _queries(partner, url)
    for _ in range(20):
        make_action(plan, owner=school)
    assert _queries(partner, url) == one


def test_my_actions_is_empty_for_someone_without_any(client_for):
    page = client_for(RoleCode.MASH_SOCIAL_WORKER).get(reverse("macse:my-actions"))
    assert page.status_code == 200 and "You have no open MACSE actions." in page.text


def test_a_prepare_action_still_shows_once_the_heading_is_turned_off(plan, administrator, settings):
    settings.MACSE_PREPARE_HEADING = True
    make_action(plan, section="prepare", description="Brief the night-time economy venues.")
    settings.MACSE_PREPARE_HEADING = False
    text = administrator.get(_plan_url(plan)).text
    assert 'id="heading-prepare">Prepare</h2>' in text
    assert "Brief the night-time economy venues." in text
    assert 'value="prepare"' not in administrator.get(_add_url(plan)).text


def test_a_partners_action_is_in_their_work_list_with_a_link_to_it(plan, client_for):
    """Each action is a clock in its owner's work list (issue 7), a partner's too."""
    teacher = UserFactory(roles=[RoleCode.REFERRER], agency=agency(Agency.Kind.EDUCATION))
    action = make_action(plan, owner=teacher)
    page = client_for(user=teacher).get(reverse("timescales:worklist"))
    assert page.status_code == 200
    assert [clock.started_by for clock in page.context["mine"]] == [action]
    assert action.get_absolute_url() in page.content.decode()


def test_the_cohort_lists_the_children_on_macse_with_their_plans_in_fixed_queries(
    plan, client_for, django_assert_num_queries
):
    administrator = client_for(user=plan.entry.first_heard_at.administrator)
    url = reverse("macse:cohort")
    administrator.get(url)
    with CaptureQueriesContext(connection) as one:
        page = administrator.get(url)
    assert plan.get_absolute_url() in page.text and str(plan.child) in page.text
    assert "Open to MACSE (1)" in page.text
    for _ in range(3):
        make_plan()
    with CaptureQueriesContext(connection) as four:
        page = administrator.get(url)
    assert "Open to MACSE (4)" in page.text and len(four) == len(one)
    assert AccessEvent.objects.filter(child_id=plan.child_id, action="view").exists()
    # A Shield worker sees only the children they hold: none here.
    worker = client_for(RoleCode.SHIELD_WORKER).get(url)
    assert "Open to MACSE (0)" in worker.text and str(plan.child) not in worker.text


def test_the_plans_details_are_changed_with_a_stale_change_refused(plan, administrator):
    """Two people editing the same plan: the second save is refused, shown, and loses nothing."""
    url = reverse("macse:plan-edit", kwargs={"pk": plan.pk})
    lead = UserFactory(roles=[RoleCode.SHIELD_WORKER], full_name="Imogen Fairweather")
    form = administrator.get(url).context["form"]
    stale_version = form.initial["version"]
    first = administrator.post(
        url,
        {
            "lead_professional": lead.pk,
            "young_person_views": "Wants to stay at school.",
            "version": stale_version,
        },
    )
    assert first.status_code == 302
    plan.refresh_from_db()
    assert plan.lead_professional == lead and plan.young_person_views == "Wants to stay at school."
    second = administrator.post(
        url,
        {
            "lead_professional": "",
            "young_person_views": "Something else.",
            "version": stale_version,
        },
    )
    assert second.status_code == 200 and "Someone else changed this plan" in second.text
    assert "Something else." in second.text  # what was typed is kept
    plan.refresh_from_db()
    assert plan.young_person_views == "Wants to stay at school."  # nothing overwritten
    assert "Imogen Fairweather" in administrator.get(_plan_url(plan)).text
