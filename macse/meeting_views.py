"""MACSE's meeting pages: the landing page, setting up a meeting, the meeting page (attendance and
quorum, the confidentiality statement, the agenda), the agenda builder (D9, D6) and each item's
page (the parents question, minutes and decisions, deferral). Thin: the rules are in
macse.services, the reads in macse.selectors. Every form works without JavaScript: a refused
form is shown again on its page with what was typed."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cse_framework import access
from cse_framework.accounts.roles import RoleCode
from cse_framework.audit.services import record_view
from cse_framework.forms import add_service_errors
from cse_framework.pagination import CountedPaginator
from intelligence import source_links
from macse import document_selectors, policy, selectors, services
from macse.meeting_forms import (
    AgendaBuildForm,
    AttendanceForm,
    AttendeeForm,
    ChildItemForm,
    CloseForm,
    DecisionForm,
    DeferForm,
    KeepOpenForm,
    MeetingForm,
    MinutesForm,
    MoveForm,
    ParentsForm,
    StandingItemForm,
)
from macse.models import AgendaItem, CohortEntry, Meeting, Plan
from shield.models import ShieldCase

PAGE_SIZE = 25
STALE = (
    "Someone else changed this while you were working on it, so nothing was saved. What you "
    "entered is still below: check the page as it is now, then save again."
)
ASKED_ROLES = frozenset({RoleCode.SHIELD_WORKER, RoleCode.ALLOCATED_SOCIAL_WORKER})


def _stale(form_class, request, version: int, **kwargs):
    """The form as posted, at the record's current version, with the stale message: saving
    again is then a deliberate choice."""
    again = request.POST.copy()
    prefix = kwargs.get("prefix")
    again[f"{prefix}-version" if prefix else "version"] = str(version)
    form = form_class(again, **kwargs)
    form.is_valid()
    form.add_error(None, STALE)
    return form


def _keep(request, name: str) -> str:
    """``name``'s value in the query string, for the other list's page links."""
    query = QueryDict(mutable=True)
    if value := request.GET.get(name):
        query[name] = value
    return query.urlencode()


# --- The landing page and new meetings --------------------------------------------------------


@require_GET
def index(request):
    """The upcoming and past meetings, 25 a page each; for the allocated worker, the agenda
    items waiting for their answer on whether parents are told (D9)."""
    user = request.user
    access.require_roles(user, policy.LANDING_ROLES)
    now = timezone.now()
    lists = {}
    for name, upcoming in (("upcoming", True), ("past", False)):
        meetings = selectors.meetings_listed(user=user, upcoming=upcoming, now=now)
        lists[name] = CountedPaginator(meetings, PAGE_SIZE).get_page(request.GET.get(name))
    waiting = selectors.waiting_for_parents(user=user) if user.has_role(*ASKED_ROLES) else []
    record_view(request, waiting)
    context = {
        "section": policy.SECTION,
        "upcoming": lists["upcoming"],
        "past": lists["past"],
        "upcoming_query": _keep(request, "past"),
        "past_query": _keep(request, "upcoming"),
        "waiting": waiting,
        "asked": user.has_role(*ASKED_ROLES),
        "can_set_up": user.has_role(*policy.ADMIN_ROLES),
    }
    return render(request, "macse/index.html", context)


@require_http_methods(["GET", "POST"])
def meeting_new(request):
    access.require_roles(request.user, policy.ADMIN_ROLES)
    form = MeetingForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_create(
                by=request.user,
                starts_at=form.starts_at(),
                venue=form.cleaned_data["venue"],
                chair=form.cleaned_data["chair"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Meeting {meeting.reference} set up. The chair is invited.")
            return redirect(meeting)
    return render(request, "macse/meeting_new.html", {"form": form})


# --- The meeting page -------------------------------------------------------------------------


def _meeting(request, pk) -> Meeting:
    return access.get_object_or_404(
        request,
        Meeting.objects.select_related("chair", "administrator", "confidentiality_acknowledged_by"),
        pk=pk,
    )


def _run(request, pk, action: str = policy.ADMINISTER) -> Meeting:
    """The meeting, for those who may take ``action`` on it (404 for the others)."""
    meeting = _meeting(request, pk)
    if not access.check(request.user, action, meeting):
        raise Http404
    return meeting


def _sections(items: list[AgendaItem]) -> list[dict]:
    """The agenda in its sections, in the standard order; each item knows whether it may move."""
    sections = []
    for section in services.SECTION_ORDER:
        members = [item for item in items if item.section == section]
        for index, item in enumerate(members):
            item.can_move_up = index > 0
            item.can_move_down = index < len(members) - 1
        if members:
            sections.append({"label": AgendaItem.Section(section).label, "items": members})
    return sections


def _meeting_page(request, meeting: Meeting, **bound):
    """The meeting page; ``bound`` holds a form posted and refused, shown as it was typed."""
    user = request.user
    can_run = access.check(user, policy.ADMINISTER, meeting)
    can_decide = access.check(user, policy.DECIDE, meeting)
    is_open = meeting.status != Meeting.Status.CLOSED
    attendees = list(meeting.attendees.select_related("agency"))
    items = selectors.agenda(meeting, user=user)
    record_view(request, [item for item in items if item.child_id and not item.hidden])
    context = {
        "meeting": meeting,
        "attendees": attendees,
        "quorum": services.quorum(meeting, attendees),
        "sections": _sections(items),
        "children": sum(1 for item in items if item.child_id),
        "can_run": can_run and is_open,
        "can_decide": can_decide and is_open,
        "is_open": is_open,
        "can_build": can_run and meeting.status == Meeting.Status.PLANNED,
        "documents": document_selectors.panel(meeting, user=user),
    }
    if context["can_run"]:
        context.update(
            attendee_form=bound.get("attendee_form") or AttendeeForm(),
            attendance_form=bound.get("attendance_form") or AttendanceForm(attendees=attendees),
            standing_form=bound.get("standing_form") or StandingItemForm(),
            child_form=bound.get("child_form")
            or ChildItemForm(children=selectors.children_to_add(meeting)),
        )
    if context["can_decide"] or "close_form" in bound:
        context["close_form"] = bound.get("close_form") or CloseForm(
            initial={"version": meeting.version}
        )
    context["refused"] = list(bound.values())
    return render(request, "macse/meeting_detail.html", context)


@require_GET
def meeting_detail(request, pk):
    return _meeting_page(request, _meeting(request, pk))


@require_POST
def attendee_add(request, pk):
    meeting = _run(request, pk)
    form = AttendeeForm(request.POST)
    if form.is_valid():
        try:
            attendee = services.attendee_add(
                meeting=meeting, by=request.user, **form.service_args()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{attendee.name} ({attendee.agency}) is invited.")
            return redirect(meeting)
    return _meeting_page(request, meeting, attendee_form=form)


@require_POST
def attendance_record(request, pk):
    meeting = _run(request, pk)
    attendees = list(meeting.attendees.select_related("agency"))
    form = AttendanceForm(request.POST, attendees=attendees)
    if form.is_valid():
        try:
            services.attendance_record(
                meeting=meeting, by=request.user, attendance=form.attendance()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Attendance recorded.")
            return redirect(f"{meeting.get_absolute_url()}#attendance")
    return _meeting_page(request, meeting, attendance_form=form)


@require_POST
def confidentiality(request, pk):
    """The chair (or the administrator) records that the confidentiality and information-sharing
    statement was read at the start of the meeting."""
    meeting = _run(request, pk, policy.DECIDE)
    services.confidentiality_acknowledge(meeting=meeting, by=request.user)
    messages.success(request, "Recorded: the confidentiality statement was read.")
    return redirect(meeting)


@require_POST
def standing_item_add(request, pk):
    meeting = _run(request, pk)
    form = StandingItemForm(request.POST)
    if form.is_valid():
        try:
            item = services.item_add(meeting=meeting, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Added under {item.get_section_display().lower()}.")
            return redirect(f"{meeting.get_absolute_url()}#item-{item.pk}")
    return _meeting_page(request, meeting, standing_form=form)


@require_POST
def child_item_add(request, pk):
    meeting = _run(request, pk)
    form = ChildItemForm(request.POST, children=selectors.children_to_add(meeting))
    if form.is_valid():
        try:
            item = services.item_add(
                meeting=meeting,
                by=request.user,
                section=form.cleaned_data["section"],
                child=form.cleaned_data["child"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, "Child added. Their allocated worker is asked whether parents are told."
            )
            return redirect(f"{meeting.get_absolute_url()}#item-{item.pk}")
    return _meeting_page(request, meeting, child_form=form)


@require_POST
def item_move(request, pk):
    item = _item(request, pk, shown=False)
    if item.meeting.status == Meeting.Status.CLOSED or not access.check(
        request.user, policy.ADMINISTER, item
    ):
        raise Http404
    form = MoveForm(request.POST)
    if form.is_valid():
        services.item_move(item=item, by=request.user, up=form.cleaned_data["direction"] == "up")
    return redirect(f"{item.meeting.get_absolute_url()}#item-{item.pk}")


@require_POST
def meeting_close(request, pk):
    """Agree the minutes: the decisions go into the cohort, review clocks and plans."""
    meeting = _run(request, pk, policy.DECIDE)
    form = CloseForm(request.POST)
    if form.is_valid():
        try:
            services.meeting_close(
                meeting=meeting, by=request.user, expected_version=form.cleaned_data["version"]
            )
        except services.StaleError:
            meeting = _meeting(request, pk)
            form = _stale(CloseForm, request, meeting.version)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                "Minutes agreed and the meeting closed. Each child's decision is in their plan "
                "and chronology, and their next review is set.",
            )
            return redirect(meeting)
    return _meeting_page(request, meeting, close_form=form)


# --- The agenda builder -----------------------------------------------------------------------


def _builder_page(request, meeting: Meeting, candidates, form=None, keep_open=None):
    keep_open = keep_open or {}
    entries = candidates.turned_18
    record_view(
        request,
        [r.child for r in candidates.new_referrals]
        + [r.entry.child for r in candidates.reviews_due]
        + [item.child for item in candidates.deferred]
        + [entry.child for entry in entries],
    )
    for entry in entries:
        entry.form = keep_open.get(entry.pk) or KeepOpenForm(
            prefix=f"entry-{entry.pk}", initial={"version": entry.version}
        )
        entry.age = selectors.child_age(entry.child, services.meeting_day(meeting))
    if form is None and meeting.status == Meeting.Status.PLANNED:
        form = AgendaBuildForm(candidates=candidates, initial={"version": meeting.version})
    context = {
        "meeting": meeting,
        "candidates": candidates,
        "cut_off_days": selectors.cut_off_working_days(),
        "form": form,
        "turned_18": entries,
        "refused": [f for f in [form, *keep_open.values()] if f is not None and f.errors],
    }
    return render(request, "macse/agenda_builder.html", context)


@require_http_methods(["GET", "POST"])
def agenda_builder(request, pk):
    """D9: the administrator builds the agenda in one step from the candidates."""
    meeting = _run(request, pk)
    candidates = selectors.agenda_candidates(meeting)
    if request.method == "GET":
        return _builder_page(request, meeting, candidates)
    form = AgendaBuildForm(request.POST, candidates=candidates)
    if form.is_valid():
        try:
            services.agenda_build(
                meeting=meeting,
                by=request.user,
                expected_version=form.cleaned_data["version"],
                **form.chosen(),
            )
        except services.StaleError:
            meeting = _meeting(request, pk)
            form = _stale(AgendaBuildForm, request, meeting.version, candidates=candidates)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                "The agenda is built. Each child's allocated worker is asked whether parents "
                "are told.",
            )
            return redirect(meeting)
    return _builder_page(request, meeting, candidates, form)


@require_POST
def cohort_keep_open(request, pk, entry_pk):
    """D6: keep a child who has turned 18 on MACSE, with the reason recorded."""
    meeting = _run(request, pk)
    entry = access.get_object_or_404(
        request, CohortEntry.objects.select_related("child"), pk=entry_pk
    )
    prefix = f"entry-{entry.pk}"
    form = KeepOpenForm(request.POST, prefix=prefix)
    if form.is_valid():
        try:
            services.cohort_keep_open(
                entry=entry,
                by=request.user,
                reason=form.cleaned_data["kept_open_past_18_reason"],
                expected_version=form.cleaned_data["version"],
            )
        except services.StaleError:
            entry.refresh_from_db()
            form = _stale(KeepOpenForm, request, entry.version, prefix=prefix)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{entry.child} stays on MACSE past 18.")
            return redirect("macse:meeting-agenda", pk=meeting.pk)
    candidates = selectors.agenda_candidates(meeting)
    return _builder_page(request, meeting, candidates, keep_open={entry.pk: form})


# --- An item ----------------------------------------------------------------------------------


def _item(request, pk, *, shown: bool = True) -> AgendaItem:
    """The item, for those who see its meeting or are asked about its child's parents (D9); a
    police-only item only for police-only users (D12) when it is ``shown`` (moving it shows
    nothing). 404 otherwise, the denial audited."""
    items = AgendaItem.objects.select_related(
        "meeting", "child", "referral", "parents_asked_of", "closure_assessment", "decided_by"
    )
    item = access.get_object_or_404(request, items, pk=pk)
    if shown and item.police_only and not policy.sees_police_only(request.user):
        access.deny(request, item)
    return item


def _asked(user, item: AgendaItem) -> bool:
    """Who answers the parents question: the worker asked, or the administrator."""
    return item.parents_asked_of_id == user.pk or access.check(user, policy.ADMINISTER, item)


def _item_page(request, item: AgendaItem, **bound):
    user = request.user
    is_open = item.meeting.status != Meeting.Status.CLOSED
    sees_meeting = access.check(user, access.VIEW, item)
    can_decide = is_open and access.check(user, policy.DECIDE, item)
    version = {"version": item.version}
    context = {
        "item": item,
        "meeting": item.meeting,
        "sees_meeting": sees_meeting,
        "is_open": is_open,
        "agencies": list(item.agencies_directed.all()) if item.decided else [],
    }
    if item.child_id:
        record_view(request, [item])
        context["age"] = selectors.child_age(item.child, services.meeting_day(item.meeting))
        context["case"] = (
            access.scope(user, ShieldCase.objects.filter(child_id=item.child_id))
            .filter(status=ShieldCase.Status.OPEN)
            .first()
        )
        context["plan"] = (
            access.scope(user, Plan.objects.filter(child_id=item.child_id))
            .order_by("-pk")
            .only("pk")
            .first()
        )
        context["source_links"] = source_links.page_link(user, item)
        if is_open and _asked(user, item):
            told = {None: None, True: "yes", False: "no"}[item.parents_told]
            context["parents_form"] = ParentsForm(
                initial={
                    **version,
                    "told": told,
                    "parents_not_told_reason": item.parents_not_told_reason,
                }
            )
        if can_decide and not item.deferred:
            context["decision_form"] = DecisionForm(
                item=item,
                initial={
                    **version,
                    "minutes": item.minutes,
                    "decision": item.decision,
                    "decision_rationale": item.decision_rationale,
                    "flag_decision": item.flag_decision,
                    "agencies_directed": context["agencies"],
                    "closure_assessment": item.closure_assessment_id,
                },
            )
            if not item.decided:
                context["defer_form"] = DeferForm(initial=version)
    elif can_decide:
        context["minutes_form"] = MinutesForm(initial={**version, "minutes": item.minutes})
    context.update(bound)
    context["refused"] = list(bound.values())
    return render(request, "macse/item_detail.html", context)


@require_GET
def item_detail(request, pk):
    return _item_page(request, _item(request, pk))


def _post_item_form(request, item, form_class, name: str, save, done: str, kwargs=None):
    """One of an item's forms, posted: saved and back to the item, or shown again as typed."""
    kwargs = kwargs or {}
    form = form_class(request.POST, **kwargs)
    if form.is_valid():
        try:
            save(form.cleaned_data)
        except services.StaleError:
            item = _item(request, item.pk)
            form = _stale(form_class, request, item.version, **kwargs)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, done)
            return redirect(item)
    return _item_page(request, item, **{name: form})


