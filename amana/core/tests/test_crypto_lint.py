"""The lint rule that keeps cryptography in amana/vault: a deliberate import elsewhere fails `make lint`.

Runs the project's own ruff, with the project's configuration, on a file named as if it were in
another app, and again as if it were in the vault.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
RUFF = Path(sys.executable).parent / "ruff"

FORBIDDEN = [
    "import nacl.signing",
    "from nacl.public import SealedBox",
    "import hmac",
    "from argon2.low_level import hash_secret_raw",
    "import hashlib\n\nhashlib.blake2b(b'data', key=b'key')",
    "from hashlib import pbkdf2_hmac",
    "from django.utils.crypto import salted_hmac",
]


def lint(source: str, path: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603  # the project's own ruff on a fixed source
        [str(RUFF), "check", "--output-format", "concise", "--stdin-filename", path, "-"],
        input=source + "\n",
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.parametrize("source", FORBIDDEN)
def test_a_crypto_import_outside_the_vault_fails_the_lint(source: str) -> None:
    result = lint(source, "amana/cases/services.py")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "TID251" in result.stdout and "amana/vault" in result.stdout


@pytest.mark.parametrize("source", FORBIDDEN)
def test_the_vault_itself_may_import_it(source: str) -> None:
    result = lint(source, "amana/vault/crypto.py")
    assert "TID251" not in result.stdout, result.stdout


def test_a_plain_digest_stays_allowed_everywhere() -> None:
    result = lint("import hashlib\n\nhashlib.sha256(b'data').hexdigest()", "amana/evidence/package.py")
    assert result.returncode == 0, result.stdout + result.stderr
