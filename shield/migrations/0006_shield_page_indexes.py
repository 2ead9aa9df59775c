"""Indexes for the Shield pages at scale: a child's latest completed CSE2 read from the index
alone (a caseload row's band, total and date), and the open cases counted per team from an index
of (team, worker) without reading the cases (the manager's totals)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("shield", "0005_assessment_newest"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="assessment",
            name="assessment_completed",
        ),
        migrations.AddIndex(
            model_name="assessment",
            index=models.Index(
                condition=models.Q(("status", "completed")),
                fields=["child", "-completed_at", "-id"],
                include=("band", "total", "assessed_on"),
                name="assessment_latest_completed",
            ),
        ),
        migrations.AddIndex(
            model_name="shieldcase",
            index=models.Index(
                condition=models.Q(("status", "open")),
                fields=["team", "worker"],
                name="shield_case_open_team",
            ),
        ),
    ]
