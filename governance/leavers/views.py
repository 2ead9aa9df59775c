"""People and leavers: the people a manager manages, a person's open work, deactivating a leaver
with the handover of every open item, and reactivating. The rules are in policy.py and
services.py; these views only read, ask and show."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from cse_framework import access
from cse_framework.accounts.models import User
from cse_framework.accounts.policy import SECOND_FACTOR_RESET_ROLES
from cse_framework.audit.policy import AUDITOR_ROLES
from cse_framework.audit.services import record_view
from cse_framework.forms import add_service_errors
from governance.leavers import open_work, policy, services
from governance.leavers.forms import LeaverForm, PeopleSearchForm, ReactivateForm
from referrals.models import Child

PAGE_SIZE = 25
SEARCH_KEY = "leavers_people_search"  # the search is kept in the session, never in the URL


@require_http_methods(["GET", "POST"])
def people_list(request):
    """The people this manager manages, by name; search by name or e-mail address."""
    access.require_roles(request.user, policy.MANAGE_ROLES)
    if request.method == "POST":
        form = PeopleSearchForm(request.POST)
        query = form.cleaned_data["q"].strip() if form.is_valid() else ""
        request.session[SEARCH_KEY] = query
        return redirect("leavers:list")
    query = request.session.get(SEARCH_KEY, "")
    people = (
        policy.people(request.user)
        .select_related("agency", "team")
        .prefetch_related("roles")
        .order_by("full_name", "pk")
    )
    if query:
        people = people.filter(Q(full_name__icontains=query) | Q(email__icontains=query))
    page = Paginator(people, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "leavers/list.html",
        {
            "page": page,
            "people": list(page.object_list),
            "form": PeopleSearchForm(initial={"q": query}),
            "query": query,
        },
    )


def _person_or_404(request, pk: int) -> User:
    """A person within the manager's reach; anyone else answers like a missing one."""
    people = policy.people(request.user).select_related("agency", "team").prefetch_related("roles")
    return access.first_or_404(request, people, pk=pk)


def _shown(request, items: list[open_work.Item]) -> None:
    """Mark which items' children this manager may see (the others show their reference only),
    and record a view of each child shown."""
    ids = {item.child_id for item in items if item.child_id is not None}
    visible = (
        set(
            access.scope(request.user, Child.objects.filter(pk__in=ids)).values_list(
                "pk", flat=True
            )
        )
        if ids
        else set()
    )
    shown = []
    for item in items:
        item.child_shown = item.child_id in visible
        if item.child_shown:
            shown.append(item)
    children = {id(item.obj): item.child_id for item in shown}
    record_view(request, [item.obj for item in shown], child_of=lambda obj: children[id(obj)])


@require_http_methods(["GET"])
def person_detail(request, pk: int):
    """A person: who they are, whether they may sign in, and their open work by kind."""
    person = _person_or_404(request, pk)
    items = open_work.survey(person)
    _shown(request, items)
    changes = list(person.account_changes.select_related("made_by")[:10])
    return render(
        request,
        "leavers/detail.html",
        {
            "person": person,
            "groups": open_work.grouped(items),
            "total": len(items),
            "changes": changes,
            "is_self": person.pk == request.user.pk,
            "can_reset_second_factor": person.is_active
            and person.pk != request.user.pk
            and access.has_role(request.user, SECOND_FACTOR_RESET_ROLES),
            "sees_access_log": access.has_role(request.user, AUDITOR_ROLES),
        },
    )


def _carried(form: LeaverForm) -> dict:
    """What the user had chosen and typed, for the form shown again with a fresh list."""
    form.is_valid()
    return {name: value for name, value in form.cleaned_data.items() if name != "seen" and value}


@require_http_methods(["GET", "POST"])
def person_deactivate(request, pk: int):
    """The leaver form: every open item with a choice, a reason and a leaving date; one submit
    moves them all and deactivates the account, or changes nothing."""
    person = _person_or_404(request, pk)
    if not person.is_active:
        messages.info(request, "This account is already deactivated")
        return redirect("leavers:detail", pk=person.pk)
    if person.pk == request.user.pk:
        messages.info(request, "You cannot deactivate your own account: ask another manager")
        return redirect("leavers:detail", pk=person.pk)
    items = open_work.survey(person)
    stale = ""
    if request.method == "POST":
        form = LeaverForm(request.POST, items=items, leaver=person)
        if form.seen_keys() != open_work.keys(items):
            stale = services.StaleWorkError(items).args[0]
            form = LeaverForm(initial=_carried(form), items=items, leaver=person)
        elif form.is_valid():
            try:
                services.user_deactivate(
                    user=person,
                    by=request.user,
                    left_on=form.cleaned_data["left_on"],
                    reason=form.cleaned_data["reason"],
                    choices=form.choices(),
                    seen=form.seen_keys(),
                )
            except services.StaleWorkError as error:
                stale = error.args[0]
                items = error.items
                form = LeaverForm(initial=_carried(form), items=items, leaver=person)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    f"{person.full_name}'s account is deactivated and their "
                    f"{len(items)} open item{'s' if len(items) != 1 else ''} handed over",
                )
                return redirect("leavers:detail", pk=person.pk)
    else:
        form = LeaverForm(items=items, leaver=person)
    _shown(request, items)
    return render(
        request,
        "leavers/deactivate.html",
        {"person": person, "form": form, "rows": form.rows(), "total": len(items), "stale": stale},
    )


@require_http_methods(["GET", "POST"])
def person_reactivate(request, pk: int):
    """Let a deactivated person sign in again, with the reason recorded."""
    person = _person_or_404(request, pk)
    if person.is_active:
        messages.info(request, "This account is active already")
        return redirect("leavers:detail", pk=person.pk)
    form = ReactivateForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_reactivate(
                user=person, by=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{person.full_name}'s account is active again")
            return redirect("leavers:detail", pk=person.pk)
    return render(
        request,
        "leavers/reactivate.html",
        {
            "person": person,
            "form": form,
            "title": "Reactivate the account",
            "caption": person.full_name,
            "button": "Reactivate",
        },
    )
