"""Role-aware navigation: each section appears only to the roles its landing page admits."""

from dataclasses import dataclass
from functools import cache
from importlib import import_module

from django.urls import get_script_prefix, reverse

from cse_framework import access


@dataclass(frozen=True)
class Section:
    label: str
    url_name: str
    roles: frozenset[str]
    description: str


_sections: list[Section] = []


def discover() -> None:
    """Collect the SECTION each app's policy.py declares, in INSTALLED_APPS order."""
    from django.apps import apps

    _sections.clear()
    for config in apps.get_app_configs():
        try:
            policy = import_module(f"{config.name}.policy")
        except ModuleNotFoundError as error:
            if error.name != f"{config.name}.policy":
                raise
            continue
        section = getattr(policy, "SECTION", None)
        if section is not None:
            _sections.append(section)


def items_for(request) -> list[dict]:
    items = []
    for section in _sections:
        if access.has_role(request.user, section.roles):
            url = _landing_url(section.url_name, get_script_prefix())
            items.append(
                {
                    "label": section.label,
                    "url": url,
                    "description": section.description,
                    "active": request.path.startswith(url),
                }
            )
    return items


@cache
def _landing_url(url_name: str, prefix: str) -> str:
    """A section's landing page: reversed once per process (and script prefix), as every page's
    header lists the sections."""
    return reverse(url_name)
