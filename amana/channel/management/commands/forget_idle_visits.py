from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from amana.channel.survivor_session import forget_idle_visits


class Command(BaseCommand):
    help = "Delete stored survivor visits idle longer than AMANA_SURVIVOR_IDLE_SECONDS (run every few minutes)."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"{forget_idle_visits()} idle visits forgotten.")
