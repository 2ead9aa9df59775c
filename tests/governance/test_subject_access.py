"""Subject access (issue 10, item 4): the request and its one-month clock, the pack (every
version of every record, police-only and third-party items marked), redactions, completion and
the access log."""

import datetime as dt
import json

import pytest
from django.core.exceptions import ValidationError

from cse_framework.accounts.roles import RoleCode
from cse_framework.audit.models import AccessEvent
from cse_framework.timescales.clocks import Kind
from cse_framework.timescales.models import Deadline
from cse_framework.timescales.working_time import LONDON
from governance.subject_access import gather, services
from governance.subject_access.models import Redaction, SubjectAccessPack
from referrals.models import ParentCarer
from tests.factories.accounts import TeamFactory, UserFactory
from tests.factories.intelligence import make_report
from tests.factories.macse import make_action, make_plan
from tests.factories.referrals import ChildFactory
from tests.factories.shield import make_assessment, make_case

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 27, 11, 0, tzinfo=dt.UTC)


def manager(*extra):
    return UserFactory(roles=[RoleCode.SERVICE_MANAGER, *extra], team=TeamFactory())


def make_request(child=None, by=None, *, received_on=dt.date(2026, 11, 20), now=NOW):
    return services.request_record(
        child=child or ChildFactory(),
        by=by or manager(),
        requester_kind="parent_carer",
        requester_name="Orla Fenwick-Tarrant",
        received_on=received_on,
        identity_checked=True,
        notes="Asked in person at the council offices.",
        now=now,
    )


def records(data, section_key):
    return next(s for s in data["sections"] if s["key"] == section_key)["records"]


def record_of(data, ref):
    for section in data["sections"]:
        for record in section["records"]:
            if record["ref"] == ref:
                return record
    raise AssertionError(f"{ref} not in the pack")


def value_of(record, name, fields=None):
    return next(item for item in (fields or record["fields"]) if item["name"] == name)


# --- The request and its clock ------------------------------------------------------------------


def test_recording_a_request_starts_a_one_month_clock_owned_by_the_recorder():
    """UK GDPR Art 12(3): one calendar month from receipt, on the recorder's work list."""
    by = manager()
    sar = make_request(by=by, received_on=dt.date(2026, 11, 20))
    clock = Deadline.objects.get(pk=sar.deadline_id)
    assert clock.kind == Kind.SUBJECT_ACCESS
    assert clock.owner == by and clock.owning_team == by.team
    assert clock.child_id == sar.child_id
    assert clock.due_at.astimezone(LONDON).date() == dt.date(2026, 12, 20)
    assert clock.started_by == sar
    assert clock.next_step == "Send the subject-access pack"


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (dt.date(2026, 1, 31), dt.date(2026, 2, 28)),  # clamped to the month's end
        (dt.date(2028, 1, 31), dt.date(2028, 2, 29)),  # a leap year
        (dt.date(2026, 3, 15), dt.date(2026, 4, 15)),
    ],
)
def test_the_clock_is_one_calendar_month(received, due):
    sar = make_request(received_on=received, now=dt.datetime(2028, 3, 1, tzinfo=dt.UTC))
    assert sar.deadline.due_at.astimezone(LONDON).date() == due


def test_a_request_received_in_the_future_is_refused():
    with pytest.raises(ValidationError) as error:
        make_request(received_on=dt.date(2026, 12, 1))
    assert "received_on" in error.value.message_dict


def test_only_subject_access_roles_may_record_a_request():
    with pytest.raises(ValidationError):
        make_request(by=UserFactory(roles=[RoleCode.SHIELD_WORKER]))


def test_the_clock_shows_on_the_owners_work_list():
    """A clock not started by a referral is listed with a link to its request."""
    from django.test import Client

    from tests.conftest import verify_session

    by = UserFactory(roles=[RoleCode.INFORMATION_GOVERNANCE], team=TeamFactory())
    sar = make_request(by=by)
    client = Client()
    verify_session(client, by)
    page = client.get("/work/")
    assert page.status_code == 200
    assert sar.reference in page.content.decode()
    assert sar.get_absolute_url() in page.content.decode()


# --- The pack: every version of every record ----------------------------------------------------


