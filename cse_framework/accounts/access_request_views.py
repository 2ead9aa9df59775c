"""Asking for an account (public) and deciding the requests (an agency's approvers)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from cse_framework import access
from cse_framework.accounts import access_requests, policy
from cse_framework.accounts.forms import (
    AccessRequestApproveForm,
    AccessRequestForm,
    AccessRequestRefuseForm,
)
from cse_framework.accounts.models import AccessRequest
from cse_framework.audit import services as audit
from cse_framework.audit.models import AccessEvent
from cse_framework.forms import add_service_errors


@login_not_required
@require_http_methods(["GET", "POST"])
def request_account(request):
    form = AccessRequestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            access_requests.access_request_submit(**form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            # The same page whether or not the address already had an account.
            return redirect("accounts:access-request-sent")
    return render(request, "accounts/access_request_form.html", {"form": form})


@login_not_required
def request_sent(request):
    return render(request, "accounts/access_request_sent.html")


def _queue(user):
    return access.scope(user, AccessRequest.objects.select_related("agency", "team"))


def request_list(request):
    """The waiting requests of the approver's agency (every agency's, for an administrator)."""
    access.require_roles(request.user, policy.DECIDE_ROLES)
    waiting = list(_queue(request.user).filter(status=AccessRequest.Status.WAITING))
    recent = list(
        _queue(request.user)
        .exclude(status=AccessRequest.Status.WAITING)
        .select_related("decided_by")
        .order_by("-decided_at", "-id")[:20]
    )
    return render(
        request, "accounts/access_request_list.html", {"waiting": waiting, "recent": recent}
    )


def _get(request, pk: int) -> AccessRequest:
    return access.get_object_or_404(
        request,
        AccessRequest.objects.select_related("agency", "team", "decided_by", "user"),
        pk=pk,
    )


def _detail(request, access_request, form, status=200):
    audit.record(request, AccessEvent.Action.VIEW, access_request)
    return render(
        request,
        "accounts/access_request_detail.html",
        {"access_request": access_request, "form": form},
        status=status,
    )


def request_detail(request, pk: int):
    access_request = _get(request, pk)
    form = AccessRequestApproveForm(access_request=access_request)
    return _detail(request, access_request, form if access_request.is_waiting else None)


@require_POST
def request_approve(request, pk: int):
    access_request = _get(request, pk)
    form = AccessRequestApproveForm(request.POST, access_request=access_request)
    if form.is_valid():
        try:
            access_requests.access_request_approve(
                pk=access_request.pk,
                by=request.user,
                roles=form.cleaned_data["roles"],
                address_checked=form.cleaned_data.get("address_checked", False),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                f"Request {access_request.reference} approved. {access_request.full_name} has "
                "been emailed a link to set their password",
            )
            return redirect("accounts:access-request-list")
    access_request.refresh_from_db()
    return _detail(request, access_request, form)


@require_http_methods(["GET", "POST"])
def request_refuse(request, pk: int):
    access_request = _get(request, pk)
    if not access_request.is_waiting:
        messages.info(request, f"Request {access_request.reference} has already been decided")
        return redirect("accounts:access-request-detail", pk=access_request.pk)
    form = AccessRequestRefuseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            access_requests.access_request_refuse(
                pk=access_request.pk, by=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                f"Request {access_request.reference} refused. The person has been emailed",
            )
            return redirect("accounts:access-request-list")
    return render(
        request,
        "accounts/access_request_refuse.html",
        {"access_request": access_request, "form": form},
    )
