"""Demo MACSE (seed_demo), through the services a user would use, fictional people only (D15).

A past meeting, about three months before the next one: the three children open to Shield are
heard as new referrals and adopted onto MACSE, with attendance, the confidentiality statement,
the parents question (D9), minutes, a flag decision and the standing items; the meeting is
closed, so each child has a plan with a kept version and a review clock (D5), and then plan
actions, each a clock, one done and one under way. And next month's meeting with its agenda
built in one step from what the administrator would see (D9): the CSE1s forwarded since the last
cut-off and the three children whose review falls due by then, ready to print.
"""

import datetime as dt

from django.utils import timezone

from cse_framework.accounts import demo
from cse_framework.accounts.models import Agency, User
from cse_framework.timescales.working_time import LONDON, add_calendar_months
from macse import selectors, services
from macse.models import AgendaItem, Meeting, Plan
from referrals.models import Child, Referral

ADMIN_EMAIL = "macse.admin@example.org"
CHAIR_EMAIL = "macse.chair@example.org"
VENUE = "Municipal Buildings, committee room 1 (demo)"
MEETING_TIME = dt.time(10, 0)
THURSDAY = 3
YOUTH_PROJECT = ("Safe Steps youth project (demo)", Agency.Kind.VOLUNTARY_COMMUNITY)
YOUTH_WORKER = "Jordan Ashdale (youth worker, demo)"

# What the meeting heard of each child: (given, family, minutes, flag decision, whether the
# parents are told, and the plan's actions: (section, about, outcome, action, owner e-mail or
# None for the youth worker, days from the meeting to the due date, progress)).
HEARD = [
    (
        "Poppy",
        "Larchmont",
        "Risk rising over four CSE2s. Police hold intelligence about the car that collects her; "
        "school reports new clothes and a second phone (demo).",
        AgendaItem.FlagDecision.CREATE,
        True,
        [
            (
                "protect",
                "child",
                "Poppy gets home from school safely.",
                "A trusted adult meets Poppy at the school gate every day.",
                demo.REFERRER_EMAIL,
                28,
                "done",
            ),
            (
                "pursue",
                "perpetrator",
                "The driver of the silver hatchback is identified.",
                "Check the partial registration against police systems.",
                demo.POLICE_EMAIL,
                14,
                "in_progress",
            ),
            (
                "support",
                "child",
                "Poppy has someone outside the family to talk to.",
                "Weekly sessions with the youth project.",
                None,
                42,
                "",
            ),
        ],
    ),
    (
        "Evie",
        "Stonebridge",
        "Risk falling since Shield began working with her; no missing episode this month. "
        "Health completed a sexual health check (demo).",
        AgendaItem.FlagDecision.NONE,
        True,
        [
            (
                "prevent",
                "child",
                "Evie knows the signs of grooming online.",
                "Online-safety sessions with the Shield worker.",
                demo.SHIELD_WORKER_EMAIL,
                35,
                "done",
            ),
            (
                "protect",
                "location",
                "The address on Hollow Close is no longer a meeting place.",
                "Joint visit with the licensing team to the address.",
                demo.POLICE_EMAIL,
                49,
                "",
            ),
        ],
    ),
    (
        "Mason",
        "Hollinshead",
        "Risk level. Spends nights at the retail park with older teenagers; given alcohol. "
        "Father not to be told yet: the worker fears he would move Mason out of area (demo).",
        AgendaItem.FlagDecision.CREATE,
        False,
        [
            (
                "support",
                "child",
                "Mason takes part in an evening activity he enjoys.",
                "Introduce Mason to the youth project's football sessions.",
                None,
                21,
                "done",
            ),
            (
                "protect",
                "child",
                "Carers know where Mason is at night.",
                "Agree a missing-from-home protocol with his carers.",
                demo.SHIELD_WORKER_EMAIL,
                14,
                "done",
            ),
            (
                "pursue",
                "location",
                "Staff at the retail park report concerns.",
                "Brief the retail park's security staff on the signs of exploitation.",
                demo.POLICE_EMAIL,
                56,
                "",
            ),
        ],
    ),
]
STANDING_MINUTES = {
    "actions": "No actions outstanding from the last meeting (demo).",
    "persons": "Police updated on the driver of a silver hatchback seen near schools (demo).",
    "locations": "The retail park and an address on Hollow Close, both fictional (demo).",
    "themes": "More children contacted first through social media this quarter (demo).",
    "other": "Next meeting: second Thursday of the month (demo).",
}


def _second_thursday(year: int, month: int) -> dt.date:
    first = dt.date(year, month, 1)
    return first + dt.timedelta(days=(THURSDAY - first.weekday()) % 7 + 7)


def _days(today: dt.date) -> tuple[dt.date, dt.date]:
    """Next month's meeting (its second Thursday), and the Thursday about three months before
    it: the children adopted then fall due for review at the next one (D5)."""
    year, month = (today.year + 1, 1) if today.month == 12 else (today.year, today.month + 1)
    upcoming = _second_thursday(year, month)
    past = add_calendar_months(upcoming, -3)
    past -= dt.timedelta(days=(past.weekday() - THURSDAY) % 7)
    return past, upcoming


def _at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, MEETING_TIME, tzinfo=LONDON)


