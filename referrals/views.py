import uuid

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from cse_framework import access
from cse_framework.audit.models import AccessEvent
from cse_framework.audit.services import record, record_view
from cse_framework.pdf import render_pdf
from referrals import policy, rules, selectors, services
from referrals.forms import IndicatorChecklistForm, ReferralStartForm, TriageForm
from referrals.indicators import INDICATORS
from referrals.models import Child, Referral

PAGE_SIZE = 25
QUEUE_PAGE_SIZE = 25


def index(request):
    access.require_roles(request.user, policy.LANDING_ROLES)
    return render(
        request,
        "referrals/index.html",
        {"can_see_register": access.has_role(request.user, policy.REGISTER_ROLES)},
    )


def child_list(request):
    """The child register: 25 a page by name; each child shown is one audited view."""
    access.require_roles(request.user, policy.REGISTER_ROLES)
    try:
        after = uuid.UUID(request.GET["after"]) if request.GET.get("after") else None
    except ValueError:
        after = None
    page = selectors.child_register_page(user=request.user, after=after, size=PAGE_SIZE)
    record_view(request, page.rows)
    return render(request, "referrals/child_list.html", {"page": page})


def child_detail(request, pk):
    child = access.get_object_or_404(request, Child.objects.all(), pk=pk)
    record_view(request, [child])
    return render(request, "referrals/child_detail.html", {"child": child})


@require_http_methods(["GET", "POST"])
def referral_start(request):
    """CSE1, first page: the child and the concern. Saved as a draft."""
    access.require_roles(request.user, policy.LANDING_ROLES)
    form = ReferralStartForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        referral = services.referral_draft_create(by=request.user, **form.cleaned_data)
        return redirect("referrals:checklist", pk=referral.pk)
    return render(request, "referrals/referral_start.html", {"form": form})


def _own_draft(request, pk) -> Referral:
    """A draft the user may still change; anything else is a 404."""
    referral = access.get_object_or_404(request, Referral.objects.all(), pk=pk)
    if not access.check(request.user, access.CHANGE, referral):
        raise Http404
    return referral


@require_http_methods(["GET", "POST"])
def referral_checklist(request, pk):
    """CSE1, the indicator checklist (domain.md 1.3)."""
    referral = _own_draft(request, pk)
    initial = dict(referral.indicators.values_list("code", "present"))
    form = IndicatorChecklistForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.referral_checklist_record(
            referral=referral, by=request.user, answers=form.cleaned_data
        )
        return redirect("referrals:check", pk=referral.pk)
    return render(
        request, "referrals/referral_checklist.html", {"form": form, "referral": referral}
    )


@require_http_methods(["GET", "POST"])
def referral_check(request, pk):
    """Check the referral, then send it to MASH."""
    referral = _own_draft(request, pk)
    errors = []
    if request.method == "POST":
        try:
            services.referral_submit(referral=referral, by=request.user)
        except ValidationError as error:
            errors = error.messages
        else:
            return redirect("referrals:referral-detail", pk=referral.pk)
    age = referral.child_age_on(timezone.localdate())
    context = {
        "referral": referral,
        "present": referral.indicators.exclude(present="no"),
        "age_warning": rules.age_warning(age),
        "errors": errors,
    }
    return render(request, "referrals/referral_check.html", context)


def referral_detail(request, pk):
    """A referral: for its referrer, where it went and what happens next."""
    referral = access.get_object_or_404(
        request, Referral.objects.select_related("referrer_agency"), pk=pk
    )
    record_view(request, [referral])
    context = {
        "referral": referral,
        "can_triage": access.check(request.user, policy.TRIAGE, referral),
        "is_referrer": referral.referrer_id == request.user.pk,
    }
    return render(request, "referrals/referral_detail.html", context)


def _queue(request, referrals, title: str):
    # Page numbers are fine here: the queue holds only referrals awaiting triage (a partial
    # index), a number set by the day's work, not by the size of the register.
    page = Paginator(referrals, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    rows = [(referral, now - referral.received_at) for referral in page.object_list]
    context = {"rows": rows, "page": page, "title": title}
    return render(request, "referrals/triage_queue.html", context)


def triage_queue(request):
    """The MASH triage queue, in the order of D19."""
    access.require_roles(request.user, policy.REGISTER_ROLES)
    return _queue(request, selectors.triage_queue(user=request.user), "MASH triage queue")


def edt_queue(request):
    """Emergencies received out of hours by the Emergency Duty Team (D4), in the order of D19."""
    access.require_roles(request.user, policy.REGISTER_ROLES)
    referrals = selectors.triage_queue(user=request.user).filter(
        received_by=Referral.ReceivedBy.EDT
    )
    return _queue(request, referrals, "EDT queue: emergencies received out of hours")


@require_http_methods(["GET", "POST"])
def referral_triage(request, pk):
    """MASH decides on a received referral. A worker who loses the race is told who won."""
    referral = access.get_object_or_404(
        request, Referral.objects.select_related("triaged_by"), pk=pk
    )
    decided = referral.status == Referral.Status.TRIAGED
    if not (access.check(request.user, policy.TRIAGE, referral) or decided):
        raise Http404
    if decided and not access.has_role(request.user, policy.TRIAGE_ROLES):
        raise Http404
    form = TriageForm(request.POST or None, initial={"version": referral.version})
    if decided:
        form = None
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.referral_triage(
                referral=referral,
                by=request.user,
                level_of_concern=data["level_of_concern"],
                decision=data["decision"],
                rationale=data["rationale"],
                seen_version=data["version"],
            )
        except services.AlreadyTriagedError as error:
            form.add_error(None, str(error))
        else:
            return redirect("referrals:referral-detail", pk=referral.pk)
    record_view(request, [referral])
    present = referral.indicators.exclude(present="no")
    context = {"form": form, "referral": referral, "present": present, "decided": decided}
    return render(request, "referrals/referral_triage.html", context)


def referral_print(request, pk):
    """The referral as a PDF, through the access mechanism; the print is audited."""
    referral = access.get_object_or_404(
        request, Referral.objects.select_related("referrer_agency", "triaged_by"), pk=pk
    )
    record(request, AccessEvent.Action.PRINT, referral)
    labels = {code: indicator.label for code, indicator in INDICATORS.items()}
    present = [
        {"label": labels.get(answer.code, answer.code), "present": answer.get_present_display()}
        for answer in referral.indicators.exclude(present="no")
    ]
    models = [Referral.Model(code).label for code in referral.models_of_exploitation]
    context = {
        "referral": referral,
        "present": present,
        "models": models,
        "printed_by": request.user.full_name,
    }
    return render_pdf(
        "referrals/referral_print.html", context, filename=f"{referral.reference}.pdf"
    )
