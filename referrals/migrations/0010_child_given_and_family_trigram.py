"""On PostgreSQL, one index for "this first name's key and a last name like this one" (btree_gin
and pg_trgm together), so a misspelt search of a common last name reads a few rows, not hundreds."""

from django.db import migrations

INDEX = "child_given_key_family_trgm"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gin")
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON referrals_child "
            "USING gin (given_name_key, family_name gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("referrals", "0009_queue_indexes")]

    operations = [migrations.RunPython(create, drop)]
