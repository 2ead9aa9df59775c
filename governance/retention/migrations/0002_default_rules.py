"""The retention schedule's default rules (governance/retention/defaults.py)."""

from django.db import migrations

from governance.retention.defaults import ensure_defaults


def load(apps, schema_editor):
    ensure_defaults(
        apps.get_model("retention", "RetentionRule"),
        apps.get_model("retention", "HistoricalRetentionRule"),
    )


class Migration(migrations.Migration):
    dependencies = [("retention", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
