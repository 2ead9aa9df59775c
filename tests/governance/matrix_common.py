"""What every governance matrix module shares: the roles and the expected-answer helper."""

from cse_framework.accounts.roles import RoleCode

ROLES = list(RoleCode)
ANONYMOUS = "anonymous"


def only(roles, *, allowed=200, denied=403, anonymous=302) -> dict:
    """``allowed`` for the roles given, ``denied`` for the others, and the anonymous answer."""
    return {**{role: allowed if role in roles else denied for role in ROLES}, ANONYMOUS: anonymous}
