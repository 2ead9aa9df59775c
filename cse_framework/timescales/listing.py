"""How a list of clocks reads the events that started them.

A clock's ``started_by`` is any kind of record (a referral, a discussion, an action, a CSE2...);
a list shows each one's reference and link, which for some kinds reads a related row (an action's
discussion and its referral). Each app registers, when it is ready, the queryset that reads its
kind of record with what the list needs, so a list of clocks costs one query per kind of record
whatever its length.
"""

from django.contrib.contenttypes.prefetch import GenericPrefetch
from django.db.models import QuerySet

_QUERYSETS: dict[type, QuerySet] = {}


def register(*querysets: QuerySet) -> None:
    for queryset in querysets:
        _QUERYSETS[queryset.model] = queryset


def started_by() -> GenericPrefetch:
    """The prefetch of ``started_by`` for a list of clocks."""
    return GenericPrefetch("started_by", list(_QUERYSETS.values()))
