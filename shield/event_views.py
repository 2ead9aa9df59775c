"""A child's Shield events in the browser: incidents (each starting its new CSE1), missing
episodes with their return home interviews, and flags. Thin: selector, form, one service,
redirect; the rules are in shield.event_services."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from cse_framework import access
from cse_framework.audit.models import AccessEvent
from cse_framework.audit.services import record, record_view
from cse_framework.forms import add_service_errors
from shield import event_selectors as selectors
from shield import event_services as services
from shield.event_forms import FlagForm, FlagRemoveForm, IncidentForm, MissingEpisodeForm
from shield.models import Flag, Incident, MissingEpisode
from shield.policy import ASSESS
from shield.services import StaleError

STALE = "Someone else changed this record while you were editing it. Check it and try again."


def _events_url(child_id) -> str:
    return reverse("shield:events", kwargs={"child_pk": child_id})


def child_events(request, child_pk):
    """The child's incidents, missing episodes (with the 3-month counts the CSE2 reads) and
    flags, current and removed."""
    child = selectors.shield_child_or_404(request, child_pk)
    record_view(request, [child])
    user = request.user
    context = {
        "child": child,
        **selectors.child_events(child, timezone.now()),
        "can_record": services.may_record(user),
        "flag_kinds": services.flag_kinds_for(user),
    }
    context["removable"] = {
        flag.pk for flag in context["current_flags"] if services.may_raise(user, flag.kind)
    }
    return render(request, "shield/incidents_missing_flags.html", context)


@require_http_methods(["GET", "POST"])
def incident_new(request, child_pk):
    """Record a new incident; the new CSE1 it needs is then completed through the usual
    pathway (D17)."""
    child = selectors.shield_child_or_404(request, child_pk)
    if not services.may_record(request.user):
        raise Http404
    form = IncidentForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            incident = services.incident_record(
                child=child,
                by=request.user,
                occurred_at=form.occurred(),
                description=data["description"],
                consent=data["consent"],
                consent_override_reason=data["consent_override_reason"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            record(request, AccessEvent.Action.CREATE, incident)
            record(request, AccessEvent.Action.CREATE, incident.referral)
            messages.success(
                request,
                f"Incident {incident.reference} recorded: a CSE2 review is due in 5 working "
                f"days. Now complete the new CSE1, {incident.referral.reference}, and send it.",
            )
            return redirect("referrals:edit", pk=incident.referral_id)
    record_view(request, [child])
    context = {
        "form": form,
        "child": child,
        "title": "Record a new incident",
        "caption": child,
        "button": "Record the incident and start the CSE1",
    }
    return render(request, "shield/incident_form.html", context)


def incident_detail(request, pk):
    incident = access.get_object_or_404(
        request, Incident.objects.select_related("child", "referral", "recorded_by"), pk=pk
    )
    record_view(request, [incident])
    referral = incident.referral
    context = {
        "incident": incident,
        "clock": selectors.incident_clock(incident),
        "can_see_referral": referral is not None
        and access.check(request.user, access.VIEW, referral),
        "can_edit_referral": referral is not None
        and access.check(request.user, access.CHANGE, referral),
        "now": timezone.now(),
    }
    return render(request, "shield/incident_detail.html", context)


@require_http_methods(["GET", "POST"])
def missing_new(request, child_pk):
    child = selectors.shield_child_or_404(request, child_pk)
    if not services.may_record(request.user):
        raise Http404
    form = MissingEpisodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            episode = services.missing_episode_record(
                child=child, by=request.user, **form.service_fields()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            record(request, AccessEvent.Action.CREATE, episode)
            messages.success(request, "Missing episode recorded.")
            return redirect(_events_url(child.pk))
    record_view(request, [child])
    context = {
        "form": form,
        "child": child,
        "title": "Record a missing episode",
        "caption": child,
        "button": "Record the episode",
    }
    return render(request, "shield/missing_form.html", context)


@require_http_methods(["GET", "POST"])
def missing_edit(request, pk):
    """Add the return and the return home interview (done, by whom, when)."""
    episode = access.get_object_or_404(
        request, MissingEpisode.objects.select_related("child"), pk=pk
    )
    if not access.check(request.user, ASSESS, episode):
        raise Http404
    form = MissingEpisodeForm(
        request.POST if request.method == "POST" else None,
        initial=MissingEpisodeForm.initial_for(episode),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.missing_episode_update(
                episode=episode,
                by=request.user,
                expected_version=form.cleaned_data["version"] or 0,
                **form.service_fields(),
            )
        except StaleError:
            form.add_error(None, STALE)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            record(request, AccessEvent.Action.CHANGE, episode)
            messages.success(request, "Missing episode updated.")
            return redirect(_events_url(episode.child_id))
    record_view(request, [episode])
    context = {
        "form": form,
        "child": episode.child,
        "title": "Return and return home interview",
        "caption": episode.child,
        "button": "Save the episode",
    }
    return render(request, "shield/missing_form.html", context)


@require_http_methods(["GET", "POST"])
def flag_new(request, child_pk):
    """Raise a flag (or replace the current one of the same kind and agency)."""
    child = selectors.shield_child_or_404(request, child_pk)
    kinds = services.flag_kinds_for(request.user)
    if not kinds:
        raise Http404
    form = FlagForm(
        request.POST if request.method == "POST" else None,
        kinds=kinds,
        initial={"agency": request.user.agency_id, "decided_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            flag = services.flag_raise(child=child, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            record(request, AccessEvent.Action.CREATE, flag)
            messages.success(request, f"{flag.get_kind_display()} recorded.")
            return redirect(_events_url(child.pk))
    record_view(request, [child])
    context = {
        "form": form,
        "child": child,
        "title": "Record a flag",
        "caption": child,
        "button": "Record the flag",
    }
    return render(request, "shield/flag_form.html", context)


@require_http_methods(["GET", "POST"])
def flag_remove(request, pk):
    """Remove a flag: a recorded decision with its reason; the flag is kept."""
    flag = access.get_object_or_404(
        request, Flag.objects.select_related("child", "agency", "decided_by"), pk=pk
    )
    if not (flag.current and services.may_raise(request.user, flag.kind)):
        raise Http404
    form = FlagRemoveForm(
        request.POST if request.method == "POST" else None,
        initial={"version": flag.version, "removed_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.flag_remove(
                flag=flag,
                by=request.user,
                reason=form.cleaned_data["reason"],
                removed_on=form.cleaned_data["removed_on"],
                expected_version=form.cleaned_data["version"],
            )
        except StaleError:
            form.add_error(None, STALE)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            record(request, AccessEvent.Action.CHANGE, flag)
            messages.success(request, f"{flag.get_kind_display()} removed.")
            return redirect(_events_url(flag.child_id))
    record_view(request, [flag])
    context = {
        "form": form,
        "flag": flag,
        "child": flag.child,
        "title": "Remove a flag",
        "caption": flag.child,
        "button": "Remove the flag",
    }
    return render(request, "shield/flag_remove.html", context)
