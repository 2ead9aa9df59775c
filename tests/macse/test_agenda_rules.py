"""The agenda's rules through the builder and the services: the cut-off (D9) in Europe/London
days with bank holidays not counted, the builder in a fixed number of queries, deferral (the
review clock keeps running and the child comes back to the next agenda), the 3-month review
clock set when the minutes are agreed (D5, its day clamped to the month's end), and children who
turn 18 (D6)."""

import datetime as dt
from html import escape

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cse_framework.accounts.roles import RoleCode
from cse_framework.notices.models import NoticeRecipient
from cse_framework.timescales.clocks import Kind
from cse_framework.timescales.models import Deadline
from cse_framework.timescales.working_time import LONDON
from macse import selectors, services
from macse.models import AgendaItem, CohortEntry, Meeting
from tests.factories.accounts import UserFactory
from tests.factories.macse import (
    DECEMBER_10,
    adopt_all,
    make_adopted,
    make_agenda,
    make_forwarded,
    make_macse_meeting,
)

pytestmark = pytest.mark.django_db

UTC = dt.UTC
# Thursday 9 July 2026, 10:00 in London (BST): its cut-off is the start of Thursday 2 July in
# London, which is 23:00 UTC on Wednesday 1 July.
JULY_9 = dt.datetime(2026, 7, 9, 9, 0, tzinfo=UTC)
JULY_CUT_OFF = dt.datetime(2026, 7, 1, 23, 0, tzinfo=UTC)
SEPTEMBER_10 = dt.datetime(2026, 9, 10, 9, 0, tzinfo=UTC)  # 10:00 in London (BST)
JANUARY_14 = dt.datetime(2027, 1, 14, 10, 0, tzinfo=UTC)


def _builder(meeting) -> str:
    return reverse("macse:meeting-agenda", kwargs={"pk": meeting.pk})


def _admin_client(client_for, meeting):
    return client_for(user=meeting.administrator)


def _review_clock(child) -> Deadline:
    return Deadline.objects.get(kind=Kind.MACSE_REVIEW, child=child)


# --- The cut-off (D9) -------------------------------------------------------------------------


def test_the_cut_off_is_the_start_of_the_fifth_working_day_before_in_london():
    """Thursday 10 December 2026 (GMT): 00:00 on Thursday 3 December. Thursday 9 July 2026
    (BST): 00:00 London on Thursday 2 July, 23:00 UTC the day before."""
    december = make_macse_meeting()
    assert selectors.cut_off(december) == dt.datetime(2026, 12, 3, 0, 0, tzinfo=UTC)
    july = make_macse_meeting(starts_at=JULY_9)
    assert selectors.cut_off(july) == JULY_CUT_OFF
    assert selectors.cut_off(july).astimezone(LONDON).date() == dt.date(2026, 7, 2)


def test_a_bank_holiday_is_not_one_of_the_five_working_days(client_for):
    """Thursday 7 May 2026: Monday 4 May is the early May bank holiday, so the cut-off is
    Wednesday 29 April, not Thursday 30 April; the builder says so in London's words."""
    meeting = make_macse_meeting(starts_at=dt.datetime(2026, 5, 7, 9, 0, tzinfo=UTC))
    assert selectors.cut_off(meeting).astimezone(LONDON) == dt.datetime(
        2026, 4, 29, 0, 0, tzinfo=LONDON
    )
    # Forwarded on the 29th, 09:00 London: after the cut-off, so not on this agenda.
    late = make_forwarded(now=dt.datetime(2026, 4, 29, 8, 0, tzinfo=UTC))
    on_time = make_forwarded(now=dt.datetime(2026, 4, 28, 14, 0, tzinfo=UTC))
    page = _admin_client(client_for, meeting).get(_builder(meeting)).text
    assert "the start of Wednesday 29 April 2026 (00:00)" in page
    assert on_time.reference in page
    assert late.reference not in page


def test_a_cse1_just_before_the_cut_off_is_on_the_agenda_one_at_it_goes_to_the_next(client_for):
    """The July meeting's cut-off is 00:00 on 2 July in London: a CSE1 forwarded at 23:59 London
    on 1 July is on it; one forwarded at 00:00 London on 2 July (23:00 UTC on 1 July, still the
    1st in UTC) is not, and is on the next meeting's."""
    meeting = make_macse_meeting(starts_at=JULY_9)
    before = make_forwarded(now=JULY_CUT_OFF - dt.timedelta(minutes=1))
    at = make_forwarded(now=JULY_CUT_OFF)
    assert at.forwarded_to_macse_at.astimezone(UTC).date() == dt.date(2026, 7, 1)

    candidates = selectors.agenda_candidates(meeting)
    assert [referral.pk for referral in candidates.new_referrals] == [before.pk]
    page = _admin_client(client_for, meeting).get(_builder(meeting)).text
    assert before.reference in page
    assert at.reference not in page

    following = make_macse_meeting(starts_at=dt.datetime(2026, 8, 13, 9, 0, tzinfo=UTC))
    later = selectors.agenda_candidates(following)
    assert [referral.pk for referral in later.new_referrals] == [at.pk]


