"""Recording and reading a strategy discussion. Thin: the rules are in strategy.services."""

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from cse_framework import access
from cse_framework.audit.services import record_view
from cse_framework.forms import add_service_errors
from referrals.indicators import INDICATORS
from referrals.models import Referral
from strategy import policy, services
from strategy.forms import ActionFormSet, DiscussionForm, ParticipantFormSet
from strategy.models import StrategyDiscussion


def _cse1_risks(referral: Referral) -> str:
    """The CSE1's indicators and concern, to start the "information considered" box."""
    lines = [
        f"CSE1 {referral.reference}: level of concern {referral.get_level_of_concern_display()}."
    ]
    for answer in referral.indicators.exclude(present="no").order_by("code"):
        label = INDICATORS[answer.code].label if answer.code in INDICATORS else answer.code
        lines.append(f"- {label}: {answer.get_present_display().lower()}")
    return "\n".join(lines)


@require_http_methods(["GET", "POST"])
def discussion_record(request, referral_pk):
    referral = access.get_object_or_404(request, Referral.objects.all(), pk=referral_pk)
    if not (
        access.has_role(request.user, policy.RECORD_ROLES)
        and referral.decision == Referral.Decision.STRATEGY_DISCUSSION
    ):
        raise Http404
    posted = request.POST if request.method == "POST" else None
    form = DiscussionForm(posted, initial={"information_considered": _cse1_risks(referral)})
    participants = ParticipantFormSet(posted, prefix="participants")
    actions = ActionFormSet(posted, prefix="actions")
    if posted is not None and all(f.is_valid() for f in (form, participants, actions)):
        data = form.cleaned_data
        try:
            discussion = services.discussion_record(
                referral=referral,
                by=request.user,
                held_at=form.held_at(),
                chair=data["chair"],
                participants=participants.rows(),
                not_compliant_reason=data["not_compliant_reason"],
                information_considered=data["information_considered"],
                risk_to_others=data["risk_to_others"],
                outcomes=data["outcomes"],
                rationale=data["rationale"],
                actions=actions.rows(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect(discussion)
    record_view(request, [referral])
    context = {
        "form": form,
        "participants": participants,
        "actions": actions,
        "referral": referral,
    }
    return render(request, "strategy/discussion_form.html", context)


def discussion_detail(request, pk):
    discussion = access.get_object_or_404(
        request,
        StrategyDiscussion.objects.select_related("referral", "child", "chair", "recorded_by"),
        pk=pk,
    )
    record_view(request, [discussion])
    context = {
        "discussion": discussion,
        "participants": list(discussion.participants.select_related("agency")),
        "actions": list(discussion.actions.select_related("owner", "owner_agency")),
    }
    return render(request, "strategy/discussion_detail.html", context)
