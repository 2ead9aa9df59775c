"""The retention pages (issue 10, item 5): the queue (paginated, a fixed number of queries), a
review and the information-governance officer's decision, refusals shown clearly with what was
typed kept, who sees what, the schedule and a rule's change, the erasure log, the navigation."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cse_framework.accounts.roles import RoleCode
from cse_framework.audit.models import AccessEvent
from governance.retention.models import ErasureLog, RetentionReview, RetentionRule
from referrals.models import Child
from tests.factories.referrals import ChildFactory
from tests.factories.retention import (
    FAMILY,
    GIVEN,
    closed_child,
    report_with_entities,
    review_of,
    rule,
)

pytestmark = pytest.mark.django_db

IG = RoleCode.INFORMATION_GOVERNANCE
POLICE = RoleCode.POLICE_INTELLIGENCE_OFFICER
INDEX = reverse("retention:index")


def _page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_the_queue_lists_due_reviews_in_a_fixed_number_of_queries(client_for):
    client = client_for(IG)
    review_of(ChildFactory())
    client.get(INDEX)  # the session and the user's roles, once
    with CaptureQueriesContext(connection) as few:
        body = _page(client, INDEX)
    assert "RR-" in body and "1 review," in body
    for _ in range(60):
        review_of(ChildFactory())
    with CaptureQueriesContext(connection) as many:
        body = _page(client, INDEX)
    assert len(many) == len(few)
    assert "Page 1 of 2" in body and "61 reviews" in body


def test_the_queue_shows_no_child_details(client_for):
    child = closed_child()
    review_of(child)
    body = _page(client_for(IG), INDEX)
    assert GIVEN not in body and FAMILY not in body


def test_the_officer_disposes_of_a_record_from_its_review_page(client_for):
    client = client_for(IG)
    child = closed_child()
    review = review_of(child)
    url = reverse("retention:review", args=[review.pk])
    body = _page(client, url)
    assert "Confirm the decision" in body and GIVEN not in body
    assert AccessEvent.objects.filter(action="view", child_id=child.pk).exists()

    response = client.post(url, {"decision": "dispose", "confirm": "on"}, follow=True)

    assert "its personal data is erased" in response.content.decode()
    assert Child.objects.get(pk=child.pk).family_name == "[erased]"
    assert ErasureLog.objects.filter(review=review).exists()
    assert "What was erased" in response.content.decode()
    log = _page(client, reverse("retention:erasures"))
    assert str(child.pk) in log and GIVEN not in log


def test_disposal_needs_the_confirmation_and_keeping_needs_months_with_typed_text_kept(
    client_for,
):
    client = client_for(IG)
    review = review_of(ChildFactory())
    url = reverse("retention:review", args=[review.pk])

    body = client.post(url, {"decision": "dispose"}).content.decode()
    assert "Confirm that you understand disposal cannot be undone" in body
    body = client.post(
        url, {"decision": "keep", "reason": "Awaiting a court date (fictional)"}
    ).content.decode()
    assert "Enter how many months to keep the record" in body
    assert "Awaiting a court date (fictional)" in body
    body = client.post(url, {"decision": "keep", "months": "12"}).content.decode()
    assert "Enter why the record is kept longer" in body
    review.refresh_from_db()
    assert review.status == RetentionReview.Status.DUE


def test_an_open_case_is_refused_on_the_page_with_the_reason(client_for):
    client = client_for(IG)
    child = closed_child(close=False)
    review = review_of(child)
    url = reverse("retention:review", args=[review.pk])
    assert "cannot be disposed of now" in _page(client, url)
    body = client.post(url, {"decision": "dispose", "confirm": "on"}).content.decode()
    assert "This record cannot be disposed of:" in body
    assert Child.objects.get(pk=child.pk).family_name == FAMILY


def test_keep_then_hold_and_release(client_for):
    client = client_for(IG)
    kept, held = review_of(ChildFactory()), review_of(ChildFactory())
    response = client.post(
        reverse("retention:review", args=[kept.pk]),
        {"decision": "keep", "months": "24", "reason": "Sibling still open (fictional)"},
        follow=True,
    )
    assert "comes back for review on" in response.content.decode()
    url = reverse("retention:review", args=[held.pk])
    client.post(url, {"decision": "hold", "reason": "Civil claim (fictional)"})
    held.refresh_from_db()
    assert held.status == "held"
    assert "End the legal hold" in _page(client, url)
    client.post(url, {"decision": "release", "reason": "Claim settled (fictional)"})
    held.refresh_from_db()
    assert held.status == "due"


def test_service_managers_see_but_do_not_decide_and_police_see_intelligence_only(client_for):
    child_review = review_of(ChildFactory())
    report, _ = report_with_entities()
    report_review = review_of(report=report)
    manager = client_for(RoleCode.SERVICE_MANAGER)
    body = _page(manager, reverse("retention:review", args=[child_review.pk]))
    assert "Confirm the decision" not in body
    response = manager.post(
        reverse("retention:review", args=[child_review.pk]),
        {"decision": "dispose", "confirm": "on"},
    )
    assert response.status_code == 403

    police = client_for(POLICE)
    body = _page(police, INDEX)
    assert report_review.reference in body and child_review.reference not in body
    assert police.get(reverse("retention:review", args=[child_review.pk])).status_code == 404
    _page(police, reverse("retention:review", args=[report_review.pk]))


def test_the_officer_changes_the_childrens_rule_and_police_the_intelligence_rule(client_for):
    rule()
    officer = client_for(IG)
    url = reverse("retention:rule-change", args=["child"])
    response = officer.post(
        url,
        {
            "amount": "40",
            "unit": "years",
            "trigger": "after_closure",
            "action": "review",
            "reason": "Council policy 2026 (fictional)",
        },
    )
    assert response.status_code == 302
    assert "40 years after the case is closed" in _page(officer, reverse("retention:rules"))
    assert officer.get(reverse("retention:rule-change", args=["intelligence"])).status_code == 403

    police = client_for(POLICE)
    assert police.get(url).status_code == 403
    body = police.post(
        reverse("retention:rule-change", args=["intelligence"]),
        {
            "amount": "8",
            "unit": "years",
            "trigger": "after_recording",
            "action": "dispose",
            "reason": "MoPI (fictional)",
        },
    ).content.decode()
    assert "must count from closure" in body and "MoPI (fictional)" in body
    assert RetentionRule.objects.get(record_type="intelligence").version == 1


def test_the_section_appears_in_the_navigation_for_its_roles(client_for):
    assert "Retention" in _page(client_for(IG), reverse("home"))
    body = _page(client_for(RoleCode.SHIELD_WORKER), reverse("home"))
    assert 'href="/retention/"' not in body


def test_a_review_past_its_due_date_is_listed_first(client_for):
    later = review_of(ChildFactory(), due_on=dt.date(2030, 1, 1))
    earlier = review_of(ChildFactory(), due_on=dt.date(2029, 1, 1))
    body = _page(client_for(IG), INDEX)
    assert body.index(earlier.reference) < body.index(later.reference)


def test_the_erasure_log_runs_a_fixed_number_of_queries(client_for):
    from governance.retention import services
    from tests.factories.retention import ig_officer

    client = client_for(IG)
    url = reverse("retention:erasures")
    client.get(url)
    officer = ig_officer()
    services.review_dispose(review=review_of(ChildFactory()), by=officer)
    with CaptureQueriesContext(connection) as few:
        _page(client, url)
    for _ in range(4):
        services.review_dispose(review=review_of(ChildFactory()), by=officer)
    with CaptureQueriesContext(connection) as many:
        body = _page(client, url)
    assert len(many) == len(few)
    assert body.count("(<a class") == 5
