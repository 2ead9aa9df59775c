"""MASH's pages: the triage queue, the EDT queue, and a referral's triage (who the child is,
their history, the decision, its authorisation, and the placing-authority contact)."""

import uuid

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from cse_framework import access
from cse_framework.audit.models import AccessEvent
from cse_framework.audit.services import record, record_view
from cse_framework.forms import add_service_errors
from cse_framework.timescales.clocks import Kind
from referrals import policy, selectors, triage
from referrals.forms import (
    AuthorisationSettingForm,
    AuthoriseForm,
    ChildSearchForm,
    ConfirmChildForm,
    PlacingAuthorityContactForm,
    QueueFilterForm,
    TriageForm,
)
from referrals.models import Child, Marf, Referral
from referrals.views import _present_indicators
from shield.event_selectors import current_flags

QUEUE_PAGE_SIZE = 25


def _queue(request, *, title: str, received_by: str = ""):
    # Page numbers are fine here: the queue holds referrals waiting for MASH (a partial index),
    # a number set by the day's work, not by the size of the register.
    filters = QueueFilterForm(request.GET or None)
    status = ""
    if filters.is_valid():
        status = filters.cleaned_data["status"]
        received_by = received_by or filters.cleaned_data["team"]
    referrals = selectors.triage_queue(user=request.user, status=status, received_by=received_by)
    page = Paginator(referrals, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    clocks = selectors.open_clocks(page.object_list, Kind.STRATEGY_DISCUSSION)
    now = timezone.now()
    rows = [
        (referral, clocks.get(str(referral.pk)), now - referral.received_at)
        for referral in page.object_list
    ]
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "rows": rows,
        "page": page,
        "title": title,
        "filters": filters,
        "query": query.urlencode(),
        "now": now,
    }
    return render(request, "referrals/triage_queue.html", context)


def triage_queue(request):
    """The MASH triage queue, in the order of D19, with each 24-hour clock's time left."""
    access.require_roles(request.user, policy.REGISTER_ROLES)
    return _queue(request, title="MASH triage queue")


def edt_queue(request):
    """Emergencies received out of hours by the Emergency Duty Team (D4), in the order of D19."""
    access.require_roles(request.user, policy.REGISTER_ROLES)
    return _queue(
        request,
        title="EDT queue: emergencies received out of hours",
        received_by=Referral.ReceivedBy.EDT,
    )


def _referral(request, pk) -> Referral:
    referral = access.get_object_or_404(
        request,
        Referral.objects.select_related(
            "referrer_agency",
            "triaged_by",
            "authorised_by",
            "child_confirmed_by",
            "child",
            "child__allocated_social_worker",
        ),
        pk=pk,
    )
    if not access.has_role(request.user, policy.REGISTER_ROLES):
        raise Http404
    return referral


def _page(request, referral: Referral, *, status: int = 200, **forms):
    """The triage page, with whichever of its forms was just posted."""
    user = request.user
    can_confirm = access.check(user, policy.CONFIRM_CHILD, referral)
    search_results = forms.pop("search_results", [])
    matches = list(selectors.possible_matches(referral)) if can_confirm else []
    candidates = [m.child for m in matches] + [
        r.child for r in search_results if r.child.pk not in {m.child.pk for m in matches}
    ]
    if can_confirm:
        forms.setdefault(
            "confirm_form",
            ConfirmChildForm(children=candidates, initial={"version": referral.version}),
        )
        forms.setdefault("search_form", ChildSearchForm())
    if access.check(user, policy.TRIAGE, referral) and referral.child_id:
        forms.setdefault("form", TriageForm(initial={"version": referral.version}))
    if access.check(user, policy.AUTHORISE, referral):
        forms.setdefault("authorise_form", AuthoriseForm(initial={"version": referral.version}))
    history = (
        list(selectors.child_history(referral.child, excluding=referral))
        if (referral.child_id)
        else []
    )
    record_view(request, [referral] + ([referral.child] if referral.child_id else []))
    context = {
        "referral": referral,
        "present": _present_indicators(referral),
        "marf": Marf.objects.filter(referral=referral).prefetch_related("people").first(),
        "matches": matches,
        "search_results": search_results,
        "history": history,
        "flags": current_flags(referral.child_id),
        "deadlines": list(selectors.referral_deadlines(referral)),
        "can_record_placing_contact": access.check(user, policy.PLACING_AUTHORITY, referral),
        "contacts": list(referral.placing_authority_contacts.select_related("recorded_by")),
        "now": timezone.now(),
        **forms,
    }
    return render(request, "referrals/referral_triage.html", context, status=status)


