"""The CSE1 in the browser's terms (test client): start, checklist, check and send, queue."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from cse_framework.accounts.roles import RoleCode
from cse_framework.audit.models import AccessEvent
from referrals import triage
from referrals.models import Referral
from tests.factories.accounts import UserFactory
from tests.factories.referrals import make_received

pytestmark = pytest.mark.django_db

START = {
    "referrer_name": "Ava Tester",
    "referrer_phone": "0151 496 0123",
    "child_social_care": "open",
    "child_gender": "female",
    "child_given_names": "Maisie",
    "child_family_name": "Quillfeather",
    "child_date_of_birth_0": "14",
    "child_date_of_birth_1": "3",
    "child_date_of_birth_2": "2012",
    "child_postcode": "ZZ1 4QT",
    "level_of_concern": "high",
    "models_of_exploitation": ["relationship", "party"],
    "consent": "parental_responsibility",
    "parents_aware": "yes",
    "young_person_aware": "no",
    "circumstances": "Seen getting into a car with unknown adults after school.",
}


def test_referrer_completes_a_cse1(client_for):
    """Start, answer the checklist, check and send: MASH receives it and the referrer sees where."""
    client = client_for(RoleCode.REFERRER)
    response = client.post(reverse("referrals:referral-start"), START)
    referral = Referral.objects.get()
    assert response["Location"] == reverse("referrals:checklist", kwargs={"pk": referral.pk})
    response = client.post(
        reverse("referrals:checklist", kwargs={"pk": referral.pk}),
        {
            "cars_unknown_adults": "yes",
            "cars_unknown_adults__basis": "evidence",
            "sexting": "possible",
            "sexting__basis": "concern",
        },
    )
    assert response["Location"] == reverse("referrals:check", kwargs={"pk": referral.pk})
    page = client.get(response["Location"]).content.decode()
    assert "Check your referral, then send it" in page
    response = client.post(reverse("referrals:check", kwargs={"pk": referral.pk}))
    referral.refresh_from_db()
    assert referral.status == Referral.Status.RECEIVED
    confirmation = client.get(response["Location"]).content.decode()
    assert referral.reference in confirmation
    assert "999" in confirmation
    assert AccessEvent.objects.filter(object_id=str(referral.pk), action="view").exists()


def test_form_keeps_what_was_typed_and_shows_field_errors(client_for):
    """An impossible date of birth and a missing name are field errors; the rest is kept."""
    client = client_for(RoleCode.REFERRER)
    data = {
        **START,
        "child_given_names": "",
        "child_date_of_birth_0": "31",
        "child_date_of_birth_1": "2",
    }
    body = client.post(reverse("referrals:referral-start"), data).content.decode()
    assert "Enter the child&#x27;s first name" in body
    assert "Date of birth must be a real date" in body
    assert 'value="Quillfeather"' in body
    assert "Seen getting into a car" in body
    assert not Referral.objects.exists()


def test_a_future_date_of_birth_is_refused(client_for):
    """Dates in the future are field errors."""
    client = client_for(RoleCode.REFERRER)
    future = timezone.localdate() + dt.timedelta(days=30)
    data = {
        **START,
        "child_date_of_birth_0": str(future.day),
        "child_date_of_birth_1": str(future.month),
        "child_date_of_birth_2": str(future.year),
    }
    body = client.post(reverse("referrals:referral-start"), data).content.decode()
    assert "Date of birth must be today or in the past" in body


def test_another_agencys_draft_is_404(client_for):
    """A referrer cannot open someone else's draft."""
    author = client_for(RoleCode.REFERRER)
    author.post(reverse("referrals:referral-start"), START)
    referral = Referral.objects.get()
    stranger = client_for(RoleCode.REFERRER)
    for name in ("referrals:checklist", "referrals:check", "referrals:referral-detail"):
        assert stranger.get(reverse(name, kwargs={"pk": referral.pk})).status_code == 404


def test_queue_shows_received_referrals_with_constant_queries(
    client_for, django_assert_max_num_queries
):
    """MASH's queue: every received referral, a fixed number of queries whatever their number."""
    referrer = client_for(RoleCode.REFERRER)
    mash = client_for(RoleCode.MASH_SOCIAL_WORKER)
    mash.get(reverse("referrals:triage-queue"))
    counts = []
    for _ in range(2):
        for _ in range(3):
            referrer.post(reverse("referrals:referral-start"), START)
            referral = Referral.objects.filter(status="draft").get()
            referrer.post(reverse("referrals:check", kwargs={"pk": referral.pk}))
        with django_assert_max_num_queries(12) as queries:
            page = mash.get(reverse("referrals:triage-queue")).content.decode()
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert page.count("CSE-") == 6


def _received(referrer_client):
    referrer_client.post(reverse("referrals:referral-start"), START)
    referral = Referral.objects.filter(status="draft").get()
    referrer_client.post(reverse("referrals:check", kwargs={"pk": referral.pk}))
    referral.refresh_from_db()
    mash = UserFactory(roles=[RoleCode.MASH_SOCIAL_WORKER])
    return triage.referral_confirm_child(
        referral=referral, by=mash, child=None, seen_version=referral.version
    )


