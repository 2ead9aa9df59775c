"""The quarterly return's figures as JSON (issue 9): /api/v1/quarterly-returns/, ready returns
only, suppressed as every output is (D14), for the roles of the pages; ``?quarter=`` picks a
quarter's versions, the latest first; a quarter that is not one is a 400 with the example."""

import pytest
from django.urls import reverse

from cse_framework.accounts.roles import RoleCode
from returns import services
from returns.structure import Return
from returns.suppression import suppress
from tests.factories.returns import kept_return, london, service_manager
from tests.returns import known_quarter

pytestmark = pytest.mark.django_db

LIST = reverse("quarterly-return-list")


@pytest.fixture
def known():
    return known_quarter.build()


def test_a_quarters_versions_with_their_suppressed_figures(known, client_for):
    first = kept_return()
    latest = kept_return()
    services.return_request(quarter="2025-Q4", by=service_manager(), now=london(2026, 8, 1))
    response = client_for(RoleCode.LSCB_ANALYST).get(LIST, {"quarter": "2026-Q1"})
    assert response.status_code == 200
    results = response.json()["results"]
    assert [(item["id"], item["quarter"], item["version"]) for item in results] == [
        (latest.pk, "2026-Q1", 2),
        (first.pk, "2026-Q1", 1),
    ]
    figures = results[0]["figures"]
    assert figures == suppress(Return.from_dict(latest.figures)).as_dict()
    assert figures["suppressed"] is True
    looked_after = next(
        row for row in figures["sections"][0]["rows"] if row["code"] == "macse_open_looked_after"
    )
    assert looked_after["total"] == {
        "code": "macse_open",
        "label": "Children open to MACSE at the end of the quarter",
        "count": None,
        "shown": "[c]",
        "suppressed": "secondary",
    }
    assert [cell["shown"] for cell in looked_after["cells"]] == ["<5", "[c]"]
    assert [cell["count"] for cell in looked_after["cells"]] == [None, None]


def test_only_ready_returns_and_one_by_its_id(known, client_for):
    kept = kept_return()
    client = client_for(RoleCode.SERVICE_MANAGER)
    pending = services.return_request(
        quarter="2025-Q4", by=service_manager(), now=london(2026, 8, 1)
    )
    assert [item["id"] for item in client.get(LIST).json()["results"]] == [kept.pk]
    detail = client.get(reverse("quarterly-return-detail", kwargs={"pk": kept.pk})).json()
    assert (detail["quarter"], detail["area"], detail["version"]) == ("2026-Q1", "Knowsley", 1)
    missing = reverse("quarterly-return-detail", kwargs={"pk": pending.pk})
    assert client.get(missing).status_code == 404


def test_a_quarter_that_is_not_one_is_a_400_with_the_example(client_for):
    response = client_for(RoleCode.SERVICE_MANAGER).get(LIST, {"quarter": "2026-Q5"})
    assert response.status_code == 400
    assert response.json() == {
        "quarter": [
            "Enter a quarter as the year its financial year starts and the quarter, like "
            "2026-Q2 for July to September 2026"
        ]
    }


@pytest.mark.parametrize("role", [RoleCode.SHIELD_WORKER, RoleCode.REFERRER])
def test_other_roles_are_refused(role, client_for):
    assert client_for(role).get(LIST).status_code == 403
