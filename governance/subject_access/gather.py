"""Everything the service holds about one child, gathered from every app for a subject-access
pack: each record with its current values and every version of it (django-simple-history), the
child's chronology first, and the items to review before disclosure marked with a stable
reference (``<source>-<pk>`` for a record, ``<source>-<pk>.<field>`` for one of its fields) and a
reason.

Marked for review:
* third-party information: people other than the child and the professionals acting in role
  (parents and carers, household members, other children, people, vehicles and places named as
  alleged perpetrators or associates, the referrer's own contact details), per
  ``Source.third_party`` and ``Source.whole_record``;
* police-only content (D12): intelligence reports linked to the child and MACSE items drawn from
  police-only intelligence. A maker who may not read them (``intelligence.policy.view_of``) gets
  only a marker ("Police-only intelligence held: reference X - ask the police for a disclosure
  decision"); a police-only maker gets the content, marked "Police-only: redaction review".

The structure (``schema_version`` 1) is documented in docs/ig/subject-access.md.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import models
from django.db.models import Q

from cse_framework.accounts.roles import RoleCode
from intelligence.policy import FULL, POLICE_ONLY_ROLES, SANITISED, view_of
from shield import chronology

SCHEMA_VERSION = 1
THIRD_PARTY = "third_party"
POLICE_ONLY = "police_only"
REVIEW_LABELS = {
    THIRD_PARTY: "Third party: redaction review",
    POLICE_ONLY: "Police-only: redaction review",
}
# Columns that say nothing to a reader: keys used for searching, counters, the child itself.
SKIPPED = {"id", "version", "child", "exploitation_type", "notice_level"}


@dataclass(frozen=True)
class Source:
    """One kind of record about the child."""

    key: str  # stable: part of every item reference
    title: str
    model: Callable[[], type[models.Model]]
    of_child: Callable[[object], Q]  # the filter that finds the child's rows
    third_party: dict[str, str] = field(default_factory=dict)  # field -> why it is marked
    whole_record: str = ""  # why every row is third-party information ("" if not)
    skip: frozenset[str] = frozenset()
    order: tuple[str, ...] = ("pk",)


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    sources: tuple[Source, ...]


def _model(label: str) -> Callable[[], type[models.Model]]:
    def get() -> type[models.Model]:
        from django.apps import apps

        return apps.get_model(label)

    return get


NAMED_PEOPLE = "People named other than the child may be third parties"
REFERRER_CONTACT = "The referrer's own contact details"

SECTIONS: tuple[Section, ...] = (
    Section(
        "register",
        "The child's register record",
        (
            Source(
                "child",
                "Register record",
                _model("referrals.Child"),
                lambda child: Q(pk=child.pk),
                skip=frozenset({"family_name_key", "given_name_key", "merged_into"}),
            ),
            Source(
                "alias",
                "Other names",
                _model("referrals.ChildAlias"),
                lambda child: Q(child=child),
                skip=frozenset({"name_key"}),
            ),
            Source(
                "parent-carer",
                "Parents and carers",
                _model("referrals.ParentCarer"),
                lambda child: Q(child=child),
                whole_record="A parent's or carer's own personal data",
            ),
            Source(
                "identifier",
                "Numbers in other systems",
                _model("referrals.ChildIdentifier"),
                lambda child: Q(child=child),
            ),
        ),
    ),
    Section(
        "referrals",
        "Referrals (CSE1 and MARF)",
        (
            Source(
                "referral",
                "CSE1 referral",
                _model("referrals.Referral"),
                lambda child: Q(child=child),
                third_party={
                    "referrer_phone": REFERRER_CONTACT,
                    "referrer_email": REFERRER_CONTACT,
                    "known_people": NAMED_PEOPLE,
                    "known_vehicles": "Vehicles of other people",
                    "known_places": "Places linked to other people",
                    "observations": NAMED_PEOPLE,
                },
                skip=frozenset({"intelligence_report"}),
                order=("created_at", "pk"),
            ),
            Source(
                "indicator",
                "CSE1 indicators",
                _model("referrals.IndicatorResponse"),
                lambda child: Q(referral__child=child),
            ),
            Source(
                "marf",
                "MARF",
                _model("referrals.Marf"),
                lambda child: Q(referral__child=child),
                third_party={
                    "parents_views": "The views of the parents",
                    "keep_from_family": "What is to be kept from the family",
                },
            ),
            Source(
                "marf-person",
                "People named on the MARF",
                _model("referrals.MarfPerson"),
                lambda child: Q(marf__referral__child=child),
                whole_record="A parent, carer or another child of the household",
            ),
            Source(
                "placing-authority",
                "Contact with the placing authority",
                _model("referrals.PlacingAuthorityContact"),
                lambda child: Q(referral__child=child),
            ),
        ),
    ),
    Section(
        "strategy",
        "Strategy discussions and meetings",
        (
            Source(
                "discussion",
                "Strategy discussion",
                _model("strategy.StrategyDiscussion"),
                lambda child: Q(child=child),
                third_party={
                    "information_considered": NAMED_PEOPLE,
                    "risk_to_others": "Other children at risk",
                },
            ),
            Source(
                "strategy-meeting",
                "Strategy meeting",
                _model("strategy.StrategyMeeting"),
                lambda child: Q(child=child),
                third_party={"minutes": NAMED_PEOPLE},
            ),
            Source(
                "participant",
                "Who took part",
                _model("strategy.Participant"),
                lambda child: Q(discussion__child=child) | Q(meeting__child=child),
            ),
            Source(
                "agreed-action",
                "Agreed actions",
                _model("strategy.AgreedAction"),
                lambda child: Q(discussion__child=child) | Q(meeting__child=child),
            ),
            Source(
                "amendment",
                "Amendments after sign-off",
                _model("strategy.Amendment"),
                lambda child: Q(discussion__child=child) | Q(meeting__child=child),
            ),
        ),
    ),
    Section(
        "shield",
        "Shield casework and CSE2 assessments",
        (
            Source("case", "Shield case", _model("shield.ShieldCase"), lambda c: Q(child=c)),
            Source("allocation", "Allocations", _model("shield.Allocation"), lambda c: Q(child=c)),
            Source(
                "assessment",
                "CSE2 assessment",
                _model("shield.Assessment"),
                lambda c: Q(child=c),
                order=("created_at", "pk"),
            ),
            Source(
                "score",
                "CSE2 category scores",
                _model("shield.CategoryScore"),
                lambda c: Q(assessment__child=c),
                third_party={"evidence": NAMED_PEOPLE},
            ),
            Source(
                "attendee",
                "Who took part in the CSE2",
                _model("shield.AssessmentAttendee"),
                lambda c: Q(assessment__child=c),
            ),
            Source(
                "monitoring",
                "CSE2 data monitoring",
                _model("shield.MonitoringRecord"),
                lambda c: Q(assessment__child=c),
            ),
            Source(
                "band-override",
                "Band overrides",
                _model("shield.BandOverride"),
                lambda c: Q(assessment__child=c),
            ),
            Source(
                "case-note",
                "Case notes",
                _model("shield.CaseNote"),
                lambda c: Q(child=c),
                third_party={"text": NAMED_PEOPLE},
                order=("created_at", "pk"),
            ),
            Source(
                "incident",
                "Incidents",
                _model("shield.Incident"),
                lambda c: Q(child=c),
                third_party={"description": "Alleged perpetrators and others named"},
            ),
            Source(
                "missing",
                "Missing episodes",
                _model("shield.MissingEpisode"),
                lambda c: Q(child=c),
                third_party={"notes": NAMED_PEOPLE},
            ),
            Source("flag", "Flags", _model("shield.Flag"), lambda c: Q(child=c)),
        ),
    ),
    Section(
        "macse",
        "MACSE: hearings, plans and actions",
        (
            Source(
                "cohort",
                "On MACSE",
                _model("macse.CohortEntry"),
                lambda c: Q(child=c),
            ),
            Source(
                "agenda-item",
                "MACSE agenda items and decisions",
                _model("macse.AgendaItem"),
                lambda c: Q(child=c),
                third_party={"minutes": NAMED_PEOPLE, "details": NAMED_PEOPLE},
            ),
            Source("plan", "MACSE plan", _model("macse.Plan"), lambda c: Q(child=c)),
            Source(
                "plan-version",
                "MACSE plan versions agreed",
                _model("macse.PlanVersion"),
                lambda c: Q(plan__child=c),
                third_party={"actions": "Actions against perpetrators or places"},
                order=("number", "pk"),
            ),
            Source(
                "macse-action",
                "MACSE plan actions",
                _model("macse.Action"),
                lambda c: Q(plan__child=c),
                third_party={"about_details": "A perpetrator or place the action is about"},
            ),
            Source(
                "action-progress",
                "Progress on MACSE actions",
                _model("macse.ActionProgress"),
                lambda c: Q(action__plan__child=c),
            ),
        ),
    ),
)


# --- Who reads -----------------------------------------------------------------------------------


def pack_reader(user):
    """The maker as the pack reads the records: as a service manager sees every child's records
    (the pack is everything the service holds, whoever makes it), with police-only content only
    if the maker is a police-only user (D12). Usable outside a request (no second factor to
    check): the pack is made by a service call for a user the view has already checked."""
    reader = copy.copy(user)
    roles = {RoleCode.SERVICE_MANAGER} | (set(user.role_codes) & set(POLICE_ONLY_ROLES))
    reader.__dict__["role_codes"] = frozenset(roles)
    reader.is_verified = lambda: True
    return reader


def sees_police_only(user) -> bool:
    return not set(user.role_codes).isdisjoint(POLICE_ONLY_ROLES)


# --- Values --------------------------------------------------------------------------------------


class _Names:
    """The display of related rows (a user's name, an agency), each read once."""

    def __init__(self) -> None:
        self.cache: dict[tuple[type, object], str] = {}

    def of(self, model: type[models.Model], pk) -> str:
        key = (model, pk)
        if key not in self.cache:
            obj = model._default_manager.filter(pk=pk).first()
            self.cache[key] = str(obj) if obj is not None else f"(record {pk})"
        return self.cache[key]


def _shown_fields(model: type[models.Model], source: Source) -> list[models.Field]:
    return [
        f
        for f in model._meta.concrete_fields
        if f.name not in SKIPPED
        and f.name not in source.skip
        and not isinstance(f, models.BinaryField)
    ]


def _value(row, f: models.Field, names: _Names):
    raw = getattr(row, f.attname)
    if raw is None or raw == "":
        return ""
    if f.is_relation:
        return names.of(f.related_model, raw)
    if f.choices:
        return str(dict(f.flatchoices).get(raw, raw))
    if isinstance(raw, bool):
        return "Yes" if raw else "No"
    if isinstance(raw, dt.datetime | dt.date):
        return raw.isoformat()
    if isinstance(raw, list | dict):
        return raw
    return str(raw)


def _label(f: models.Field) -> str:
    text = str(f.verbose_name)
    return text[:1].upper() + text[1:]


def _mark(reason: str, note: str) -> dict:
    return {"reason": reason, "label": REVIEW_LABELS[reason], "note": note}


def _fields(row, shown, source: Source, ref: str, names: _Names) -> list[dict]:
    result = []
    for f in shown:
        item = {
            "name": f.name,
            "label": _label(f),
            "value": _value(row, f, names),
            "ref": f"{ref}.{f.name}",
            "review": None,
        }
        note = source.third_party.get(f.name)
        if note and item["value"] not in ("", [], {}):
            item["review"] = _mark(THIRD_PARTY, note)
        result.append(item)
    return result


_CHANGE = {"+": "Created", "~": "Changed", "-": "Deleted"}


def _versions(model, rows, shown, source: Source, names: _Names) -> dict[object, list[dict]]:
    """Every kept version of each row, oldest first (one query per kind of record)."""
    history = getattr(model, "history", None)
    if history is None:
        return {}
    by_row: dict[object, list[dict]] = defaultdict(list)
    pks = [row.pk for row in rows]
    if not pks:
        return {}
    for version in history.filter(id__in=pks).order_by("history_date", "history_id"):
        ref = f"{source.key}-{version.id}"
        by_row[version.id].append(
            {
                "number": len(by_row[version.id]) + 1,
                "at": version.history_date.isoformat(),
                "by": names.of(
                    version._meta.get_field("history_user").related_model, version.history_user_id
                )
                if version.history_user_id
                else "",
                "change": _CHANGE.get(version.history_type, version.history_type),
                "fields": _fields(version, shown, source, ref, names),
            }
        )
    return by_row


def _records(source: Source, child, names: _Names, *, police: bool) -> list[dict]:
    model = source.model()
    rows = list(model._default_manager.filter(source.of_child(child)).order_by(*source.order))
    shown = _shown_fields(model, source)
    versions = _versions(model, rows, shown, source, names)
    records = []
    for row in rows:
        ref = f"{source.key}-{row.pk}"
        record = {
            "ref": ref,
            "kind": source.title,
            "title": f"{source.title}: {row}",
            "review": _mark(THIRD_PARTY, source.whole_record) if source.whole_record else None,
            "marker": "",
            "fields": _fields(row, shown, source, ref, names),
            "versions": versions.get(row.pk, []),
        }
        if getattr(row, "police_only", False):  # a MACSE item drawn from police-only intelligence
            if police:
                record["review"] = _mark(POLICE_ONLY, "Drawn from police-only intelligence")
            else:  # its title may say what police know: only its reference
                record = _marker(ref, source.title, getattr(row, "reference", ref))
        records.append(record)
    return records


def _marker(ref: str, kind: str, reference: str) -> dict:
    return {
        "ref": ref,
        "kind": kind,
        "title": f"{kind}: {reference}",
        "review": _mark(POLICE_ONLY, "Not readable by the person who made the pack"),
        "marker": (
            f"Police-only intelligence held: reference {reference} - ask the police for a "
            "disclosure decision"
        ),
        "fields": [],
        "versions": [],
    }


# --- Intelligence --------------------------------------------------------------------------------

REPORT_THIRD_PARTY = {
    "caller_name": "The caller's own details",
    "caller_organisation": "The caller's own details",
    "children_mentioned": "Other children mentioned",
    "who_else_knows": NAMED_PEOPLE,
    "risk_to_source": "The source's safety",
    "what_happened": NAMED_PEOPLE,
    "place": "Places linked to other people",
}
REPORT_SOURCE = Source(
    "intelligence",
    "Intelligence report",
    _model("intelligence.Report"),
    lambda c: Q(pk__in=[]),
    third_party=REPORT_THIRD_PARTY,
)


def linked_reports(child):
    """The intelligence reports linked to the child: those that named an entity linked to them
    by the report, and those their referrals were started from."""
    from django.contrib.contenttypes.models import ContentType

    from intelligence.models import ChildLink, Report
    from referrals.models import Referral

    report_type = ContentType.objects.get_for_model(Report)
    linked = ChildLink.objects.filter(child=child, source_type=report_type).values_list(
        "source_id", flat=True
    )
    from_referrals = Referral.objects.filter(
        child=child, intelligence_report__isnull=False
    ).values_list("intelligence_report_id", flat=True)
    ids = {int(pk) for pk in linked} | set(from_referrals)
    return Report.objects.filter(pk__in=ids).order_by("submitted_at", "pk")


def _intelligence(child, maker, names: _Names) -> list[dict]:
    """Each report as the maker may read it (D12): in full for police-only users (marked for
    review), otherwise a marker, with the sanitised version police shared with partners if any."""
    reports = list(linked_reports(child))
    model = REPORT_SOURCE.model()
    shown = _shown_fields(model, REPORT_SOURCE)
    full = [r for r in reports if view_of(maker, r) == FULL]
    versions = _versions(model, full, shown, REPORT_SOURCE, names)
    records = []
    for report in reports:
        ref = f"intelligence-{report.pk}"
        view = view_of(maker, report)
        if view == FULL:
            records.append(
                {
                    "ref": ref,
                    "kind": REPORT_SOURCE.title,
                    "title": f"Intelligence report: {report.reference}",
                    "review": _mark(POLICE_ONLY, "Police intelligence (D12)"),
                    "marker": "",
                    "fields": _fields(report, shown, REPORT_SOURCE, ref, names),
                    "versions": versions.get(report.pk, []),
                }
            )
            continue
        record = _marker(ref, REPORT_SOURCE.title, report.reference)
        if view == SANITISED and report.sanitised:
            record["fields"] = [
                {
                    "name": "sanitised",
                    "label": "Sanitised version police shared with partners",
                    "value": report.sanitised,
                    "ref": f"{ref}.sanitised",
                    "review": _mark(THIRD_PARTY, NAMED_PEOPLE),
                }
            ]
        records.append(record)
    return records


# --- The whole pack ------------------------------------------------------------------------------


# Chronology events that summarise free text, where other people may be named.
FREE_TEXT_EVENTS = {"case_note", "incident", "macse_hearing"}


def _chronology(child, reader) -> list[dict]:
    """The child's story, newest first; each event has a reference (``chronology-<n>``) so its
    summary can be redacted like any item."""
    events = chronology.build(user=reader, child=child, case_url="")
    return [
        {
            "ref": f"chronology-{number}",
            "when": event.when.isoformat(),
            "day_only": event.day_only,
            "kind": event.kind,
            "label": event.label,
            "summary": event.summary,
            "review": _mark(THIRD_PARTY, "Summarises free text that may name other people")
            if event.kind in FREE_TEXT_EVENTS
            else None,
        }
        for number, event in enumerate(events, 1)
    ]


def review_items(data: dict) -> list[dict]:
    """Every item marked for review, in the pack's order: its reference, reason and note."""
    items = [
        {"ref": event["ref"], "title": f"Chronology: {event['label']}", **event["review"]}
        for event in data["chronology"]
        if event.get("review")
    ]
    for section in data["sections"]:
        for record in section["records"]:
            if record["review"]:
                items.append({"ref": record["ref"], "title": record["title"], **record["review"]})
            for item in record["fields"]:
                if item["review"]:
                    items.append(
                        {
                            "ref": item["ref"],
                            "title": f"{record['title']}: {item['label']}",
                            **item["review"],
                        }
                    )
    return items


def references(data: dict) -> set[str]:
    """Every item reference the pack holds (records and their fields)."""
    refs = {event["ref"] for event in data["chronology"]}
    for section in data["sections"]:
        for record in section["records"]:
            refs.add(record["ref"])
            refs.update(item["ref"] for item in record["fields"])
    return refs


def gather(*, request, maker, now: dt.datetime) -> dict:
    """The pack's content for ``request`` (a SubjectAccessRequest), as ``maker`` may have it."""
    child = request.child
    reader = pack_reader(maker)
    police = sees_police_only(maker)
    names = _Names()
    sections = [
        {
            "key": section.key,
            "title": section.title,
            "records": [
                record
                for source in section.sources
                for record in _records(source, child, names, police=police)
            ],
        }
        for section in SECTIONS
    ]
    sections.append(
        {
            "key": "intelligence",
            "title": "Intelligence linked to the child",
            "records": _intelligence(child, reader, names),
        }
    )
    data = {
        "schema_version": SCHEMA_VERSION,
        "kind": "full",
        "made_at": now.isoformat(),
        "made_by": str(maker),
        "request": {
            "reference": request.reference,
            "requester_kind": request.get_requester_kind_display(),
            "requester_name": request.requester_name,
            "received_on": request.received_on.isoformat(),
            "identity_checked": request.identity_checked,
        },
        "child": {
            "record_number": str(child.pk),
            "name": str(child),
            "date_of_birth": child.date_of_birth.isoformat(),
        },
        "chronology": _chronology(child, reader),
        "sections": sections,
        "redactions": [],
    }
    data["review_items"] = review_items(data)
    return data


# --- Redactions applied --------------------------------------------------------------------------


def redacted(data: dict, redactions: list[dict]) -> dict:
    """A copy of ``data`` with each redacted item (a record, or one field in every version of
    it) replaced by "[Redacted: reason]"; the redactions listed in it."""
    result = copy.deepcopy(data)
    wanted = {r["ref"]: f"[Redacted: {r['reason']}]" for r in redactions}
    for event in result["chronology"]:
        if event["ref"] in wanted:
            event["summary"], event["review"] = wanted[event["ref"]], None
    for section in result["sections"]:
        for record in section["records"]:
            if record["ref"] in wanted:
                text = wanted[record["ref"]]
                record.update(
                    title=f"{record['kind']}: {text}",
                    marker=text if record["marker"] else "",
                    fields=[{**item, "value": text, "review": None} for item in record["fields"]],
                    versions=[
                        {
                            **version,
                            "fields": [
                                {**item, "value": text, "review": None}
                                for item in version["fields"]
                            ],
                        }
                        for version in record["versions"]
                    ],
                    review=None,
                )
                continue
            for group in [record["fields"], *(v["fields"] for v in record["versions"])]:
                for item in group:
                    if item["ref"] in wanted:
                        item["value"], item["review"] = wanted[item["ref"]], None
    result["kind"] = "disclosure"
    result["redactions"] = redactions
    result["review_items"] = review_items(result)
    return result


def for_print(data: dict) -> dict:
    """The pack as the PDF shows it: each version with only what changed from the one before
    (the JSON keeps every version in full)."""
    result = copy.deepcopy(data)
    for section in result["sections"]:
        for record in section["records"]:
            before: dict[str, object] = {}
            for version in record["versions"]:
                now = {item["name"]: item for item in version["fields"]}
                version["changes"] = [
                    item
                    for name, item in now.items()
                    if version["number"] == 1 or before.get(name) != item["value"]
                ]
                before = {name: item["value"] for name, item in now.items()}
    return result
