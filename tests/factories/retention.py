"""Builders for the retention tests (no tests here): a child with a full, closed record, and an
intelligence report with entities. Fictional people only (D15)."""

import datetime as dt

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from cse_framework.accounts.roles import RoleCode
from cse_framework.timescales.models import Deadline
from governance.retention.defaults import ensure_defaults
from governance.retention.models import RecordType, RetentionReview, RetentionRule
from intelligence.models import ChildLink, Mention, Person, Report
from referrals.models import ChildAlias, ChildIdentifier, ParentCarer
from shield import casework_services
from shield.models import ShieldCase
from tests.factories.accounts import UserFactory
from tests.factories.intelligence import make_report
from tests.factories.referrals import make_decided
from tests.factories.shield import ensure_default_scheme, make_assessment, make_case

# Names that must be gone after a disposal (fictional, and unusual enough to search for).
GIVEN, FAMILY = "Quenby", "Marrowfield"
ALIAS, PARENT, PHONE = "Quen Q", "Ottoline Marrowfield", "07000 900123"
NHS = "9990001234"
NOTE = "Quenby said she met an older man at the precinct."
CLOSED = dt.datetime(2026, 7, 1, 10, 0, tzinfo=dt.UTC)


def ig_officer():
    return UserFactory(roles=[RoleCode.INFORMATION_GOVERNANCE])


def rule(record_type=RecordType.CHILD) -> RetentionRule:
    ensure_defaults(RetentionRule, RetentionRule.history.model)
    return RetentionRule.objects.get(record_type=record_type)


def close_everything(child, *, at=CLOSED) -> None:
    """Close the child's open clocks and Shield cases (as the services would have by then)."""
    for deadline in Deadline.objects.filter(
        child=child, met_at__isnull=True, not_required_at__isnull=True
    ):
        deadline.not_required_at = at
        deadline.save()
    for case in ShieldCase.objects.filter(child=child, status=ShieldCase.Status.OPEN):
        case.status, case.closed_at, case.closure_reason = "closed", at, "Risk reduced: closed."
        case.save()


def closed_child(*, close=True):
    """A child with a CSE1 (MASH's decision: a section 17 assessment, no discussion), a Shield
    case, a completed CSE2, a completed case note, another name, a parent, an NHS number and a
    link to a person of concern; everything closed unless ``close=False``."""
    ensure_default_scheme()
    referrer = UserFactory(roles=[RoleCode.REFERRER])
    mash = UserFactory(roles=[RoleCode.MASH_SOCIAL_WORKER])
    referral = make_decided(
        referrer,
        mash,
        decision="section_17",
        child_given_names=GIVEN,
        child_family_name=FAMILY,
        child_date_of_birth=dt.date(2011, 5, 17),
        child_address="4 Fictional Row, Testtown",
        child_postcode="ZZ9 9ZZ",
        circumstances=f"{GIVEN} was seen with older men.",
    )
    child = referral.child
    case = make_case(child, at=referral.received_at)
    worker = case.worker
    make_assessment(child, worker, young_person_views=f"{GIVEN} says she is fine.")
    casework_services.case_note_save(
        by=worker, child=child, occurred_at=referral.received_at, text=NOTE, complete=True
    )
    ChildAlias.objects.create(child=child, name=ALIAS)
    ParentCarer.objects.create(child=child, name=PARENT, relationship="Mother", phone=PHONE)
    ChildIdentifier.objects.create(child=child, system="nhs", value=NHS)
    person = Person.objects.create(key="grey-man", display="Grey Man", name="Grey Man")
    ChildLink.objects.create(
        child=child,
        entity_type=ContentType.objects.get_for_model(Person),
        entity_id=person.pk,
        source_type=ContentType.objects.get_for_model(type(referral)),
        source_id=str(referral.pk),
        created_by=mash,
    )
    if close:
        close_everything(child)
    child.refresh_from_db()
    return child


def review_of(child=None, *, report=None, due_on=None, status=RetentionReview.Status.DUE):
    """A review of ``child`` (or ``report``) due today, as the scan would write it."""
    record_type = RecordType.CHILD if child is not None else RecordType.INTELLIGENCE
    used = rule(record_type)
    today = timezone.localdate()
    return RetentionReview.objects.create(
        record_type=record_type,
        child=child,
        report=report,
        due_on=due_on or today,
        counted_from=today,
        rule=used,
        rule_version=used.version,
        action=used.action,
        status=status,
    )


def report_with_entities(by=None):
    """A closed intelligence report naming a person (mentioned by nothing else)."""
    by = by or UserFactory(roles=[RoleCode.POLICE_INTELLIGENCE_OFFICER])
    report = make_report(
        by,
        caller_name="Wendeline Test",
        what_happened="Rilo Vantress (fictional) drives a grey car to the school gates.",
        status=Report.Status.CLOSED,
        outcome=Report.Outcome.INTELLIGENCE_LOG,
        outcome_at=CLOSED,
    )
    person = Person.objects.create(key="rilo-vantress", display="Rilo Vantress", name="Rilo")
    Mention.objects.create(
        entity_type=ContentType.objects.get_for_model(Person),
        entity_id=person.pk,
        source_type=ContentType.objects.get_for_model(Report),
        source_id=str(report.pk),
        note="Drives the grey car",
    )
    return report, person
