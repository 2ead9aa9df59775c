"""Passing on intelligence (issue 8, item 1) and who may read a report (D12): the form, its
entities recorded under normalised keys (malformed ones kept and flagged), the named-child
prompt, the police-only rule through the pages, the audit of every view, and the list's fixed
queries. All names, numbers, plates and postcodes are fictional."""

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cse_framework.accounts.roles import RoleCode
from cse_framework.audit.models import AccessEvent
from intelligence import policy, services
from intelligence.models import Location, Mention, OnlineHandle, Person, Phone, Report, Vehicle
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db

SEEN = dt.datetime(2026, 1, 12, 15, 30, tzinfo=dt.UTC)
WHAT = "A silver hatchback waits by the school gates at home time; girls get in."
SANITISED = "A vehicle has been seen near a school in the area at home time."
NEW = reverse("intelligence:report-new")


def _form(**overrides) -> dict:
    seen = timezone.localdate() - dt.timedelta(days=2)
    data = {
        "observed_from_0": str(seen.day),
        "observed_from_1": str(seen.month),
        "observed_from_2": str(seen.year),
        "observed_time": "15:30",
        "place": "Gates of Brambledown Academy",
        "what_happened": WHAT,
        "children_mentioned": "Two girls of about 14 in Brambledown uniform",
        "provenance": "saw",
        "first_hand": "on",
        "person_1_name": "Dorian Quell",
        "person_1_aliases": "Dee, Big D",
        "person_1_age": "30s",
        "vehicle_1_registration": "xr15 kqz",
        "vehicle_1_colour": "Silver",
        "vehicle_2_registration": "XR15 K??",
        "vehicle_3_registration": "ZZZZZZ9999",
        "phone_1": "07700 900123",
        "phone_2": "0770",
        "handle_1_platform": "Snap",
        "handle_1_handle": "@Dee.Quell_",
        "location_premises": "Brambledown Academy",
        "location_kind": "school_gate",
        "location_postcode": "l369zz",
        "risk_to_source": "None known",
    }
    data.update(overrides)
    return data


def _submit(by, **fields) -> Report:
    return services.report_submit(
        by=by, observed_from=SEEN, what_happened=WHAT, provenance="saw", **fields
    )


@pytest.fixture
def teacher(client_for):
    return client_for(RoleCode.REFERRER)


def test_a_report_and_its_entities_are_saved_with_keys_normalised_and_flags_kept(teacher):
    response = teacher.post(NEW, _form())
    report = Report.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("intelligence:report-submitted", kwargs={"pk": report.pk})
    assert report.submitted_by == teacher.user and report.place.startswith("Gates")
    assert report.first_hand and report.provenance == "saw"
    person = Person.objects.get()
    assert person.key == "dorian quell"
    assert sorted(person.aliases.values_list("key", flat=True)) == ["big d", "dee"]
    full = Vehicle.objects.get(key="XR15KQZ")
    assert full.valid and not full.partial and full.colour == "Silver"
    assert Vehicle.objects.get(key="XR15K??").partial
    odd = Vehicle.objects.get(key="ZZZZZZ9999")  # kept, flagged, never refused
    assert not odd.valid and odd.problem
    assert Phone.objects.get(key="+447700900123").valid
    assert not Phone.objects.exclude(key="+447700900123").get().valid
    assert OnlineHandle.objects.get().key == "snapchat:dee.quell_"
    place = Location.objects.get()
    assert place.postcode == "L36 9ZZ" and place.kind == "school_gate"
    mentions = Mention.objects.filter(
        source_type=ContentType.objects.get_for_model(Report), source_id=str(report.pk)
    )
    assert mentions.count() == 8 and all(m.police_only for m in mentions)
    created = AccessEvent.objects.get(action=AccessEvent.Action.CREATE)
    assert created.object_id == str(report.pk) and created.user == teacher.user


def test_a_time_in_the_future_is_refused_and_the_form_keeps_what_was_typed(teacher):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = teacher.post(
        NEW,
        _form(
            observed_from_0=str(tomorrow.day),
            observed_from_1=str(tomorrow.month),
            observed_from_2=str(tomorrow.year),
        ),
    )
    assert response.status_code == 200
    assert not Report.objects.exists() and not Vehicle.objects.exists()
    page = response.content.decode()
    assert services.FUTURE in page and "govuk-error-summary" in page
    assert "A silver hatchback waits by the school gates" in page
    assert 'value="xr15 kqz"' in page and f'value="{tomorrow.year}"' in page