# --- The builder ------------------------------------------------------------------------------


def test_the_builder_lists_the_candidates_ticked_and_builds_the_agenda_in_one_post(client_for):
    """Every candidate is ticked; what is unticked waits; the standing items follow the
    children; each child's allocated worker is asked whether parents are told (D9)."""
    meeting = make_macse_meeting()
    first, second = make_forwarded(), make_forwarded()
    worker = UserFactory(roles=[RoleCode.ALLOCATED_SOCIAL_WORKER])
    first.child.allocated_social_worker = worker
    first.child.save()
    admin = _admin_client(client_for, meeting)
    page = admin.get(_builder(meeting)).text
    for referral in (first, second):
        assert f'value="{referral.pk}" checked' in page
        assert escape(str(referral.child)) in page
    assert "26 Nov 2026 10:00" in page  # when each was forwarded, in London time

    response = admin.post(
        _builder(meeting), {"version": meeting.version, "referrals": [str(first.pk)]}
    )
    assert response.status_code == 302
    assert response["Location"] == meeting.get_absolute_url()
    items = list(meeting.items.order_by("position"))
    assert [item.section for item in items] == ["new_referral", *services.STANDING]
    assert items[0].referral == first and items[0].parents_asked_of == worker
    assert NoticeRecipient.objects.filter(
        user=worker, notice__link=items[0].get_absolute_url()
    ).exists()
    # The unticked CSE1 is still offered; the one on the agenda is not.
    again = admin.get(_builder(meeting)).text
    assert second.reference in again and first.reference not in again


def test_a_stale_builder_is_refused_and_builds_nothing(client_for):
    meeting = make_macse_meeting()
    referral = make_forwarded()
    admin = _admin_client(client_for, meeting)
    services.confidentiality_acknowledge(meeting=meeting, by=meeting.administrator)
    response = admin.post(
        _builder(meeting), {"version": meeting.version, "referrals": [str(referral.pk)]}
    )
    assert response.status_code == 200
    assert "Someone else changed this" in response.text
    assert not meeting.items.exists()
    meeting.refresh_from_db()
    assert f'name="version" value="{meeting.version}"' in response.text  # saving again works


BUILDER_QUERIES = 14  # the session and user (7, the session saved), the meeting and the check (2),
# the candidates (4), the access log (1)


def test_the_builder_runs_a_fixed_number_of_queries(client_for, django_assert_num_queries):
    """One candidate or ten (new referrals, reviews due, deferred items and a child turned 18):
    the same queries."""
    meeting = make_macse_meeting()
    make_forwarded()
    admin = _admin_client(client_for, meeting)
    assert len(selectors.agenda_candidates(meeting).new_referrals) == 1
    with django_assert_num_queries(BUILDER_QUERIES):
        admin.get(_builder(meeting))

    earlier = make_macse_meeting(starts_at=SEPTEMBER_10)
    adopted = [make_forwarded(now=SEPTEMBER_10 - dt.timedelta(days=14)) for _ in range(3)]
    adult = make_forwarded(
        now=SEPTEMBER_10 - dt.timedelta(days=14), child_date_of_birth=dt.date(2008, 11, 1)
    )
    deferred = [make_forwarded(now=SEPTEMBER_10 - dt.timedelta(days=14)) for _ in range(2)]
    make_agenda(earlier, referrals=[*adopted, adult, *deferred])
    for item in earlier.items.filter(referral__in=deferred):
        services.item_defer(item=item, by=earlier.administrator, reason="Waiting for police.")
    adopt_all(earlier)
    for _ in range(3):
        make_forwarded()
    candidates = selectors.agenda_candidates(meeting)
    counts = [len(candidates.new_referrals), len(candidates.reviews_due)]
    assert counts + [len(candidates.deferred), len(candidates.turned_18)] == [4, 3, 2, 1]
    with django_assert_num_queries(BUILDER_QUERIES):
        page = admin.get(_builder(meeting)).text
    assert escape(str(adult.child)) in page and "Keep the case open" in page


# --- Deferral ---------------------------------------------------------------------------------


