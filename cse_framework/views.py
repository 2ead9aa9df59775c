"""Service-wide pages: home, landing pages, static pages, errors and health checks."""

import asyncio
import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.shortcuts import render
from django.views.generic import TemplateView
from health_check.base import HealthCheck
from health_check.checks import Cache, Database
from health_check.contrib.celery import Ping
from health_check.contrib.redis import Redis

from cse_framework import access
from cse_framework.access import RolesRequiredMixin

logger = logging.getLogger(__name__)


def floor(request):
    """The benchmark floor: signed in, one primary-key query, a bare template (bench/)."""
    user = get_user_model().objects.only("pk", "full_name").get(pk=request.user.pk)
    return render(request, "pages/floor.html", {"name": user.full_name})


def home(request):
    from governance.breakglass.policy import BREAK_GLASS_ROLES

    context = {"can_break_glass": access.has_role(request.user, BREAK_GLASS_ROLES)}
    return render(request, "pages/home.html", context)


class LandingView(RolesRequiredMixin, TemplateView):
    """The landing page of a section, restricted to the roles its policy names."""

    template_name = "pages/landing.html"
    title = ""
    lead = ""

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=self.title, lead=self.lead, **kwargs)


@login_not_required
def accessibility(request):
    return render(request, "pages/accessibility.html")


@login_not_required
def privacy(request):
    return render(request, "pages/privacy.html")


def _error(request, status: int, heading: str, *paragraphs: str):
    return render(
        request, "pages/error.html", {"heading": heading, "paragraphs": paragraphs}, status=status
    )


def page_not_found(request, exception=None):
    from cse_framework.audit.services import record_unknown_path

    if request.user.is_authenticated:
        record_unknown_path(request)
    return _error(
        request,
        404,
        "Page not found",
        "If you typed the web address, check it is correct.",
        "If you pasted the web address, check you copied the entire address.",
        "If the page is about a record, you may not have access to it.",
    )


def permission_denied(request, exception=None):
    return _error(
        request,
        403,
        "You do not have access to this page",
        "This page is for people with a particular role. If you need it for your work, ask your "
        "team manager.",
    )


def server_error(request):
    return _error(
        request,
        500,
        "Sorry, there is a problem with the service",
        "Try again later. Anything you saved before the problem is kept.",
        "If it keeps happening, tell the service desk and give them the reference below.",
    )


def bad_request(request, exception=None):
    return _error(
        request, 400, "Sorry, there is a problem with the request", "Go back and try again."
    )


def csrf_failure(request, reason=""):
    return _error(
        request,
        403,
        "Sorry, this form has expired",
        "Go back, refresh the page and try again. What you typed may need entering again.",
    )


@login_not_required
def healthz(request):
    """Liveness: the process answers."""
    return JsonResponse({"status": "ok"})


def _readiness_checks() -> tuple[list[HealthCheck], list[HealthCheck]]:
    required: list[HealthCheck] = [Database()]
    optional: list[HealthCheck] = [Ping(timeout=_seconds(1), limit=1)]
    if settings.REDIS_URL:
        from redis.asyncio import Redis as RedisClient

        optional += [
            Redis(client_factory=lambda: RedisClient.from_url(settings.REDIS_URL)),
            Cache(),
        ]
    return required, optional


def _seconds(value: float):
    from datetime import timedelta

    return timedelta(seconds=value)


async def _run(checks):
    return await asyncio.gather(*(check.get_result(None) for check in checks))


@login_not_required
def readyz(request):
    """Readiness: the database is required; Redis and Celery are reported 'degraded' if down."""
    required, optional = _readiness_checks()
    results = asyncio.run(_run(required + optional))
    report = {}
    failed_required = False
    for index, result in enumerate(results):
        name = type(result.check).__name__.lower()
        if result.error is None:
            report[name] = "ok"
        elif index < len(required):
            report[name] = "unavailable"
            failed_required = True
        else:
            report[name] = "degraded"
    status = (
        "unavailable"
        if failed_required
        else ("degraded" if "degraded" in report.values() else "ok")
    )
    return JsonResponse(
        {"status": status, "checks": report}, status=503 if failed_required else 200
    )


def landing_path(policy):
    """The landing page of an app, titled and restricted by the SECTION its policy declares."""
    from django.urls import path

    section = policy.SECTION
    view = LandingView.as_view(roles=section.roles, title=section.label, lead=section.description)
    return path("", view, name="index")
