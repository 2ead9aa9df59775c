"""The CSE2's scoring schemes in the admin, for system administrators only (D1): each version with
its categories, bands and floors. A scheme an assessment has used never changes (its rows refuse
to save); an administrator copies it as a new version, changes the copy and makes it current.

No assessment, case or other record about a child is ever registered here: the admin would bypass
the access mechanism and the audit."""

import re

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, Max, OuterRef
from django.http import HttpResponseRedirect
from simple_history.admin import SimpleHistoryAdmin

from shield.models import Assessment, Band, Floor, ScoringCategory, ScoringScheme
from shield.models.scheme import SchemeInUseError

IN_USE = (
    "An assessment has used this scheme, so it cannot be changed: every assessment keeps the "
    'scheme it was scored with. To change it, use "Copy as a new version", change the copy, '
    "then make the copy current."
)
CODE_LENGTH = ScoringScheme._meta.get_field("code").max_length


def _new_code(code: str, version: int) -> str:
    """``CSE2-default-v1`` copied as version 2 is ``CSE2-default-v2``; unique, within the
    column."""
    base = re.sub(r"-v\d+$", "", code)
    for attempt in range(1, 1000):
        suffix = f"-v{version}" if attempt == 1 else f"-v{version}-{attempt}"
        candidate = base[: CODE_LENGTH - len(suffix)] + suffix
        if not ScoringScheme.objects.filter(code=candidate).exists():
            return candidate
    raise ValidationError("No free code for the copy: rename some schemes")


@transaction.atomic
def scheme_copy_as_new_version(*, scheme: ScoringScheme) -> ScoringScheme:
    """D1: a scheme in use never changes, so a change starts as a copy (categories, bands and
    floors), numbered after the newest version and not current until made so."""
    version = (ScoringScheme.objects.aggregate(newest=Max("version"))["newest"] or 0) + 1
    copy = ScoringScheme(
        code=_new_code(scheme.code, version),
        name=scheme.name,
        version=version,
        current=False,
        judgement_min=scheme.judgement_min,
        judgement_max=scheme.judgement_max,
        notes=f"Copied from {scheme.code}. {scheme.notes}".strip(),
    )
    copy.full_clean()
    copy.save()
    for category in scheme.categories.all():
        ScoringCategory.objects.create(
            scheme=copy,
            number=category.number,
            name=category.name,
            guidance=category.guidance,
            min_score=category.min_score,
            max_score=category.max_score,
            anchors=category.anchors,
            evidence_required_above=category.evidence_required_above,
        )
    for band in scheme.bands.all():
        Band.objects.create(
            scheme=copy, code=band.code, min_total=band.min_total, max_total=band.max_total
        )
    for floor in scheme.floors.all():
        Floor.objects.create(scheme=copy, rule=floor.rule, age=floor.age, band=floor.band)
    return copy


def scheme_problems(scheme: ScoringScheme) -> list[str]:
    """What stops a scheme from scoring every assessment: no categories, or bands that do not
    cover each total from 0 to the maximum exactly once."""
    categories = list(scheme.categories.all())
    if not categories:
        return ["It has no categories"]
    maximum = sum(c.max_score for c in categories) + scheme.judgement_max
    bands = list(scheme.bands.order_by("min_total"))
    covered = [t for band in bands for t in range(band.min_total, band.max_total + 1)]
    if sorted(covered) != list(range(maximum + 1)):
        return [f"Its bands must cover every total from 0 to {maximum} once, without gaps"]
    return []


@transaction.atomic
def scheme_make_current(*, scheme: ScoringScheme) -> ScoringScheme:
    """New assessments use the current scheme; exactly one is current, so the others stop
    being current first (the database allows one)."""
    problems = scheme_problems(scheme)
    if problems:
        raise ValidationError(problems)
    chosen = ScoringScheme.objects.select_for_update().get(pk=scheme.pk)
    for other in ScoringScheme.objects.select_for_update().filter(current=True):
        if other.pk != chosen.pk:
            other.current = False
            other.save()
    if not chosen.current:
        chosen.current = True
        chosen.save()
    return chosen


def _used(scheme: ScoringScheme | None) -> bool:
    return scheme is not None and scheme.in_use


