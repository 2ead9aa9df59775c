"""Shield's queue: a child referred to Shield by a MASH decision or a strategy outcome (D16)."""

import datetime as dt

from cse_framework.accounts.models import Team, User
from cse_framework.accounts.roles import RoleCode
from cse_framework.notices.services import notify
from cse_framework.timescales.clocks import Kind
from cse_framework.timescales.services import deadline_open


def shield_referral_open(*, started_by, child, at: dt.datetime, reference: str, link: str):
    """D16: the initial-CSE2 clock (10 working days), owned by the Shield team until a manager
    allocates a worker, and a notice to Shield's managers to allocate one."""
    shield = Team.objects.filter(kind=Team.Kind.SHIELD).order_by("pk").first()
    deadline = deadline_open(
        kind=Kind.INITIAL_CSE2, started_by=started_by, starts_at=at, child=child, owning_team=shield
    )
    notify(
        recipients=User.objects.filter(roles__code=RoleCode.SHIELD_TEAM_MANAGER, is_active=True),
        subject="A child has been referred to Shield: allocate a worker",
        reference=reference,
        link=link,
    )
    return deadline
