"""Shield casework pages: the team queue and caseloads, allocation, the case page, case notes and
the child's chronology. Thin: the rules are in shield.services and shield.casework_services,
the reads in shield.casework_selectors and shield.chronology."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from cse_framework import access
from cse_framework.accounts.roles import RoleCode
from cse_framework.audit.models import AccessEvent
from cse_framework.audit.services import record, record_view, record_view_rows
from cse_framework.forms import add_service_errors
from cse_framework.pagination import CountedPaginator
from cse_framework.pdf import render_pdf
from intelligence import source_links
from shield import casework_selectors as selectors
from shield import chronology, event_services, policy, services
from shield.casework_forms import AllocateForm, CaseNoteForm, ChronologyFilterForm
from shield.casework_services import case_note_save
from shield.models import CaseNote, ShieldCase

QUEUE_PAGE_SIZE = 25
CASES_PAGE_SIZE = 50
WORKERS_PAGE_SIZE = 25
CASELOAD_PAGE_SIZE = 25
HOLDER_ROLES = frozenset(selectors.HOLDER_ROLES)
STALE_NOTE = (
    "This draft was saved somewhere else while you were editing it, so nothing was saved here. "
    "What you typed is below, with the draft as it was saved. Check it and save again."
)


def _stale_allocation(case: ShieldCase) -> str:
    holder = case.worker.full_name if case.worker_id else "nobody yet"
    return (
        "Someone else changed this case's allocation while you were choosing: it is now held "
        f"by {holder}. Nothing was saved. Your choice is still selected below: check it and "
        "allocate again."
    )


# --- The landing page, caseloads --------------------------------------------------------------


def index(request):
    """A Shield team manager: the team's queue and the caseloads. A Shield worker: their
    caseload. Others: the open cases they may see."""
    user = request.user
    access.require_roles(user, policy.LANDING_ROLES)
    context = {"section": policy.SECTION}
    if user.has_role(*policy.CASELOAD_ROLES):
        page = Paginator(selectors.team_queue(user=user), QUEUE_PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        # The caseloads are a list of their own, paged with ?workers=, each list's links
        # keeping the other's page.
        workers = Paginator(selectors.holders(), WORKERS_PAGE_SIZE).get_page(
            request.GET.get("workers")
        )
        teams = list(selectors.team_totals())
        shown = list(page.object_list)
        context.update(
            view="manager",
            page=page,
            queue=selectors.queue_rows(shown),
            workers=workers,
            queue_query=_keep(request, "workers"),
            workers_query=_keep(request, "page"),
            teams=teams,
            total=sum(team.total for team in teams),
            held=sum(team.held for team in teams),
            waiting=sum(team.waiting for team in teams),
            can_allocate=user.has_role(*policy.ALLOCATE_ROLES),
            holds_cases=user.has_role(*HOLDER_ROLES),
        )
    elif user.has_role(RoleCode.SHIELD_WORKER):
        page = _caseload_page(request, user)
        shown = list(page.object_list)
        context.update(view="worker", page=page, rows=selectors.caseload_rows(shown), worker=user)
        record_view_rows(request, ShieldCase, shown)
        return render(request, "shield/index.html", context)
    else:
        page = Paginator(selectors.visible_cases(user=user), CASES_PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        shown = list(page.object_list)
        context.update(view="others", page=page)
    record_view(request, shown)
    return render(request, "shield/index.html", context)


def _keep(request, name: str) -> str:
    """``name``'s value in the query string, to keep in another list's page links."""
    query = QueryDict(mutable=True)
    value = request.GET.get(name)
    if value:
        query[name] = value
    return query.urlencode()


def _caseload_page(request, worker):
    """A page of ``worker``'s open cases, 25 at a time (a caseload of 60 is three pages)."""
    cases = selectors.caseload(user=request.user, worker=worker)
    return CountedPaginator(cases, CASELOAD_PAGE_SIZE).get_page(request.GET.get("page"))


def _caseload(request, worker):
    page = _caseload_page(request, worker)
    cases = list(page.object_list)
    record_view_rows(request, ShieldCase, cases)
    context = {
        "worker": worker,
        "page": page,
        "rows": selectors.caseload_rows(cases),
        "mine": worker.pk == request.user.pk,
    }
    return render(request, "shield/caseload.html", context)


