"""The CSE1 and MARF in the browser: start, finish later, check and send, and what the referrer
sees afterwards; the referral's print. Thin: the rules are in services and policy."""

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from cse_framework import access
from cse_framework.audit.models import AccessEvent
from cse_framework.audit.services import record, record_view
from cse_framework.forms import add_service_errors
from cse_framework.pdf import render_pdf
from intelligence import referral_links, source_links
from referrals import policy, rules, services
from referrals.forms import (
    PERSON_FIELDS,
    IndicatorChecklistForm,
    MarfForm,
    PeopleFormSet,
    ReferralForm,
    TakenReferralForm,
)
from referrals.indicators import INDICATORS
from referrals.models import Marf, MarfPerson, Referral
from referrals.policy import TRIAGE_ROLES
from shield.event_selectors import current_flags


def index(request):
    access.require_roles(request.user, policy.LANDING_ROLES)
    user = request.user
    context = {
        "can_see_register": access.has_role(user, policy.REGISTER_ROLES),
        "can_take_referral": access.has_role(user, policy.TAKE_REFERRAL_ROLES),
        "can_set_authorisation": access.has_role(user, policy.AUTHORISATION_SETTING_ROLES),
        "drafts": access.scope(user, Referral.objects.filter(status=Referral.Status.DRAFT))
        .filter(Q(referrer=user) | Q(taken_by=user))
        .order_by("-created_at")[:20],
    }
    return render(request, "referrals/index.html", context)


def _referral_form_class(request):
    if request.GET.get("on_behalf") or request.POST.get("received_via"):
        access.require_roles(request.user, policy.TAKE_REFERRAL_ROLES)
        return TakenReferralForm
    return ReferralForm


