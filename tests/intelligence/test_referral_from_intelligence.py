"""A CSE1 started from intelligence (issue 8, item 1): the intelligence form says a named child
needs a referral and offers to start one with the intelligence attached. The referral begins with
what the intelligence named, and when MASH confirms the child, the child is linked to everything
it named, so another child linked to the same car or handle raises a "children linked" alert.
All names, plates and handles are fictional."""

import datetime as dt

import pytest

from cse_framework.accounts.roles import RoleCode
from intelligence import alerts, linking, services
from intelligence.models import ChildLink, LinkAlert
from intelligence.referral_links import referral_initial, report_for_referral
from tests.factories.accounts import UserFactory
from tests.factories.referrals import ChildFactory, make_decided

pytestmark = pytest.mark.django_db

SEEN = dt.datetime(2026, 11, 20, 15, 30, tzinfo=dt.UTC)


@pytest.fixture
def teacher():
    return UserFactory(roles=[RoleCode.REFERRER])


def _report(by):
    return services.report_submit(
        by=by,
        observed_from=SEEN,
        what_happened="A grey hatchback waits by the gates; a girl from Year 9 gets in.",
        provenance="saw",
        people=[{"name": "Corvin Maltby", "nicknames": ["Cee"], "approximate_age": "about 25"}],
        vehicles=[{"registration": "xr15 kqz", "colour": "Grey", "make": "Vauxhall"}],
        handles=[{"platform": "Snapchat", "handle": "@quill.fen_77"}],
        locations=[{"premises": "Larchmont Park", "postcode": "zz9 9zz"}],
    )


def test_the_referral_begins_with_what_the_intelligence_named(teacher):
    report = _report(teacher)
    initial = referral_initial(report)
    assert initial["circumstances"].startswith(f"Intelligence {report.reference}: A grey")
    assert initial["known_people"] == "Corvin Maltby (Cee; about 25)"
    assert initial["known_vehicles"] == "XR15 KQZ Grey Vauxhall"
    places = initial["known_places"].splitlines()
    assert "Larchmont Park, ZZ9 9ZZ" in places and any("quill.fen_77" in p for p in places)


def _verified(user):
    user.is_verified = lambda: True  # signed in with both factors, as on a page
    return user


def test_only_the_submitter_or_police_may_start_a_referral_from_it(teacher):
    report = _report(teacher)
    assert report_for_referral(_verified(teacher), report.pk) == report
    police = _verified(UserFactory(roles=[RoleCode.POLICE_INTELLIGENCE_OFFICER]))
    assert report_for_referral(police, report.pk) == report
    other = _verified(UserFactory(roles=[RoleCode.REFERRER]))
    assert report_for_referral(other, report.pk) is None
    assert report_for_referral(teacher, report.pk + 1000) is None


def test_confirming_the_child_links_it_to_everything_the_intelligence_named(teacher):
    report = _report(teacher)
    mash = UserFactory(roles=[RoleCode.MASH_TEAM_MANAGER])
    handle = linking.handle_record(platform="snapchat", handle="quill.fen_77")
    other = ChildFactory()
    other_report = _report(UserFactory(roles=[RoleCode.REFERRER]))
    alerts.child_link_and_alert(child=other, entity=handle, source=other_report, by=teacher)

    referral = make_decided(teacher, mash, intelligence_report=report, **referral_initial(report))

    links = ChildLink.objects.filter(child=referral.child, source_id=str(referral.pk))
    assert sorted(link.entity_type.model for link in links) == [
        "location",
        "onlinehandle",
        "person",
        "vehicle",
    ]
    assert not links.filter(police_only=True).exists()
    # The handle was already linked to another child: one alert, whichever entities repeat.
    (alert,) = LinkAlert.objects.filter(first_child__in=[other, referral.child])
    assert {alert.first_child_id, alert.second_child_id} == {other.pk, referral.child_id}
    assert not alert.police_only


def test_the_intelligence_confirmation_starts_a_referral_that_carries_it(client_for):
    """The confirmation's button starts the CSE1 with what the intelligence named; the referral
    saved carries the intelligence. Someone else's intelligence cannot be carried (404)."""
    from django.urls import reverse

    from referrals.models import Referral
    from tests.referrals.test_referral_views import START

    client = client_for(RoleCode.REFERRER)
    report = _report(client.user)
    confirmation = client.get(
        reverse("intelligence:report-submitted", kwargs={"pk": report.pk}) + "?child=named"
    ).content.decode()
    start = f"{reverse('referrals:referral-start')}?intelligence={report.pk}"
    assert f'href="{start}"' in confirmation
    page = client.get(start).content.decode()
    assert f"This referral carries intelligence {report.reference}" in page
    assert "XR15 KQZ Grey Vauxhall" in page and "Corvin Maltby" in page
    client.post(start, {**START, "known_vehicles": "XR15 KQZ Grey Vauxhall"})
    assert Referral.objects.get().intelligence_report == report

    stranger = client_for(RoleCode.REFERRER)
    assert stranger.get(start).status_code == 404
    assert stranger.post(start, START).status_code == 404
    assert stranger.get(f"{reverse('referrals:referral-start')}?intelligence=x").status_code == 404
    assert Referral.objects.count() == 1
