"""Demo intelligence (seed_demo; issue 8, item 10), through the services a user would use,
fictional people, plates and handles only (D15).

A school reports a car waiting at its gates (a full plate) and the handle a pupil is contacted
by; police link the pupil the report names, Poppy, to both (the handle from the report's
police-only content). Evie's CSE1 names the same car and Mason's the same handle, so the demo's
children are linked through a car and a handle: "children linked" alerts are raised through
``alerts.child_link_and_alert``, and Poppy's connections page shows the network. Idempotent: a
second run adds nothing (the report is found by its text; links are made once)."""

import datetime as dt

from django.utils import timezone

from cse_framework.accounts import demo
from cse_framework.accounts.models import User
from intelligence import alerts, linking, services
from intelligence.models import Report
from referrals.models import Child, Referral

PLATE = "ZZ19 QXV"
PLATFORM, HANDLE = "snapchat", "@fen.rider_09"
WHAT_HAPPENED = (
    "A silver hatchback, ZZ19 QXV, waits by the school gates at home time most days; a Year 9 "
    "girl gets in. Pupils say the driver contacts girls on Snapchat as fen.rider_09 (demo)."
)
# (given, family, born) of the children linked: the one the report names, the one whose CSE1
# names the car, the one whose CSE1 names the handle.
REPORTED = ("Poppy", "Larchmont", (2010, 8, 19))
CAR_REFERRAL = ("Evie", "Stonebridge", (2011, 2, 3))
HANDLE_REFERRAL = ("Mason", "Hollinshead", (2010, 12, 12))


def _child(given: str, family: str, born: tuple) -> Child | None:
    return Child.objects.filter(
        given_names=given, family_name=family, date_of_birth=dt.date(*born)
    ).first()


def _report(school: User) -> Report:
    report = Report.objects.filter(submitted_by=school, what_happened=WHAT_HAPPENED).first()
    if report is not None:
        return report
    return services.report_submit(
        by=school,
        observed_from=timezone.now() - dt.timedelta(days=30),
        pattern="Most school days, 15:15 to 15:40",
        place="Main gates, Oakridge High School (demo)",
        what_happened=WHAT_HAPPENED,
        children_mentioned="Poppy Larchmont, Year 9",
        provenance=Report.Provenance.SAW,
        first_hand=True,
        vehicles=[{"registration": PLATE, "make": "Vauxhall", "colour": "Silver"}],
        handles=[{"platform": PLATFORM, "handle": HANDLE}],
    )


def seed(users: dict[str, User]) -> list:
    """The network, unless its children are missing (then nothing). Returns the new alerts."""
    children = [_child(*who) for who in (REPORTED, CAR_REFERRAL, HANDLE_REFERRAL)]
    if None in children:
        return []
    poppy, evie, mason = children
    police, mash = users[demo.POLICE_EMAIL], users[demo.MASH_EMAIL]
    report = _report(users[demo.REFERRER_EMAIL])
    car = linking.vehicle_record(registration=PLATE)
    handle = linking.handle_record(platform=PLATFORM, handle=HANDLE)
    raised = []
    # Police link the child the report names: the car was seen by all at the gates; the handle
    # is what pupils told the school, police-only (D12).
    raised += alerts.child_link_and_alert(child=poppy, entity=car, source=report, by=police)[1]
    raised += alerts.child_link_and_alert(
        child=poppy, entity=handle, source=report, by=police, police_only=True
    )[1]
    for child, entity in ((evie, car), (mason, handle)):
        referral = Referral.objects.filter(child=child).order_by("pk").first()
        raised += alerts.child_link_and_alert(
            child=child, entity=entity, source=referral or report, by=mash
        )[1]
    return raised
