"""The register's record of a child: its fields, derived age and "approaching 18", other names,
changes that detect a concurrent edit, and merging two records without losing anything."""

import datetime as dt

import pytest
import time_machine
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from cse_framework.accounts.roles import RoleCode
from cse_framework.audit.models import AccessEvent
from referrals import register, triage
from referrals.models import Child, ChildMerge
from tests.factories.accounts import UserFactory
from tests.factories.referrals import ChildFactory, make_received

pytestmark = pytest.mark.django_db


@time_machine.travel(dt.datetime(2026, 11, 29, 12, tzinfo=dt.UTC), tick=False)
@pytest.mark.parametrize(
    ("born", "approaching"),
    [
        (dt.date(2009, 5, 30), False),  # 17 years 5 months
        (dt.date(2009, 5, 29), True),  # 17 years 6 months to the day
        (dt.date(2008, 11, 30), True),  # 18 tomorrow
        (dt.date(2008, 11, 29), False),  # 18 today: an adult
    ],
)
def test_approaching_18_is_derived_from_17_years_6_months(born, approaching):
    """D6: from 17 years 6 months until the 18th birthday; never stored."""
    assert ChildFactory(date_of_birth=born).approaching_18 is approaching


def test_mash_keeps_the_record_up_to_date_and_a_stale_edit_is_refused(client_for):
    """The edit form saves; a second edit made on the old version is refused, nothing lost."""
    child = ChildFactory()
    first = client_for(RoleCode.MASH_SOCIAL_WORKER)
    second = client_for(RoleCode.MASH_TEAM_MANAGER)
    url = reverse("referrals:child-edit", kwargs={"pk": child.pk})
    form = first.get(url).context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(
        {
            "date_of_birth_0": child.date_of_birth.day,
            "date_of_birth_1": child.date_of_birth.month,
            "date_of_birth_2": child.date_of_birth.year,
            "care_status": "looked_after",
            "legal_status": "s20",
            "school": "Hollowmere High",
            "version": child.version,
        }
    )
    data.pop("allocated_social_worker", None)
    assert first.post(url, data).status_code == 302
    stale = second.post(url, {**data, "school": "Other school"})
    assert "changed by someone else" in stale.content.decode()
    child.refresh_from_db()
    assert (child.school, child.legal_status, child.version) == ("Hollowmere High", "s20", 2)
    assert child.history.count() == 2


def test_a_looked_after_child_needs_a_legal_status(client_for):
    client = client_for(RoleCode.MASH_SOCIAL_WORKER)
    child = ChildFactory()
    url = reverse("referrals:child-edit", kwargs={"pk": child.pk})
    data = {
        "given_names": child.given_names,
        "family_name": child.family_name,
        "date_of_birth_0": 1,
        "date_of_birth_1": 1,
        "date_of_birth_2": 2012,
        "gender": "female",
        "disability": "no",
        "special_educational_needs": "none",
        "learning_disability": "no",
        "care_status": "looked_after",
        "version": child.version,
    }
    body = client.post(url, data).content.decode()
    assert "Select the legal basis of the child" in body


def test_other_names_parents_and_identifiers_are_added(client_for):
    client = client_for(RoleCode.MASH_SOCIAL_WORKER)
    child = ChildFactory()
    add = "referrals:child-add"
    client.post(reverse(add, args=[child.pk, "other-name"]), {"name": "Bex", "kind": "nickname"})
    client.post(
        reverse(add, args=[child.pk, "parent-carer"]),
        {"name": "Jo Example", "relationship": "Mother", "parental_responsibility": "yes"},
    )
    client.post(
        reverse(add, args=[child.pk, "identifier"]), {"system": "nhs", "value": "999 000 0001"}
    )
    assert [a.name for a in child.aliases.all()] == ["Bex"]
    assert child.parents_carers.get().parental_responsibility == "yes"
    assert child.identifiers.get().value == "999 000 0001"
    page = client.get(reverse("referrals:child-detail", args=[child.pk])).content.decode()
    assert "Bex" in page and "Jo Example" in page and "999 000 0001" in page


