"""The child register's pages: the list, MASH's search, a child's record, keeping it up to
date, and merging two records of the same child."""

import uuid

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from cse_framework import access
from cse_framework.audit.models import AccessEvent
from cse_framework.audit.policy import AUDITOR_ROLES
from cse_framework.audit.services import record, record_view
from cse_framework.forms import add_service_errors
from governance.breakglass.selectors import live_grant
from governance.subject_access.policy import ROLES as SUBJECT_ACCESS_ROLES
from intelligence import source_links
from referrals import matching, policy, register, selectors
from referrals.forms import DETAIL_FORMS, ChildForm, ChildSearchForm, MergeForm
from referrals.models import Child
from shield.event_selectors import current_flags

PAGE_SIZE = 25


def child_list(request):
    """The child register: 25 a page by name; each child shown is one audited view."""
    access.require_roles(request.user, policy.REGISTER_ROLES)
    try:
        after = uuid.UUID(request.GET["after"]) if request.GET.get("after") else None
    except ValueError:
        after = None
    page = selectors.child_register_page(user=request.user, after=after, size=PAGE_SIZE)
    record_view(request, page.rows)
    context = {"page": page, "search_form": ChildSearchForm()}
    return render(request, "referrals/child_list.html", context)


@require_http_methods(["POST"])
def child_search(request):
    """Search the register by name, date of birth and postcode, tolerating misspelling. POSTed,
    so no name is ever in a URL; every child shown is an audited view."""
    access.require_roles(request.user, policy.REGISTER_ROLES)
    form = ChildSearchForm(request.POST)
    results = None
    if form.is_valid():
        results = selectors.child_search(user=request.user, description=form.description())
        record_view(request, [result.child for result in results])
    context = {"form": form, "results": results, "limit": selectors.SEARCH_RESULTS}
    return render(request, "referrals/child_search.html", context)


def _child(request, pk) -> Child:
    return access.get_object_or_404(
        request,
        Child.objects.select_related("allocated_social_worker", "merged_into"),
        pk=pk,
    )


def child_detail(request, pk):
    child = _child(request, pk)
    record_view(request, [child])
    is_register = access.has_role(request.user, policy.REGISTER_ROLES)
    context = {
        "child": child,
        "aliases": list(child.aliases.all()),
        "parents": list(child.parents_carers.all()),
        "identifiers": list(child.identifiers.all()),
        "referrals": list(selectors.child_history(child)) if is_register else [],
        "merges": list(child.merges_kept.select_related("merged", "merged_by")),
        "flags": current_flags(child.pk),
        "can_change": access.check(request.user, access.CHANGE, child),
        "can_merge": access.check(request.user, policy.MERGE, child),
        "detail_forms": {key: title for key, (_, title) in DETAIL_FORMS.items()},
        "connections_url": source_links.connections_url(request.user, child),
        "sees_access_log": access.has_role(request.user, AUDITOR_ROLES),
        "break_glass": live_grant(request.user, child),
        "can_start_subject_access": access.has_role(request.user, SUBJECT_ACCESS_ROLES),
    }
    return render(request, "referrals/child_detail.html", context)


def _changeable(request, pk, action=access.CHANGE) -> Child:
    child = _child(request, pk)
    if not access.check(request.user, action, child):
        raise Http404
    return child


@require_http_methods(["GET", "POST"])
def child_edit(request, pk):
    """Change a child's record; someone else's change meanwhile is detected, not overwritten."""
    child = _changeable(request, pk)
    form = ChildForm(
        request.POST if request.method == "POST" else None,
        instance=child,
        initial={"version": child.version},
    )
    if request.method == "POST" and form.is_valid():
        try:
            register.child_update(
                child=child,
                by=request.user,
                seen_version=form.cleaned_data["version"],
                **form.service_fields(),
            )
        except register.StaleRecordError as error:
            form.add_error(None, str(error))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            record(request, AccessEvent.Action.CHANGE, child)
            return redirect("referrals:child-detail", pk=child.pk)
    record_view(request, [child])
    context = {"form": form, "child": child, "title": "Change the child's record", "caption": child}
    return render(request, "referrals/child_edit.html", context)


@require_http_methods(["GET", "POST"])
def child_add_detail(request, pk, kind):
    """Add another name, a parent or carer, or a number from another system."""
    if kind not in DETAIL_FORMS:
        raise Http404
    child = _changeable(request, pk)
    form_class, title = DETAIL_FORMS[kind]
    form = form_class(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            register.child_add_detail(child=child, by=request.user, detail=form.save(commit=False))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            record(request, AccessEvent.Action.CHANGE, child)
            return redirect("referrals:child-detail", pk=child.pk)
    context = {"form": form, "child": child, "title": title, "caption": child}
    return render(request, "referrals/child_add_detail.html", context)


@require_http_methods(["GET", "POST"])
def child_merge(request, pk):
    """Merge another record of the same child into this one (the likely duplicates are
    offered); everything moves, nothing is lost, and the merge is recorded."""
    child = _changeable(request, pk, policy.MERGE)
    description = matching.Description(
        given_names=child.given_names,
        family_name=child.family_name,
        date_of_birth=child.date_of_birth,
        postcode=child.postcode,
    )
    candidates = [
        m.child
        for m in selectors.child_search(user=request.user, description=description, limit=10)
        if m.child.pk != child.pk
    ]
    form = MergeForm(request.POST if request.method == "POST" else None, candidates=candidates)
    if request.method == "POST" and form.is_valid():
        merged = form.candidates[form.cleaned_data["merged"]]
        try:
            register.child_merge(
                kept=child, merged=merged, by=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            record(request, AccessEvent.Action.CHANGE, child)
            record(request, AccessEvent.Action.CHANGE, merged)
            return redirect("referrals:child-detail", pk=child.pk)
    record_view(request, [child, *candidates])
    context = {
        "form": form,
        "child": child,
        "candidates": candidates,
        "title": "Merge a duplicate record",
        "caption": child,
        "button": "Merge the records",
    }
    return render(request, "referrals/child_merge.html", context)