TRIAGE = {"level_of_concern": "medium", "decision": "refer_to_shield", "rationale": "Indicators."}


def test_mash_triages_and_the_referrer_is_told(client_for):
    """The decision is recorded, the CSE1 forwarded to MACSE, and the referrer notified."""
    from cse_framework.notices.models import OutboxMessage

    referrer = client_for(RoleCode.REFERRER)
    referral = _received(referrer)
    mash = client_for(RoleCode.MASH_SOCIAL_WORKER)
    url = reverse("referrals:triage", kwargs={"pk": referral.pk})
    response = mash.post(url, {**TRIAGE, "version": referral.version})
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == Referral.Status.TRIAGED
    assert referral.decision == "refer_to_shield"
    assert referral.triaged_by == mash.user
    assert referral.forwarded_to_macse_at is not None
    assert OutboxMessage.objects.filter(
        recipient=referrer.user, reference=referral.reference
    ).exists()
    outcome = referrer.get(reverse("referrals:referral-detail", kwargs={"pk": referral.pk}))
    assert "Refer to Shield" in outcome.content.decode()


def test_second_worker_is_told_who_triaged_first(client_for):
    """Two MASH workers on one referral: the second sees who decided; nothing is overwritten."""
    referral = _received(client_for(RoleCode.REFERRER))
    first = client_for(RoleCode.MASH_SOCIAL_WORKER)
    second = client_for(RoleCode.MASH_TEAM_MANAGER)
    url = reverse("referrals:triage", kwargs={"pk": referral.pk})
    seen = referral.version
    first.post(url, {**TRIAGE, "version": seen})
    response = second.post(url, {**TRIAGE, "decision": "no_further_action", "version": seen})
    body = response.content.decode()
    assert f"already decided by {first.user.full_name}" in body
    referral.refresh_from_db()
    assert referral.decision == "refer_to_shield"
    assert referral.triaged_by == first.user


def test_stale_form_is_refused_even_before_the_status_changes(client_for):
    """A decision made on an out-of-date page is refused by the version check."""
    referral = _received(client_for(RoleCode.REFERRER))
    mash = client_for(RoleCode.MASH_SOCIAL_WORKER)
    with pytest.raises(triage.AlreadyTriagedError):
        triage.referral_triage(
            referral=referral,
            by=mash.user,
            level_of_concern="high",
            decision="strategy_discussion",
            rationale="Urgent.",
            seen_version=referral.version - 1,
        )
    referral.refresh_from_db()
    assert referral.status == Referral.Status.RECEIVED


def test_missing_rationale_is_a_field_error(client_for):
    """A decision needs its reason."""
    referral = _received(client_for(RoleCode.REFERRER))
    mash = client_for(RoleCode.MASH_SOCIAL_WORKER)
    url = reverse("referrals:triage", kwargs={"pk": referral.pk})
    body = mash.post(url, {**TRIAGE, "rationale": "", "version": referral.version}).content.decode()
    assert "Give the reason for the decision" in body


def test_queue_is_paginated_by_25(client_for):
    """27 waiting: 25 on the first page, 2 on the second."""
    referrer = client_for(RoleCode.REFERRER).user
    for _ in range(27):
        make_received(referrer, child_given_names="Kai", child_family_name="Brightwater")
    mash = client_for(RoleCode.MASH_TEAM_MANAGER)
    first = mash.get(reverse("referrals:triage-queue"))
    assert len(first.context["rows"]) == 25
    assert "Referrals (27)" in first.content.decode()
    assert len(mash.get(reverse("referrals:triage-queue"), {"page": 2}).context["rows"]) == 2


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"consent": ""}, "consent", "Select who consented to sharing"),
        (
            {"consent": "override_harm", "consent_override_reason": ""},
            "consent_override_reason",
            "Give the reason for sharing without consent",
        ),
        ({"consent": "young_person"}, "consent", "a young person can consent at 16 or over"),
        (
            {"parents_aware": "no", "child_date_of_birth_2": "2015"},
            "parents_not_told_reason",
            "The child is under 13: parents must be told",
        ),
    ],
)
def test_consent_and_under_13_rules_are_field_errors(client_for, changes, field, message):
    """D8: who consented, or the override with its reason; D7: under 13, parents are told."""
    client = client_for(RoleCode.REFERRER)
    response = client.post(reverse("referrals:referral-start"), {**START, **changes})
    body = response.content.decode().replace("&#x27;", "'")
    assert f'id="id_{field}-error"' in body
    assert message.split(":")[0] in body
    assert not Referral.objects.exists()


def test_under_13_with_a_reason_not_to_tell_parents_is_accepted(client_for):
    """The worker may record that telling the parents would expose the child to further harm."""
    client = client_for(RoleCode.REFERRER)
    data = {
        **START,
        "child_date_of_birth_2": "2015",
        "parents_aware": "no",
        "parents_not_told_reason": "A parent is suspected of arranging the exploitation.",
        "consent": "override_harm",
        "consent_override_reason": "Risk of significant harm.",
    }
    assert client.post(reverse("referrals:referral-start"), data).status_code == 302
    referral = Referral.objects.get()
    assert referral.parents_aware is False
    assert referral.models_of_exploitation == ["party", "relationship"]