@pytest.fixture
def rich_child():
    """A child on MACSE with a plan (two actions, one progressed), a Shield case with two CSE2s,
    a parent on the register, and their register record edited twice (three versions)."""
    plan = make_plan()
    child = plan.child
    first = make_action(plan)
    make_action(plan, about="perpetrator", about_details="An adult known as 'Dex' (fictional)")
    from macse import services as macse

    macse.action_progress(
        action=first, by=first.owner, note="Met at the gate daily.", status="in_progress"
    )
    macse.plan_agree(plan=plan, by=plan.entry.first_heard_at.administrator)
    case = make_case(child)
    make_assessment(child, case.worker, on=dt.date(2026, 6, 10))
    make_assessment(child, case.worker, kind="review", on=dt.date(2026, 9, 10))
    ParentCarer.objects.create(
        child=child, name="Jude Brackenfield", relationship="Mother", phone="0151 496 0123"
    )
    child.school = "Hollowmere Academy (fictional)"
    child.save()
    child.address = "12 Lanternwick Row (fictional)"
    child.save()
    return child


def test_the_pack_holds_every_version_of_every_record(rich_child):
    sar = make_request(rich_child)
    pack = services.pack_make(sar=sar, by=manager(), now=NOW)
    data = services.pack_data(pack)
    assert data["schema_version"] == gather.SCHEMA_VERSION

    register = record_of(data, f"child-{rich_child.pk}")
    assert len(register["versions"]) >= 3  # created, then edited twice
    schools = [value_of(None, "school", v["fields"])["value"] for v in register["versions"]]
    assert schools[0] == "" and "Hollowmere Academy (fictional)" in schools
    assert value_of(register, "address")["value"] == "12 Lanternwick Row (fictional)"

    assessments = records(data, "shield")
    cse2s = [r for r in assessments if r["ref"].startswith("assessment-")]
    assert len(cse2s) == 2
    assert all(len(r["versions"]) >= 2 for r in cse2s)  # draft, saved, completed

    macse = records(data, "macse")
    plan = next(r for r in macse if r["ref"].startswith("plan-"))
    assert plan["versions"]
    assert len([r for r in macse if r["ref"].startswith("plan-version-")]) >= 2
    actions = [r for r in macse if r["ref"].startswith("macse-action-")]
    assert len(actions) == 2
    assert any(len(a["versions"]) >= 2 for a in actions)  # progressed: a new version
    assert any(r["ref"].startswith("action-progress-") for r in macse)
    assert any(r["ref"].startswith("referral-") for r in records(data, "referrals"))
    assert data["chronology"], "the chronology comes first"
    assert pack.pdf[:4] == b"%PDF" and pack.pages >= 2


def test_third_party_items_are_marked_for_review(rich_child):
    sar = make_request(rich_child)
    data = services.pack_data(services.pack_make(sar=sar, by=manager(), now=NOW))
    parent = next(r for r in records(data, "register") if r["ref"].startswith("parent-carer-"))
    assert parent["review"]["reason"] == gather.THIRD_PARTY
    action = next(
        r
        for r in records(data, "macse")
        if r["ref"].startswith("macse-action-") and value_of(r, "about_details")["value"]
    )
    assert value_of(action, "about_details")["review"]["reason"] == gather.THIRD_PARTY
    marked = {item["ref"] for item in data["review_items"]}
    assert parent["ref"] in marked
    assert f"{action['ref']}.about_details" in marked
    # The professionals acting in role are not marked.
    assert value_of(action, "owner")["review"] is None


@pytest.fixture
def child_with_police_intelligence():
    """A child whose referral was started from intelligence police have graded (police-only)."""
    plan = make_plan()
    child = plan.child
    submitter = UserFactory(roles=[RoleCode.REFERRER])
    report = make_report(
        submitter,
        what_happened="Seen with an adult in a grey car near the park (fictional).",
        police_reference="MP-TEST-0042",
        source_grade="2",
        intelligence_grade="B",
        handling="C",
        status="graded",
    )
    referral = child.referrals.first()
    referral.intelligence_report = report
    referral.save()
    return child, report


def test_a_non_police_manager_gets_only_a_marker_for_police_only_intelligence(
    child_with_police_intelligence,
):
    """D12: content a maker may not read is not in the pack; a marker says it is held."""
    child, report = child_with_police_intelligence
    sar = make_request(child)
    pack = services.pack_make(sar=sar, by=manager(), now=NOW)
    data = services.pack_data(pack)
    record = record_of(data, f"intelligence-{report.pk}")
    assert record["marker"] == (
        f"Police-only intelligence held: reference {report.reference} - ask the police for a "
        "disclosure decision"
    )
    assert record["fields"] == [] and record["versions"] == []
    text = bytes(pack.data).decode()
    assert "grey car near the park" not in text
    assert "MP-TEST-0042" not in text
    assert not pack.police_only_content
    assert f"intelligence-{report.pk}" in {i["ref"] for i in data["review_items"]}


