"""A kept quarterly return (issue 9): the figures as they were counted, and the files made from
them, so a board member who downloads it again gets the identical file.

Each request makes a new version for its quarter (1, 2...); an older version is never changed,
so regenerating after a figure's definition changed leaves the old return with its old figures
(each figure's definition and version are kept inside ``figures``).

The files are kept as bytes in the row (``BinaryField``), as MACSE keeps its printed packs: a
return is a few tens of kilobytes, written once and never changed, so the database keeps it with
its figures in one backup and one transaction, and a download sends back exactly the bytes
stored (no file storage to configure, lose or let drift from the row). A database check refuses
a "ready" row without its figures and all three files, so a half-made return is never ready.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from returns.quarters import Quarter


class QuarterlyReturn(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to start"
        BUILDING = "building", "Being built"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    year = models.PositiveSmallIntegerField()  # the calendar year the financial year starts in
    number = models.PositiveSmallIntegerField(choices=[(n, f"Q{n}") for n in range(1, 5)])
    version = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    progress = models.PositiveSmallIntegerField(default=0)  # percent
    step = models.CharField(max_length=200, blank=True)  # what the build is doing, in words
    failure_reason = models.TextField(blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    built_at = models.DateTimeField(null=True, blank=True)
    area = models.CharField(max_length=100, blank=True)  # settings.RETURN_AREA_NAME when asked for
    # ``Return.as_dict()`` exactly as counted (not suppressed), with each figure's definition
    # and version; every output suppresses it (D14).
    figures = models.JSONField(null=True, blank=True, editable=False)
    pdf = models.BinaryField(null=True, blank=True, editable=False)
    csv = models.BinaryField(null=True, blank=True, editable=False)
    xlsx = models.BinaryField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-year", "-number", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "number", "version"], name="returns_one_version_number"
            ),
            # One build at a time for a quarter.
            models.UniqueConstraint(
                fields=["year", "number"],
                condition=Q(status__in=["pending", "building"]),
                name="returns_one_build_at_a_time",
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1, number__lte=4), name="returns_quarter_number"
            ),
            models.CheckConstraint(condition=Q(progress__lte=100), name="returns_progress_percent"),
            # Never a half-written ready row.
            models.CheckConstraint(
                condition=~Q(status="ready")
                | Q(
                    figures__isnull=False,
                    pdf__isnull=False,
                    csv__isnull=False,
                    xlsx__isnull=False,
                    built_at__isnull=False,
                ),
                name="returns_ready_has_everything",
            ),
        ]

    def __str__(self) -> str:
        return f"Quarterly return {self.quarter.code} version {self.version}"

    @property
    def quarter(self) -> Quarter:
        return Quarter(self.year, self.number)

    @property
    def in_progress(self) -> bool:
        return self.status in (self.Status.PENDING, self.Status.BUILDING)

    def filename(self, extension: str) -> str:
        """``knowsley-cse-return-2026-Q1-v2.xlsx``: the area, quarter and version, nothing more."""
        area = "-".join(self.area.lower().split()) or "area"
        return f"{area}-cse-return-{self.quarter.code}-v{self.version}.{extension}"
