"""The one way past the triggers that protect completed CSE2s and case notes: a disposal under the
retention schedule (issue 10, item 5), which must erase their personal data.

The triggers of shield migrations 0002, 0004 and 0007 refuse any UPDATE of a completed CSE2, of a
part of one (scores, attendees, monitoring record) and of a completed case note. They now let an
UPDATE through while a row exists in ``retention_erasuregate``. The disposal service inserts that
row inside its own transaction and deletes it before the transaction ends, so no other transaction
ever sees it (PostgreSQL's MVCC; SQLite's single writer), and a rolled-back disposal leaves none.
Deletes stay refused exactly as before. Everything else the triggers do is unchanged.

If a later shield migration replaces these trigger functions, it must keep the gate (or the
disposal of a child with a completed CSE2 fails and is reported, erasing nothing).
"""

from importlib import import_module

from django.db import migrations

GATE = "EXISTS (SELECT 1 FROM retention_erasuregate)"
CSE2_MESSAGE = "A completed CSE2 cannot be changed: record a correction instead"
NOTE_MESSAGE = "A completed case note cannot be changed: record a correction instead"
PARTS = ["shield_categoryscore", "shield_assessmentattendee", "shield_monitoringrecord"]

POSTGRESQL = [
    f"""
    CREATE OR REPLACE FUNCTION shield_refuse_completed_assessment() RETURNS trigger AS $$
    DECLARE
        moved shield_assessment%%ROWTYPE;
    BEGIN
        IF TG_OP = 'UPDATE' AND {GATE} THEN
            RETURN NEW;  -- a retention disposal erasing personal data (retention 0003)
        END IF;
        IF OLD.status = 'completed' THEN
            IF TG_OP = 'UPDATE' THEN
                moved := NEW;
                moved.child_id := OLD.child_id;
                IF moved IS NOT DISTINCT FROM OLD THEN
                    RETURN NEW;  -- moved to the kept record of a merge, nothing else changed
                END IF;
            END IF;
            RAISE EXCEPTION '{CSE2_MESSAGE} (assessment %%)', OLD.id
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
    END $$ LANGUAGE plpgsql
    """,
    f"""
    CREATE OR REPLACE FUNCTION shield_refuse_part_of_completed() RETURNS trigger AS $$
    BEGIN
        IF TG_OP = 'UPDATE' AND {GATE} THEN
            RETURN NEW;  -- a retention disposal erasing personal data (retention 0003)
        END IF;
        IF (TG_OP <> 'INSERT' AND EXISTS (
                SELECT 1 FROM shield_assessment
                WHERE id = OLD.assessment_id AND status = 'completed'))
           OR (TG_OP <> 'DELETE' AND EXISTS (
                SELECT 1 FROM shield_assessment
                WHERE id = NEW.assessment_id AND status = 'completed')) THEN
            RAISE EXCEPTION '{CSE2_MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
    END $$ LANGUAGE plpgsql
    """,
    f"""
    CREATE OR REPLACE FUNCTION shield_refuse_completed_note() RETURNS trigger AS $$
    BEGIN
        IF TG_OP = 'UPDATE' AND {GATE} THEN
            RETURN NEW;  -- a retention disposal erasing personal data (retention 0003)
        END IF;
        IF OLD.status = 'completed' THEN
            RAISE EXCEPTION '{NOTE_MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
    END $$ LANGUAGE plpgsql
    """,
]

SQLITE_ASSESSMENT = """
CREATE TRIGGER shield_assessment_immutable BEFORE UPDATE ON shield_assessment
FOR EACH ROW WHEN OLD.status = 'completed' AND ({changed}){gate}
BEGIN SELECT RAISE(ABORT, '{message}'); END
"""
SQLITE_PART = """
CREATE TRIGGER {table}_update_immutable BEFORE UPDATE ON {table}
FOR EACH ROW WHEN EXISTS (
    SELECT 1 FROM shield_assessment WHERE id = OLD.assessment_id AND status = 'completed'
){gate}
BEGIN SELECT RAISE(ABORT, '{message}'); END
"""
SQLITE_NOTE = """
CREATE TRIGGER shield_casenote_append_only BEFORE UPDATE ON shield_casenote
FOR EACH ROW WHEN OLD.status = 'completed'{gate}
BEGIN SELECT RAISE(ABORT, '{message}'); END
"""


def _changed(apps) -> str:
    """Every column of the assessment but the child's (as shield 0007 compares them)."""
    model = apps.get_model("shield", "Assessment")
    columns = [f.column for f in model._meta.concrete_fields if f.column != "child_id"]
    return " OR ".join(f'NEW."{c}" IS NOT OLD."{c}"' for c in columns)


def _sqlite(apps, schema_editor, gate: str) -> None:
    execute = schema_editor.execute
    execute("DROP TRIGGER IF EXISTS shield_assessment_immutable")
    execute(SQLITE_ASSESSMENT.format(changed=_changed(apps), gate=gate, message=CSE2_MESSAGE))
    for table in PARTS:
        execute(f"DROP TRIGGER IF EXISTS {table}_update_immutable")
        execute(SQLITE_PART.format(table=table, gate=gate, message=CSE2_MESSAGE))
    execute("DROP TRIGGER IF EXISTS shield_casenote_append_only")
    execute(SQLITE_NOTE.format(gate=gate, message=NOTE_MESSAGE))


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for statement in POSTGRESQL:
            schema_editor.execute(statement)
    elif vendor == "sqlite":
        _sqlite(apps, schema_editor, gate=f" AND NOT {GATE}")


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        # The functions as shield's migrations left them.
        schema_editor.execute(
            import_module("shield.migrations.0007_completed_cse2_moves_on_merge").POSTGRESQL
        )
        scheme = import_module("shield.migrations.0002_default_scheme_and_immutability")
        schema_editor.execute(scheme.POSTGRESQL[2])
        notes = import_module("shield.migrations.0004_case_notes_append_only")
        schema_editor.execute(notes.POSTGRESQL[0])
    elif vendor == "sqlite":
        _sqlite(apps, schema_editor, gate="")


class Migration(migrations.Migration):
    dependencies = [
        ("retention", "0002_default_rules"),
        ("shield", "0007_completed_cse2_moves_on_merge"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