@require_http_methods(["GET", "POST"])
def referral_triage(request, pk):
    """MASH decides on a received referral. A worker who loses the race is told who won."""
    referral = _referral(request, pk)
    if request.method == "GET":
        return _page(request, referral)
    if not access.check(request.user, policy.TRIAGE, referral):
        if referral.decided:
            form = TriageForm(request.POST)
            form.is_valid()
            form.add_error(None, str(triage.AlreadyTriagedError(referral)))
            return _page(request, referral, form=form, status=409)
        raise Http404
    form = TriageForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            triage.referral_triage(
                referral=referral,
                by=request.user,
                level_of_concern=data["level_of_concern"],
                decision=data["decision"],
                rationale=data["rationale"],
                seen_version=data["version"],
            )
        except triage.AlreadyTriagedError as error:
            form.add_error(None, str(error))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("referrals:referral-detail", pk=referral.pk)
    return _page(request, referral, form=form)


@require_POST
def child_search(request, pk):
    """Search the register for the child (POSTed: no name is ever in a URL)."""
    referral = _referral(request, pk)
    if not access.check(request.user, policy.CONFIRM_CHILD, referral):
        raise Http404
    form = ChildSearchForm(request.POST)
    results = []
    if form.is_valid():
        results = selectors.child_search(user=request.user, description=form.description())
        record_view(request, [result.child for result in results])
    return _page(request, referral, search_form=form, search_results=results, searched=True)


@require_POST
def confirm_child(request, pk):
    """MASH confirms which child on the register this is, or adds a new one."""
    referral = _referral(request, pk)
    if not access.check(request.user, policy.CONFIRM_CHILD, referral):
        raise Http404
    # The choices are the stored matches, plus the child chosen from a search (if it is one
    # this user may see), so a form sent back with an error still offers every match.
    children = [match.child for match in selectors.possible_matches(referral)]
    chosen = request.POST.get("child", "")
    if _is_uuid(chosen) and chosen not in {str(child.pk) for child in children}:
        children += list(
            access.scope(request.user, Child.objects.filter(merged_into__isnull=True)).filter(
                pk=chosen
            )
        )
    form = ConfirmChildForm(request.POST, children=children)
    if form.is_valid():
        try:
            triage.referral_confirm_child(
                referral=referral,
                by=request.user,
                child=form.chosen_child(),
                seen_version=form.cleaned_data["version"],
            )
        except (triage.AlreadyTriagedError, ValidationError) as error:
            form.add_error(None, getattr(error, "messages", [str(error)]))
        else:
            return redirect("referrals:triage", pk=referral.pk)
    return _page(request, referral, confirm_form=form)


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


@require_POST
def authorise(request, pk):
    """A MASH team manager authorises a decision, or returns it with a reason."""
    referral = _referral(request, pk)
    if not access.check(request.user, policy.AUTHORISE, referral):
        raise Http404
    form = AuthoriseForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            if data["outcome"] == "authorise":
                triage.referral_authorise(
                    referral=referral, by=request.user, seen_version=data["version"]
                )
            else:
                triage.referral_return(
                    referral=referral,
                    by=request.user,
                    reason=data["reason"],
                    seen_version=data["version"],
                )
        except triage.AlreadyTriagedError as error:
            form.add_error(None, str(error))
        else:
            return redirect("referrals:referral-detail", pk=referral.pk)
    return _page(request, referral, authorise_form=form)


@require_http_methods(["GET", "POST"])
def placing_authority_contact(request, pk):
    """D18: record the contact with the placing authority and the team managers' consultation."""
    referral = _referral(request, pk)
    if not access.check(request.user, policy.PLACING_AUTHORITY, referral):
        raise Http404
    form = PlacingAuthorityContactForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            triage.placing_authority_contact_record(
                referral=referral, by=request.user, **form.service_fields()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("referrals:triage", pk=referral.pk)
    record_view(request, [referral])
    context = {
        "form": form,
        "referral": referral,
        "title": "Contact with the placing authority",
        "caption": f"Referral {referral.reference}",
    }
    return render(request, "referrals/placing_authority_contact.html", context)


@require_http_methods(["GET", "POST"])
def authorisation_setting(request):
    """A MASH team manager decides whether their team's decisions need authorisation."""
    access.require_roles(request.user, policy.AUTHORISATION_SETTING_ROLES)
    team = request.user.team
    if team is None:
        raise Http404
    form = AuthorisationSettingForm(
        request.POST if request.method == "POST" else None,
        initial={
            "decisions_need_authorisation": "yes" if team.decisions_need_authorisation else "no"
        },
    )
    if request.method == "POST" and form.is_valid():
        triage.team_set_decision_authorisation(
            team=team, by=request.user, required=form.cleaned_data["decisions_need_authorisation"]
        )
        record(request, AccessEvent.Action.CHANGE, team)
        return redirect("referrals:index")
    context = {
        "form": form,
        "team": team,
        "title": "Authorising triage decisions",
        "caption": team.name,
    }
    return render(request, "referrals/authorisation_setting.html", context)
