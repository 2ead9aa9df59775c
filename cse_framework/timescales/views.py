"""The work lists: a worker's own clocks and their team's untaken ones, soonest first."""

import contextlib

from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from cse_framework import access
from cse_framework.audit.services import record_view
from cse_framework.timescales import policy, selectors, services
from cse_framework.timescales.models import Deadline

LIST_SIZE = 50


def worklist(request):
    access.require_roles(request.user, policy.WORKLIST_ROLES)
    mine = list(selectors.my_clocks(user=request.user)[:LIST_SIZE])
    team = list(selectors.team_clocks(user=request.user)[:LIST_SIZE])
    record_view(request, [clock for clock in mine + team if clock.child_id])
    context = {"mine": mine, "team": team, "now": timezone.now(), "size": LIST_SIZE}
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
