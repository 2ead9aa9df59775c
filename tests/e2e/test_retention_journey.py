"""Issue 10 item 5 in a browser, with axe on every page: the information-governance officer opens
the retention queue, a review of a closed child's record, is refused a disposal without the
confirmation (what they typed kept), disposes of the record, finds it in the erasure log, and
looks at the schedule and a rule's change page. Every person is invented."""

import pytest
from playwright.sync_api import Page, expect

from cse_framework.accounts.roles import RoleCode
from referrals.models import Child
from tests.e2e.conftest import assert_accessible, make_user, sign_in
from tests.factories.retention import GIVEN, closed_child, review_of

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
    pytest.mark.usefixtures("memory_broker"),
]


def test_the_information_governance_officer_disposes_of_a_closed_record(page: Page, base_url):
    child = closed_child()
    review = review_of(child)
    officer = make_user(RoleCode.INFORMATION_GOVERNANCE, full_name="Tamsin Greaves")

    sign_in(page, base_url, officer, next_path="/retention/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Retention reviews")
    assert_accessible(page)
    page.get_by_role("link", name=review.reference, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Retention review {review.reference}"
    )
    assert GIVEN not in page.content()
    assert_accessible(page)

    page.get_by_label("Dispose of it: erase its personal data now").check()
    page.get_by_label("Reason").fill("Period ended; nothing open (fictional)")
    page.get_by_role("button", name="Confirm the decision").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Confirm that you understand disposal cannot be undone"
    )
    expect(page.get_by_label("Reason")).to_have_value("Period ended; nothing open (fictional)")
    assert_accessible(page)

    page.get_by_label("I understand that disposal erases").check()
    page.get_by_role("button", name="Confirm the decision").click()
    expect(page.get_by_text("its personal data is erased")).to_be_visible()
    expect(page.get_by_role("heading", name="What was erased")).to_be_visible()
    assert_accessible(page)
    assert Child.objects.get(pk=child.pk).family_name == "[erased]"

    page.get_by_role("link", name="erasure log").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Erasure log")
    expect(page.get_by_text(str(child.pk))).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Retention schedule").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Retention schedule")
    assert_accessible(page)
    page.get_by_role("link", name="Change the rule for children's case records").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Change the rule for children's case records"
    )
    assert_accessible(page)
