"""The demo's intelligence network (issue 8, item 10): seed_demo creates, once, a school's
report of a car at the gates and a handle, and links three demo children through them."""

import pytest
from django.core.management import call_command

from cse_framework.notices.models import Notice
from intelligence import demo
from intelligence.models import ChildLink, LinkAlert, OnlineHandle, Report, Vehicle
from referrals.models import Child

pytestmark = pytest.mark.django_db


def _counts():
    return [
        model.objects.count()
        for model in (Report, Vehicle, OnlineHandle, ChildLink, LinkAlert, Notice)
    ]


def test_seed_demo_links_children_by_a_car_and_a_handle_once():
    call_command("seed_demo", codes=0, stdout=open("/dev/null", "w"))  # noqa: SIM115
    poppy = Child.objects.get(given_names="Poppy", family_name="Larchmont")
    evie = Child.objects.get(given_names="Evie", family_name="Stonebridge")
    mason = Child.objects.get(given_names="Mason", family_name="Hollinshead")
    car = Vehicle.objects.get(key="ZZ19QXV")
    handle = OnlineHandle.objects.get(key="snapchat:fen.rider_09")
    assert Report.objects.filter(what_happened=demo.WHAT_HAPPENED).count() == 1
    pairs = {
        (
            frozenset({alert.first_child_id, alert.second_child_id}),
            alert.entity_id,
            alert.police_only,
        )
        for alert in LinkAlert.objects.all()
    }
    assert (frozenset({poppy.pk, evie.pk}), car.pk, False) in pairs
    assert (frozenset({poppy.pk, mason.pk}), handle.pk, True) in pairs
    before = _counts()
    call_command("seed_demo", codes=0, stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert _counts() == before
