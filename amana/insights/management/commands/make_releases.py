"""Make the statistics release of every closed month not yet released (safe to run every day)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from amana.insights.services import make_due_releases


class Command(BaseCommand):
    help = "Make the statistics release of every closed month not yet released, for every organisation."

    def handle(self, *args: Any, **options: Any) -> None:
        made = make_due_releases()
        self.stdout.write(f"{len(made)} release(s) made or already there.")