@require_GET
def caseload(request, user_pk):
    """A worker's open cases: for the managers, or the worker themself; 404 otherwise."""
    user = request.user
    own = user.pk == user_pk and access.has_role(user, HOLDER_ROLES)
    if not (own or access.has_role(user, policy.CASELOAD_ROLES)):
        raise Http404
    worker = selectors.holders().filter(pk=user_pk).first()
    if worker is None:
        raise Http404
    return _caseload(request, worker)


@require_GET
def caseload_mine(request):
    access.require_roles(request.user, HOLDER_ROLES)
    return _caseload(request, request.user)


# --- Allocation -------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def case_allocate(request, pk):
    """D16: a Shield team manager allocates the case, or reallocates it (the history is kept)."""
    case = selectors.case_for_page(request=request, pk=pk)
    if case.status != ShieldCase.Status.OPEN or not access.check(
        request.user, policy.ALLOCATE, case
    ):
        raise Http404
    posted = request.POST if request.method == "POST" else None
    form = AllocateForm(posted, initial={"version": case.version, "worker": case.worker_id})
    if posted is not None and form.is_valid():
        data = form.cleaned_data
        try:
            allocated = services.case_allocate(
                case=case,
                worker=data["worker"],
                by=request.user,
                reason=data["reason"],
                expected_version=data["version"],
            )
        except services.StaleError:
            # Show who holds it now, and keep what was chosen and typed, at the current
            # version: allocating again is then a deliberate choice.
            case = selectors.case_for_page(request=request, pk=pk)
            again = posted.copy()
            again["version"] = str(case.version)
            form = AllocateForm(again)
            form.is_valid()
            form.add_error(None, _stale_allocation(case))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if allocated.version == data["version"]:
                messages.info(request, f"The case is already held by {allocated.worker}.")
            else:
                messages.success(request, f"Allocated to {allocated.worker}. They have been told.")
            return redirect(allocated)
    record_view(request, [case])
    context = {
        "form": form,
        "case": case,
        "allocations": list(
            case.allocations.select_related("worker", "allocated_by").order_by(
                "-allocated_at", "-id"
            )
        ),
    }
    return render(request, "shield/caseload_allocate.html", context)


# --- The case page ----------------------------------------------------------------------------


@require_GET
def case_detail(request, pk):
    case = selectors.case_for_page(request=request, pk=pk)
    record_view(request, [case])
    user = request.user
    context = {
        "case": case,
        "child": case.child,
        **selectors.case_page(case=case, user=user),
        "can_allocate": case.status == ShieldCase.Status.OPEN
        and access.check(user, policy.ALLOCATE, case),
        "can_note": access.has_role(user, policy.NOTE_ROLES),
        "can_assess": access.has_role(user, policy.ASSESS_ROLES),
        "can_record_events": event_services.may_record(user),
        "can_flag": bool(event_services.flag_kinds_for(user)),
        "connections_url": source_links.connections_url(user, case.child),
        "now": timezone.now(),
    }
    return render(request, "shield/case_detail.html", context)


# --- Case notes -------------------------------------------------------------------------------


def _note_page(request, *, case, form, title, corrects=None, saved=None):
    record_view(request, [case])
    context = {"form": form, "case": case, "title": title, "corrects": corrects, "saved": saved}
    return render(request, "shield/case_note_form.html", context)


def _saved(request, note: CaseNote, case: ShieldCase, action: str):
    record(request, action, note)
    if note.status == CaseNote.Status.COMPLETED:
        messages.success(request, "Case note completed. It can no longer be changed.")
    else:
        messages.success(request, "Draft saved. Only you can see it until you complete it.")
    return redirect(f"{case.get_absolute_url()}#note-{note.pk}")


def _completing(request) -> bool:
    return request.POST.get("action") == "complete"