@require_POST
def item_parents(request, pk):
    """D9: the allocated worker (or the administrator) says whether the parents are told."""
    item = _item(request, pk)
    closed = item.meeting.status == Meeting.Status.CLOSED
    if item.child_id is None or closed or not _asked(request.user, item):
        raise Http404

    def save(data):
        services.parents_decide(
            item=item,
            by=request.user,
            told=data["told"],
            reason=data["parents_not_told_reason"],
            expected_version=data["version"],
        )

    done = "Recorded whether the parents are told."
    return _post_item_form(request, item, ParentsForm, "parents_form", save, done)


def _decider(request, pk, *, child: bool) -> AgendaItem:
    """The item, for the chair or the administrator: a child's item or a standing item."""
    item = _item(request, pk)
    if (item.child_id is not None) != child or not access.check(request.user, policy.DECIDE, item):
        raise Http404
    return item


@require_POST
def item_decide(request, pk):
    """The meeting's minutes and decision for a child (D11 for a closure)."""
    item = _decider(request, pk, child=True)

    def save(data):
        services.item_decide(item=item, by=request.user, **DecisionForm.service_args(data))

    done = "Decision recorded. It goes into the child's plan when the minutes are agreed."
    return _post_item_form(request, item, DecisionForm, "decision_form", save, done, {"item": item})


@require_POST
def item_defer(request, pk):
    """Defer a child's item to a later meeting: their review clock keeps running."""
    item = _decider(request, pk, child=True)

    def save(data):
        services.item_defer(
            item=item,
            by=request.user,
            reason=data["deferred_reason"],
            expected_version=data["version"],
        )

    done = "Deferred. The child's review clock keeps running: they are offered to the next agenda."
    return _post_item_form(request, item, DeferForm, "defer_form", save, done)


@require_POST
def item_minutes(request, pk):
    """The minutes of a standing item."""
    item = _decider(request, pk, child=False)

    def save(data):
        services.item_minute(
            item=item, by=request.user, minutes=data["minutes"], expected_version=data["version"]
        )

    return _post_item_form(request, item, MinutesForm, "minutes_form", save, "Minutes saved.")