def test_a_deferred_review_keeps_its_clock_running_and_comes_back_to_the_next_agenda(client_for):
    """Adopted on 10 September at 10:00 in London (BST, 09:00 UTC), the child's review is due on
    10 December at 10:00 in London (GMT, 10:00 UTC). Deferred at the December meeting, the
    clock stays open with that due time, and the child is offered for review at January's."""
    _, child = make_adopted(starts_at=SEPTEMBER_10)
    clock = _review_clock(child)
    assert clock.due_at == dt.datetime(2026, 12, 10, 10, 0, tzinfo=UTC)

    december = make_macse_meeting()
    admin = _admin_client(client_for, december)
    page = admin.get(_builder(december)).text
    assert "review due 10 Dec 2026 10:00" in page
    admin.post(_builder(december), {"version": december.version, "children": [str(child.pk)]})
    item = december.items.get(child=child)
    assert item.section == "review"
    item_page = admin.get(item.get_absolute_url()).text
    assert "review clock keeps running" in item_page

    response = admin.post(
        reverse("macse:item-defer", kwargs={"pk": item.pk}),
        {"version": item.version, "deferred_reason": "The police enquiry reports next month."},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.deferred
    services.meeting_close(
        meeting=december, by=december.administrator, now=DECEMBER_10 + dt.timedelta(hours=3)
    )
    clock.refresh_from_db()
    assert clock.is_open and clock.due_at == dt.datetime(2026, 12, 10, 10, 0, tzinfo=UTC)
    assert CohortEntry.objects.get(child=child).status == CohortEntry.Status.OPEN

    january = make_macse_meeting(starts_at=JANUARY_14)
    reviews = selectors.agenda_candidates(january).reviews_due
    assert [(review.entry.child, review.due_at) for review in reviews] == [(child, clock.due_at)]
    assert escape(str(child)) in _admin_client(client_for, january).get(_builder(january)).text


def test_a_deferred_new_referral_is_offered_again_with_where_and_why(client_for):
    """A new referral deferred in December is offered to January's agenda as deferred, saying
    from which meeting and why, and comes back as a new referral with its CSE1."""
    december = make_agenda()
    item = december.items.get(child__isnull=False)
    services.item_defer(item=item, by=december.administrator, reason="The family moved away.")
    services.meeting_close(
        meeting=december, by=december.administrator, now=DECEMBER_10 + dt.timedelta(hours=3)
    )
    january = make_macse_meeting(starts_at=JANUARY_14)
    candidates = selectors.agenda_candidates(january)
    assert [deferred.pk for deferred in candidates.deferred] == [item.pk]
    admin = _admin_client(client_for, january)
    page = admin.get(_builder(january)).text
    assert f"deferred at {december.reference} (10 Dec 2026): The family moved away." in page
    admin.post(_builder(january), {"version": january.version, "deferred": [str(item.pk)]})
    again = january.items.get(child=item.child)
    assert again.section == "new_referral" and again.referral_id == item.referral_id


# --- The 3-month review clock (D5) ------------------------------------------------------------


def test_agreeing_the_minutes_sets_the_review_3_calendar_months_on_clamped():
    """First heard on Monday 30 November 2026 at 10:00: the review is due on 28 February 2027 at
    10:00 (there is no 30 February), and only once the minutes are agreed."""
    meeting = make_macse_meeting(starts_at=dt.datetime(2026, 11, 30, 10, 0, tzinfo=UTC))
    make_agenda(meeting)
    child = meeting.items.get(child__isnull=False).child
    assert not Deadline.objects.filter(kind=Kind.MACSE_REVIEW, child=child).exists()
    adopt_all(meeting)
    clock = _review_clock(child)
    assert clock.due_at == dt.datetime(2027, 2, 28, 10, 0, tzinfo=UTC)
    assert clock.starts_at == meeting.starts_at
    entry = CohortEntry.objects.get(child=child)
    assert entry.first_heard_at == meeting and entry.plan.review_on == dt.date(2027, 2, 28)


def test_a_review_heard_late_sets_the_next_from_the_due_date_not_the_hearing():
    """Due 28 February, heard on 11 March: the next review is due 28 May (3 months on from the
    due date), and the clock heard late is met."""
    adopted_at, child = make_adopted(starts_at=dt.datetime(2026, 11, 30, 10, 0, tzinfo=UTC))
    march = make_macse_meeting(starts_at=dt.datetime(2027, 3, 11, 10, 0, tzinfo=UTC))
    make_agenda(march, children=[child])
    item = march.items.get(child=child)
    services.item_decide(
        item=item, by=march.administrator, minutes="Reviewed.", decision="continue"
    )
    services.meeting_close(meeting=march, by=march.administrator, now=march.starts_at)
    clocks = Deadline.objects.filter(kind=Kind.MACSE_REVIEW, child=child).order_by("due_at")
    first, second = clocks
    assert first.met_at == march.starts_at
    # 10:00 in London as before, now BST: 09:00 UTC.
    assert second.due_at == dt.datetime(2027, 5, 28, 9, 0, tzinfo=UTC)
    assert adopted_at.status == Meeting.Status.CLOSED


# --- Turning 18 (D6) --------------------------------------------------------------------------


def _adult_in_the_cohort():
    """Adopted in September at 17; 18 by the December meeting (born 1 November 2008)."""
    return make_adopted(starts_at=SEPTEMBER_10, child_date_of_birth=dt.date(2008, 11, 1))[1]


def test_a_child_who_turned_18_leaves_the_cohort_when_the_agenda_is_built(client_for):
    child = _adult_in_the_cohort()
    december = make_macse_meeting()
    admin = _admin_client(client_for, december)
    page = admin.get(_builder(december)).text
    assert "Children who have turned 18" in page and "18 on the meeting day" in page
    entry = CohortEntry.objects.get(child=child)
    response = admin.post(
        _builder(december), {"version": december.version, "leaving": [str(entry.pk)]}
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.status == CohortEntry.Status.CLOSED and entry.ended_by == december
    clock = _review_clock(child)
    assert clock.not_required_at is not None and not clock.is_open
    assert not december.items.filter(child=child).exists()


def test_a_child_kept_open_past_18_is_offered_for_review_with_the_reason_kept(client_for):
    child = _adult_in_the_cohort()
    december = make_macse_meeting()
    entry = CohortEntry.objects.get(child=child)
    admin = _admin_client(client_for, december)
    url = reverse("macse:cohort-keep-open", kwargs={"pk": december.pk, "entry_pk": entry.pk})
    prefix = f"entry-{entry.pk}"
    refused = admin.post(url, {f"{prefix}-version": entry.version})
    assert refused.status_code == 200
    assert "Say why the case stays open to MACSE past 18" in refused.text
    response = admin.post(
        url,
        {
            f"{prefix}-version": entry.version,
            f"{prefix}-kept_open_past_18_reason": "Transition to adult services is not complete.",
        },
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.kept_open_past_18_reason == "Transition to adult services is not complete."
    candidates = selectors.agenda_candidates(december)
    assert not candidates.turned_18
    assert [review.entry for review in candidates.reviews_due] == [entry]


def test_a_deferred_item_takes_no_decision():
    meeting = make_agenda()
    item = meeting.items.get(child__isnull=False)
    item = services.item_defer(item=item, by=meeting.administrator, reason="Not enough known.")
    with pytest.raises(ValidationError) as refused:
        services.item_decide(item=item, by=meeting.administrator, minutes="", decision="adopt")
    assert "deferred" in refused.value.message_dict["decision"][0]
    assert AgendaItem.objects.get(pk=item.pk).decision == ""


def test_a_child_adopted_has_a_plan_at_once_whose_actions_are_in_the_first_kept_version():
    """The meeting agrees the plan's actions before the minutes: version 1 holds them."""
    from macse.models import Plan, PlanVersion
    from tests.factories.macse import make_action

    meeting = make_agenda()
    item = meeting.items.get(child__isnull=False)
    services.item_decide(
        item=item,
        by=meeting.administrator,
        minutes="Adopted.",
        decision="adopt",
        now=meeting.starts_at,
    )
    plan = Plan.objects.get(child=item.child)
    action = make_action(plan, by=meeting.administrator)
    services.meeting_close(
        meeting=meeting, by=meeting.administrator, now=meeting.starts_at + dt.timedelta(hours=2)
    )
    version = PlanVersion.objects.get(plan=plan)
    assert version.number == 1 and [row["id"] for row in version.actions] == [action.pk]


def test_changing_an_adoption_before_the_minutes_takes_the_child_out_unless_the_plan_has_actions():
    from macse.models import Plan
    from tests.factories.macse import make_action

    meeting = make_agenda()
    item = meeting.items.get(child__isnull=False)
    decide = lambda decision: services.item_decide(  # noqa: E731
        item=item,
        by=meeting.administrator,
        minutes="Discussed.",
        decision=decision,
        rationale="Better met by the youth service.",
        now=meeting.starts_at,
    )
    decide("adopt")
    decide("signpost")
    assert not CohortEntry.objects.filter(child=item.child).exists()
    decide("adopt")
    make_action(Plan.objects.get(child=item.child), by=meeting.administrator)
    with pytest.raises(ValidationError) as refused:
        decide("signpost")
    assert "already has actions" in str(refused.value)
    assert CohortEntry.objects.filter(child=item.child, status="open").exists()
