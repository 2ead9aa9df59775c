"""The quarterly return's pages (issue 9): the list and the form to build a return (a quarter not
yet ended refused with the message, the choice kept); a return's page while it is built
(refreshing itself, no JavaScript) and once ready (each figure explained, charted and tabled,
suppressed, no child anywhere); downloads of the kept bytes, audited as exports; the trends,
from kept returns where they exist and counted otherwise. Fixed numbers of queries."""

import re

import pytest
from django.urls import reverse

from cse_framework.accounts.roles import RoleCode
from cse_framework.audit.models import AccessEvent
from returns import trends
from returns.models import QuarterlyReturn
from returns.policy import ROLES
from returns.quarters import Quarter
from returns.tasks import build_return
from tests.factories.returns import kept_return, london, ready_return
from tests.returns import known_quarter

pytestmark = pytest.mark.django_db

Status = QuarterlyReturn.Status
INDEX = reverse("returns:index")
# Every signed-in page: the session, the user, the second factor, the roles, and the session
# saved (its last activity: a savepoint, the update, the release).
SIGNED_IN = 7
INDEX_QUERIES = 3  # the first record (2), the kept returns with who asked for each
DETAIL_QUERIES = 1  # the kept return, with who asked for it
TREND_QUERIES = 4  # the kept return; the kept returns of the eight quarters; the first record
COUNTED_QUARTER = 6  # a quarter with no kept return, counted now (figures.compute)


def _page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def _child_links(html: str) -> list[str]:
    """Links in the page's content (not the header's sections) to anything but returns."""
    main = html[html.index('<main class="govuk-main-wrapper"') : html.index("</main>")]
    return [
        link
        for link in re.findall(r'href="([^"]*)"', main)
        if not link.startswith(("/returns/", "?refresh"))
    ]


@pytest.fixture
def known():
    return known_quarter.build()


@pytest.mark.parametrize(
    "role",
    [
        RoleCode.SERVICE_MANAGER,
        RoleCode.MASH_TEAM_MANAGER,
        RoleCode.SHIELD_TEAM_MANAGER,
        RoleCode.LSCB_ANALYST,
    ],
)
def test_managers_and_the_analyst_build_a_return_and_read_it_suppressed(
    role, known, client_for, time_machine
):
    """Each role chooses a quarter, builds the return, follows its progress and reads it: every
    number suppressed (D14), each figure explained, charted and tabled; no child anywhere."""
    time_machine.move_to(london(2026, 8, 1), tick=False)
    client = client_for(role)
    page = _page(client, INDEX)
    assert '<option value="2026-Q1">Q1 2026-27 (April to June 2026)</option>' in page
    response = client.post(INDEX, {"quarter": "2026-Q1"})
    kept = QuarterlyReturn.objects.get()
    assert response["Location"] == reverse("returns:detail", kwargs={"pk": kept.pk})
    waiting = client.get(response["Location"])
    assert waiting["Refresh"] == "3"
    assert "Waiting to start: 0% done." in waiting.content.decode()
    build_return(kept.pk)
    page = _page(client, response["Location"])
    assert "Refresh" not in client.get(response["Location"])
    assert "Children open to MACSE at the end of the quarter who were looked after" in page
    assert "How this is counted" in page and "(Definition version 1.)" in page
    assert page.count('role="img"') == 15  # a chart for each figure, each with its table
    assert page.count("the numbers</caption>") == 15
    assert '<td class="govuk-table__cell govuk-table__cell--numeric">&lt;5</td>' in page
    assert "[c]" in page
    for name in ("Amberly", "Testfield", "Dorian", "Fenwickham"):
        assert name not in page
    assert not _child_links(page)


