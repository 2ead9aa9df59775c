"""python manage.py generate_synthetic --children N [--seed S]: a large fictional data set."""

import datetime as dt
import time

from django.core.management.base import BaseCommand, CommandError

from cse_framework.synthetic import generator


class Command(BaseCommand):
    help = "Generate synthetic, entirely fictional data at scale (never in production)."

    def add_arguments(self, parser):
        parser.add_argument("--children", type=int, required=True)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--as-of",
            type=dt.date.fromisoformat,
            default=None,
            help="The date ages are computed at (default: today)",
        )

    def handle(self, *args, children: int, seed: int, as_of, **options):
        started = time.monotonic()
        try:
            plan = generator.generate(children=children, seed=seed, as_of=as_of)
        except generator.RefusedError as error:
            raise CommandError(str(error)) from error
        counts = ", ".join(f"{count} {name}" for name, count in plan.counts.items())
        self.stdout.write(f"generated {counts} (seed {seed}) in {time.monotonic() - started:.1f}s")