def test_a_police_reader_gets_the_content_marked_for_redaction_review(
    child_with_police_intelligence,
):
    child, report = child_with_police_intelligence
    police_manager = manager(RoleCode.POLICE_INTELLIGENCE_OFFICER)
    sar = make_request(child)
    pack = services.pack_make(sar=sar, by=police_manager, now=NOW)
    record = record_of(services.pack_data(pack), f"intelligence-{report.pk}")
    assert record["marker"] == ""
    assert record["review"]["label"] == "Police-only: redaction review"
    assert "grey car near the park" in value_of(record, "what_happened")["value"]
    assert value_of(record, "police_reference")["value"] == "MP-TEST-0042"
    assert record["versions"]
    assert pack.police_only_content  # only police-only users may download it


def test_making_a_pack_is_an_export_in_the_access_log(rich_child):
    by = manager()
    sar = make_request(rich_child, by=by)
    pack = services.pack_make(sar=sar, by=by, now=NOW)
    event = AccessEvent.objects.get(action="export", object_id=str(pack.pk))
    assert event.user == by
    assert event.object_type == "subject_access.subjectaccesspack"
    assert event.child_id == rich_child.pk


def test_each_pack_is_a_kept_version():
    sar = make_request()
    by = manager()
    first = services.pack_make(sar=sar, by=by, now=NOW)
    second = services.pack_make(sar=sar, by=by, now=NOW + dt.timedelta(hours=1))
    assert (first.number, second.number) == (1, 2)
    first.refresh_from_db()
    assert bytes(first.pdf)[:4] == b"%PDF"


# --- Redactions -------------------------------------------------------------------------------


def test_redactions_are_recorded_and_applied_in_the_disclosure_version(rich_child):
    by = manager()
    sar = make_request(rich_child, by=by)
    data = services.pack_data(services.pack_make(sar=sar, by=by, now=NOW))
    parent = next(r for r in records(data, "register") if r["ref"].startswith("parent-carer-"))
    redaction = services.redaction_record(
        sar=sar, by=by, item_ref=parent["ref"], reason=Redaction.Reason.THIRD_PARTY, now=NOW
    )
    services.redaction_record(
        sar=sar,
        by=by,
        item_ref=f"child-{rich_child.pk}.school",
        reason=Redaction.Reason.OTHER,
        note="Would locate the child (fictional test).",
        now=NOW,
    )
    assert redaction.made_by == by and redaction.made_at == NOW
    disclosure = services.disclosure_make(sar=sar, by=by, now=NOW)
    assert disclosure.kind == SubjectAccessPack.Kind.DISCLOSURE
    result = services.pack_data(disclosure)
    text = bytes(disclosure.data).decode()
    assert "Jude Brackenfield" not in text
    assert "Hollowmere Academy" not in text  # in every version of the record
    assert "[Redacted: Third-party information]" in text
    assert [r["ref"] for r in result["redactions"]] == [
        parent["ref"],
        f"child-{rich_child.pk}.school",
    ]
    assert result["kind"] == "disclosure"


@pytest.mark.parametrize(
    ("ref", "reason", "note", "field"),
    [
        ("nothing-1", "third_party", "", "item_ref"),
        ("VALID", "other", "", "note"),
    ],
)
def test_a_bad_redaction_is_refused(rich_child, ref, reason, note, field):
    by = manager()
    sar = make_request(rich_child, by=by)
    services.pack_make(sar=sar, by=by, now=NOW)
    ref = f"child-{rich_child.pk}" if ref == "VALID" else ref
    with pytest.raises(ValidationError) as error:
        services.redaction_record(sar=sar, by=by, item_ref=ref, reason=reason, note=note)
    assert field in error.value.message_dict


def test_the_same_item_cannot_be_redacted_twice(rich_child):
    by = manager()
    sar = make_request(rich_child, by=by)
    services.pack_make(sar=sar, by=by, now=NOW)
    ref = f"child-{rich_child.pk}.school"
    services.redaction_record(sar=sar, by=by, item_ref=ref, reason="third_party")
    with pytest.raises(ValidationError, match="already recorded"):
        services.redaction_record(sar=sar, by=by, item_ref=ref, reason="third_party")


def test_a_redaction_needs_a_pack_first():
    sar = make_request()
    with pytest.raises(ValidationError, match="Make the pack first"):
        services.redaction_record(sar=sar, by=manager(), item_ref="x", reason="third_party")


# --- Completion -------------------------------------------------------------------------------


