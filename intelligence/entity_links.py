"""Links between entities (issue 8, item 4): a person who drives a car, a handle a person uses, a
place a car is seen at, or simply named together by one report.

An ``EntityLink`` is stored once per pair and source record, the pair in a fixed order (the lower
content type id and entity id first), so either end finds it by an index and making the same
link twice stores nothing new. A link resting on police-only intelligence is marked so (D12):
others see it only as "Possible link - contact police"."""

from itertools import combinations

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction

from intelligence.models import EntityLink

SELF_LINK = "A record cannot be linked to itself"
RELATION_REQUIRED = "Select how the two are linked"


def _end(entity: models.Model) -> tuple[ContentType, int]:
    return ContentType.objects.get_for_model(entity), entity.pk


def _in_order(first: models.Model, second: models.Model) -> tuple:
    """The two ends, the lower (content type id, entity id) first; a record and itself refused."""
    one, other = _end(first), _end(second)
    if (one[0].pk, one[1]) == (other[0].pk, other[1]):
        raise ValidationError(SELF_LINK)
    return (one, other) if (one[0].pk, one[1]) < (other[0].pk, other[1]) else (other, one)


def _identity(first, second, source_type: ContentType, source_id: str) -> dict:
    return {
        "first_type": first[0],
        "first_id": first[1],
        "second_type": second[0],
        "second_id": second[1],
        "source_type": source_type,
        "source_id": source_id,
    }


@transaction.atomic
def entity_link(
    *,
    first: models.Model,
    second: models.Model,
    relation: str = EntityLink.Relation.ASSOCIATED,
    source: models.Model,
    by,
    police_only: bool = False,
) -> tuple[EntityLink, bool]:
    """Join two entities by ``source`` (idempotent: the same pair and source is stored once, the
    first relation kept); returns the link and whether it is new. Linking an entity to itself,
    or an unknown relation, is a ValidationError."""
    if relation not in EntityLink.Relation.values:
        raise ValidationError({"relation": RELATION_REQUIRED})
    one, other = _in_order(first, second)
    identity = _identity(one, other, ContentType.objects.get_for_model(source), str(source.pk))
    existing = EntityLink.objects.filter(**identity).first()
    if existing is not None:
        return existing, False
    link = EntityLink(**identity, relation=relation, police_only=police_only, created_by=by)
    link.full_clean(validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            link.save(force_insert=True)
    except IntegrityError:  # made at the same moment by another request: the one stored wins
        return EntityLink.objects.get(**identity), False
    return link, True


@transaction.atomic
def entities_link_together(
    *,
    entities,
    source: models.Model,
    by,
    police_only: bool = False,
    relation: str = EntityLink.Relation.ASSOCIATED,
) -> list[EntityLink]:
    """Join every pair of ``entities`` named by one ``source`` (a report naming a man, his car
    and his handle links the three to one another); an entity named twice counts once. Pairs
    already joined by this source are left as they are. Two queries whatever the number of
    entities: the pairs stored already, and one INSERT of the new ones. Returns the new links."""
    ends = {}
    for entity in entities:
        end = _end(entity)
        ends[(end[0].pk, end[1])] = end
    if len(ends) < 2:
        return []
    source_type = ContentType.objects.get_for_model(source)
    source_id = str(source.pk)
    stored = set(
        EntityLink.objects.filter(source_type=source_type, source_id=source_id).values_list(
            "first_type_id", "first_id", "second_type_id", "second_id"
        )
    )
    new = [
        EntityLink(
            **_identity(ends[one], ends[other], source_type, source_id),
            relation=relation,
            police_only=police_only,
            created_by=by,
        )
        for one, other in combinations(sorted(ends), 2)
        if (*one, *other) not in stored
    ]
    return EntityLink.objects.bulk_create(new)
