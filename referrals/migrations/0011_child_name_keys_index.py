"""On PostgreSQL, one index for "the same sounding last name and first name" (the register search's
Soundex candidates), so a common last name's key is not intersected with a common first name's
(two bitmap scans of thousands of rows) to find the few dozen children with both."""

from django.db import migrations

INDEX = "child_family_and_given_keys"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON referrals_child "
            "(family_name_key, given_name_key)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("referrals", "0010_child_given_and_family_trigram")]

    operations = [migrations.RunPython(create, drop)]