class SchemeRowInline(admin.TabularInline):
    """A part of a scheme: read-only once an assessment has used the scheme."""

    extra = 0

    def has_add_permission(self, request, obj=None) -> bool:
        return super().has_add_permission(request, obj) and not _used(obj)

    def has_change_permission(self, request, obj=None) -> bool:
        return super().has_change_permission(request, obj) and not _used(obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return super().has_delete_permission(request, obj) and not _used(obj)


class CategoryInline(SchemeRowInline, admin.StackedInline):
    model = ScoringCategory
    fields = [
        ("number", "name"),
        "guidance",
        ("min_score", "max_score", "evidence_required_above"),
        "anchors",
    ]


class BandInline(SchemeRowInline):
    model = Band
    fields = ["code", "min_total", "max_total"]


class FloorInline(SchemeRowInline):
    model = Floor
    fields = ["rule", "age", "band"]


@admin.register(ScoringScheme)
class ScoringSchemeAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "version", "current", "used", "created_at"]
    list_filter = ["current"]
    search_fields = ["code", "name"]
    fields = [
        "use",
        "code",
        "name",
        "version",
        "current",
        "judgement_min",
        "judgement_max",
        "notes",
        "created_at",
    ]
    inlines = [CategoryInline, BandInline, FloorInline]
    actions = ["copy_as_new_version", "make_current"]

    def get_queryset(self, request):
        used = Assessment.objects.filter(scheme=OuterRef("pk"))
        return super().get_queryset(request).annotate(used=Exists(used))

    @admin.display(boolean=True, description="Used by an assessment")
    def used(self, scheme) -> bool:
        return scheme.used

    @admin.display(description="Can it change?")
    def use(self, scheme) -> str:
        if _used(scheme):
            return IN_USE
        return 'Yes: no assessment has used it. Make it current with "Make current".'

    def get_readonly_fields(self, request, obj=None):
        # "current" changes only through the action, which keeps exactly one current.
        if _used(obj):
            return self.fields
        return ["use", "current", "created_at"]

    def get_fields(self, request, obj=None):
        return self.fields if obj is not None else self.fields[1:]

    def has_delete_permission(self, request, obj=None) -> bool:
        # Versions are kept: an old assessment names the scheme it was scored with.
        return False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        scheme = self.get_object(request, unquote(object_id))
        if _used(scheme):
            if request.method == "POST":
                messages.error(request, IN_USE)
                return HttpResponseRedirect(request.path)
            messages.warning(request, IN_USE)
        try:
            return super().change_view(request, object_id, form_url, extra_context)
        except SchemeInUseError:
            # The rows refused to save (the admin's transaction is rolled back).
            messages.error(request, IN_USE)
            return HttpResponseRedirect(request.path)

    def revert_disabled(self, request, obj=None) -> bool:
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # Its history is for reading: a revert would bring back an old "current" and undo
        # what may already have scored assessments.
        if request.method == "POST":
            messages.error(request, "A scheme is never reverted: copy it as a new version.")
            return HttpResponseRedirect(request.path)
        return super().history_form_view(request, object_id, version_id, extra_context)

    def save_model(self, request, obj, form, change):
        if change and _used(obj):
            messages.error(request, IN_USE)
            return
        super().save_model(request, obj, form, change)

    @admin.action(description="Copy as a new version")
    def copy_as_new_version(self, request, queryset):
        for scheme in queryset.order_by("version"):
            copy = scheme_copy_as_new_version(scheme=scheme)
            self.message_user(
                request,
                f"{scheme.code} copied as {copy.code} (version {copy.version}), not current: "
                "change it, then make it current.",
                messages.SUCCESS,
            )

    @admin.action(description="Make current (new assessments use it)")
    def make_current(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, "Choose exactly one scheme to make current.", messages.ERROR)
            return
        scheme = queryset.get()
        try:
            scheme_make_current(scheme=scheme)
        except ValidationError as error:
            self.message_user(
                request,
                f"{scheme.code} was not made current: {' '.join(error.messages)}",
                messages.ERROR,
            )
            return
        self.message_user(
            request, f"{scheme.code} is now current: new assessments use it.", messages.SUCCESS
        )
