"""Every write of subject access (UK GDPR Art 15; issue 10, item 4): a request with its
one-month clock, the packs, the redactions and the pack sent."""

import datetime as dt
import json

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.utils import timezone

from cse_framework.audit.models import AccessEvent
from cse_framework.audit.services import record_by
from cse_framework.pdf import pdf_from_html
from cse_framework.timescales.clocks import Kind, clock
from cse_framework.timescales.services import deadline_meet, deadline_open
from cse_framework.timescales.working_time import LONDON
from governance.subject_access import gather, policy
from governance.subject_access.models import Redaction, SubjectAccessPack, SubjectAccessRequest

# The clock counts from the close of the day the request was received: one calendar month on,
# at the same time (UK GDPR Art 12(3); 31 January => 28 or 29 February).
DAY_CLOSES = dt.time(17, 0)
NOT_OPEN = "This request has been completed: nothing more can be recorded on it"


def _require(by) -> None:
    if not by.has_role(*policy.ROLES):
        raise ValidationError("You may not work on subject-access requests")


def clock_start(received_on: dt.date) -> dt.datetime:
    return dt.datetime.combine(received_on, DAY_CLOSES, tzinfo=LONDON)


def due_on(received_on: dt.date) -> dt.datetime:
    """When a request received on ``received_on`` must be answered."""
    return clock(Kind.SUBJECT_ACCESS).due_at(clock_start(received_on))


@transaction.atomic
def request_record(
    *,
    child,
    by,
    requester_kind: str,
    requester_name: str,
    received_on: dt.date,
    identity_checked: bool,
    notes: str = "",
    now: dt.datetime | None = None,
) -> SubjectAccessRequest:
    """Record a subject-access request; its one-month clock starts from the day received, owned
    by whoever recorded it (UK GDPR Art 12(3))."""
    _require(by)
    now = now or timezone.now()
    if child.merged_into_id is not None:
        raise ValidationError("This record was merged into another: record the request there")
    if received_on > now.astimezone(LONDON).date():
        raise ValidationError({"received_on": "The date received must be today or in the past"})
    sar = SubjectAccessRequest(
        child=child,
        requester_kind=requester_kind,
        requester_name=requester_name.strip(),
        received_on=received_on,
        identity_checked=identity_checked,
        notes=notes,
        recorded_by=by,
        recorded_at=now,
    )
    sar.full_clean()
    sar.save()
    sar.deadline = deadline_open(
        kind=Kind.SUBJECT_ACCESS,
        started_by=sar,
        starts_at=clock_start(received_on),
        child=child,
        owner=by,
        owning_team=by.team,
    )
    sar.save(update_fields=["deadline"])
    record_by(user=by, action=AccessEvent.Action.CREATE, obj=sar)
    return sar


def _locked_open(sar: SubjectAccessRequest) -> SubjectAccessRequest:
    current = SubjectAccessRequest.objects.select_for_update().get(pk=sar.pk)
    if not current.is_open:
        raise ValidationError(NOT_OPEN)
    return current


def _next_number(sar: SubjectAccessRequest) -> int:
    return (sar.packs.aggregate(top=Max("number"))["top"] or 0) + 1


def _render(data: dict) -> tuple[bytes, int]:
    html = render_to_string("subject_access/pack_pdf.html", {"pack": gather.for_print(data)})
    pdf = pdf_from_html(html)
    return pdf.content, pdf.pages


def _has_police_only(data: dict) -> bool:
    """Whether any police-only content is held in full (not only as a marker, nor redacted)."""
    for section in data["sections"]:
        for record in section["records"]:
            review = record.get("review") or {}
            if review.get("reason") == gather.POLICE_ONLY and not record["marker"]:
                return True
    return False


def _save_pack(sar, *, by, kind: str, data: dict, now: dt.datetime) -> SubjectAccessPack:
    number = _next_number(sar)
    data = {**data, "pack_number": number}
    content, pages = _render(data)
    pack = SubjectAccessPack(
        request=sar,
        number=number,
        kind=kind,
        made_by=by,
        made_at=now,
        pdf=content,
        data=json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False).encode(),
        pages=pages,
        review_items=len(data["review_items"]),
        police_only_content=_has_police_only(data),
    )
    pack.full_clean()
    pack.save()
    record_by(
        user=by,
        action=AccessEvent.Action.EXPORT,
        obj=pack,
        justification=f"Subject-access pack {number} ({pack.get_kind_display()})",
    )
    return pack


