"""The referrals API: the same rules as the pages, field-level 400s, audited reads."""

import pytest

from cse_framework.accounts.roles import RoleCode
from cse_framework.audit.models import AccessEvent
from referrals.models import Referral

pytestmark = pytest.mark.django_db

NEW = {
    "child_given_names": "Maisie",
    "child_family_name": "Quillfeather",
    "child_date_of_birth": "2012-03-14",
    "level_of_concern": "high",
    "consent": "parental_responsibility",
    "parents_aware": True,
    "circumstances": "Seen getting into a car with unknown adults.",
    "child_social_care": "not_known",
    "marf": {
        "referrer_relationship": "Class teacher",
        "parents_consented": True,
        "current_concerns": "Seen getting into a car with unknown adults.",
        "people": [{"kind": "parent_carer", "name": "Jo Quillfeather", "relationship": "Mother"}],
    },
}


def test_create_then_submit(client_for):
    """A draft made by the API is sent to MASH by its submit action."""
    client = client_for(RoleCode.REFERRER)
    created = client.post("/api/v1/referrals/", NEW, content_type="application/json")
    assert created.status_code == 201
    body = created.json()
    assert body["status"] == "draft" and body["reference"].startswith("CSE-")
    submitted = client.post(f"/api/v1/referrals/{body['id']}/submit/")
    assert submitted.status_code == 200
    assert submitted.json()["status"] == "received"
    again = client.post(f"/api/v1/referrals/{body['id']}/submit/")
    assert again.json()["received_at"] == submitted.json()["received_at"]
    assert Referral.objects.count() == 1


def test_field_level_errors(client_for):
    """Bad input answers 400 with an error for each field, and nothing is saved."""
    client = client_for(RoleCode.REFERRER)
    bad = {**NEW, "child_given_names": "", "child_date_of_birth": "2999-01-01"}
    response = client.post("/api/v1/referrals/", bad, content_type="application/json")
    assert response.status_code == 400
    assert set(response.json()) == {"child_given_names", "child_date_of_birth"}
    assert not Referral.objects.exists()


def test_adult_is_refused_on_submit_with_a_field_error(client_for):
    """A child of 18 or over: 400 on the date of birth."""
    client = client_for(RoleCode.REFERRER)
    created = client.post(
        "/api/v1/referrals/",
        {**NEW, "child_date_of_birth": "2005-01-01"},
        content_type="application/json",
    ).json()
    response = client.post(f"/api/v1/referrals/{created['id']}/submit/")
    assert response.status_code == 400
    assert "child_date_of_birth" in response.json()


def test_other_agencys_referral_is_404_and_lists_are_scoped(client_for):
    """A referrer sees only their agency's referrals, in lists and by id."""
    author = client_for(RoleCode.REFERRER)
    created = author.post("/api/v1/referrals/", NEW, content_type="application/json").json()
    stranger = client_for(RoleCode.REFERRER)
    assert stranger.get(f"/api/v1/referrals/{created['id']}/").status_code == 404
    assert stranger.get("/api/v1/referrals/").json()["results"] == []
    assert author.get(f"/api/v1/referrals/{created['id']}/").status_code == 200
    assert AccessEvent.objects.filter(object_id=created["id"], action="view").count() == 1
    assert AccessEvent.objects.filter(object_id=created["id"], action="deny").count() == 1


def test_submit_without_the_marf_is_a_field_level_400(client_for):
    """Pathway 1a through the API: the MARF is required, and the error names it."""
    client = client_for(RoleCode.REFERRER)
    without_marf = {key: value for key, value in NEW.items() if key != "marf"}
    created = client.post("/api/v1/referrals/", without_marf, content_type="application/json")
    submitted = client.post(f"/api/v1/referrals/{created.json()['id']}/submit/")
    assert submitted.status_code == 400
    assert "marf" in submitted.json()
    assert Referral.objects.get().status == Referral.Status.DRAFT
