from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from amana.accounts.demo import create_demo_data, load_logins, load_recovery_keys, save_logins


class Command(BaseCommand):
    help = "Create clearly fictional demo organisations and staff (one per role) and print their logins."

    def handle(self, *args: Any, **options: Any) -> None:
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
        self.stdout.write("Organisation recovery keys (a real organisation prints these and keeps them offline):")
        for name, key in load_recovery_keys():
            self.stdout.write(f"  {name:<42} {key}")
        self.stdout.write("")
