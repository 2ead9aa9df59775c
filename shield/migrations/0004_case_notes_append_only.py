"""A completed case note never changes: the database refuses what goes around the model (as for
a completed CSE2, migration 0002: UPDATE and DELETE on PostgreSQL, UPDATE on SQLite)."""

from django.db import migrations

MESSAGE = "A completed case note cannot be changed: record a correction instead"
POSTGRESQL = [
    f"""
    CREATE OR REPLACE FUNCTION shield_refuse_completed_note() RETURNS trigger AS $$
    BEGIN
        IF OLD.status = 'completed' THEN
            RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
    END $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER shield_casenote_append_only BEFORE UPDATE OR DELETE ON shield_casenote
    FOR EACH ROW EXECUTE FUNCTION shield_refuse_completed_note()
    """,
]
POSTGRESQL_UNDO = [
    "DROP TRIGGER IF EXISTS shield_casenote_append_only ON shield_casenote",
    "DROP FUNCTION IF EXISTS shield_refuse_completed_note()",
]
SQLITE = [
    f"""
    CREATE TRIGGER shield_casenote_append_only BEFORE UPDATE ON shield_casenote
    FOR EACH ROW WHEN OLD.status = 'completed'
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END
    """
]
SQLITE_UNDO = ["DROP TRIGGER IF EXISTS shield_casenote_append_only"]


def _run(statements: dict):
    def run(apps, schema_editor):
        for statement in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("shield", "0003_one_current_flag")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRESQL, "sqlite": SQLITE}),
            _run({"postgresql": POSTGRESQL_UNDO, "sqlite": SQLITE_UNDO}),
        )
    ]
