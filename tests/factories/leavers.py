"""What the leaver tests share: a Shield worker who is leaving with one open item of every kind,
and colleagues who may take each. Fictional people only. (No tests here.)"""

import datetime as dt
from dataclasses import dataclass

from cse_framework.accounts.models import Team, User
from cse_framework.accounts.roles import RoleCode
from cse_framework.timescales.clocks import Kind
from cse_framework.timescales.models import Deadline
from cse_framework.timescales.services import deadline_open
from governance.leavers.services import TEAM
from macse.models import Action
from referrals.models import Child
from shield.models import ShieldCase
from strategy.models import AgreedAction, StrategyMeeting
from tests.factories.accounts import TeamFactory, UserFactory
from tests.factories.macse import make_action, make_plan
from tests.factories.referrals import ChildFactory, make_discussion, make_meeting
from tests.factories.shield import make_case, shield_worker

NOW = dt.datetime(2026, 11, 27, 12, 0, tzinfo=dt.UTC)


def mash_team() -> Team:
    return Team.objects.filter(kind=Team.Kind.MASH).first() or TeamFactory(kind=Team.Kind.MASH)


def team_clock(owner, *, kind=Kind.STRATEGY_DISCUSSION, team=None, at=NOW) -> Deadline:
    """An open clock owned by ``owner``, belonging to ``team`` (none: to no team)."""
    child = ChildFactory()
    return deadline_open(
        kind=kind, started_by=child, starts_at=at, child=child, owning_team=team, owner=owner
    )


@dataclass
class Leaver:
    leaver: User
    manager: User
    case: ShieldCase
    child: Child
    macse_action: Action
    strategy_action: AgreedAction
    meeting: StrategyMeeting
    clock_of_team: Deadline  # may go back to the MASH team
    clock_of_nobody: Deadline  # belongs to no team: must go to a person
    new_shield: User
    new_social_worker: User
    new_partner: User
    new_chair: User
    new_mash: User

    def choices(self, **overrides) -> dict[str, str]:
        """A full, valid set of choices (item key -> user id or TEAM)."""
        chosen = {
            f"case_{self.case.pk}": self.new_shield,
            f"child_{self.child.pk}": self.new_social_worker,
            f"macse_action_{self.macse_action.pk}": self.new_partner,
            f"strategy_action_{self.strategy_action.pk}": self.new_partner,
            f"strategy_meeting_{self.meeting.pk}": self.new_chair,
            f"clock_{self.clock_of_team.pk}": TEAM,
            f"clock_{self.clock_of_nobody.pk}": self.new_mash,
        }
        chosen.update(overrides)
        return {
            key: value if isinstance(value, str) else str(value.pk) for key, value in chosen.items()
        }


def leaver_with_work() -> Leaver:
    """A Shield worker holding a case (with its initial-CSE2 clock), a child as their allocated
    social worker, a MACSE action, a strategy action, a strategy meeting to chair, and two other
    clocks they took (one of the MASH team's, one of no team's)."""
    mash = mash_team()
    leaver = shield_worker()
    case = make_case(worker=leaver)
    child = ChildFactory(allocated_social_worker=leaver)
    macse_action = make_action(make_plan(), owner=leaver)
    discussion = make_discussion(
        actions=[
            {
                "description": "Visit the school with the police officer",
                "owner": leaver,
                "due_on": dt.date(2027, 1, 15),
            }
        ]
    )
    meeting = make_meeting(chair=leaver)
    return Leaver(
        leaver=leaver,
        manager=UserFactory(roles=[RoleCode.SERVICE_MANAGER]),
        case=case,
        child=child,
        macse_action=macse_action,
        strategy_action=discussion.actions.get(),
        meeting=meeting,
        clock_of_team=team_clock(leaver, team=mash),
        clock_of_nobody=team_clock(leaver, kind=Kind.PLACING_AUTHORITY),
        new_shield=shield_worker(),
        new_social_worker=UserFactory(roles=[RoleCode.ALLOCATED_SOCIAL_WORKER]),
        new_partner=UserFactory(roles=[RoleCode.REFERRER]),
        new_chair=UserFactory(roles=[RoleCode.MASH_TEAM_MANAGER], team=mash),
        new_mash=UserFactory(roles=[RoleCode.MASH_SOCIAL_WORKER], team=mash),
    )
