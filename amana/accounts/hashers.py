from __future__ import annotations

from django.conf import settings
from django.contrib.auth.hashers import Argon2PasswordHasher


class Argon2Hasher(Argon2PasswordHasher):
    """Django's Argon2id password hasher; its cost follows AMANA_KDF_COST.

    At "moderate" (the default) and "interactive" it uses Django's own parameters; "minimum" exists
    only so test suites can sign people in hundreds of times. Hashes keep Django's format, and a
    hash made at a lower cost is upgraded at the next sign-in.
    """

    @property
    def time_cost(self) -> int:  # type: ignore[override]  # a class attribute in Django
        return 1 if settings.AMANA_KDF_COST == "minimum" else Argon2PasswordHasher.time_cost

    @property
    def memory_cost(self) -> int:  # type: ignore[override]
        return 64 if settings.AMANA_KDF_COST == "minimum" else Argon2PasswordHasher.memory_cost

    @property
    def parallelism(self) -> int:  # type: ignore[override]
        return 1 if settings.AMANA_KDF_COST == "minimum" else Argon2PasswordHasher.parallelism
