"""MACSE plan pages: a child's plan under Support, Prevent, Protect and Pursue (D10), adding an
action, its kept versions, an action with its progress (recorded by its owner, or by the plan's
roles for a named contact without an account), and the signed-in user's own open actions.
Thin: the rules are in macse.services, the reads in macse.plan_selectors, who may do what in
macse.policy. Every form works without JavaScript."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from cse_framework import access
from cse_framework.audit.models import AccessEvent
from cse_framework.audit.services import record, record_view
from cse_framework.forms import add_service_errors
from cse_framework.pagination import CountedPaginator
from cse_framework.timescales import policy as timescales_policy
from macse import plan_selectors as selectors
from macse import policy, services
from macse.models import Action
from macse.plan_forms import ActionForm, PlanDetailsForm, ProgressForm

MY_ACTIONS_PAGE_SIZE = 25
COHORT_PAGE_SIZE = 25
STALE_PLAN = (
    "Someone else changed this plan while you were writing, so nothing was saved. The plan as "
    "it is now is on its page; what you typed is still below: check it and save again."
)
STALE_PROGRESS = (
    "Someone else updated this action while you were writing, so nothing was saved. The action "
    "as it is now is shown, with what you typed still below: check it and save again."
)


def _audit_action(request, action: Action, event: str = AccessEvent.Action.VIEW) -> None:
    record_view(request, [action], child_of=selectors.child_of_action, action=event)


# --- The plan ---------------------------------------------------------------------------------


@require_GET
def plan_detail(request, pk):
    """The plan's header, its actions under the headings with their latest progress (those
    against perpetrators and locations beside those for the child), and its kept versions."""
    plan = selectors.plan_for_page(request=request, pk=pk)
    user = request.user
    context = {
        "plan": plan,
        "child": plan.child,
        **selectors.plan_page(plan=plan, user=user),
        # The plan is in sight (read through the policy): changing it needs a plan role.
        "can_plan": access.has_role(user, policy.PLAN_ROLES),
        "today": timezone.localdate(),
    }
    record_view(request, [plan])
    return render(request, "macse/plan_detail.html", context)


@require_http_methods(["GET", "POST"])
def plan_edit(request, pk):
    """The plan's lead professional and the young person's views (the plan's roles)."""
    plan = selectors.plan_for_page(request=request, pk=pk)
    if not access.check(request.user, policy.PLAN, plan):
        raise Http404
    initial = {
        "lead_professional": plan.lead_professional_id,
        "young_person_views": plan.young_person_views,
        "version": plan.version,
    }
    form = PlanDetailsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.plan_update(
                plan=plan,
                by=request.user,
                lead_professional=data["lead_professional"],
                young_person_views=data["young_person_views"],
                expected_version=data["version"],
            )
        except services.StaleError:
            again = request.POST.copy()
            again["version"] = str(type(plan).objects.values_list("version", flat=True).get(pk=pk))
            form = PlanDetailsForm(again)
            form.is_valid()
            form.add_error(None, STALE_PLAN)
        else:
            record(request, AccessEvent.Action.CHANGE, plan)
            messages.success(request, "The plan is saved.")
            return redirect(plan)
    record_view(request, [plan])
    context = {
        "form": form,
        "plan": plan,
        "title": f"Plan details: {plan.child}",
        "caption": "MACSE plan",
        "button": "Save the plan",
    }
    return render(request, "macse/plan_edit.html", context)


@require_http_methods(["GET", "POST"])
def action_add(request, pk):
    """An action of the plan: its due date is a clock in its owner's work list."""
    plan = selectors.plan_for_page(request=request, pk=pk)
    if not access.check(request.user, policy.PLAN, plan):
        raise Http404
    posted = request.POST if request.method == "POST" else None
    form = ActionForm(posted)
    if posted is not None and form.is_valid():
        try:
            action = services.action_add(plan=plan, by=request.user, **form.service_fields())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            _audit_action(request, action, AccessEvent.Action.CREATE)
            told = " They have been told." if action.owner_id not in (None, request.user.pk) else ""
            messages.success(
                request,
                f"Action added under {action.get_section_display()}, owned by "
                f"{action.owner_label}.{told}",
            )
            return redirect(f"{plan.get_absolute_url()}#action-{action.pk}")
    record_view(request, [plan])
    context = {
        "form": form,
        "plan": plan,
        "title": "Add an action",
        "caption": f"MACSE plan: {plan.child}",
        "button": "Add the action",
    }
    return render(request, "macse/action_form.html", context)


@require_GET
def plan_version(request, pk):
    """A kept version of the plan, as the meeting agreed it: it never changes."""
    version = selectors.version_for_page(request=request, pk=pk)
    context = {
        "version": version,
        "plan": version.plan,
        "child": version.plan.child,
        "headings": selectors.group(selectors.kept_actions(version)),
    }
    record_view(request, [version], child_of=selectors.child_of_version)
    return render(request, "macse/plan_version.html", context)


# --- Actions ----------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def action_detail(request, pk):
    """An action, its progress history and, for its owner or the plan's roles, the progress
    form. A partner reaches only their own actions: another agency's is a 404."""
    action = selectors.action_for_page(request=request, pk=pk)
    user = request.user
    may_progress = access.check(user, policy.PROGRESS, action)
    posted = request.POST if request.method == "POST" else None
    if posted is not None and not may_progress:
        raise Http404
    form = ProgressForm(posted, initial=ProgressForm.initial_for(action)) if may_progress else None
    if posted is not None and form.is_valid():
        data = form.cleaned_data
        try:
            services.action_progress(
                action=action,
                by=user,
                note=data["note"],
                status=data["status"],
                expected_version=data["version"],
            )
        except services.StaleError:
            # Show the action as it is now and keep what was typed, at the current version:
            # saving again is then a deliberate choice.
            action = selectors.action_for_page(request=request, pk=pk)
            again = posted.copy()
            again["version"] = str(action.version)
            form = ProgressForm(again)
            form.is_valid()
            form.add_error(None, STALE_PROGRESS)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            _audit_action(request, action, AccessEvent.Action.CHANGE)
            messages.success(request, "Progress recorded.")
            return redirect(action)
    _audit_action(request, action)
    context = {
        "action": action,
        "plan": action.plan,
        "child": action.plan.child,
        "progress": selectors.progress_of(action),
        "form": form,
        "can_see_plan": access.check(user, access.VIEW, action.plan),
        "for_named_contact": action.owner_id is None,
        "today": timezone.localdate(),
    }
    return render(request, "macse/action_detail.html", context)


@require_GET
def my_actions(request):
    """The signed-in user's own open MACSE actions, the soonest due first (their work list shows
    the same actions' clocks)."""
    rows = selectors.my_open_actions(user=request.user)
    page = CountedPaginator(rows, MY_ACTIONS_PAGE_SIZE).get_page(request.GET.get("page"))
    shown = list(page.object_list)
    record_view(request, shown, child_of=selectors.child_of_action)
    context = {
        "page": page,
        "actions": shown,
        "today": timezone.localdate(),
        "has_worklist": access.has_role(request.user, timescales_policy.WORKLIST_ROLES),
    }
    return render(request, "macse/action_mine.html", context)


@require_GET
def cohort(request):
    """The children open to MACSE, the longest on MACSE first, with their plans."""
    access.require_roles(request.user, policy.LANDING_ROLES)
    page = Paginator(selectors.cohort(user=request.user), COHORT_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    shown = list(page.object_list)
    record_view(request, shown)
    return render(request, "macse/cohort.html", {"page": page, "entries": shown})
