from django.db import models
from django.utils import timezone


class SyntheticDataSet(models.Model):
    """The marker the generator writes: this database holds synthetic data only.

    The benchmark harness refuses any database without it.
    """

    seed = models.IntegerField()
    children = models.PositiveIntegerField()
    as_of = models.DateField()
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"synthetic: {self.children} children, seed {self.seed}"
