"""Issue 8's claim: finding the children linked to a new entity is an indexed lookup, measured
with 100,000 children, 300,000 entities and 1,000,000 links (synthetic data, generator version
7 or later).

    .venv/bin/python bench/intelligence_links.py                 # 100,000 children, 200 links each
    .venv/bin/python bench/intelligence_links.py --children 10000 --samples 50

It uses the harness's bench cluster and data set (bench/harness.py: generated once per size, seed
and generator version), then, in a process of its own, makes new links and times:

- the lookup: ``linking.connections`` for a new link (every other child linked to the entity or a
  likely-same one), against typical entities (1-4 links), hubs (the most linked), full plates that
  partial plates fit, and partial plates (found by LIKE on the plate's key);
- the whole of ``linking.child_link``: the link written, the lookup, and the alerts raised.

Each new link is made in a transaction that is rolled back, so runs do not change the data. The
query plans of the lookups are printed (EXPLAIN ANALYZE) to show they are index scans. Results go
to bench/results/intelligence-<time>.json.
"""

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


class _Rollback(Exception):
    pass


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def _samples(samples: int, seed: int) -> dict:
    """Entities to link a new child to, of each kind of case: (content type id, id) lists."""
    import random

    from django.contrib.contenttypes.models import ContentType
    from django.db.models import Count

    from intelligence.linking import MIN_KNOWN_CHARACTERS
    from intelligence.models import ChildLink, Vehicle

    rng = random.Random(seed)  # noqa: S311 - choosing samples, not security
    counts = (
        ChildLink.objects.values("entity_type", "entity_id")
        .annotate(links=Count("id"))
        .order_by("-links")
    )
    hubs = [(row["entity_type"], row["entity_id"]) for row in counts[:samples]]
    typical = list(
        counts.filter(links__lte=4).values_list("entity_type", "entity_id")[: samples * 20]
    )
    vehicle_type = ContentType.objects.get_for_model(Vehicle).pk
    partial_keys = Vehicle.objects.filter(partial=True).values_list("key", flat=True)[: samples * 4]
    known = [key for key in partial_keys if sum(c != "?" for c in key) >= MIN_KNOWN_CHARACTERS]
    fitted_full = []
    for key in known:
        full = Vehicle.objects.filter(partial=False, key__startswith=key.rstrip("?")).first()
        if full is not None:
            fitted_full.append((vehicle_type, full.pk))
        if len(fitted_full) >= samples:
            break
    partials = list(
        Vehicle.objects.filter(partial=True, key__in=known).values_list("pk", flat=True)[:samples]
    )
    return {
        "typical entity (1-4 links)": rng.sample(typical, min(samples, len(typical))),
        "hub entity (most linked)": hubs,
        "full plate that partials fit": fitted_full,
        "partial plate (LIKE)": [(vehicle_type, pk) for pk in partials],
    }


def _time_case(entities: list, child_ids: list, by) -> dict:
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from intelligence import linking
    from intelligence.models import ChildLink, Report
    from referrals.models import Child

    report = Report.objects.order_by("pk").first()
    lookup_ms, link_ms, found, queries, alerts = [], [], [], [], []
    for index, (type_id, entity_id) in enumerate(entities):
        model = ContentType.objects.get_for_id(type_id).model_class()
        entity = model.objects.get(pk=entity_id)
        child_id = child_ids[index % len(child_ids)]
        try:
            with transaction.atomic():
                link = ChildLink.objects.create(
                    child_id=child_id,
                    entity_type_id=type_id,
                    entity_id=entity_id,
                    source_type=ContentType.objects.get_for_model(Report),
                    source_id=str(report.pk),
                    created_by=by,
                )
                with CaptureQueriesContext(connection) as captured:
                    start = time.perf_counter()
                    connections = linking.connections(link)
                    lookup_ms.append((time.perf_counter() - start) * 1000)
                queries.append(len(captured))
                found.append(len({c.other_child_id for c in connections}))
                raise _Rollback
        except _Rollback:
            pass
        try:
            with transaction.atomic():
                start = time.perf_counter()
                _, raised = linking.child_link(
                    child=Child(pk=child_id), entity=entity, source=report, by=by
                )
                link_ms.append((time.perf_counter() - start) * 1000)
                alerts.append(len(raised))
                raise _Rollback
        except _Rollback:
            pass
    return {
        "samples": len(entities),
        "lookup median ms": round(statistics.median(lookup_ms), 2),
        "lookup p95 ms": round(_percentile(lookup_ms, 0.95), 2),
        "lookup queries (max)": max(queries),
        "children found (median)": statistics.median(found),
        "children found (max)": max(found),
        "child_link median ms": round(statistics.median(link_ms), 2),
        "child_link p95 ms": round(_percentile(link_ms, 0.95), 2),
        "alerts raised (max)": max(alerts),
    }


def _plans(sample: dict) -> dict:
    """EXPLAIN ANALYZE of each lookup query, for one entity of each case."""
    from django.db import connection

    from intelligence import normalise
    from intelligence.models import Vehicle

    plans = {}
    with connection.cursor() as cursor:
        (type_id, entity_id) = sample["hub entity (most linked)"][0]
        cursor.execute(
            "EXPLAIN ANALYZE SELECT child_id, police_only FROM intelligence_childlink "
            "WHERE entity_type_id = %s AND entity_id = %s",
            [type_id, entity_id],
        )
        plans["children linked to an entity (a hub)"] = [row[0] for row in cursor.fetchall()]
        partial = Vehicle.objects.get(pk=sample["partial plate (LIKE)"][0][1])
        cursor.execute(
            "EXPLAIN ANALYZE SELECT id FROM intelligence_vehicle WHERE NOT partial AND key LIKE %s",
            [normalise.registration_like_pattern(partial.key)],
        )
        plans["full plates a partial fits (LIKE)"] = [row[0] for row in cursor.fetchall()]
        full = Vehicle.objects.get(pk=sample["full plate that partials fit"][0][1])
        cursor.execute(
            "EXPLAIN ANALYZE SELECT id, key FROM intelligence_vehicle WHERE partial "
            "AND prefix = ANY(%s)",
            [normalise.registration_prefixes(full.key)],
        )
        plans["partial plates a full plate may be"] = [row[0] for row in cursor.fetchall()]
    return plans


def measure(samples: int, seed: int) -> dict:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cse_framework.settings")
    django.setup()
    from cse_framework.accounts.models import User
    from intelligence.models import ENTITY_MODELS, ChildLink
    from referrals.models import Child

    # Children to link: any (each has about ten links already), in the order of their ids,
    # which are random UUIDs.
    child_ids = list(Child.objects.order_by("pk").values_list("pk", flat=True)[: samples * 4])
    by = User.objects.filter(email__startswith="bench.police").first()
    sample = _samples(samples, seed)
    result = {
        "children": Child.objects.count(),
        "entities": sum(model.objects.count() for model in ENTITY_MODELS),
        "child links": ChildLink.objects.count(),
        "cases": {name: _time_case(entities, child_ids, by) for name, entities in sample.items()},
        "plans": _plans(sample),
    }
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--children", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.samples, args.seed)))
        return
    from harness import keep_result, measure_on_data_set

    result = measure_on_data_set(__file__, args.children, args.seed, "--samples", str(args.samples))
    for name, row in result["cases"].items():
        print(f"{name}: {row}")
    for name, plan in result["plans"].items():
        print(f"\n{name}:\n  " + "\n  ".join(plan))
    keep_result("intelligence", result)


if __name__ == "__main__":
    main()
