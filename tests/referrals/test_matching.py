"""Duplicates without disclosure: matching tolerates misspelling, MASH sees the matches at
triage, the referrer never does, and searches are POSTed (no name in a URL)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cse_framework.accounts.roles import RoleCode
from referrals import matching, selectors, triage
from referrals.models import Child, ChildMatch, Referral
from tests.factories.accounts import UserFactory
from tests.factories.referrals import ChildFactory, make_received

pytestmark = pytest.mark.django_db
BORN = dt.date(2011, 11, 2)


@pytest.fixture
def jayden():
    child = ChildFactory(
        given_names="Jayden", family_name="Thorncastle", date_of_birth=BORN, postcode="zz2 7hb"
    )
    child.aliases.create(name="JJ Thorne")
    return child


def _describe(**fields):
    values = {"given_names": "Jaydon", "family_name": "Thorncastel", "date_of_birth": BORN}
    return matching.Description(**{**values, **fields})


def test_a_misspelt_name_with_the_same_birthday_matches(jayden):
    """Both names misspelt, same date of birth: found, with the reasons MASH reads."""
    [found] = matching.find_matches(_describe())
    assert found.child == jayden
    assert "Name similar" in found.reasons and "Date of birth the same" in found.reasons


def test_postcode_is_normalised_and_adds_to_the_score(jayden):
    """The register stores "ZZ2 7HB"; a referrer's "zz27hb" is the same postcode."""
    assert jayden.postcode == "ZZ2 7HB"
    without = matching.find_matches(_describe())[0].score
    with_postcode = matching.find_matches(_describe(postcode="zz27hb"))[0]
    assert with_postcode.score == without + 20


def test_an_alias_is_matched(jayden):
    """A child known by another name is found by it."""
    [found] = matching.find_matches(
        _describe(given_names="", family_name="", other_names="JJ Thorne")
    )
    assert found.child == jayden


def test_a_different_child_with_the_same_birthday_is_not_a_match(jayden):
    """The same date of birth alone is not enough."""
    assert matching.find_matches(_describe(given_names="Amara", family_name="Okonkwo")) == []


def test_a_merged_record_is_never_offered(jayden):
    """Only current records are candidates."""
    duplicate = ChildFactory(given_names="Jayden", family_name="Thorncastle", date_of_birth=BORN)
    duplicate.merged_into = jayden
    duplicate.save()
    assert [m.child for m in matching.find_matches(_describe())] == [jayden]


def test_matches_are_stored_for_mash_and_never_shown_to_the_referrer(jayden, client_for):
    """The referrer's pages show nothing of the register; MASH's triage page shows the match."""
    referrer = client_for(RoleCode.REFERRER)
    referral = make_received(
        referrer.user,
        child_given_names="Jaydon",
        child_family_name="Thorncastel",
        child_date_of_birth=BORN,
    )
    assert list(referral.matches.values_list("child", flat=True)) == [jayden.pk]
    for name in ("referrals:referral-detail", "referrals:print"):
        body = referrer.get(reverse(name, kwargs={"pk": referral.pk})).content
        assert b"Thorncastle" not in body
    api = referrer.get(f"/api/v1/referrals/{referral.pk}/").content
    assert b"Thorncastle" not in api and str(jayden.pk).encode() not in api
    mash = client_for(RoleCode.MASH_SOCIAL_WORKER)
    page = mash.get(reverse("referrals:triage", kwargs={"pk": referral.pk})).content.decode()
    assert "Jayden Thorncastle" in page and "Name similar" in page


def test_register_search_is_posted_and_finds_a_misspelling(jayden, client_for):
    """MASH's search: a POST (a GET is refused), so the name never reaches a URL or a log."""
    mash = client_for(RoleCode.MASH_SOCIAL_WORKER)
    url = reverse("referrals:child-search")
    assert mash.get(url).status_code == 405
    response = mash.post(url, {"given_names": "Jaden", "family_name": "Thorncastel"})
    assert [m.child for m in response.context["results"]] == [jayden]
    assert "Thorncastel" not in response.request["PATH_INFO"]


def _search_queries(client, data) -> list[str]:
    """The SQL of one search, without the session's own bookkeeping (its activity stamp is
    saved now and then, whatever the page)."""
    with CaptureQueriesContext(connection) as captured:
        assert client.post(reverse("referrals:child-search"), data).status_code == 200
    return [
        query["sql"]
        for query in captured.captured_queries
        if "django_session" not in query["sql"] and "SAVEPOINT" not in query["sql"]
    ]


def test_register_search_runs_a_fixed_number_of_queries(client_for):
    """The same queries for 1 candidate as for 30."""
    mash = client_for(RoleCode.MASH_SOCIAL_WORKER)
    data = {"family_name": "Thorncastle", "date_of_birth_0": "2", "date_of_birth_1": "11"}
    data["date_of_birth_2"] = "2011"
    ChildFactory(family_name="Thorncastle", date_of_birth=BORN)
    _search_queries(mash, data)
    one = _search_queries(mash, data)
    ChildFactory.create_batch(29, family_name="Thorncastle", date_of_birth=BORN)
    thirty = _search_queries(mash, data)
    # Sign-in checks, the candidates, audit. The candidates on PostgreSQL: one query (the UNION of
    # every kind of candidate, the children and their other names); elsewhere up to 5 candidate
    # reads, then the children and their other names.
    assert len(one) == len(thirty) <= (8 if connection.vendor == "postgresql" else 12)
    page = mash.post(reverse("referrals:child-search"), data)
    assert len(page.context["results"]) == selectors.SEARCH_RESULTS
    assert "Add a date of birth or postcode to narrow the search" in page.content.decode()


def test_mash_confirms_a_match_or_creates_a_new_child(jayden):
    """Confirming links the referral (and its clocks) to the child; "new" adds a record."""
    referrer = UserFactory(roles=[RoleCode.REFERRER])
    mash = UserFactory(roles=[RoleCode.MASH_SOCIAL_WORKER])
    matched = make_received(
        referrer,
        child_given_names="Jaydon",
        child_family_name="Thorncastel",
        child_date_of_birth=BORN,
    )
    confirmed = triage.referral_confirm_child(
        referral=matched, by=mash, child=jayden, seen_version=matched.version
    )
    assert confirmed.child == jayden and confirmed.child_confirmed_by == mash
    assert all(deadline.child == jayden for deadline in jayden.deadlines.all())
    assert jayden.deadlines.count() == 1
    other = make_received(referrer, child_given_names="Nell", child_family_name="Ottery")
    created = triage.referral_confirm_child(
        referral=other, by=mash, child=None, seen_version=other.version
    )
    assert created.child.family_name == "Ottery"
    assert Child.objects.count() == 2
    assert ChildMatch.objects.filter(referral=other).count() == 0
    assert Referral.objects.filter(child__isnull=True).count() == 0


def test_a_twin_is_not_taken_for_their_sibling(jayden):
    """Same last name, birthday and postcode, another first name: not a match at submission."""
    ChildFactory(
        given_names="Amara", family_name="Thorncastle", date_of_birth=BORN, postcode="ZZ2 7HB"
    )
    found = matching.find_matches(_describe(given_names="Jayden", family_name="Thorncastle"))
    assert [m.child for m in found] == [jayden]
