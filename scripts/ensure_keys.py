"""Create the local secret files on a first run; never overwrite one that exists.

Keys are generated on each machine and kept out of git (var/ is ignored).
"""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path

KEYS = {
    "secret_key": lambda: secrets.token_urlsafe(64),  # Django's SECRET_KEY
    "audit_key": lambda: secrets.token_urlsafe(32),  # keys the audit log's hash chain
    "blind_index_key": lambda: secrets.token_urlsafe(32),  # keys the blind indexes of perpetrator identifiers
    # The Ed25519 seed that signs the audit chain's checkpoints (amana/vault/checkpoints.py).
    "checkpoint_signing_key": lambda: secrets.token_hex(32),
    "release_key": lambda: secrets.token_urlsafe(32),  # keys the noise of released statistics
}


def main() -> None:
    var_dir = Path(os.environ.get("AMANA_VAR_DIR") or Path(__file__).resolve().parent.parent / "var")
    for folder in ("static", "media", "checkpoints"):
        (var_dir / folder).mkdir(parents=True, exist_ok=True)
    keys_dir = var_dir / "keys"
    keys_dir.mkdir(parents=True, exist_ok=True)
    keys_dir.chmod(0o700)
    for name, generate in KEYS.items():
        path = keys_dir / name
        if path.exists():
            continue
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(generate())
        print(f"Generated {path}", file=sys.stderr)


if __name__ == "__main__":
    main()
