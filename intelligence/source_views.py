"""A case record's links page (issue 8, items 4 and 5): what a CSE1, a strategy discussion or
meeting, a CSE2 or a MACSE agenda item names (people, places, vehicles, phones, online handles),
recorded and linked to the record's child. The record is read through the access mechanism;
whoever may not change it under its own app's policy (intelligence.source_links.may_record) gets
404, audited like any denied record. Every GET and POST is recorded as a view of the child.
Thin: the rules are in intelligence.source_links. Works without JavaScript."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from cse_framework import access
from cse_framework.audit.services import record_view
from cse_framework.forms import add_service_errors
from intelligence import source_links
from intelligence.source_forms import SourceLinksForm


def _record(request, source: str, pk: str):
    kind = source_links.KINDS.get(source)
    if kind is None:
        raise Http404
    model = kind.model
    try:
        key = model._meta.pk.to_python(pk)
    except ValidationError as error:
        raise Http404 from error
    record = access.get_object_or_404(request, model.objects.select_related(*kind.related), pk=key)
    if not source_links.may_record(request.user, record):
        access.deny(request, record)
    return kind, record


def _done(entities, child) -> str:
    named = len(entities)
    text = f"{named} {'record' if named == 1 else 'records'} linked to {child}."
    flagged = [f"{entity.display} ({entity.problem})" for entity in entities if not entity.valid]
    if flagged:
        text += " Check what was typed: " + "; ".join(flagged)
    return text


@require_http_methods(["GET", "POST"])
def source_links_page(request, source, pk):
    kind, record = _record(request, source, pk)
    record_view(request, [record.child])
    form = SourceLinksForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            entities = source_links.links_record(
                record=record, by=request.user, **form.service_fields()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _done(entities, record.child))
            return redirect(request.path)
    context = {
        "form": form,
        "kind": kind,
        "record": record,
        "child": record.child,
        "linked": source_links.linked(record),
        "texts": kind.texts(record),
        "title": source_links.LINK_TEXT,
    }
    return render(request, "intelligence/source_links.html", context)