@require_http_methods(["GET", "POST"])
def referral_start(request):
    """CSE1: the referrer, the child and the concern, saved as a draft. A MASH or EDT worker
    taking a referral by phone or e-mail uses the same form with the referrer's details."""
    access.require_roles(request.user, policy.LANDING_ROLES)
    form_class = _referral_form_class(request)
    user = request.user
    report = _intelligence_report(request)
    initial = referral_links.referral_initial(report) if report else {}
    if form_class is ReferralForm:
        initial |= {
            "referrer_name": user.full_name,
            "referrer_job_title": user.job_title,
            "referrer_phone": user.phone,
            "referrer_email": user.email,
        }
    form = form_class(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        fields = dict(form.cleaned_data)
        if report is not None:
            fields["intelligence_report"] = report
        extra = {}
        if form_class is TakenReferralForm:
            extra = {
                "on_behalf_agency": fields.pop("referrer_agency"),
                "received_via": fields.pop("received_via"),
            }
        try:
            referral = services.referral_draft_create(by=user, **fields, **extra)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("referrals:checklist", pk=referral.pk)
    context = {"form": form, "taken": form_class is TakenReferralForm, "intelligence": report}
    return render(request, "referrals/referral_start.html", context)


def _intelligence_report(request):
    """The intelligence a referral is started from (``?intelligence=<id>``, from the intelligence
    form's confirmation): the user's own report, or any for police-only users; else a 404."""
    pk = request.GET.get("intelligence")
    if pk is None:
        return None
    report = referral_links.report_for_referral(request.user, pk) if pk.isdigit() else None
    if report is None:
        raise Http404
    return report


def _own_draft(request, pk) -> Referral:
    """A draft the user may still change; anything else is a 404."""
    referral = access.get_object_or_404(request, Referral.objects.all(), pk=pk)
    if not access.check(request.user, access.CHANGE, referral):
        raise Http404
    return referral


@require_http_methods(["GET", "POST"])
def referral_edit(request, pk):
    """Change the first page of a draft."""
    referral = _own_draft(request, pk)
    form = ReferralForm(
        request.POST if request.method == "POST" else None,
        initial=ReferralForm.initial_for(referral),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.referral_draft_update(referral=referral, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("referrals:check", pk=referral.pk)
    context = {"form": form, "referral": referral, "taken": False}
    return render(request, "referrals/referral_start.html", context)


@require_http_methods(["GET", "POST"])
def referral_checklist(request, pk):
    """CSE1, the indicator checklist (domain.md 1.3)."""
    referral = _own_draft(request, pk)
    form = IndicatorChecklistForm(
        request.POST if request.method == "POST" else None,
        initial=IndicatorChecklistForm.initial_for(referral),
    )
    if request.method == "POST" and form.is_valid():
        services.referral_checklist_record(
            referral=referral, by=request.user, answers=form.answers()
        )
        return redirect("referrals:marf" if referral.needs_marf else "referrals:check", pk=pk)
    return render(
        request, "referrals/referral_checklist.html", {"form": form, "referral": referral}
    )


# Each kind of person on the MARF, with the blank rows offered after those already saved.
PEOPLE = {
    "parents": (MarfPerson.Kind.PARENT_CARER, 2),
    "household": (MarfPerson.Kind.HOUSEHOLD_CHILD, 3),
}


def _people_formsets(data, marf: Marf | None) -> dict:
    formsets = {}
    for prefix, (kind, blank_rows) in PEOPLE.items():
        if data is not None:
            formsets[prefix] = PeopleFormSet(data, prefix=prefix)
            continue
        saved = list(marf.people.filter(kind=kind).values(*PERSON_FIELDS)) if marf else []
        formsets[prefix] = PeopleFormSet(prefix=prefix, initial=saved + [{}] * blank_rows)
    return formsets


@require_http_methods(["GET", "POST"])
def referral_marf(request, pk):
    """The MARF that goes with the CSE1 for a child not known to children's social care, or
    placed here by another authority (pathway 1a)."""
    referral = _own_draft(request, pk)
    marf = Marf.objects.filter(referral=referral).first()
    form = MarfForm(request.POST if request.method == "POST" else None, instance=marf)
    formsets = _people_formsets(request.POST if request.method == "POST" else None, marf)
    if (
        request.method == "POST"
        and form.is_valid()
        and all(formset.is_valid() for formset in formsets.values())
    ):
        people = [
            row
            for prefix, (kind, _) in PEOPLE.items()
            for row in formsets[prefix].person_rows(kind)
        ]
        fields = {name: form.cleaned_data[name] for name in MarfForm.Meta.fields}
        try:
            services.marf_save(referral=referral, by=request.user, people=people, **fields)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("referrals:check", pk=pk)
    context = {"form": form, "referral": referral, "formsets": formsets}
    return render(request, "referrals/referral_marf.html", context)


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
        "present": _present_indicators(referral),
        "marf": Marf.objects.filter(referral=referral).first(),
        "age_warning": rules.age_warning(age),
        "errors": errors,
    }
    return render(request, "referrals/referral_check.html", context)


def _present_indicators(referral: Referral) -> list[dict]:
    return [
        {
            "label": INDICATORS[answer.code].label if answer.code in INDICATORS else answer.code,
            "present": answer.get_present_display(),
            "basis": answer.get_basis_display(),
            "note": answer.note,
        }
        for answer in referral.indicators.exclude(present="no").order_by("code")
    ]


def referral_detail(request, pk):
    """A referral. For MASH: its summary and the way to triage it. For its referrer: where it
    went, what happens next, and MASH's decision once made; never the rest of the child's
    record."""
    referral = access.get_object_or_404(
        request, Referral.objects.select_related("referrer_agency", "triaged_by"), pk=pk
    )
    record_view(request, [referral])
    user = request.user
    is_mash = access.has_role(user, policy.REGISTER_ROLES) or referral.routed_to_id == user.pk
    context = {
        "referral": referral,
        "can_triage": access.check(user, policy.CONFIRM_CHILD, referral),
        "is_mash": is_mash,
        # The child's current flags, for MASH: a referrer never sees the child's record.
        "flags": current_flags(referral.child_id) if is_mash else [],
        "is_own_draft": access.check(user, access.CHANGE, referral),
        "can_record_discussion": referral.decision == Referral.Decision.STRATEGY_DISCUSSION
        and access.has_role(user, TRIAGE_ROLES),
        # What the CSE1 names, recorded as people, places, vehicles and handles (MASH).
        "source_links": source_links.page_link(user, referral) if is_mash else None,
    }
    return render(request, "referrals/referral_detail.html", context)


def referral_print(request, pk):
    """The referral as a PDF, through the access mechanism; the print is audited."""
    referral = access.get_object_or_404(
        request, Referral.objects.select_related("referrer_agency", "triaged_by"), pk=pk
    )
    record(request, AccessEvent.Action.PRINT, referral)
    models = [Referral.Model(code).label for code in referral.models_of_exploitation]
    context = {
        "referral": referral,
        "present": _present_indicators(referral),
        "marf": Marf.objects.filter(referral=referral).prefetch_related("people").first(),
        "models": models,
        "printed_by": request.user.full_name,
        "is_mash": access.has_role(request.user, policy.REGISTER_ROLES),
    }
    return render_pdf(
        "referrals/referral_print.html", context, filename=f"{referral.reference}.pdf"
    )
