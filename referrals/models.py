import uuid

from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords


class Child(models.Model):
    """A child or young person on the register (the intake issue adds the full record).

    The primary key is a random UUID, so record numbers reveal nothing and cannot be guessed.
    Age is derived from the date of birth, never stored.
    """

    class Gender(models.TextChoices):
        FEMALE = "female", "Female"
        MALE = "male", "Male"
        OTHER = "other", "Other"
        NOT_KNOWN = "not_known", "Not known"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    given_names = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    date_of_birth = models.DateField()
    gender = models.CharField(max_length=20, choices=Gender.choices, default=Gender.NOT_KNOWN)
    postcode = models.CharField(max_length=10, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["family_name", "given_names"]
        verbose_name_plural = "children"
        # The register's keyset order (referrals.selectors.REGISTER_ORDER) and the API's cursor.
        indexes = [
            models.Index(fields=["family_name", "given_names", "id"], name="child_register_order"),
            models.Index(fields=["-created_at", "id"], name="child_newest"),
        ]

    def __str__(self) -> str:
        return f"{self.given_names} {self.family_name}"

    def age_on(self, day) -> int:
        born = self.date_of_birth
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))

    @property
    def age(self) -> int:
        return self.age_on(timezone.localdate())