def test_a_quarter_not_yet_ended_is_refused_with_the_message_and_the_choice_kept(
    known, client_for, time_machine
):
    time_machine.move_to(london(2026, 8, 1), tick=False)
    client = client_for(RoleCode.SERVICE_MANAGER)
    response = client.post(INDEX, {"quarter": "2026-Q2"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert (
        "Q2 2026-27 (July to September 2026) has not ended yet. A return counts the records as "
        "they stood at the end of a quarter: choose Q1 2026-27 (April to June 2026) or an "
        "earlier one." in page
    )
    assert '<option value="2026-Q2" selected>' in page
    assert not QuarterlyReturn.objects.exists()


def test_a_quarter_before_any_record_is_refused_with_the_message(known, client_for, time_machine):
    time_machine.move_to(london(2026, 8, 1), tick=False)
    page = client_for(RoleCode.LSCB_ANALYST).post(INDEX, {"quarter": "2024-Q1"}).content.decode()
    assert "ended before the first record in the service, on 5 January 2026" in page
    assert '<option value="2024-Q1" selected>' in page
    assert not QuarterlyReturn.objects.exists()


def test_the_list_offers_the_ended_quarters_since_the_first_record(known, client_for, time_machine):
    time_machine.move_to(london(2026, 8, 1), tick=False)
    page = _page(client_for(RoleCode.SERVICE_MANAGER), INDEX)
    assert re.findall(r'<option value="([^"]+)"', page) == ["2026-Q1", "2025-Q4"]


def test_a_failed_return_says_why(known, client_for, monkeypatch):
    from returns.outputs import pdf_file

    monkeypatch.setattr(pdf_file, "TEMPLATE", "returns/pdf/no-such-layout.html")
    kept = kept_return()
    page = _page(
        client_for(RoleCode.SERVICE_MANAGER), reverse("returns:detail", kwargs={"pk": kept.pk})
    )
    assert "The return could not be built" in page
    assert "The layout of the PDF could not be loaded" in page
    assert "Download the return" not in page


def test_a_download_is_the_kept_bytes_and_is_audited_as_an_export(known, client_for):
    kept = kept_return()
    client = client_for(RoleCode.LSCB_ANALYST)
    for fmt, content_type in (
        ("pdf", "application/pdf"),
        ("csv", "text/csv; charset=utf-8"),
        ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ):
        url = reverse("returns:download", kwargs={"pk": kept.pk, "fmt": fmt})
        first, again = client.get(url), client.get(url)
        assert first["Content-Type"] == content_type
        assert first["Content-Disposition"] == (
            f'attachment; filename="knowsley-cse-return-2026-Q1-v1.{fmt}"'
        )
        assert first.content == again.content == bytes(getattr(kept, fmt))
    exports = AccessEvent.objects.filter(action=AccessEvent.Action.EXPORT, user=client.user)
    assert exports.count() == 6
    assert {(e.object_type, e.object_id, e.child_id) for e in exports} == {
        ("returns.quarterlyreturn", str(kept.pk), None)
    }
    missing = reverse("returns:download", kwargs={"pk": kept.pk, "fmt": "docx"})
    assert client.get(missing).status_code == 404


def test_a_return_not_ready_has_no_download_and_no_trend(known, client_for):
    from returns import services
    from tests.factories.returns import service_manager

    asked = services.return_request(quarter="2026-Q1", by=service_manager(), now=london(2026, 8, 1))
    client = client_for(RoleCode.SERVICE_MANAGER)
    url = reverse("returns:download", kwargs={"pk": asked.pk, "fmt": "csv"})
    assert client.get(url).status_code == 404
    assert client.get(reverse("returns:trend", kwargs={"pk": asked.pk})).status_code == 404


def test_the_trend_takes_kept_returns_where_they_exist_and_counts_the_others(
    known, client_for, time_machine
):
    """Q1 2026 is kept (version 2 wins over 1); Q4 2025 is counted now; earlier quarters ended
    before the first record."""
    time_machine.move_to(london(2026, 8, 1), tick=False)
    kept_return()
    latest = kept_return()
    points = trends.trend(Quarter(2026, 1))
    assert [(point.quarter.code, point.source, point.version) for point in points] == [
        ("2024-Q2", trends.NO_DATA, None),
        ("2024-Q3", trends.NO_DATA, None),
        ("2024-Q4", trends.NO_DATA, None),
        ("2025-Q1", trends.NO_DATA, None),
        ("2025-Q2", trends.NO_DATA, None),
        ("2025-Q3", trends.NO_DATA, None),
        ("2025-Q4", trends.COUNTED, None),
        ("2026-Q1", trends.KEPT, 2),
    ]
    page = _page(
        client_for(RoleCode.LSCB_ANALYST), reverse("returns:trend", kwargs={"pk": latest.pk})
    )
    assert "Kept return, version 2" in page
    assert "Counted now from the records as they stood then" in page
    assert page.count('role="img"') == 8  # one chart of each distinct total
    row = re.search(
        r"CSE1s received in the quarter: CSE1s received in the quarter</th>(.*?)</tr>", page, re.S
    )
    cells = re.findall(r">([^<]*)</td>", row.group(1))
    assert cells == ["-", "-", "-", "-", "-", "-", "5", "10"]
    assert not _child_links(page)


def test_the_pages_run_a_fixed_number_of_queries(
    known, client_for, django_assert_num_queries, time_machine
):
    """Whatever the number of children: the trend counts a quarter with no kept return with the
    six queries of a build (Q4 2025 here, until it has a kept return)."""
    time_machine.move_to(london(2026, 8, 1), tick=False)
    client = client_for(RoleCode.SERVICE_MANAGER)
    kept_return()
    kept = kept_return()
    trend = reverse("returns:trend", kwargs={"pk": kept.pk})
    with django_assert_num_queries(SIGNED_IN + INDEX_QUERIES):
        client.get(INDEX)
    with django_assert_num_queries(SIGNED_IN + DETAIL_QUERIES):
        client.get(reverse("returns:detail", kwargs={"pk": kept.pk}))
    with django_assert_num_queries(SIGNED_IN + TREND_QUERIES + COUNTED_QUARTER):
        client.get(trend)
    ready_return("2025-Q4")
    with django_assert_num_queries(SIGNED_IN + TREND_QUERIES):
        client.get(trend)


def test_the_section_is_in_the_navigation_of_its_roles_only(client_for):
    for role in RoleCode:
        page = client_for(role).get(reverse("home")).content.decode()
        assert (INDEX in page) == (role in ROLES), role
