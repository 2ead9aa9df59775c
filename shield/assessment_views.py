"""CSE2 pages: start a draft, fill it in and complete it, the summary (the tool's front page),
a correction, a Shield team manager's override of the band, two versions side by side, and the
print. Thin: the rules are in shield.services and shield.scoring; the reads in
shield.assessment_selectors. Every record goes through the access mechanism (a forbidden one
answers 404, like a missing one) and every read is audited."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from cse_framework import access
from cse_framework.audit import services as audit
from cse_framework.audit.models import AccessEvent
from cse_framework.forms import add_service_errors
from cse_framework.pdf import render_pdf
from intelligence import source_links
from referrals.models import Child
from shield import assessment_selectors as selectors
from shield import policy, services
from shield.assessment_forms import (
    AssessmentForm,
    AssessmentStartForm,
    AttendeeFormSet,
    BandOverrideForm,
    CompareForm,
    attendee_initial,
)
from shield.models import Assessment

STALE = (
    "Someone else saved this draft while you were working on it. Nothing you typed here has "
    "been saved, so that their changes are not lost. Copy anything you need, then open the "
    "draft again to see what they saved."
)
SAVED_NOT_COMPLETED = (
    "Your draft has been saved, but the CSE2 cannot be completed until these are put right."
)


def _assessment(request, pk) -> Assessment:
    return access.get_object_or_404(request, selectors.assessments(), pk=pk)


def _to_edit(assessment: Assessment):
    return redirect("shield:assessment-edit", pk=assessment.pk)


@require_http_methods(["GET", "POST"])
def assessment_new(request, child_pk):
    """Start a CSE2 for a child: its kind, the date and the reason; then the draft's page."""
    child = selectors.assessable_child(user=request.user, child_pk=child_pk)
    if child is None:
        hidden = Child.objects.filter(pk=child_pk).first()
        if hidden is not None and request.user.is_authenticated:
            audit.record_denial(request, hidden)
            request.audited_denial = True
        raise Http404
    form = AssessmentStartForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            draft = services.assessment_start(
                child=child,
                kind=form.cleaned_data["kind"],
                by=request.user,
                assessed_on=form.cleaned_data["assessed_on"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _to_edit(draft)
    audit.record_view(request, [child])
    context = {
        "form": form,
        "child": child,
        "case": selectors.open_case(child.pk),
        "drafts": selectors.drafts_of(child.pk),
    }
    return render(request, "shield/assessment_new.html", context)


def _edit_forms(assessment, data, categories, floors):
    form = AssessmentForm(data, assessment=assessment, categories=categories, floors=floors)
    if data is None:
        attendees = AttendeeFormSet(prefix="attendees", initial=attendee_initial(assessment))
    else:
        # Bound without `initial`: an unchanged row would otherwise count as blank and be lost.
        attendees = AttendeeFormSet(data, prefix="attendees")
    return form, attendees


@require_http_methods(["GET", "POST"])
def assessment_edit(request, pk):
    """The whole draft in one form. "Save draft" keeps what was entered; "Complete the CSE2"
    saves it, then completes it. Asked to complete, one submission shows every problem at once:
    the form's own, the values a save refuses and what completion needs. A completed CSE2 is
    never edited here: it answers 404."""
    assessment = _assessment(request, pk)
    if assessment.completed or not access.check(request.user, policy.ASSESS, assessment):
        raise Http404
    categories = list(assessment.scheme.categories.all())
    floors = list(assessment.scheme.floors.all())
    posted = request.POST if request.method == "POST" else None
    form, attendees = _edit_forms(assessment, posted, categories, floors)
    if posted is not None:
        valid = form.is_valid() & attendees.is_valid()  # both, so both show their errors
        problems = {}
        if posted.get("action") == "complete":
            problems = services.assessment_completion_problems(
                assessment=assessment, fields=form.draft_fields(), scores=form.scores()
            )
        if valid:
            response, form, attendees = _save(
                request, assessment, form, attendees, categories, floors, problems
            )
            if response is not None:
                return response
        else:
            form.add_problems(problems)
    audit.record_view(request, [assessment])
    context = {
        "form": form,
        "attendees": attendees,
        "assessment": assessment,
        "previous": selectors.previous_of(assessment),
    }
    return render(request, "shield/assessment_edit.html", context)


def _save(request, assessment, form, attendees, categories, floors, problems):
    """Save the draft, then complete it if asked: a redirect, or the forms with their errors
    (what was typed is kept either way). ``problems`` are what stops completion, found before
    the save: shown with anything the save refuses, and nothing is completed."""
    try:
        saved = services.assessment_save_draft(
            assessment=assessment,
            by=request.user,
            expected_version=form.cleaned_data["version"],
            fields=form.draft_fields(),
            scores=form.scores(),
            monitoring=form.monitoring(),
            attendees=attendees.rows(),
        )
    except services.StaleError:
        form.add_error(None, STALE)
        return None, form, attendees
    except ValidationError as error:
        if Assessment.objects.filter(pk=assessment.pk, status="completed").exists():
            messages.info(request, "This CSE2 was completed meanwhile: nothing was changed.")
            return redirect(assessment), form, attendees
        add_service_errors(form, error)
        form.add_problems(problems)
        return None, form, attendees
    if request.POST.get("action") != "complete":
        messages.success(request, "Your draft has been saved.")
        return _to_edit(saved), form, attendees
    if problems:
        return None, *_not_completed(request, saved, categories, floors, problems)
    try:
        done = services.assessment_complete(
            assessment=saved, by=request.user, expected_version=saved.version
        )
    except services.StaleError:
        form.add_error(None, STALE)
        return None, form, attendees
    except ValidationError as error:
        # Only if the draft changed between the save and the completion.
        problems = error.message_dict if hasattr(error, "error_dict") else {None: error.messages}
        return None, *_not_completed(request, saved, categories, floors, problems)
    messages.success(request, f"CSE2 completed: this is version {done.sequence}.")
    return redirect(done), form, attendees


def _not_completed(request, saved, categories, floors, problems):
    """The draft is saved but not completed: the forms go on from the version just saved, with
    what stops completion."""
    data = request.POST.copy()
    data["version"] = str(saved.version)
    form, attendees = _edit_forms(saved, data, categories, floors)
    form.is_valid()
    attendees.is_valid()
    form.add_error(None, SAVED_NOT_COMPLETED)
    form.add_problems(problems)
    return form, attendees


def assessment_detail(request, pk):
    """The summary page: the tool's front page, filled in last (domain.md 2.6)."""
    assessment = selectors.summary_assessment(request=request, pk=pk)
    audit.record_view(request, [assessment])
    context = selectors.summary(assessment, user=request.user)
    context["source_links"] = source_links.page_link(
        request.user, assessment, count=assessment.links_named
    )
    context["connections_url"] = source_links.connections_url(request.user, assessment.child)
    return render(request, "shield/assessment_detail.html", context)


@require_POST
def assessment_correct(request, pk):
    """A correction is a new draft that starts as a copy of the completed version; completed,
    it becomes a new version, and the one it corrects stays as it was."""
    assessment = _assessment(request, pk)
    if not assessment.completed or not access.check(request.user, policy.ASSESS, assessment):
        raise Http404
    draft = selectors.draft_correction(assessment)
    if draft is None:
        try:
            draft = services.assessment_start(
                child=assessment.child,
                kind=assessment.kind,
                by=request.user,
                assessed_on=assessment.assessed_on,
                reason=assessment.reason,
                corrects=assessment,
            )
        except ValidationError as error:
            raise Http404 from error
        messages.success(
            request,
            f"This draft corrects version {assessment.sequence}. Change what was wrong, then "
            "complete it: it becomes a new version and the old one stays as it was.",
        )
    else:
        messages.info(request, "A correction of this version is already in progress: this is it.")
    return _to_edit(draft)


@require_http_methods(["GET", "POST"])
def assessment_override(request, pk):
    """D2: a Shield team manager overrides the computed band with a reason; audited, and shown
    beside the computed band."""
    assessment = _assessment(request, pk)
    if not assessment.completed or not access.check(request.user, policy.OVERRIDE, assessment):
        raise Http404
    form = BandOverrideForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        reason = form.cleaned_data["reason"]
        try:
            with transaction.atomic():
                services.band_override(
                    assessment=assessment,
                    by=request.user,
                    band=form.cleaned_data["band"],
                    reason=reason,
                )
                audit.record(request, AccessEvent.Action.CHANGE, assessment, justification=reason)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The band has been overridden.")
            return redirect(assessment)
    audit.record_view(request, [assessment])
    context = {
        "form": form,
        "assessment": assessment,
        "override": selectors.current_override(assessment),
    }
    return render(request, "shield/assessment_override.html", context)


def assessment_compare(request, child_pk):
    """Any two versions of a child's CSE2 side by side."""
    versions = selectors.child_versions(user=request.user, child_id=child_pk)
    if not versions:
        hidden = Assessment.objects.filter(child_id=child_pk).first()
        if hidden is not None:
            audit.record_denial(request, hidden)
            request.audited_denial = True
        raise Http404
    by_pk = {a.pk: a for a in versions}
    choices = selectors.versions_for_choice(versions)
    if "a" in request.GET and "b" in request.GET:
        form = CompareForm(request.GET, choices=choices)
        if not form.is_valid():
            raise Http404  # a version that is not this child's, or not the user's to see
        first, second = by_pk[form.cleaned_data["a"]], by_pk[form.cleaned_data["b"]]
    else:
        first, second = selectors.default_pair(versions)
        form = CompareForm(initial={"a": first.pk, "b": second.pk}, choices=choices)
    audit.record_view(request, [first, second])
    context = {
        **selectors.comparison(first, second),
        "form": form,
        "child": first.child,
        "versions": versions,
    }
    return render(request, "shield/assessment_compare.html", context)


def assessment_print(request, pk):
    """A completed CSE2 as a PDF, summary page first; the print is audited."""
    assessment = selectors.summary_assessment(request=request, pk=pk)
    if not assessment.completed:
        raise Http404
    audit.record(request, AccessEvent.Action.PRINT, assessment)
    context = selectors.summary(assessment, user=request.user)
    context["printed_by"] = request.user.full_name
    return render_pdf("shield/pdf/assessment.html", context, filename=f"{assessment.reference}.pdf")