@transaction.atomic
def pack_make(*, sar: SubjectAccessRequest, by, now: dt.datetime | None = None):
    """Gather everything held about the child into a new version of the pack (PDF and JSON),
    with third-party and police-only items marked for redaction review."""
    _require(by)
    now = now or timezone.now()
    current = _locked_open(sar)
    data = gather.gather(request=current, maker=by, now=now)
    return _save_pack(current, by=by, kind=SubjectAccessPack.Kind.FULL, data=data, now=now)


def latest_full(sar: SubjectAccessRequest) -> SubjectAccessPack | None:
    """The newest full pack (its JSON only: the PDF is not read)."""
    return (
        sar.packs.filter(kind=SubjectAccessPack.Kind.FULL).defer("pdf").order_by("-number").first()
    )


def pack_data(pack: SubjectAccessPack) -> dict:
    return json.loads(bytes(pack.data).decode())


def _redaction_rows(sar) -> list[dict]:
    return [
        {
            "ref": r.item_ref,
            "reason": r.get_reason_display(),
            "note": r.note,
            "by": str(r.made_by),
            "at": r.made_at.isoformat(),
        }
        for r in sar.redactions.select_related("made_by").order_by("made_at", "id")
    ]


@transaction.atomic
def disclosure_make(*, sar: SubjectAccessRequest, by, now: dt.datetime | None = None):
    """The disclosure version: the latest full pack with every recorded redaction applied
    ("[Redacted: reason]"), kept as a new version."""
    _require(by)
    now = now or timezone.now()
    current = _locked_open(sar)
    full = latest_full(current)
    if full is None:
        raise ValidationError("Make the pack first")
    data = gather.redacted(pack_data(full), _redaction_rows(current))
    data.update(made_at=now.isoformat(), made_by=str(by), from_pack=full.number)
    return _save_pack(current, by=by, kind=SubjectAccessPack.Kind.DISCLOSURE, data=data, now=now)


@transaction.atomic
def redaction_record(
    *,
    sar: SubjectAccessRequest,
    by,
    item_ref: str,
    reason: str,
    note: str = "",
    now: dt.datetime | None = None,
) -> Redaction:
    """Record one redaction made to the pack: the item (its reference in the latest full pack),
    the reason (UK GDPR Art 15(4); DPA 2018 Sch 2-4), who and when."""
    _require(by)
    now = now or timezone.now()
    current = _locked_open(sar)
    full = latest_full(current)
    if full is None:
        raise ValidationError("Make the pack first: a redaction names an item in it")
    item_ref = item_ref.strip()
    if item_ref not in gather.references(pack_data(full)):
        raise ValidationError(
            {"item_ref": f"There is no item {item_ref} in pack {full.number}: copy its reference"}
        )
    if current.redactions.filter(item_ref=item_ref).exists():
        raise ValidationError({"item_ref": f"Item {item_ref} is already recorded as redacted"})
    if reason == Redaction.Reason.OTHER and not note.strip():
        raise ValidationError({"note": "Say why the item is redacted"})
    redaction = Redaction(
        request=current, item_ref=item_ref, reason=reason, note=note, made_by=by, made_at=now
    )
    redaction.full_clean()
    redaction.save()
    return redaction


@transaction.atomic
def request_complete(
    *,
    sar: SubjectAccessRequest,
    by,
    sent_to: str,
    sent_how: str,
    now: dt.datetime | None = None,
) -> SubjectAccessRequest:
    """The pack was sent: the request is complete, its clock met, and the disclosure is in the
    access log with its recipient."""
    _require(by)
    now = now or timezone.now()
    current = _locked_open(sar)
    if not current.packs.exists():
        raise ValidationError("Make the pack before recording it as sent")
    if not sent_to.strip():
        raise ValidationError({"sent_to": "Enter who the pack was sent to"})
    current.status = SubjectAccessRequest.Status.COMPLETED
    current.sent_to, current.sent_how = sent_to.strip(), sent_how.strip()
    current.completed_by, current.completed_at = by, now
    current.version += 1
    current.full_clean()
    current.save()
    deadline_meet(kind=Kind.SUBJECT_ACCESS, started_by=current, met_by=current, at=now)
    record_by(
        user=by,
        action=AccessEvent.Action.DISCLOSE,
        obj=current,
        recipient=current.sent_to[:200],
        justification=f"Subject-access pack sent ({current.reference})",
    )
    return current
