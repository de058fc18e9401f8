from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from amana.referrals.services import end_overrides_due, expire_due, warn_overrides_ending


class Command(BaseCommand):
    help = (
        "Warn supervisors of emergency overrides about to end, end those that ran their time, end referrals "
        "whose consent ran out and take every key a finished referral still holds (run hourly)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        warned = warn_overrides_ending()
        overrides = end_overrides_due()
        count = expire_due()
        self.stdout.write(f"{warned} override warning(s) sent, {overrides} override grant(s) ended.")
        self.stdout.write(f"{count} referral(s) expired.")
