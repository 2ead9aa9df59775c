"""Reads for the intelligence pages: a user's own reports, and the entities a report names."""

from django.contrib.contenttypes.models import ContentType

from intelligence.models import (
    ENTITY_MODELS,
    Location,
    Mention,
    OnlineHandle,
    Person,
    Phone,
    Report,
    Vehicle,
)

LIST_FIELDS = ("id", "submitted_at", "observed_from", "place", "what_happened")


def reports_submitted_by(user):
    """The reports ``user`` submitted, newest first (their own: every one in their scope), with
    only what the list shows (never the grading or the outcome)."""
    return (
        Report.objects.filter(submitted_by=user).only(*LIST_FIELDS).order_by("-submitted_at", "-id")
    )


KIND_LABELS = {
    Person: "Person of concern",
    Location: "Location",
    Vehicle: "Vehicle",
    Phone: "Phone",
    OnlineHandle: "Online",
}


def entities_of(report: Report) -> list[tuple[str, object]]:
    """The entities a report names, each with the name of its kind, people first: the mentions,
    then one query per kind named (and the aliases of people)."""
    mentions = Mention.objects.filter(
        source_type=ContentType.objects.get_for_model(Report), source_id=str(report.pk)
    )
    return entities_named(mentions.values_list("entity_type_id", "entity_id"))


def entities_named(pairs) -> list[tuple[str, object]]:
    """The entities of (content type id, entity id) ``pairs``, each with the name of its kind,
    people first: one query per kind named (and the aliases of people)."""
    by_type: dict[int, list[int]] = {}
    for type_id, entity_id in pairs:
        by_type.setdefault(type_id, []).append(entity_id)
    found = []
    for model in ENTITY_MODELS:
        ids = by_type.get(ContentType.objects.get_for_model(model).pk)
        if ids:
            rows = model.objects.filter(pk__in=ids).order_by("pk")
            if model is Person:
                rows = rows.prefetch_related("aliases")
            found.extend((KIND_LABELS[model], row) for row in rows)
    return found
