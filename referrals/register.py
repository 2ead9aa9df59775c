"""Every write of the child register: a new child from a referral, changes, other names,
parents and carers, identifiers, and merging two records of the same child."""

from django.core.exceptions import ValidationError
from django.db import models, transaction

from cse_framework.accounts.models import User
from referrals.models import Child, ChildAlias, ChildMatch, ChildMerge, Referral

# The register's own fields, in the order the edit form shows them.
CHILD_FIELDS = (
    "given_names",
    "family_name",
    "date_of_birth",
    "date_of_birth_estimated",
    "gender",
    "ethnicity",
    "disability",
    "disability_details",
    "special_educational_needs",
    "learning_disability",
    "address",
    "postcode",
    "school",
    "care_status",
    "legal_status",
    "allocated_social_worker",
    "placing_authority",
)


def child_create_from_referral(*, referral: Referral, by: User) -> Child:
    """A new child on the register, as the referrer described them."""
    child = Child(
        given_names=referral.child_given_names,
        family_name=referral.child_family_name,
        date_of_birth=referral.child_date_of_birth,
        date_of_birth_estimated=referral.child_date_of_birth_estimated,
        gender=referral.child_gender,
        ethnicity=referral.child_ethnicity,
        disability_details=referral.child_disability,
        address=referral.child_address,
        postcode=referral.child_postcode,
        school=referral.child_school,
        placing_authority=referral.child_placing_authority,
    )
    child.full_clean()
    child.save()
    for name in referral.child_other_names.split(","):
        if name.strip():
            ChildAlias(child=child, name=name.strip()).save()
    return child


class StaleRecordError(Exception):
    """Someone else changed the record after this worker opened it."""


@transaction.atomic
def child_update(*, child: Child, by: User, seen_version: int, **fields) -> Child:
    """Change a child's record; a change made meanwhile by someone else is refused, not lost."""
    unknown = set(fields) - set(CHILD_FIELDS)
    if unknown:
        raise TypeError(f"Not fields of the register: {sorted(unknown)}")
    current = Child.objects.select_for_update().get(pk=child.pk)
    if current.version != seen_version:
        raise StaleRecordError("This record was changed by someone else. Check it and try again")
    for name, value in fields.items():
        setattr(current, name, value)
    if current.care_status != Child.CareStatus.LOOKED_AFTER:
        current.legal_status = ""
    current.version += 1
    current.full_clean()
    current.save()
    return current


@transaction.atomic
def child_add_detail(*, child: Child, by: User, detail: models.Model) -> models.Model:
    """Add another name, a parent or carer, or an identifier to a child's record."""
    detail.child = child
    detail.full_clean()
    detail.save()
    return detail


def _relations_to_move():
    """Every foreign key to Child from a current-state model (history rows keep their past)."""
    for relation in Child._meta.related_objects:
        model = relation.related_model
        if model.__name__.startswith("Historical") or model in (Child, ChildMerge):
            continue
        if relation.many_to_many or relation.one_to_one:
            continue
        yield model, relation.field.name


@transaction.atomic
def child_merge(*, kept: Child, merged: Child, by: User, reason: str) -> ChildMerge:
    """Merge ``merged`` into ``kept``: every row that belongs to the merged record (referrals,
    assessments, clocks, names...) moves to the kept one through ``save()``, so each move has
    history; the merged record stays, pointing at the kept one, with its audit trail; and the
    merge itself is recorded."""
    if not reason.strip():
        raise ValidationError({"reason": "Say why these are the same child"})
    kept, merged = (
        Child.objects.select_for_update().get(pk=kept.pk),
        Child.objects.select_for_update().get(pk=merged.pk),
    )
    if kept.pk == merged.pk:
        raise ValidationError("Choose two different records")
    if kept.merged_into_id or merged.merged_into_id:
        raise ValidationError("One of these records has already been merged")
    moved = {}
    for model, field in _relations_to_move():
        count = 0
        for row in model._default_manager.filter(**{field: merged}):
            if (
                model is ChildMatch
                and ChildMatch.objects.filter(referral_id=row.referral_id, child=kept).exists()
            ):
                row.delete()
                continue
            setattr(row, field, kept)
            row.save()
            count += 1
        if count:
            moved[str(model._meta.verbose_name_plural)] = count
    merged.merged_into = merged_into = kept
    merged.version += 1
    merged.save()
    return ChildMerge.objects.create(
        kept=merged_into, merged=merged, reason=reason, moved=moved, merged_by=by
    )