def test_what_was_seen_and_how_it_is_known_are_required():
    user = UserFactory(roles=[RoleCode.REFERRER])
    with pytest.raises(ValidationError) as refused:
        services.report_submit(by=user, observed_from=SEEN, what_happened=" ", provenance="")
    assert set(refused.value.message_dict) == {"what_happened", "provenance"}
    assert not Report.objects.exists()


def test_a_named_child_prompts_a_referral_with_the_reference(teacher):
    response = teacher.post(NEW, _form(child_named="on"), follow=True)
    report = Report.objects.get()
    page = response.content.decode()
    assert report.reference == f"INT-{report.pk:06d}" and report.reference in page
    assert "a referral is needed" in page
    start = f"{reverse('referrals:referral-start')}?intelligence={report.pk}"
    assert f'href="{start}"' in page  # the referral carries the intelligence
    # Without the box ticked there is no prompt.
    page = teacher.post(NEW, _form(), follow=True).content.decode()
    assert "a referral is needed" not in page


def _graded(by) -> Report:
    report = _submit(by, vehicles=[{"registration": "XR15 KQZ"}])
    Report.objects.filter(pk=report.pk).update(
        source_grade="1",
        intelligence_grade="B",
        handling="P",
        status=Report.Status.GRADED,
        police_reference="MP/INT/0417",
        sanitised=SANITISED,
    )
    report.refresh_from_db()
    return report


@pytest.mark.parametrize("role", sorted(policy.POLICE_ONLY_ROLES))
def test_police_only_users_see_a_report_in_full(role, client_for):
    report = _graded(UserFactory(roles=[RoleCode.REFERRER]))
    page = client_for(role).get(report.get_absolute_url()).content.decode()
    assert WHAT in page and "1B P" in page and "MP/INT/0417" in page and "XR15 KQZ" in page


def test_the_submitter_sees_what_they_sent_but_never_the_grading(teacher):
    report = _graded(teacher.user)
    response = teacher.get(report.get_absolute_url())
    page = response.content.decode()
    assert response.status_code == 200
    assert WHAT in page and "XR15 KQZ" in page
    assert "1B P" not in page and "MP/INT/0417" not in page and SANITISED not in page
    assert response.context["view"] == policy.OWN


def test_another_partner_gets_404_until_police_share_a_sanitised_version(teacher, client_for):
    report = _graded(teacher.user)
    other = client_for(RoleCode.SHIELD_WORKER)
    response = other.get(report.get_absolute_url())
    assert response.status_code == 404
    denied = AccessEvent.objects.get(action=AccessEvent.Action.DENY, user=other.user)
    assert denied.object_type == "intelligence.report" and denied.object_id == str(report.pk)
    Report.objects.filter(pk=report.pk).update(shared_with_partners_at=timezone.now())
    page = other.get(report.get_absolute_url()).content.decode()
    assert SANITISED in page
    assert WHAT not in page and "XR15 KQZ" not in page and "1B P" not in page
    # The analyst is not a partner who receives intelligence.
    analyst = client_for(RoleCode.LSCB_ANALYST)
    assert analyst.get(report.get_absolute_url()).status_code == 404


def test_every_view_of_a_report_is_audited(teacher, client_for):
    report = _submit(teacher.user)
    officer = client_for(RoleCode.POLICE_INTELLIGENCE_OFFICER)
    officer.get(report.get_absolute_url())
    teacher.get(report.get_absolute_url())
    viewers = AccessEvent.objects.filter(
        action=AccessEvent.Action.VIEW, object_type="intelligence.report", object_id=str(report.pk)
    ).values_list("user", flat=True)
    assert sorted(viewers) == sorted([officer.user.pk, teacher.user.pk])


def test_your_intelligence_lists_only_your_own_reports_in_fixed_queries(teacher):
    mine = _submit(teacher.user)
    _submit(UserFactory(roles=[RoleCode.REFERRER]))
    url = reverse("intelligence:report-mine")
    page = teacher.get(url).content.decode()
    assert mine.reference in page and page.count("INT-") == 1

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert teacher.get(url).status_code == 200
        return len(captured)

    few = queries()
    for _ in range(30):
        _submit(teacher.user)
    assert queries() == few
    second = teacher.get(url, {"page": 2}).content.decode()
    assert "Page 2 of 2" in second
