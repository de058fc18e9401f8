from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from amana.referrals.services import expire_due


class Command(BaseCommand):
    help = "End referrals whose consent has run out and revoke the receiving organisations' keys (run daily by cron)."

    def handle(self, *args: Any, **options: Any) -> None:
        count = expire_due()
        self.stdout.write(f"{count} referral(s) expired.")