@require_http_methods(["GET", "POST"])
def case_note_new(request, child_pk):
    case = selectors.case_of_child(request=request, child_pk=child_pk)
    if not access.has_role(request.user, policy.NOTE_ROLES):
        raise Http404
    posted = request.POST if request.method == "POST" else None
    form = CaseNoteForm(posted, initial=CaseNoteForm.initial_for())
    if posted is not None and form.is_valid():
        try:
            note = case_note_save(
                by=request.user,
                child=case.child,
                occurred_at=form.occurred_at(),
                text=form.cleaned_data["text"],
                complete=_completing(request),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _saved(request, note, case, AccessEvent.Action.CREATE)
    return _note_page(request, case=case, form=form, title="Add a case note")


@require_http_methods(["GET", "POST"])
def case_note_edit(request, pk):
    """A draft, by its author only. A completed note is append-only: 404 (and the attempt is
    in the access log)."""
    note = access.get_object_or_404(
        request,
        CaseNote.objects.filter(status=CaseNote.Status.DRAFT, author=request.user),
        pk=pk,
    )
    case = selectors.case_of_child(request=request, child_pk=note.child_id)
    posted = request.POST if request.method == "POST" else None
    form = CaseNoteForm(posted, initial=CaseNoteForm.initial_for(note))
    saved = None
    if posted is not None and form.is_valid():
        try:
            changed = case_note_save(
                by=request.user,
                note=note,
                expected_version=form.cleaned_data["version"],
                occurred_at=form.occurred_at(),
                text=form.cleaned_data["text"],
                complete=_completing(request),
            )
        except services.StaleError:
            note.refresh_from_db()
            again = posted.copy()
            again["version"] = str(note.version)
            form = CaseNoteForm(again)
            form.is_valid()
            form.add_error(None, STALE_NOTE)
            saved = note
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _saved(request, changed, case, AccessEvent.Action.CHANGE)
    corrects = note.corrects if note.corrects_id else None
    return _note_page(
        request, case=case, form=form, title="Case note draft", corrects=corrects, saved=saved
    )


@require_http_methods(["GET", "POST"])
def case_note_correct(request, pk):
    """A correction of a completed note: a new note that names it; the original stays."""
    original = access.get_object_or_404(
        request,
        CaseNote.objects.filter(status=CaseNote.Status.COMPLETED).select_related("author"),
        pk=pk,
    )
    if not access.has_role(request.user, policy.NOTE_ROLES):
        raise Http404
    case = selectors.case_of_child(request=request, child_pk=original.child_id)
    posted = request.POST if request.method == "POST" else None
    initial = CaseNoteForm.initial_for(original)
    initial.pop("version")
    form = CaseNoteForm(posted, initial=initial)
    if posted is not None and form.is_valid():
        try:
            note = case_note_save(
                by=request.user,
                child=case.child,
                corrects=original,
                occurred_at=form.occurred_at(),
                text=form.cleaned_data["text"],
                complete=_completing(request),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _saved(request, note, case, AccessEvent.Action.CREATE)
    return _note_page(request, case=case, form=form, title="Correct a case note", corrects=original)


# --- The chronology ---------------------------------------------------------------------------

FILTER_KEYS = ("kinds", "since_0", "since_1", "since_2", "until_0", "until_1", "until_2")


def _chronology(request, case: ShieldCase) -> dict:
    """The events, filtered by a valid filter (kinds and dates only; an invalid one shows its
    errors and filters nothing)."""
    form = ChronologyFilterForm(request.GET or None)
    filters = {}
    query = QueryDict(mutable=True)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = {"only": data["kinds"], "since": data["since"], "until": data["until"]}
        for key in FILTER_KEYS:
            values = [value for value in request.GET.getlist(key) if value]
            if values:
                query.setlist(key, values)
    events = chronology.build(
        user=request.user, child=case.child, case_url=case.get_absolute_url(), **filters
    )
    labels = dict(chronology.kinds())
    return {
        "case": case,
        "child": case.child,
        "form": form,
        "events": events,
        "query": query.urlencode(),
        "shown_kinds": [labels[kind] for kind in filters.get("only", []) if kind in labels],
        "since": filters.get("since"),
        "until": filters.get("until"),
    }


@require_GET
def chronology_page(request, child_pk):
    case = chronology.child_case(request=request, child_pk=child_pk)
    context = _chronology(request, case)
    record_view(request, [case])
    return render(request, "shield/chronology.html", context)


@require_GET
def chronology_print(request, child_pk):
    """The chronology as a PDF (OFFICIAL-SENSITIVE), with the same filters; audited as a
    print."""
    case = selectors.case_of_child(request=request, child_pk=child_pk)
    context = _chronology(request, case)
    record(request, AccessEvent.Action.PRINT, case)
    context["printed_by"] = request.user.full_name
    return render_pdf(
        "shield/pdf/chronology.html", context, filename=f"chronology-shield-case-{case.pk}.pdf"
    )
