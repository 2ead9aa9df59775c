"""A user's notices: newest first, unread marked, and marked read one by one or all at once."""

from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from cse_framework import access
from cse_framework.notices import selectors, services

PAGE_SIZE = 25


def notice_list(request):
    if not access.is_verified(request.user):
        return redirect("accounts:sign-in")
    page = Paginator(selectors.notices_for(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "notices/notice_list.html", {"page": page})


@require_POST
def mark_read(request):
    """Mark one notice (``notice``) or all of them read; only the user's own copies change."""
    if not access.is_verified(request.user):
        return redirect("accounts:sign-in")
    notice = request.POST.get("notice", "")
    services.notices_mark_read(user=request.user, notice_ids=[notice] if notice.isdigit() else None)
    return redirect("notices:list")
