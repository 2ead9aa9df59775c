"""MACSE meetings, agendas, decisions and plans through the services, with fictional defaults.

The dates: CSE1s forwarded on Thursday 26 November 2026 (THURSDAY_10AM) are on the agenda of a
meeting on Thursday 10 December 2026, whose cut-off (5 working days before) is Thursday
3 December 2026, 00:00."""

import datetime as dt

from cse_framework.accounts.models import Agency, Team
from cse_framework.accounts.roles import RoleCode
from tests.factories.accounts import AgencyFactory, TeamFactory, UserFactory
from tests.factories.referrals import THURSDAY_10AM, make_decided

DECEMBER_10 = dt.datetime(2026, 12, 10, 10, 0, tzinfo=dt.UTC)


def agency(kind: str) -> Agency:
    return Agency.objects.filter(kind=kind).first() or AgencyFactory(
        name=f"{Agency.Kind(kind).label} (test)", kind=kind
    )


def administrator():
    team = Team.objects.filter(kind=Team.Kind.MACSE_ADMINISTRATION).first() or TeamFactory(
        kind=Team.Kind.MACSE_ADMINISTRATION
    )
    return UserFactory(
        roles=[RoleCode.MACSE_ADMINISTRATOR],
        team=team,
        agency=agency(Agency.Kind.CHILDRENS_SOCIAL_CARE),
    )


def chair():
    return UserFactory(roles=[RoleCode.MACSE_CHAIR], agency=agency(Agency.Kind.POLICE))


def make_macse_meeting(*, starts_at=DECEMBER_10, by=None, chair_user=None, **fields):
    from macse import services

    return services.meeting_create(
        by=by or administrator(),
        starts_at=starts_at,
        venue=fields.pop("venue", "Council offices, room 2 (fictional)"),
        chair=chair_user if chair_user is not None else chair(),
    )


def make_forwarded(*, now=THURSDAY_10AM, **fields):
    """A CSE1 decided by MASH, and so forwarded to the MACSE administrator (with its child)."""
    referrer = UserFactory(roles=[RoleCode.REFERRER])
    mash = UserFactory(roles=[RoleCode.MASH_SOCIAL_WORKER])
    return make_decided(referrer, mash, now=now, **fields)


def make_agenda(meeting=None, *, referrals=(), children=(), by=None):
    """A meeting whose agenda holds ``referrals`` (new) and ``children`` (reviews); one new
    referral by default."""
    from macse import services

    meeting = meeting or make_macse_meeting()
    if not referrals and not children:
        referrals = [make_forwarded()]
    return services.agenda_build(
        meeting=meeting,
        by=by or meeting.administrator,
        referrals=list(referrals),
        children=list(children),
        now=meeting.starts_at - dt.timedelta(days=7),
    )


def adopt_all(meeting, *, by=None, now=None):
    """Record 'adopt onto MACSE' for every new referral on the agenda, then close the meeting:
    each child joins the cohort with a plan and a review clock 3 months on."""
    from macse import services

    by = by or meeting.administrator
    for item in meeting.items.filter(child__isnull=False, deferred_at__isnull=True):
        services.item_decide(
            item=item,
            by=by,
            minutes="Agencies shared what they hold; risk agreed as medium.",
            decision="adopt",
            now=meeting.starts_at,
        )
    return services.meeting_close(
        meeting=meeting, by=by, now=now or meeting.starts_at + dt.timedelta(hours=3)
    )


def make_plan(*, meeting=None):
    """A child adopted onto MACSE at a closed meeting: their plan."""
    from macse.models import Plan

    meeting = meeting or make_agenda()
    adopt_all(meeting)
    return Plan.objects.filter(entry__first_heard_at=meeting).order_by("pk").first()


def make_action(plan, *, owner=None, by=None, **fields):
    from macse import services

    owner = (
        owner
        if owner is not None
        else UserFactory(roles=[RoleCode.REFERRER], agency=agency(Agency.Kind.EDUCATION))
    )
    values = {
        "section": "protect",
        "desired_outcome": "The child is safe at school and on the way home.",
        "description": "Arrange a trusted adult to meet the child at the school gate.",
        "owner": owner,
        "agency": owner.agency if owner else agency(Agency.Kind.EDUCATION),
        "due_on": dt.date(2027, 1, 15),
        **fields,
    }
    return services.action_add(
        plan=plan, by=by or plan.entry.first_heard_at.administrator, **values
    )


def make_adopted(*, starts_at, by=None, **fields):
    """A meeting on ``starts_at`` that adopted one child onto MACSE (their CSE1 forwarded two
    weeks before) and agreed its minutes 3 hours later: the child's review clock runs 3 months
    on (D5). Returns the meeting and the child."""
    meeting = make_macse_meeting(starts_at=starts_at, by=by)
    referral = make_forwarded(now=starts_at - dt.timedelta(days=14), **fields)
    make_agenda(meeting, referrals=[referral])
    return adopt_all(meeting), referral.child