def test_completing_meets_the_clock_and_logs_the_disclosure():
    by = manager()
    sar = make_request(by=by)
    services.pack_make(sar=sar, by=by, now=NOW)
    done = services.request_complete(
        sar=sar, by=by, sent_to="Orla Fenwick-Tarrant", sent_how="Secure e-mail", now=NOW
    )
    assert done.status == "completed" and done.completed_by == by
    clock = Deadline.objects.get(pk=sar.deadline_id)
    assert clock.met_at == NOW and clock.state() == Deadline.State.MET_ON_TIME
    event = AccessEvent.objects.get(action="disclose", object_id=str(sar.pk))
    assert event.recipient == "Orla Fenwick-Tarrant"
    assert event.child_id == sar.child_id
    with pytest.raises(ValidationError, match="completed"):
        services.pack_make(sar=done, by=by)


def test_completing_without_a_pack_is_refused():
    sar = make_request()
    with pytest.raises(ValidationError, match="Make the pack"):
        services.request_complete(sar=sar, by=manager(), sent_to="Someone", sent_how="")


def test_the_json_is_documented_structure(rich_child):
    sar = make_request(rich_child)
    pack = services.pack_make(sar=sar, by=manager(), now=NOW)
    data = json.loads(bytes(pack.data))
    assert set(data) >= {
        "schema_version",
        "kind",
        "request",
        "child",
        "chronology",
        "sections",
        "review_items",
        "redactions",
    }
    assert [s["key"] for s in data["sections"]] == [
        "register",
        "referrals",
        "strategy",
        "shield",
        "macse",
        "intelligence",
    ]


def test_a_police_only_macse_item_is_a_marker_for_others(rich_child):
    """D12: a MACSE item drawn from police-only intelligence is shown to non-police makers only
    as a marker, never its title or minutes."""
    from macse.models import AgendaItem, Meeting

    first = Meeting.objects.order_by("pk").first()
    # A later meeting (one child item per meeting), its item drawn from police-only intelligence.
    meeting = Meeting.objects.create(
        starts_at=first.starts_at + dt.timedelta(days=30),
        venue="Council offices (fictional)",
        chair=first.chair,
        administrator=first.administrator,
    )
    item = AgendaItem.objects.create(
        meeting=meeting,
        section=AgendaItem.Section.REVIEW,
        position=1,
        child=rich_child,
        title="Known associate seen at the flat (fictional)",
        minutes="Police hold further detail (fictional).",
        police_only=True,
        added_by=first.administrator,
    )
    sar = make_request(rich_child)
    other = services.pack_make(sar=sar, by=manager(), now=NOW)
    record = record_of(services.pack_data(other), f"agenda-item-{item.pk}")
    assert record["marker"].startswith(f"Police-only intelligence held: reference {item.reference}")
    assert "Known associate" not in bytes(other.data).decode()
    police = services.pack_make(sar=sar, by=manager(RoleCode.MACSE_CHAIR), now=NOW)
    record = record_of(services.pack_data(police), f"agenda-item-{item.pk}")
    assert record["review"]["label"] == "Police-only: redaction review"
    assert value_of(record, "title")["value"] == "Known associate seen at the flat (fictional)"
    assert police.police_only_content and not other.police_only_content


def test_the_scan_reminds_the_owner_with_the_requests_reference():
    """A clock not started by a referral: the reminder names the request and links to it."""
    from cse_framework.notices.models import Notice
    from cse_framework.timescales.scan import scan

    by = manager()
    sar = make_request(by=by, received_on=dt.date(2026, 11, 2))
    scan(now=sar.deadline.due_soon_at + dt.timedelta(minutes=1))
    notice = Notice.objects.get(deadline=sar.deadline)
    assert list(notice.recipients.values_list("user", flat=True)) == [by.pk]
    assert notice.reference == sar.reference
    assert notice.link == sar.get_absolute_url()


def test_a_chronology_entry_can_be_redacted(rich_child):
    """Case notes and incidents are summarised in the chronology: their summaries are marked,
    and any entry can be redacted by its reference."""

    by = manager()
    sar = make_request(rich_child, by=by)
    data = services.pack_data(services.pack_make(sar=sar, by=by, now=NOW))
    first = data["chronology"][0]
    assert first["ref"] == "chronology-1"
    services.redaction_record(sar=sar, by=by, item_ref="chronology-1", reason="third_party")
    result = services.pack_data(services.disclosure_make(sar=sar, by=by, now=NOW))
    assert result["chronology"][0]["summary"] == "[Redacted: Third-party information]"
    assert result["chronology"][1]["summary"] == data["chronology"][1]["summary"]
