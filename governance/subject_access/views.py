"""Subject access in the browser. Thin: selector, form, one service, redirect; the rules are in
governance.subject_access.services and policy."""

import csv
import io

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cse_framework import access
from cse_framework.audit.models import AccessEvent
from cse_framework.audit.services import record, record_view
from cse_framework.forms import add_service_errors
from cse_framework.pdf import pdf_response
from governance.subject_access import policy, services
from governance.subject_access.forms import (
    CompleteForm,
    FindChildForm,
    RedactionForm,
    RequestForm,
)
from governance.subject_access.models import SubjectAccessRequest
from referrals.models import Child

PAGE_SIZE = 25
CAPTION = "Subject access"


def _open_requests():
    return (
        SubjectAccessRequest.objects.filter(status=SubjectAccessRequest.Status.OPEN)
        .select_related("child", "deadline", "recorded_by")
        .order_by("deadline__due_at", "received_on", "id")
    )


@require_GET
def index(request):
    """Open requests, the soonest due first, 25 to a page (each child shown is in the log)."""
    access.require_roles(request.user, policy.ROLES)
    requests = access.scope(request.user, _open_requests())
    page = Paginator(requests, PAGE_SIZE).get_page(request.GET.get("page"))
    record_view(request, page.object_list)
    return render(request, "subject_access/index.html", {"page": page})


@require_http_methods(["GET", "POST"])
def find(request):
    """Start a request from the child's record number (for those who do not see the register)."""
    access.require_roles(request.user, policy.ROLES)
    form = FindChildForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        number = form.cleaned_data["record_number"]
        if policy.children_for_request(request.user).filter(pk=number).exists():
            return redirect("subject_access:new", child_pk=number)
        form.add_error("record_number", "No child you may start a request for has that number")
    return render(
        request,
        "govuk/simple_form.html",
        {
            "form": form,
            "title": "Find the child",
            "caption": CAPTION,
            "button": "Continue",
        },
    )


def _child_or_404(request, child_pk) -> Child:
    """The child, if ``request.user`` may start a request for them; else a 404 (logged)."""
    return access.first_or_404(request, policy.children_for_request(request.user), pk=child_pk)


@require_http_methods(["GET", "POST"])
def new(request, child_pk):
    """Record a subject-access request for the child; its one-month clock starts."""
    access.require_roles(request.user, policy.ROLES)
    child = _child_or_404(request, child_pk)
    form = RequestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            sar = services.request_record(
                child=child,
                by=request.user,
                requester_kind=data["requester_kind"],
                requester_name=data["requester_name"],
                received_on=data["received_on"],
                identity_checked=data["identity_checked"] == "yes",
                notes=data["notes"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                f"Request {sar.reference} recorded: the pack is due by "
                f"{sar.deadline.due_at:%d %B %Y}.",
            )
            return redirect(sar.get_absolute_url())
    record_view(request, [child])
    return render(
        request,
        "subject_access/new.html",
        {
            "form": form,
            "child": child,
            "title": "Record a subject-access request",
            "caption": CAPTION,
            "button": "Record the request",
        },
    )


def _request_or_404(request, pk) -> SubjectAccessRequest:
    return access.get_object_or_404(
        request,
        SubjectAccessRequest.objects.select_related(
            "child", "deadline", "recorded_by", "completed_by"
        ),
        pk=pk,
    )


@require_GET
def detail(request, pk):
    """The request: its clock, the packs, the items marked for review and the redactions."""
    sar = _request_or_404(request, pk)
    record_view(request, [sar])
    packs = list(sar.packs.defer("pdf", "data").select_related("made_by"))
    full = services.latest_full(sar)
    review = services.pack_data(full)["review_items"] if full else []
    redactions = list(sar.redactions.select_related("made_by"))
    redacted = {r.item_ref for r in redactions}
    context = {
        "sar": sar,
        "child": sar.child,
        "packs": packs,
        "downloadable": {p.pk for p in packs if policy.may_download(request.user, p)},
        "full": full,
        "review": [{**item, "redacted": item["ref"] in redacted} for item in review],
        "redactions": redactions,
        "may_work": access.check(request.user, policy.WORK, sar),
    }
    return render(request, "subject_access/detail.html", context)


def _workable_or_404(request, pk) -> SubjectAccessRequest:
    sar = _request_or_404(request, pk)
    if not access.check(request.user, policy.WORK, sar):
        raise Http404
    return sar


@require_POST
def pack_make(request, pk):
    sar = _workable_or_404(request, pk)
    try:
        pack = services.pack_make(sar=sar, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            f"Pack {pack.number} made: {pack.review_items} items are marked for review.",
        )
    return redirect(sar.get_absolute_url())


@require_POST
def disclosure_make(request, pk):
    sar = _workable_or_404(request, pk)
    try:
        pack = services.disclosure_make(sar=sar, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, f"Disclosure version made as pack {pack.number}, with the redactions applied."
        )
    return redirect(sar.get_absolute_url())


FORMATS = {"pdf": "application/pdf", "json": "application/json"}


@require_GET
def download(request, pk, number, fmt):
    """A kept pack, the same file every time; each download is in the access log."""
    sar = _request_or_404(request, pk)
    pack = sar.packs.filter(number=number).first()
    if pack is None or fmt not in FORMATS:
        raise Http404
    if not policy.may_download(request.user, pack):
        access.deny(request, pack)
    record(request, AccessEvent.Action.EXPORT, pack, justification=f"Download {fmt}")
    if fmt == "pdf":
        return pdf_response(bytes(pack.pdf), filename=f"{pack.filename_stem}.pdf")
    response = HttpResponse(bytes(pack.data), content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{pack.filename_stem}.json"'
    return response


@require_GET
def redaction_log(request, pk):
    """The redactions recorded, as CSV (in the access log as an export)."""
    sar = _request_or_404(request, pk)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["request", "item reference", "reason", "note", "made by", "made at"])
    for r in sar.redactions.select_related("made_by"):
        writer.writerow(
            [sar.reference, r.item_ref, r.get_reason_display(), r.note, r.made_by, r.made_at]
        )
    record(request, AccessEvent.Action.EXPORT, sar, justification="Redaction log")
    response = HttpResponse(out.getvalue(), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="{sar.reference}-redactions.csv"'
    return response


@require_http_methods(["GET", "POST"])
def redaction_new(request, pk):
    sar = _workable_or_404(request, pk)
    form = RedactionForm(
        request.POST if request.method == "POST" else None,
        initial={"item_ref": request.GET.get("item", "")[:120]},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.redaction_record(sar=sar, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Redaction of {form.cleaned_data['item_ref']} recorded.")
            return redirect(sar.get_absolute_url())
    record_view(request, [sar])
    return render(
        request,
        "govuk/simple_form.html",
        {
            "form": form,
            "title": "Record a redaction",
            "caption": sar.reference,
            "button": "Record the redaction",
        },
    )


@require_http_methods(["GET", "POST"])
def complete(request, pk):
    """The pack was sent: completing the request meets its clock and logs the disclosure."""
    sar = _workable_or_404(request, pk)
    form = CompleteForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.request_complete(sar=sar, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Request {sar.reference} completed: the pack was sent.")
            return redirect(reverse("subject_access:index"))
    record_view(request, [sar])
    return render(
        request,
        "govuk/simple_form.html",
        {
            "form": form,
            "title": "Record the pack as sent",
            "caption": sar.reference,
            "button": "Complete the request",
        },
    )
