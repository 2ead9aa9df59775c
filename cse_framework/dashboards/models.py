"""The dashboard's on-time figures, worked out from the clocks by the beat (``performance``) so
the page reads a few hundred rows of counts, not a quarter's clocks."""

from django.db import models

from cse_framework.timescales.clocks import Kind
from cse_framework.timescales.models import Deadline


class PerformanceSnapshot(models.Model):
    """The figures as at one moment. Counts only: nothing about a child."""

    worked_out_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"Clock performance at {self.worked_out_at:%Y-%m-%d %H:%M}"


class PerformanceFigure(models.Model):
    """Of the required clocks of one kind and team, with one reason for lateness, that fell due
    in the last month and in the last quarter before the snapshot: how many, and how many were
    met on time (the rest were late, or are still open past due)."""

    snapshot = models.ForeignKey(
        PerformanceSnapshot, on_delete=models.CASCADE, related_name="figures"
    )
    kind = models.CharField(max_length=30, choices=Kind.choices)
    owning_team = models.ForeignKey(
        "accounts.Team", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    breach_reason_code = models.CharField(
        max_length=30, choices=Deadline.BreachReason.choices, blank=True
    )
    due_last_month = models.PositiveIntegerField()
    on_time_last_month = models.PositiveIntegerField()
    due_last_quarter = models.PositiveIntegerField()
    on_time_last_quarter = models.PositiveIntegerField()

    def __str__(self) -> str:
        return f"{self.kind} {self.owning_team_id} {self.breach_reason_code}"
