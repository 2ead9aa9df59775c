"""Synthetic agencies, teams and one bench user per role (fictional, D15)."""

import secrets

from cse_framework.accounts import services
from cse_framework.accounts.models import Agency, Role, Team, User
from cse_framework.accounts.roles import RoleCode

BENCH_PASSWORD = "bench-only-Osprey-Meadow-91"

TEAM_FOR_ROLE = {
    RoleCode.MASH_SOCIAL_WORKER: Team.Kind.MASH,
    RoleCode.MASH_TEAM_MANAGER: Team.Kind.MASH,
    RoleCode.EDT_SOCIAL_WORKER: Team.Kind.EDT,
    RoleCode.SHIELD_WORKER: Team.Kind.SHIELD,
    RoleCode.SHIELD_TEAM_MANAGER: Team.Kind.SHIELD,
    RoleCode.MACSE_ADMINISTRATOR: Team.Kind.MACSE_ADMINISTRATION,
}


def bench_email(role: str) -> str:
    return f"bench.{role}@example.org"


def bench_backup_code(user: User) -> str:
    """A fresh backup code that passes the second factor (replaces the user's old codes)."""
    return services.backup_codes_regenerate(user=user)[0]


def ensure_bench_users() -> list[User]:
    """One agency, a team of each kind and one user per role; idempotent."""
    agency, _ = Agency.objects.get_or_create(
        name="Synthetic children's social care",
        defaults={"kind": Agency.Kind.CHILDRENS_SOCIAL_CARE},
    )
    teams = {
        kind: Team.objects.get_or_create(agency=agency, name=f"Synthetic {label}", kind=kind)[0]
        for kind, label in Team.Kind.choices
    }
    users = []
    for role in RoleCode:
        user = User.objects.filter(email=bench_email(role)).first()
        if user is None:
            user = User.objects.create_user(
                bench_email(role),
                BENCH_PASSWORD,
                full_name=f"Bench {role.label}",
                agency=agency,
                team=teams[TEAM_FOR_ROLE.get(role, Team.Kind.PARTNER)],
            )
        user.roles.add(Role.objects.get_or_create(code=role)[0])
        users.append(user)
    return users


def bench_backup_codes(user: User, count: int) -> list[str]:
    """`count` fresh single-use backup codes for the harness's many sessions of one user."""
    device = user.staticdevice_set.get_or_create(
        name=services.BACKUP_DEVICE_NAME, defaults={"confirmed": True}
    )[0]
    device.token_set.all().delete()
    codes = [f"{secrets.randbelow(10**8):08d}" for _ in range(count)]
    for code in codes:
        device.token_set.create(token=code)
    return codes
