"""A completed CSE2 may change in one way only: the register record it belongs to, when two
records of the same child are merged (referrals.register.child_merge). The triggers of 0002 are
replaced by ones that allow exactly that update and refuse every other (ADR 0008)."""

from django.db import migrations

MESSAGE = "A completed CSE2 cannot be changed: record a correction instead"

POSTGRESQL = f"""
CREATE OR REPLACE FUNCTION shield_refuse_completed_assessment() RETURNS trigger AS $$
DECLARE
    moved shield_assessment%%ROWTYPE;
BEGIN
    IF OLD.status = 'completed' THEN
        IF TG_OP = 'UPDATE' THEN
            moved := NEW;
            moved.child_id := OLD.child_id;
            IF moved IS NOT DISTINCT FROM OLD THEN
                RETURN NEW;  -- moved to the kept record of a merge, nothing else changed
            END IF;
        END IF;
        RAISE EXCEPTION '{MESSAGE} (assessment %%)', OLD.id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END $$ LANGUAGE plpgsql
"""
POSTGRESQL_UNDO = f"""
CREATE OR REPLACE FUNCTION shield_refuse_completed_assessment() RETURNS trigger AS $$
BEGIN
    IF OLD.status = 'completed' THEN
        RAISE EXCEPTION '{MESSAGE} (assessment %%)', OLD.id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END $$ LANGUAGE plpgsql
"""
SQLITE_TRIGGER = """
CREATE TRIGGER shield_assessment_immutable BEFORE UPDATE ON shield_assessment
FOR EACH ROW WHEN OLD.status = 'completed' AND ({changed})
BEGIN SELECT RAISE(ABORT, '{message}'); END
"""


def _columns(apps) -> list[str]:
    """Every column of the assessment as this migration knows it, but the child's."""
    model = apps.get_model("shield", "Assessment")
    return [f.column for f in model._meta.concrete_fields if f.column != "child_id"]


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRESQL)
    elif vendor == "sqlite":
        # SQLite compares column by column (IS NOT: NULL-safe); the development database only.
        changed = " OR ".join(f'NEW."{c}" IS NOT OLD."{c}"' for c in _columns(apps))
        schema_editor.execute("DROP TRIGGER IF EXISTS shield_assessment_immutable")
        schema_editor.execute(SQLITE_TRIGGER.format(changed=changed, message=MESSAGE))


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRESQL_UNDO)
    elif vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER IF EXISTS shield_assessment_immutable")
        schema_editor.execute(SQLITE_TRIGGER.format(changed="1", message=MESSAGE))


class Migration(migrations.Migration):
    dependencies = [("shield", "0006_shield_page_indexes")]

    operations = [migrations.RunPython(forwards, backwards)]
