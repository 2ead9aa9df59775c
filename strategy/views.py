"""Strategy discussions and meetings: recording, arranging, signing off and amending them.
Thin: the rules are in strategy.services."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from cse_framework import access
from cse_framework.audit.services import record_view
from cse_framework.forms import add_service_errors
from cse_framework.workflow import StaleError
from intelligence import source_links
from referrals.indicators import INDICATORS
from referrals.models import Referral
from shield.event_selectors import current_flags
from strategy import policy, selectors, services
from strategy.forms import (
    ActionFormSet,
    AmendForm,
    DiscussionForm,
    InviteeFormSet,
    MeetingRecordForm,
    MeetingScheduleForm,
    ParticipantFormSet,
)
from strategy.models import StrategyDiscussion, StrategyMeeting

STALE = "Someone else changed this record while you were editing it. Check it and try again."


def index(request):
    access.require_roles(request.user, policy.LANDING_ROLES)
    context = {
        **selectors.waiting(user=request.user),
        **selectors.recent(user=request.user),
        "section": policy.SECTION,
    }
    shown = [row for key in ("discussions_due", "meetings_due") for row in context[key]]
    record_view(
        request,
        [clock for clock in shown if clock.child_id]
        + context["recent_discussions"]
        + context["recent_meetings"],
    )
    return render(request, "strategy/index.html", context)


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
        "flags": current_flags(referral.child_id),
    }
    return render(request, "strategy/discussion_form.html", context)


def _detail_context(request, record) -> dict:
    record_view(request, [record])
    return {
        "record": record,
        "participants": list(record.participants.select_related("agency")),
        "actions": list(record.actions.select_related("owner", "owner_agency")),
        "amendments": list(record.amendments.select_related("made_by")),
        "flags": current_flags(record.child_id),
        "can_sign_off": not record.signed_off and services.can_sign_off(request.user, record),
        "can_amend": record.held_at is not None and policy.can_amend(request.user, record),
        "source_links": source_links.page_link(request.user, record),
    }


def discussion_detail(request, pk):
    discussion = access.get_object_or_404(
        request,
        StrategyDiscussion.objects.select_related(
            "referral", "child", "chair", "recorded_by", "signed_off_by"
        ),
        pk=pk,
    )
    context = _detail_context(request, discussion)
    context["meetings"] = list(discussion.meetings.all())
    context["can_arrange"] = (
        StrategyDiscussion.Outcome.STRATEGY_MEETING in discussion.outcomes
        and access.has_role(request.user, policy.RECORD_ROLES)
    )
    return render(request, "strategy/discussion_detail.html", context)


def meeting_detail(request, pk):
    meeting = access.get_object_or_404(
        request,
        StrategyMeeting.objects.select_related(
            "referral", "child", "chair", "discussion", "recorded_by", "signed_off_by"
        ),
        pk=pk,
    )
    context = _detail_context(request, meeting)
    context["can_record"] = not meeting.held and access.has_role(request.user, policy.RECORD_ROLES)
    context["clock"] = selectors.meeting_clock(meeting.discussion)
    return render(request, "strategy/meeting_detail.html", context)


@require_http_methods(["GET", "POST"])
def meeting_schedule(request, pk):
    discussion = access.get_object_or_404(
        request, StrategyDiscussion.objects.select_related("referral"), pk=pk
    )
    decided = StrategyDiscussion.Outcome.STRATEGY_MEETING in discussion.outcomes
    if not (decided and access.has_role(request.user, policy.RECORD_ROLES)):
        raise Http404
    posted = request.POST if request.method == "POST" else None
    form = MeetingScheduleForm(posted, initial={"chair": discussion.chair_id})
    invitees = InviteeFormSet(posted, prefix="invitees")
    if posted is not None and form.is_valid() and invitees.is_valid():
        try:
            meeting = services.meeting_schedule(
                discussion=discussion,
                by=request.user,
                scheduled_for=form.scheduled_for(),
                venue=form.cleaned_data["venue"],
                chair=form.cleaned_data["chair"],
                invitees=invitees.rows(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Meeting arranged. Everyone with an account has been told.")
            return redirect(meeting)
    record_view(request, [discussion])
    context = {
        "form": form,
        "invitees": invitees,
        "discussion": discussion,
        "clock": selectors.meeting_clock(discussion),
    }
    return render(request, "strategy/meeting_schedule.html", context)


@require_http_methods(["GET", "POST"])
def meeting_record(request, pk):
    meeting = access.get_object_or_404(
        request, StrategyMeeting.objects.select_related("referral", "discussion"), pk=pk
    )
    if meeting.held or not access.has_role(request.user, policy.RECORD_ROLES):
        raise Http404
    posted = request.POST if request.method == "POST" else None
    invited = list(meeting.participants.select_related("agency"))
    form = MeetingRecordForm(posted, invitees=invited, initial={"version": meeting.version})
    others = ParticipantFormSet(posted, prefix="others")
    actions = ActionFormSet(posted, prefix="actions")
    if posted is not None and all(f.is_valid() for f in (form, others, actions)):
        data = form.cleaned_data
        try:
            meeting = services.meeting_record_held(
                meeting=meeting,
                by=request.user,
                held_at=form.held_at(),
                attendance=form.attendance(),
                others=others.rows(),
                not_compliant_reason=data["not_compliant_reason"],
                minutes=data["minutes"],
                outcomes=data["outcomes"],
                rationale=data["rationale"],
                actions=actions.rows(),
                expected_version=data["version"],
            )
        except StaleError:
            form.add_error(None, STALE)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect(meeting)
    record_view(request, [meeting])
    context = {
        "form": form,
        "others": others,
        "actions": actions,
        "meeting": meeting,
        "flags": current_flags(meeting.child_id),
    }
    return render(request, "strategy/meeting_record.html", context)


def _record(request, model, pk):
    return access.get_object_or_404(request, model.objects.select_related("referral"), pk=pk)


@require_POST
def sign_off(request, model, pk):
    record = _record(request, model, pk)
    try:
        services.record_sign_off(record=record, by=request.user)
    except ValidationError as error:
        raise Http404 from error
    messages.success(request, "Signed off. From now on a change is kept as an amendment.")
    return redirect(record)


@require_http_methods(["GET", "POST"])
def amend(request, model, pk):
    record = _record(request, model, pk)
    if record.held_at is None or not policy.can_amend(request.user, record):
        raise Http404
    form = AmendForm(request.POST if request.method == "POST" else None, record=record)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_amend(
                record=record,
                by=request.user,
                changes=form.changes(),
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data["version"],
            )
        except StaleError:
            form.add_error(None, STALE)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect(record)
    record_view(request, [record])
    return render(request, "strategy/amend.html", {"form": form, "record": record})