def seed(users: dict[str, User]) -> None:
    """Both meetings, unless the demo already has MACSE meetings."""
    if Meeting.objects.exists():
        return
    past, upcoming = _days(timezone.localdate())
    admin = users[ADMIN_EMAIL]
    meeting = _past_meeting(_at(past), users)
    _plans(meeting, users)
    _next_meeting(_at(upcoming), admin, users)


def _invite(meeting: Meeting, admin: User, users: dict[str, User], youth: Agency) -> None:
    for email in (ADMIN_EMAIL, demo.POLICE_EMAIL, demo.HEALTH_EMAIL, demo.SHIELD_MANAGER_EMAIL):
        services.attendee_add(meeting=meeting, by=admin, user=users[email])
    services.attendee_add(
        meeting=meeting, by=admin, user=users[demo.REFERRER_EMAIL], role="Education"
    )
    services.attendee_add(
        meeting=meeting, by=admin, name=YOUTH_WORKER, agency=youth, role="Voluntary sector"
    )


def _youth_project() -> Agency:
    name, kind = YOUTH_PROJECT
    return Agency.objects.get_or_create(name=name, defaults={"kind": kind})[0]


def _past_meeting(starts: dt.datetime, users: dict[str, User]) -> Meeting:
    admin, chair = users[ADMIN_EMAIL], users[CHAIR_EMAIL]
    meeting = services.meeting_create(by=admin, starts_at=starts, venue=VENUE, chair=chair)
    _invite(meeting, admin, users, _youth_project())
    children = {
        (given, family): Child.objects.get(given_names=given, family_name=family)
        for given, family, *_ in HEARD
    }
    referrals = [
        Referral.objects.filter(child=children[given, family], forwarded_to_macse_at__isnull=False)
        .order_by("forwarded_to_macse_at")
        .first()
        for given, family, *_ in HEARD
    ]
    meeting = services.agenda_build(
        meeting=meeting,
        by=admin,
        referrals=referrals,
        children=[],
        now=starts - dt.timedelta(days=7),
    )
    items = {item.child_id: item for item in meeting.items.filter(child__isnull=False)}
    for given, family, _, _, told, _ in HEARD:
        item = items[children[given, family].pk]
        services.parents_decide(
            item=item,
            by=item.parents_asked_of or admin,
            told=told,
            reason="" if told else "Telling the father now could put Mason at risk (demo).",
        )
    present = {attendee.pk: "present" for attendee in meeting.attendees.all()}
    apologies = meeting.attendees.get(user=users[demo.SHIELD_MANAGER_EMAIL])
    sent = meeting.attendees.get(name=YOUTH_WORKER)
    present.update({apologies.pk: "apologies", sent.pk: "sent_information"})
    services.attendance_record(meeting=meeting, by=admin, attendance=present)
    services.confidentiality_acknowledge(meeting=meeting, by=chair, now=starts)
    for given, family, minutes, flag, _, _ in HEARD:
        item = items[children[given, family].pk]
        services.item_decide(
            item=item,
            by=admin,
            minutes=minutes,
            decision=AgendaItem.Decision.ADOPT,
            rationale="Agencies agreed the risk needs a multi-agency plan (demo).",
            flag_decision=flag,
            now=starts + dt.timedelta(minutes=20 * len(given)),
        )
    for item in meeting.items.filter(child__isnull=True):
        services.item_minute(item=item, by=admin, minutes=STANDING_MINUTES[item.section])
    return services.meeting_close(meeting=meeting, by=admin, now=starts + dt.timedelta(days=2))


def _plans(meeting: Meeting, users: dict[str, User]) -> None:
    """Each adopted child's actions, added once their plan exists, and their owners' progress
    (the administrator records the youth worker's, who has no account)."""
    admin = meeting.administrator
    youth = _youth_project()
    added = meeting.closed_at + dt.timedelta(hours=2)
    day = services.meeting_day(meeting)
    for given, family, _, _, _, actions in HEARD:
        plan = Plan.objects.get(child__given_names=given, child__family_name=family)
        for section, about, outcome, text, email, days, progress in actions:
            owner = users[email] if email else None
            action = services.action_add(
                plan=plan,
                by=admin,
                meeting=meeting,
                now=added,
                section=section,
                about=about,
                desired_outcome=outcome,
                description=text,
                owner=owner,
                owner_name="" if owner else YOUTH_WORKER,
                agency=owner.agency if owner else youth,
                due_on=day + dt.timedelta(days=days),
            )
            if progress:
                services.action_progress(
                    action=action,
                    by=owner or admin,
                    note="Under way; an update at the review (demo)."
                    if progress == "in_progress"
                    else "Done, as agreed (demo).",
                    status=progress,
                    now=min(added + dt.timedelta(days=days - 3), timezone.now()),
                )


def _next_meeting(starts: dt.datetime, admin: User, users: dict[str, User]) -> Meeting:
    """Next month's meeting, its agenda built in one step from the candidates (D9)."""
    meeting = services.meeting_create(
        by=admin, starts_at=starts, venue=VENUE, chair=users[CHAIR_EMAIL]
    )
    _invite(meeting, admin, users, _youth_project())
    candidates = selectors.agenda_candidates(meeting)
    return services.agenda_build(
        meeting=meeting,
        by=admin,
        referrals=candidates.new_referrals,
        children=[due.entry.child for due in candidates.reviews_due],
        now=timezone.now(),
    )
