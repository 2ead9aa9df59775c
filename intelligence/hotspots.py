"""Hotspots (issue 8, item 7): the locations, and the online handles, named most often in a
period, for the MACSE "locations and online platforms" agenda item.

Each entity is ranked by two counts: the reports naming it whose "seen or heard" date
(``Report.observed_from``) falls in the period, and the children linked to it in the period
(``ChildLink.created_at``); the reports first, then the children, then the oldest entity. Both are
counted in the database (GROUP BY the entity), then merged: three queries per kind of entity
(the two counts, then the page's entities) whatever the number of reports, links or entities. The
period's report ids come from the index on ``observed_from``, their mentions from the index on the
mention's source, and the links from the index on the link's entity type and creation time
(migration 0003).

D12: a count derived from a report is visible only to those who may see the report. Police-only
users count everything; everyone else counts only mentions and links that rest on nothing
police-only (``police_only=False``), so an entity known only from police-only intelligence is not
listed for them at all."""

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Page, Paginator
from django.db.models import CharField, Count
from django.db.models.functions import Cast

from cse_framework.timescales.working_time import add_calendar_months
from intelligence import policy
from intelligence.models import ChildLink, Location, Mention, OnlineHandle, Report

LONDON = ZoneInfo("Europe/London")
DEFAULT_MONTHS = 3
PAGE_SIZE = 25
KINDS = (Location, OnlineHandle)


@dataclass(frozen=True)
class Period:
    """From ``start`` to ``end``, both days included, as Europe/London dates."""

    start: dt.date
    end: dt.date

    @property
    def bounds(self) -> tuple[dt.datetime, dt.datetime]:
        """The first instant of ``start`` and the first instant after ``end``, in London."""
        first = dt.datetime.combine(self.start, dt.time.min, tzinfo=LONDON)
        after = dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time.min, tzinfo=LONDON)
        return first, after


def default_period(today: dt.date) -> Period:
    """The last 3 calendar months up to and including ``today`` (a London date)."""
    return Period(add_calendar_months(today, -DEFAULT_MONTHS), today)


@dataclass(frozen=True)
class Hotspot:
    entity: object  # a Location or an OnlineHandle
    reports: int
    children: int


def counts_everything(user) -> bool:
    """Whether ``user`` counts police-only intelligence too (D12)."""
    return policy.sees_police_only(user)


def _counts(model, *, period: Period, everything: bool) -> dict[int, list[int]]:
    """entity id -> [reports, children] for each entity of ``model`` named in ``period``: two
    GROUP BY queries."""
    entity_type, report_type = (
        ContentType.objects.get_for_models(model, Report)[key] for key in (model, Report)
    )
    start, after = period.bounds
    # Mention.source_id is text (a source may be any kind of record): the ids compared as text.
    reports_in_period = (
        Report.objects.filter(observed_from__gte=start, observed_from__lt=after)
        .order_by()
        .values(key=Cast("pk", CharField()))
    )
    mentions = Mention.objects.filter(
        entity_type=entity_type, source_type=report_type, source_id__in=reports_in_period
    )
    links = ChildLink.objects.filter(
        entity_type=entity_type, created_at__gte=start, created_at__lt=after
    )
    if not everything:
        mentions = mentions.filter(police_only=False)
        links = links.filter(police_only=False)
    found: dict[int, list[int]] = {}
    rows = (
        mentions.order_by().values("entity_id").annotate(n=Count("source_id", distinct=True)),
        links.order_by().values("entity_id").annotate(n=Count("child", distinct=True)),
    )
    for column, grouped in enumerate(rows):
        for entity_id, count in grouped.values_list("entity_id", "n"):
            found.setdefault(entity_id, [0, 0])[column] = count
    return found


def hotspots(model, *, user, period: Period, page=1, per_page: int = PAGE_SIZE) -> Page:
    """One page of the entities of ``model`` (Location or OnlineHandle) ranked by the reports
    naming them in ``period``, then the children linked to them; each a ``Hotspot``. Three
    queries (the content types once cached)."""
    if model not in KINDS:
        raise ValueError(f"no hotspots of {model.__name__}")
    counts = _counts(model, period=period, everything=counts_everything(user))
    ranked = sorted(counts.items(), key=lambda item: (-item[1][0], -item[1][1], item[0]))
    found = Paginator(ranked, per_page).get_page(page)
    entities = model.objects.in_bulk([entity_id for entity_id, _ in found.object_list])
    found.object_list = [
        Hotspot(entities[entity_id], reports, children)
        for entity_id, (reports, children) in found.object_list
        if entity_id in entities
    ]
    return found
