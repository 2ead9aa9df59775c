"""The work lists: a worker's own clocks and their team's untaken ones, soonest first."""

import contextlib

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from cse_framework import access
from cse_framework.audit.services import record_view
from cse_framework.forms import add_service_errors
from cse_framework.timescales import policy, selectors, services
from cse_framework.timescales.forms import BreachReasonForm
from cse_framework.timescales.models import Deadline

LIST_SIZE = 50


def worklist(request):
    access.require_roles(request.user, policy.WORKLIST_ROLES)
    mine = list(selectors.my_clocks(user=request.user)[:LIST_SIZE])
    team = list(selectors.team_clocks(user=request.user)[:LIST_SIZE])
    late = list(selectors.met_late_unexplained(user=request.user)[:LIST_SIZE])
    record_view(request, [clock for clock in mine + team + late if clock.child_id])
    context = {
        "mine": mine,
        "team": team,
        "late": late,
        "now": timezone.now(),
        "size": LIST_SIZE,
    }
    return render(request, "timescales/worklist.html", context)


@require_POST
def take(request, pk):
    """Take a team clock: it becomes yours."""
    deadline = access.get_object_or_404(request, Deadline.objects.all(), pk=pk)
    if not access.check(request.user, policy.TAKE, deadline):
        raise Http404
    with contextlib.suppress(services.AlreadyTakenError):  # the list shows who has it now
        services.deadline_take(deadline=deadline, by=request.user)
    return redirect("timescales:worklist")


@require_http_methods(["GET", "POST"])
def explain(request, pk):
    """The reason a clock was met late, or is still open past due: one of a short list, and
    text (required for "Other"). Shown on the managers' dashboard."""
    deadline = access.get_object_or_404(request, Deadline.objects.all(), pk=pk)
    if not access.check(request.user, policy.EXPLAIN, deadline):
        raise Http404
    form = BreachReasonForm(
        request.POST if request.method == "POST" else None,
        initial={"code": deadline.breach_reason_code, "text": deadline.breach_reason},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.deadline_explain_breach(
                deadline=deadline,
                by=request.user,
                code=form.cleaned_data["code"],
                text=form.cleaned_data["text"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("timescales:worklist")
    context = {
        "form": form,
        "deadline": deadline,
        "title": "Why was this late?",
        "caption": deadline.get_kind_display(),
    }
    return render(request, "timescales/explain.html", context)
