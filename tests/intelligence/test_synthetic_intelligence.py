"""The synthetic intelligence the benchmark of issue 8 runs on: 3 entities and about 10 links a
child, entities named by reports, partial plates that fit full ones, and hubs with many links."""

import datetime as dt

import pytest
from django.db.models import Count

from cse_framework.synthetic import generator
from intelligence import linking
from intelligence.models import ENTITY_MODELS, ChildLink, Mention, Report, Vehicle
from intelligence.synthetic import ENTITIES_PER_CHILD, LINKS_PER_CHILD, plate

pytestmark = pytest.mark.django_db

AS_OF = dt.date(2026, 11, 20)
CHILDREN = 60


@pytest.fixture
def plan():
    return generator.generate(children=CHILDREN, seed=3, as_of=AS_OF)


def test_the_scale_is_three_entities_and_ten_links_a_child(plan):
    entities = sum(model.objects.count() for model in ENTITY_MODELS)
    assert entities == CHILDREN * ENTITIES_PER_CHILD
    links = ChildLink.objects.count()
    assert links == plan.counts["intelligence child links"]
    # Random draws that repeat a link already made are dropped: never more, seldom fewer.
    assert CHILDREN * LINKS_PER_CHILD * 0.98 <= links <= CHILDREN * LINKS_PER_CHILD
    assert Mention.objects.count() == entities == plan.counts["intelligence mentions"]
    assert Report.objects.count() == plan.counts["intelligence reports"] == CHILDREN // 2


def test_every_link_and_mention_names_a_real_entity_and_report(plan):
    report_ids = {str(pk) for pk in Report.objects.values_list("pk", flat=True)}
    for model in ENTITY_MODELS:
        ids = set(model.objects.values_list("pk", flat=True))
        linked = ChildLink.objects.filter(entity_type__model=model._meta.model_name)
        assert set(linked.values_list("entity_id", flat=True)) <= ids
    assert set(ChildLink.objects.values_list("source_id", flat=True)) <= report_ids
    assert set(Mention.objects.values_list("source_id", flat=True)) <= report_ids


def test_some_entities_are_hubs_with_many_children(plan):
    busiest = (
        ChildLink.objects.values("entity_type", "entity_id")
        .annotate(children=Count("child", distinct=True))
        .order_by("-children")
        .first()
    )
    assert busiest["children"] >= 5


def test_plates_are_unique_and_partial_plates_fit_a_full_one(plan):
    assert len({plate(index) for index in range(20_000)}) == 20_000
    partials = list(Vehicle.objects.filter(partial=True))
    assert partials
    fitted = [partial for partial in partials if linking.likely_same(partial)]
    assert len(fitted) >= len(partials) // 2
