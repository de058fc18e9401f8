"""The audit chain's keyed hash and the signatures on its checkpoints (amana.audit uses these).

- ``audit_mac`` is the HMAC-SHA256 of one entry, keyed by AMANA_AUDIT_KEY: without the key nobody
  can forge an entry that verifies.
- A checkpoint records the chain's head (how many entries, the last hash) at one moment and is
  signed with an Ed25519 key kept outside the database (AMANA_CHECKPOINT_SIGNING_KEY), so that a
  database writer cannot cut the chain short, rewind its head or wipe it without it being seen.
"""

from __future__ import annotations

import hashlib
import hmac

import nacl.bindings
import nacl.exceptions
import nacl.signing
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

_CHECKPOINT_CONTEXT = b"amana audit checkpoint v1\x00"


def audit_mac(message: bytes) -> str:
    """The keyed hash of one audit entry's canonical bytes, as 64 hex digits."""
    return hmac.new(settings.AMANA_AUDIT_KEY.encode(), message, hashlib.sha256).hexdigest()


def audit_mac_matches(message: bytes, expected: str) -> bool:
    return hmac.compare_digest(audit_mac(message), expected)


def _signing_key() -> nacl.signing.SigningKey:
    try:
        seed = bytes.fromhex(settings.AMANA_CHECKPOINT_SIGNING_KEY)
    except ValueError:
        raise ImproperlyConfigured("AMANA_CHECKPOINT_SIGNING_KEY must be 64 hexadecimal digits.") from None
    if len(seed) != nacl.bindings.crypto_sign_SEEDBYTES:
        raise ImproperlyConfigured("AMANA_CHECKPOINT_SIGNING_KEY must be 64 hexadecimal digits.")
    return nacl.signing.SigningKey(seed)


def _message(seq: int, head_hash: str, at: str) -> bytes:
    return _CHECKPOINT_CONTEXT + f"{seq}\x00{head_hash}\x00{at}".encode()


def checkpoint_verify_key() -> str:
    """The public half of the checkpoint key, as hex: print it, so a checkpoint can be checked anywhere."""
    return bytes(_signing_key().verify_key).hex()


def sign_checkpoint(*, seq: int, head_hash: str, at: str) -> str:
    """An Ed25519 signature (hex) over the chain's length, head hash and time of the checkpoint."""
    return _signing_key().sign(_message(seq, head_hash, at)).signature.hex()


def checkpoint_signature_valid(*, seq: int, head_hash: str, at: str, signature: str) -> bool:
    try:
        _signing_key().verify_key.verify(_message(seq, head_hash, at), bytes.fromhex(signature))
    except (nacl.exceptions.BadSignatureError, ValueError, TypeError):
        return False
    return True