def test_merging_moves_everything_and_is_recorded():
    """Referrals, clocks and names move to the kept record; the merged record stays, points at
    it, keeps its audit rows; the merge itself is recorded; history has every move."""
    referrer = UserFactory(roles=[RoleCode.REFERRER])
    mash = UserFactory(roles=[RoleCode.MASH_SOCIAL_WORKER])
    kept = ChildFactory(given_names="Elsie", family_name="Marrowby")
    duplicate = ChildFactory(given_names="Elsie", family_name="Marowby")
    duplicate.aliases.create(name="Els")
    referral = make_received(referrer)
    referral = triage.referral_confirm_child(
        referral=referral, by=mash, child=duplicate, seen_version=referral.version
    )
    AccessEvent.objects.create(
        user=mash,
        action="view",
        object_type="referrals.child",
        object_id=str(duplicate.pk),
        child_id=duplicate.pk,
    )
    merge = register.child_merge(kept=kept, merged=duplicate, by=mash, reason="Same school, DOB.")
    referral.refresh_from_db()
    duplicate.refresh_from_db()
    assert referral.child == kept
    assert kept.deadlines.count() == 1 and kept.aliases.get().name == "Els"
    assert duplicate.merged_into == kept
    assert merge.moved["referrals"] == 1 and ChildMerge.objects.get().merged_by == mash
    assert AccessEvent.objects.filter(child_id=duplicate.pk).count() == 1
    assert referral.history.filter(child=duplicate).exists()
    assert Child.objects.filter(merged_into__isnull=True).count() == 1


def test_merge_page_offers_likely_duplicates(client_for):
    client = client_for(RoleCode.MASH_TEAM_MANAGER)
    kept = ChildFactory(
        given_names="Elsie", family_name="Marrowby", date_of_birth=dt.date(2013, 6, 21)
    )
    duplicate = ChildFactory(
        given_names="Elsie", family_name="Marowby", date_of_birth=dt.date(2013, 6, 21)
    )
    url = reverse("referrals:child-merge", kwargs={"pk": kept.pk})
    assert [c.pk for c in client.get(url).context["candidates"]] == [duplicate.pk]
    response = client.post(url, {"merged": str(duplicate.pk), "reason": "Same child."})
    assert response.status_code == 302
    duplicate.refresh_from_db()
    assert duplicate.merged_into == kept
    assert (
        "merged into"
        in client.get(reverse("referrals:child-detail", args=[duplicate.pk])).content.decode()
    )


def test_a_merge_moves_a_completed_cse2_and_nothing_else_about_it_changes():
    """Two records of one child, one with a completed CSE2: the merge moves the CSE2 to the kept
    record (with history), and a completed CSE2 still refuses any other change."""
    from shield.models import Assessment
    from shield.models.assessment import CompletedAssessmentError
    from tests.factories.shield import make_assessment, shield_worker

    mash = UserFactory(roles=[RoleCode.MASH_TEAM_MANAGER])
    kept, duplicate = ChildFactory(), ChildFactory()
    cse2 = make_assessment(duplicate, shield_worker())
    before = Assessment.objects.values().get(pk=cse2.pk)

    merge = register.child_merge(kept=kept, merged=duplicate, by=mash, reason="Same child.")

    moved = Assessment.objects.values().get(pk=cse2.pk)
    assert moved.pop("child_id") == kept.pk and before.pop("child_id") == duplicate.pk
    assert moved == before
    assert str(Assessment._meta.verbose_name_plural) in merge.moved
    assert Assessment.history.filter(id=cse2.pk, child=kept).exists()
    cse2 = Assessment.objects.get(pk=cse2.pk)
    cse2.judgement_rationale = "Changed after completion."
    with pytest.raises(CompletedAssessmentError):
        cse2.save()
    # The database allows the same and no more, whatever the code does.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE shield_assessment SET child_id = %s WHERE id = %s", [duplicate.pk.hex, cse2.pk]
        )
        with pytest.raises(DatabaseError), transaction.atomic():
            cursor.execute(
                "UPDATE shield_assessment SET judgement_rationale = 'x' WHERE id = %s", [cse2.pk]
            )
