"""The kinds of entity by the slug of their pages and API (person, place, vehicle, phone, handle),
their content types, a reference to one ("vehicle-12"), and the displays of many entities of
mixed kinds in one query. Shared by the entity pages, the API and a child's connections."""

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Value
from django.urls import reverse

from intelligence.alerts import ENTITY_KINDS
from intelligence.models import ENTITY_MODELS, Location, OnlineHandle, Person, Phone, Vehicle

SLUGS: dict[str, type[models.Model]] = {
    "person": Person,
    "place": Location,
    "vehicle": Vehicle,
    "phone": Phone,
    "handle": OnlineHandle,
}
SLUG_OF = {model: slug for slug, model in SLUGS.items()}
# What each kind is called on a page (a form's choices: "Vehicle", "Online handle").
LABELS = {slug: ENTITY_KINDS[model._meta.model_name].capitalize() for slug, model in SLUGS.items()}


def types() -> dict:
    """model -> ContentType for every kind of entity (cached by ContentType's manager)."""
    return ContentType.objects.get_for_models(*ENTITY_MODELS)


def model_of_type() -> dict:
    """content type id -> model, for every kind of entity."""
    return {ct.pk: model for model, ct in types().items()}


def words(model) -> str:
    """What the kind is called in a sentence ("vehicle", "online handle")."""
    return ENTITY_KINDS.get(model._meta.model_name, "record")


def ref(model, pk) -> str:
    """The reference of an entity in the API and forms: "vehicle-12"."""
    return f"{SLUG_OF[model]}-{pk}"


def parse_ref(text: str):
    """(model, pk) of a reference like "vehicle-12", or None."""
    slug, _, number = (text or "").partition("-")
    if slug not in SLUGS or not number.isdigit():
        return None
    return SLUGS[slug], int(number)


def url(model, pk) -> str:
    return reverse("intelligence:entity-detail", kwargs={"kind": SLUG_OF[model], "pk": pk})


def url_of(entity) -> str:
    return url(type(entity), entity.pk)


def displays(ids_by_model: dict) -> dict:
    """(content type id, entity id) -> display, for every entity named (model -> ids): one
    query (a UNION), none when there are none."""
    found = types()
    queries = [
        model.objects.filter(pk__in=ids)
        .order_by()
        .values_list(Value(found[model].pk), "pk", "display")
        for model, ids in ids_by_model.items()
        if ids
    ]
    if not queries:
        return {}
    union = queries[0].union(*queries[1:], all=True) if len(queries) > 1 else queries[0]
    return {(type_id, pk): display for type_id, pk, display in union}
