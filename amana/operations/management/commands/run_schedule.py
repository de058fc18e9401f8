from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from amana.operations.services import enqueue_due


class Command(BaseCommand):
    help = (
        "Queue the periodic jobs that are due (a systemd timer runs this every minute; the worker, "
        "'manage.py db_worker', runs them). With --loop it keeps doing so, for 'make run'."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--loop", type=int, metavar="SECONDS", help="check again every SECONDS")

    def handle(self, *args: Any, loop: int | None = None, **options: Any) -> None:
        while True:
            for name in enqueue_due():
                self.stdout.write(f"Queued {name}.")
            if not loop:
                return
            time.sleep(loop)
