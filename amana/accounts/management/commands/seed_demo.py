from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from amana.accounts.demo import create_demo_data, load_logins, load_recovery_keys, save_logins

# What each demo login finds waiting, and the page to open first.
START_HERE = [
    ("demo.caseworker", "/staff/cases/?view=mine: her assigned cases, urgent first; open one to assess, plan, refer"),
    ("demo.supervisor", "/staff/cases/?view=closing: closures to decide; /staff/cases/ for the urgent reports"),
    ("demo.me", "/staff/insights/: twelve months of figures to export; /staff/community/ for forums"),
    ("demo.cpt", "/staff/community/visits/: a follow-up visit the NGO asked for; /staff/community/forums/"),
    ("demo.police", "/staff/referrals/received/: referrals waiting for an answer, and one with an evidence package"),
    ("demo.security", "/staff/referrals/received/: safe-space meetings asked for"),
    ("demo.provider", "/staff/referrals/received/: service referrals waiting"),
    ("demo.orgadmin", "/staff/organisations/: members and keys"),
    ("demo.sysadmin", "/staff/admin/: organisations and settings"),
]


class Command(BaseCommand):
    help = "Create clearly fictional demo organisations and staff (one per role) and print their logins."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("The demo is made only with DEBUG on, never in production.")
        created = create_demo_data()
        if created:
            save_logins(created)
        logins = created or load_logins()
        if not logins:
            self.stdout.write("Demo data exists but var/demo-logins.txt is missing; delete var/ to start again.")
            return
        self.stdout.write("")
        self.stdout.write("Demo staff (fictional). Sign in at http://127.0.0.1:8000/staff/login/")
        self.stdout.write("Second factor: add the key to any authenticator app, or run 'make totp who=<user name>'.")
        self.stdout.write("")
        for login in logins:
            self.stdout.write(f"  {login.username:<18} password {login.password:<20} TOTP key {login.totp_key_base32}")
        self.stdout.write("")
        self.stdout.write("Where to start (after signing in):")
        for username, where in START_HERE:
            self.stdout.write(f"  {username:<18} {where}")
        self.stdout.write("")
        self.stdout.write("Organisation recovery keys (a real organisation prints these and keeps them offline):")
        for name, key in load_recovery_keys():
            self.stdout.write(f"  {name:<42} {key}")
        self.stdout.write("")
