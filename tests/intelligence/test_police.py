"""Police handling (issue 8, item 3) and PAIR entries (item 2), D12: the queue of new reports
per role and its fixed queries, grading 3x5x2 with every field required, a stale form refused
with what was typed kept, the outcome closing a report, a sanitised version shared with partners
(and only that), and a PAIR call recorded by police staff joining the queue. All names,
references, plates and places are fictional."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cse_framework.accounts.roles import RoleCode
from cse_framework.audit.models import AccessEvent
from intelligence import police_services, policy, services
from intelligence.models import Report
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db

SEEN = dt.datetime(2026, 1, 12, 15, 30, tzinfo=dt.UTC)
WHAT = "A silver hatchback waits by the gates of Brambledown Academy; girls get in."
SANITISED = "A vehicle has been seen near a school in the area at home time."
QUEUE = reverse("intelligence:police-queue")
PAIR = reverse("intelligence:pair-new")
GRADED = {"source_grade": "2", "intelligence_grade": "B", "handling": "P"}


def _submit(by=None, **fields) -> Report:
    return services.report_submit(
        by=by or UserFactory(roles=[RoleCode.REFERRER]),
        observed_from=SEEN,
        what_happened=WHAT,
        provenance="saw",
        **fields,
    )


def _handle_url(report) -> str:
    return reverse("intelligence:report-handle", kwargs={"pk": report.pk})


def _handling(report, **overrides) -> dict:
    data = {
        "version": str(report.version),
        "police_reference": "MP-26-0412",
        **GRADED,
        "outcome": "",
        "sanitised": "",
    }
    data.update(overrides)
    return data


@pytest.fixture
def officer(client_for):
    return client_for(RoleCode.POLICE_INTELLIGENCE_OFFICER)


# The queue


@pytest.mark.parametrize("role", list(RoleCode))
def test_the_queue_is_for_police_only_users_and_others_get_404(role, client_for):
    _submit()
    response = client_for(role).get(QUEUE)
    assert response.status_code == (200 if role in policy.POLICE_ONLY_ROLES else 404)


def test_the_queue_lists_new_reports_oldest_first_25_a_page(officer):
    older = _submit()
    older.submitted_at = timezone.now() - dt.timedelta(days=3)
    older.save()
    newer = _submit()
    done = _submit()
    Report.objects.filter(pk=done.pk).update(status=Report.Status.GRADED)
    page = officer.get(QUEUE).context["page"]
    assert [r.pk for r in page.object_list] == [older.pk, newer.pk]
    for _ in range(25):
        _submit(by=older.submitted_by)
    assert len(officer.get(QUEUE).context["page"].object_list) == 25
    assert len(officer.get(QUEUE, {"page": 2}).context["page"].object_list) == 2


def test_the_queue_runs_a_fixed_number_of_queries_and_audits_each_report_shown(officer):
    author = UserFactory(roles=[RoleCode.REFERRER])
    _submit(by=author)
    officer.get(QUEUE)  # warm the caches (content types, sessions)
    with CaptureQueriesContext(connection) as one:
        officer.get(QUEUE)
    for _ in range(30):
        _submit(by=author)
    with CaptureQueriesContext(connection) as many:
        response = officer.get(QUEUE)
    assert len(response.context["page"].object_list) == 25
    assert len(many) == len(one), [q["sql"] for q in many.captured_queries]
    viewed = AccessEvent.objects.filter(action=AccessEvent.Action.VIEW, user=officer.user)
    assert viewed.count() >= 25


# Grading and handling


def test_a_partner_cannot_handle_even_their_own_report_and_the_denial_is_audited(client_for):
    teacher = client_for(RoleCode.REFERRER)
    report = _submit(by=teacher.user)
    assert teacher.get(_handle_url(report)).status_code == 404
    assert teacher.post(_handle_url(report), _handling(report)).status_code == 404
    report.refresh_from_db()
    assert report.status == Report.Status.NEW and not report.grading
    assert AccessEvent.objects.filter(
        action=AccessEvent.Action.DENY, user=teacher.user, object_id=str(report.pk)
    ).exists()


def test_grading_moves_the_report_to_graded_and_is_audited_as_a_change(officer):
    report = _submit()
    response = officer.post(_handle_url(report), _handling(report))
    assert response.status_code == 302 and response.url == report.get_absolute_url()
    report.refresh_from_db()
    assert report.status == Report.Status.GRADED and report.grading == "2B P"
    assert report.police_reference == "MP-26-0412"
    assert report.graded_by == officer.user and report.graded_at is not None
    assert report.version == 2 and not report.outcome
    assert AccessEvent.objects.filter(
        action=AccessEvent.Action.CHANGE, user=officer.user, object_id=str(report.pk)
    ).exists()
    assert officer.get(QUEUE).context["page"].object_list == []


@pytest.mark.parametrize(
    "missing", ["source_grade", "intelligence_grade", "handling", "police_reference"]
)
def test_every_grading_field_is_required(officer, missing):
    report = _submit()
    response = officer.post(_handle_url(report), _handling(report, **{missing: ""}))
    assert response.status_code == 200
    assert response.context["form"].errors[missing]
    with pytest.raises(police_services.ValidationError) as error:
        police_services.report_handle(
            report=report,
            by=officer.user,
            expected_version=report.version,
            **{**GRADED, "police_reference": "MP-26-0412", missing: ""},
        )
    assert missing in error.value.message_dict
    report.refresh_from_db()
    assert report.status == Report.Status.NEW and report.version == 1


def test_a_grade_outside_3x5x2_is_refused(officer):
    report = _submit()
    response = officer.post(_handle_url(report), _handling(report, intelligence_grade="F"))
    assert response.context["form"].errors["intelligence_grade"]
    report.refresh_from_db()
    assert not report.grading


def test_a_stale_grade_is_refused_with_a_clear_message_and_what_was_typed_kept(client_for):
    first = client_for(RoleCode.POLICE_INTELLIGENCE_OFFICER)
    second = client_for(RoleCode.MACSE_CHAIR)
    report = _submit()
    opened = _handling(report)  # both open the form at version 1
    assert first.post(_handle_url(report), opened).status_code == 302
    typed = {**opened, "source_grade": "3", "intelligence_grade": "E", "sanitised": "Typed"}
    response = second.post(_handle_url(report), typed)
    assert response.status_code == 200
    form = response.context["form"]
    assert "changed this report" in str(form.non_field_errors())
    assert form["source_grade"].value() == "3" and form["sanitised"].value() == "Typed"
    assert form["version"].value() == "2"  # saving again is a deliberate choice
    report.refresh_from_db()
    assert report.grading == "2B P" and report.graded_by == first.user
    # Saved again from the refreshed form: accepted.
    assert second.post(_handle_url(report), {**typed, "version": "2"}).status_code == 302
    report.refresh_from_db()
    assert report.grading == "3E P" and report.version == 3


def test_recording_an_outcome_closes_the_report_and_it_cannot_be_removed(officer):
    report = _submit()
    officer.post(_handle_url(report), _handling(report, outcome="safeguarding_referral"))
    report.refresh_from_db()
    assert report.status == Report.Status.CLOSED and report.outcome_at is not None
    assert report.get_outcome_display() == "Safeguarding referral"
    response = officer.post(_handle_url(report), _handling(report, outcome=""))
    assert response.context["form"].errors["outcome"]
    report.refresh_from_db()
    assert report.status == Report.Status.CLOSED and report.outcome == "safeguarding_referral"


def test_sharing_needs_a_sanitised_version(officer):
    report = _submit()
    response = officer.post(_handle_url(report), _handling(report, share="on"))
    assert response.context["form"].errors["sanitised"]
    report.refresh_from_db()
    assert report.shared_with_partners_at is None


def test_a_shared_sanitised_version_is_all_another_partner_sees(officer, client_for):
    report = _submit()
    nurse = client_for(RoleCode.HEALTH_REPRESENTATIVE)
    page = reverse("intelligence:report-detail", kwargs={"pk": report.pk})
    assert nurse.get(page).status_code == 404  # not shared yet
    officer.post(
        _handle_url(report),
        _handling(report, outcome="intelligence_log", sanitised=SANITISED, share="on"),
    )
    report.refresh_from_db()
    assert report.shared_with_partners_at is not None
    response = nurse.get(page)
    assert response.status_code == 200 and response.context["view"] == policy.SANITISED
    html = response.content.decode()
    assert SANITISED in html
    for hidden in ("Brambledown", "MP-26-0412", "2B P", "Intelligence log"):
        assert hidden not in html
    # Still police-only to handle; and withdrawing the share hides it again.
    assert nurse.get(_handle_url(report)).status_code == 404
    officer.post(
        _handle_url(report),
        _handling(report, outcome="intelligence_log", sanitised=SANITISED),
    )
    assert nurse.get(page).status_code == 404


# PAIR entries


def _pair_form(**overrides) -> dict:
    seen = timezone.localdate() - dt.timedelta(days=1)
    data = {
        "caller_name": "Morwenna Tallis",
        "caller_organisation": "Fernhollow Youth Club",
        "observed_from_0": str(seen.day),
        "observed_from_1": str(seen.month),
        "observed_from_2": str(seen.year),
        "observed_time": "21:00",
        "place": "Car park behind Quillfield parade",
        "what_happened": "Older men hand out vapes to girls from the club after sessions.",
        "provenance": "told_by_child",
        "vehicle_1_registration": "XR15 KQZ",
        "location_kind": "other",
    }
    data.update(overrides)
    return data


def test_a_pair_entry_is_recorded_by_the_police_user_and_joins_the_queue(officer):
    response = officer.post(PAIR, _pair_form())
    report = Report.objects.get()
    assert response.status_code == 302 and response.url == _handle_url(report)
    assert report.channel == Report.Channel.PAIR and report.submitted_by == officer.user
    assert report.caller_name == "Morwenna Tallis"
    assert report.caller_organisation == "Fernhollow Youth Club"
    assert report.provenance == "told_by_child" and report.status == Report.Status.NEW
    assert AccessEvent.objects.filter(
        action=AccessEvent.Action.CREATE, object_id=str(report.pk)
    ).exists()
    queue = officer.get(QUEUE)
    assert [r.pk for r in queue.context["page"].object_list] == [report.pk]
    assert "Fernhollow Youth Club" in queue.content.decode()


@pytest.mark.parametrize("missing", ["caller_name", "caller_organisation", "what_happened"])
def test_a_pair_entry_needs_the_caller_and_what_was_said(officer, missing):
    response = officer.post(PAIR, _pair_form(**{missing: ""}))
    assert response.status_code == 200 and response.context["form"].errors[missing]
    assert not Report.objects.exists()


def test_a_pair_entry_keeps_report_submits_rules(officer):
    """The service refuses a future time (report_submit's rule) and a missing caller together,
    and saves nothing."""
    with pytest.raises(police_services.ValidationError) as error:
        police_services.pair_record(
            by=officer.user,
            caller_name="",
            caller_organisation="Fernhollow Youth Club",
            observed_from=timezone.now() + dt.timedelta(days=1),
            what_happened=WHAT,
            provenance="saw",
        )
    assert set(error.value.message_dict) == {"caller_name", "observed_from"}
    assert not Report.objects.exists()


def test_the_pair_form_is_for_police_only_users(client_for):
    assert client_for(RoleCode.REFERRER).get(PAIR).status_code == 403
    assert client_for(RoleCode.MACSE_CHAIR).get(PAIR).status_code == 200


def test_the_landing_page_links_police_only_users_to_the_queue(officer, client_for):
    index = reverse("intelligence:index")
    assert QUEUE in officer.get(index).content.decode()
    assert QUEUE not in client_for(RoleCode.REFERRER).get(index).content.decode()
