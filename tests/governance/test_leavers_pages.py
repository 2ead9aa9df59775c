"""The people pages (issue 10, item 3): who may manage whom, the list and its search, a person's
open work, the leaver form (its errors keep every choice; a stale list is shown again), and a
deactivated person shut out of the pages and the API."""

import re

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from cse_framework.accounts import services as account_services
from cse_framework.accounts.roles import RoleCode
from cse_framework.audit.models import AccessEvent
from cse_framework.timescales.models import Deadline
from governance.leavers import open_work
from governance.leavers.services import TEAM
from tests.factories.accounts import PASSWORD, AgencyFactory, TeamFactory, UserFactory
from tests.factories.leavers import leaver_with_work, mash_team, team_clock

pytestmark = pytest.mark.django_db
LIST = reverse("leavers:list")


def detail(person):
    return reverse("leavers:detail", kwargs={"pk": person.pk})


def deactivate_url(person):
    return reverse("leavers:deactivate", kwargs={"pk": person.pk})


def form_data(work, **overrides) -> dict:
    items = open_work.survey(work.leaver)
    data = {
        "seen": ",".join(open_work.keys(items)),
        "left_on_0": "27",
        "left_on_1": "11",
        "left_on_2": "2026",
        "reason": "Moved to another authority.",
        **{f"to_{key}": value for key, value in work.choices().items()},
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


# --- Who may manage whom ----------------------------------------------------------------------


def test_a_team_manager_manages_their_own_team_only(client_for):
    team = TeamFactory()
    manager = client_for(
        RoleCode.SHIELD_TEAM_MANAGER,
        user=UserFactory(roles=[RoleCode.SHIELD_TEAM_MANAGER], team=team, agency=team.agency),
    )
    member = UserFactory(roles=[RoleCode.SHIELD_WORKER], team=team, agency=team.agency)
    outsider = UserFactory(roles=[RoleCode.SHIELD_WORKER])
    page = manager.get(LIST).content.decode()
    assert member.full_name in page and outsider.full_name not in page
    assert manager.get(detail(member)).status_code == 200
    assert manager.get(detail(outsider)).status_code == 404
    assert manager.get(deactivate_url(outsider)).status_code == 404
    denials = AccessEvent.objects.filter(action="deny", object_id=str(outsider.pk))
    assert {denial.object_type for denial in denials} == {"accounts.user"}
    assert denials.count() == 2


def test_an_agency_approver_manages_their_own_agency_only(client_for):
    agency = AgencyFactory()
    approver = UserFactory(roles=[RoleCode.AGENCY_APPROVER], agency=agency)
    client = client_for(user=approver)
    colleague = UserFactory(roles=[RoleCode.REFERRER], agency=agency, team=None)
    outsider = UserFactory(roles=[RoleCode.REFERRER])
    assert client.get(detail(colleague)).status_code == 200
    assert client.get(detail(outsider)).status_code == 404


def test_other_roles_manage_no_one(client_for):
    person = UserFactory(roles=[RoleCode.REFERRER])
    client = client_for(RoleCode.SHIELD_WORKER)
    assert client.get(LIST).status_code == 403
    assert client.get(detail(person)).status_code == 404


# --- The list ---------------------------------------------------------------------------------


def test_the_search_is_kept_in_the_session_not_the_url(client_for):
    client = client_for(RoleCode.SERVICE_MANAGER)
    wanted = UserFactory(full_name="Morwenna Quillfeather", email="m.quill@example.org")
    other = UserFactory(full_name="Tobias Elderstock")
    response = client.post(LIST, {"q": "quill"})
    assert response["Location"] == LIST
    page = client.get(LIST).content.decode()
    assert wanted.full_name in page and other.full_name not in page
    client.post(LIST, {"q": "M.QUILL@example"})
    assert wanted.full_name in client.get(LIST).content.decode()
    client.post(LIST, {"q": ""})
    assert other.full_name in client.get(LIST).content.decode()


def test_the_list_is_paged_in_a_fixed_number_of_queries(client_for, django_assert_max_num_queries):
    client = client_for(RoleCode.SERVICE_MANAGER)
    UserFactory.create_batch(3, roles=[RoleCode.REFERRER])
    client.get(LIST)  # warm the session and the navigation
    with django_assert_max_num_queries(12) as few:
        client.get(LIST)
    UserFactory.create_batch(40, roles=[RoleCode.REFERRER, RoleCode.HEALTH_REPRESENTATIVE])
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(LIST)
    assert response.context["page"].paginator.num_pages == 2
    assert len(response.context["people"]) == 25


# --- A person ---------------------------------------------------------------------------------


def test_a_persons_page_shows_their_open_work_by_kind_with_counts(client_for):
    work = leaver_with_work()
    client = client_for(user=work.manager)
    page = client.get(detail(work.leaver)).content.decode()
    assert "10 open items" not in page  # 7 items; their clocks are under them
    assert "7 open items" in page
    for heading in (
        "Shield cases (1)",
        "MACSE plan actions (1)",
        "Strategy actions (1)",
        "Strategy meetings to chair (1)",
        "Other clocks (2)",
    ):
        assert heading in page
    assert str(work.child) in page
    assert "Its clocks go with it: Initial CSE2" in page
    assert "second-factor reset link: lead adds" not in page  # a template comment
    # Each child shown is a recorded view.
    viewed = set(
        AccessEvent.objects.filter(action="view", user=work.manager).values_list(
            "child_id", flat=True
        )
    )
    assert work.child.pk in viewed and work.case.child_id in viewed


def test_a_manager_who_may_not_see_a_child_sees_only_the_reference(client_for):
    work = leaver_with_work()
    agency = work.leaver.agency
    approver = client_for(user=UserFactory(roles=[RoleCode.AGENCY_APPROVER], agency=agency))
    page = approver.get(detail(work.leaver)).content.decode()
    assert f"Shield case {work.case.pk}" in page
    assert str(work.child) not in page
    assert "About a child whose records you cannot see" in page
    assert not AccessEvent.objects.filter(action="view", user=approver.user).exists()


def test_the_persons_page_reads_a_fixed_number_of_queries(
    client_for, django_assert_max_num_queries
):
    work = leaver_with_work()
    client = client_for(user=work.manager)
    client.get(detail(work.leaver))
    with django_assert_max_num_queries(30) as few:
        client.get(detail(work.leaver))
    for _ in range(5):
        team_clock(work.leaver, team=mash_team())
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(detail(work.leaver))


# --- The leaver form --------------------------------------------------------------------------


def test_the_form_offers_suitable_active_people_and_return_to_team_where_allowed(client_for):
    work = leaver_with_work()
    gone = UserFactory(roles=[RoleCode.SHIELD_WORKER], is_active=False)
    page = client_for(user=work.manager).get(deactivate_url(work.leaver)).content.decode()
    case_select = re.search(
        rf'<select name="to_case_{work.case.pk}".*?</select>', page, re.DOTALL
    ).group(0)
    assert work.new_shield.full_name in case_select
    assert gone.full_name not in case_select
    assert work.new_partner.full_name not in case_select
    assert work.leaver.full_name not in case_select
    assert "Return to the Shield team" in case_select
    child_select = re.search(
        rf'<select name="to_child_{work.child.pk}".*?</select>', page, re.DOTALL
    ).group(0)
    assert 'value="team"' not in child_select


def test_one_submit_deactivates_and_hands_everything_over(client_for):
    work = leaver_with_work()
    client = client_for(user=work.manager)
    response = client.post(deactivate_url(work.leaver), form_data(work))
    assert response.status_code == 302 and response["Location"] == detail(work.leaver)
    page = client.get(detail(work.leaver)).content.decode()
    assert "account is deactivated and their 7 open items handed over" in page
    assert "Deactivated" in page and "They hold no open work" in page
    work.leaver.refresh_from_db()
    assert not work.leaver.is_active


def test_a_missing_choice_is_shown_on_its_field_and_the_other_choices_are_kept(client_for):
    work = leaver_with_work()
    client = client_for(user=work.manager)
    response = client.post(
        deactivate_url(work.leaver), form_data(work, **{f"to_child_{work.child.pk}": ""})
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert "Choose who takes A child&#x27;s allocated social worker" in page
    assert re.search(rf'<option value="{work.new_shield.pk}" selected>', page)
    assert re.search(rf'<option value="{TEAM}" selected>', page)
    assert "Moved to another authority." in page
    work.leaver.refresh_from_db()
    assert work.leaver.is_active


def test_a_deactivated_colleague_posted_anyway_is_refused_clearly(client_for):
    work = leaver_with_work()
    gone = UserFactory(roles=[RoleCode.SHIELD_WORKER], is_active=False)
    response = client_for(user=work.manager).post(
        deactivate_url(work.leaver), form_data(work, **{f"to_case_{work.case.pk}": str(gone.pk)})
    )
    assert "has left (their account is deactivated)" in response.content.decode()
    work.leaver.refresh_from_db()
    assert work.leaver.is_active


def test_a_stale_list_is_shown_again_up_to_date_with_the_choices_kept(client_for):
    work = leaver_with_work()
    client = client_for(user=work.manager)
    data = form_data(work)
    new_clock = team_clock(work.leaver, team=mash_team())  # opened after the form was shown
    response = client.post(deactivate_url(work.leaver), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Their open work changed while you were choosing" in page
    assert f'name="to_clock_{new_clock.pk}"' in page
    assert re.search(rf'<option value="{work.new_shield.pk}" selected>', page)
    assert open_work.keys(open_work.survey(work.leaver)) == sorted(
        response.context["form"]["seen"].value().split(",")
    )
    work.leaver.refresh_from_db()
    assert work.leaver.is_active
    assert Deadline.objects.get(pk=new_clock.pk).owner == work.leaver


def test_a_manager_cannot_deactivate_themselves(client_for):
    manager = UserFactory(roles=[RoleCode.SERVICE_MANAGER])
    client = client_for(user=manager)
    assert "Deactivate and hand over" not in client.get(detail(manager)).content.decode()
    assert client.get(deactivate_url(manager)).status_code == 302


def test_reactivation(client_for):
    manager = client_for(RoleCode.SERVICE_MANAGER)
    person = UserFactory(roles=[RoleCode.REFERRER], is_active=False)
    url = reverse("leavers:reactivate", kwargs={"pk": person.pk})
    assert "Enter why the account is being reactivated" in manager.post(url, {}).content.decode()
    assert manager.post(url, {"reason": "Returned from leave."}).status_code == 302
    person.refresh_from_db()
    assert person.is_active


# --- A deactivated person is shut out --------------------------------------------------------


def _deactivated(client_for):
    work = leaver_with_work()
    client_for(user=work.manager).post(deactivate_url(work.leaver), form_data(work))
    work.leaver.refresh_from_db()
    assert not work.leaver.is_active
    return work.leaver


def test_a_deactivated_person_cannot_sign_in(client, client_for):
    leaver = _deactivated(client_for)
    account_services.backup_codes_regenerate(user=leaver)
    response = client.post("/account/sign-in/", {"email": leaver.email, "password": PASSWORD})
    assert response.status_code == 200
    assert "Enter a correct email address and password" in response.content.decode()
    assert client.get("/").status_code == 302


def test_a_deactivated_persons_open_session_ends(client_for):
    work = leaver_with_work()
    leaver_client = client_for(user=work.leaver)
    assert leaver_client.get("/").status_code == 200
    client_for(user=work.manager).post(deactivate_url(work.leaver), form_data(work))
    response = leaver_client.get("/")
    assert response.status_code == 302 and "/account/sign-in/" in response["Location"]


def test_a_deactivated_person_cannot_use_the_api(client_for):
    work = leaver_with_work()
    token = Token.objects.create(user=work.leaver)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert api.get("/api/v1/children/").status_code == 200
    client_for(user=work.manager).post(deactivate_url(work.leaver), form_data(work))
    assert api.get("/api/v1/children/").status_code == 401
    # A token made for them afterwards (by any route) is refused too.
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=work.leaver).key}")
    assert api.get("/api/v1/children/").status_code == 401