def test_referral_prints_as_an_audited_pdf(client_for):
    """A PDF named by the reference, through the access mechanism, with a print event."""
    referral = _received(client_for(RoleCode.REFERRER))
    mash = client_for(RoleCode.MASH_SOCIAL_WORKER)
    response = mash.get(reverse("referrals:print", kwargs={"pk": referral.pk}))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert response["Content-Disposition"] == f'attachment; filename="{referral.reference}.pdf"'
    assert AccessEvent.objects.filter(object_id=str(referral.pk), action="print").count() == 1
    stranger = client_for(RoleCode.REFERRER)
    assert stranger.get(reverse("referrals:print", kwargs={"pk": referral.pk})).status_code == 404


def test_pdf_renderer_fetches_nothing_but_static_files():
    """No server-side request forgery: remote and file URLs are refused."""
    from cse_framework.pdf import _fetch_static_only

    for url in ("http://169.254.169.254/latest/meta-data/", "file:///etc/passwd"):
        with pytest.raises(ValueError, match="static"):
            _fetch_static_only(url)


def test_checklist_keeps_basis_and_note_and_asks_for_a_missing_basis(client_for):
    """Present "yes" without evidence-or-concern is a field error; what was typed is kept."""
    client = client_for(RoleCode.REFERRER)
    client.post(reverse("referrals:referral-start"), START)
    referral = Referral.objects.get()
    url = reverse("referrals:checklist", kwargs={"pk": referral.pk})
    body = client.post(url, {"sexting": "yes", "sexting__note": "Images on her phone"})
    assert "say whether this is evidence or a professional concern" in body.content.decode()
    assert 'value="Images on her phone"' in body.content.decode()
    client.post(
        url, {"sexting": "yes", "sexting__basis": "evidence", "sexting__note": "Images seen"}
    )
    answer = referral.indicators.get()
    assert (answer.present, answer.basis, answer.note) == ("yes", "evidence", "Images seen")


def test_marf_is_asked_for_when_the_child_is_not_known(client_for):
    """Pathway 1a: checklist -> MARF -> check; the MARF's people rows are saved, blank rows
    skipped, and a missing explanation keeps what was typed."""
    client = client_for(RoleCode.REFERRER)
    client.post(reverse("referrals:referral-start"), {**START, "child_social_care": "not_known"})
    referral = Referral.objects.get()
    response = client.post(reverse("referrals:checklist", kwargs={"pk": referral.pk}), {})
    marf_url = reverse("referrals:marf", kwargs={"pk": referral.pk})
    assert response["Location"] == marf_url
    management = {
        "parents-TOTAL_FORMS": "2",
        "parents-INITIAL_FORMS": "0",
        "household-TOTAL_FORMS": "1",
        "household-INITIAL_FORMS": "0",
    }
    data = {
        **management,
        "safeguarding_concern": "on",
        "referrer_relationship": "Class teacher",
        "parents_consented": "no",
        "current_concerns": "Older adults waiting outside school.",
        "parents-0-name": "Jo Quillfeather",
        "parents-0-relationship": "Mother",
        "parents-0-parental_responsibility": "yes",
    }
    body = client.post(marf_url, data).content.decode()
    assert "Explain why the parents or carers have not consented" in body
    assert 'value="Jo Quillfeather"' in body
    data["consent_explanation"] = "Mother may warn the adults involved."
    response = client.post(marf_url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert response["Location"].endswith("/check/")
    marf = referral.marf
    assert [(p.name, p.kind) for p in marf.people.all()] == [("Jo Quillfeather", "parent_carer")]
    check = client.get(reverse("referrals:check", kwargs={"pk": referral.pk})).content.decode()
    assert "Older adults waiting outside school." in check


def test_mash_records_a_phone_referral_through_the_same_form(client_for):
    """The referrer's agency and contact are required; the worker who took it is kept."""
    from cse_framework.accounts.models import Agency

    agency = Agency.objects.create(name="Youth offending service (test)", kind="youth_offending")
    mash = client_for(RoleCode.MASH_SOCIAL_WORKER)
    url = reverse("referrals:referral-start")
    form_page = mash.get(url, {"on_behalf": "1"}).content.decode()
    assert "Record a referral made by phone or e-mail" in form_page
    data = {**START, "received_via": "phone", "referrer_phone": "", "referrer_email": ""}
    body = mash.post(url, data).content.decode()
    assert "Select the referrer&#x27;s agency" in body
    response = mash.post(
        url, {**data, "referrer_agency": agency.pk, "referrer_phone": "0151 496 0789"}
    )
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert (referral.taken_by, referral.referrer, referral.referrer_agency) == (
        mash.user,
        None,
        agency,
    )
    referrer = client_for(RoleCode.REFERRER)
    assert referrer.get(url, {"on_behalf": "1"}).status_code == 403
