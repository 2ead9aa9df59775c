"""The retention schedule's defaults, loaded by migration 0002 (and by ``ensure_defaults`` where
a test's flush emptied the table)."""

DEFAULT_RULES = (
    {
        # Children's case records: 35 years after the case closed, then reviewed.
        "record_type": "child",
        "amount": 35,
        "unit": "years",
        "trigger": "after_closure",
        "action": "review",
        "reason": "Children's social care case records: 35 years after the case is closed.",
    },
    {
        # Intelligence: reviewed on a period police set (MoPI-like; 6 years by default).
        "record_type": "intelligence",
        "amount": 6,
        "unit": "years",
        "trigger": "after_recording",
        "action": "review",
        "reason": "Police intelligence: reviewed 6 years after it was recorded (MoPI), then "
        "kept or disposed of on police's decision.",
    },
)


def ensure_defaults(rule_model, history_model=None) -> None:
    """Create any missing default rule (never changes one that exists), with its first history
    row (``history_model``: the historical model, where the caller's models have no history
    manager, as in a migration)."""
    from django.utils import timezone

    for values in DEFAULT_RULES:
        rule, created = rule_model.objects.get_or_create(
            record_type=values["record_type"], defaults=values
        )
        if created and history_model is not None:
            history_model.objects.create(
                id=rule.pk,
                **values,
                version=rule.version,
                changed_at=rule.changed_at,
                history_date=timezone.now(),
                history_type="+",
                history_change_reason="The default rule",
            )
