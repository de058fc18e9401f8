"""Ed25519 signatures in the minisign format, so that anyone can check them without amana.

A recipient verifies a signed file with the ``minisign`` tool (packaged by Debian and others)::

    minisign -V -p signing-key.pub -m manifest.json

Formats (https://jedisct1.github.io/minisign/), all base64 lines:
- public key: ``"Ed" | key id (8) | Ed25519 public key (32)``
- signature:  ``"ED" | key id (8) | Ed25519 signature of BLAKE2b-512(file) (64)``, then a trusted
  comment and a global signature: Ed25519 over ``signature | trusted comment``, so that the
  comment (which names the organisation, the package and the date) cannot be changed either.

The key id is 8 random bytes; minisign prints it as a 64-bit little-endian number in hex.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass

import nacl.exceptions
import nacl.signing
import nacl.utils

PUBLIC_KEY_ALGORITHM = b"Ed"
PREHASHED = b"ED"  # the file's BLAKE2b-512 is signed, the default of minisign 0.10 and later
LEGACY = b"Ed"  # the file itself is signed; still accepted by minisign
KEY_ID_BYTES = 8


class BadSignature(Exception):
    """The signature does not verify, is not in the minisign format, or was made by another key."""


@dataclass(frozen=True)
class Signature:
    key_id: bytes
    algorithm: bytes
    signature: bytes
    trusted_comment: str
    global_signature: bytes


def new_key() -> tuple[bytes, bytes, bytes]:
    """(key id, public key, private seed) of a new Ed25519 signing key."""
    private = nacl.signing.SigningKey.generate()
    return nacl.utils.random(KEY_ID_BYTES), bytes(private.verify_key), bytes(private)


def key_id_text(key_id: bytes) -> str:
    """The key id as minisign prints it (``minisign public key 5F2A…``)."""
    return f"{int.from_bytes(key_id, 'little'):016X}"


def public_key_line(key_id: bytes, public_key: bytes) -> str:
    """The base64 line of a public key, which ``minisign -P`` also takes on the command line."""
    return base64.b64encode(PUBLIC_KEY_ALGORITHM + key_id + public_key).decode()


def public_key_file(key_id: bytes, public_key: bytes) -> bytes:
    return (
        f"untrusted comment: minisign public key {key_id_text(key_id)}\n{public_key_line(key_id, public_key)}\n"
    ).encode()


def fingerprint(key_id: bytes, public_key: bytes) -> str:
    """SHA-256 of the ``.pub`` file, in groups of four: ``sha256sum signing-key.pub`` prints the same digits."""
    digest = hashlib.sha256(public_key_file(key_id, public_key)).hexdigest()
    return " ".join(digest[i : i + 4] for i in range(0, len(digest), 4))


def sign(seed: bytes, key_id: bytes, message: bytes, *, trusted_comment: str, untrusted_comment: str = "") -> bytes:
    """A ``.minisig`` file for ``message``. The trusted comment is signed too; it is one line."""
    if "\n" in trusted_comment or "\r" in trusted_comment:
        raise ValueError("A trusted comment is a single line.")
    private = nacl.signing.SigningKey(seed)
    signature = private.sign(hashlib.blake2b(message, digest_size=64).digest()).signature
    global_signature = private.sign(signature + trusted_comment.encode()).signature
    untrusted = untrusted_comment or f"signature from minisign secret key {key_id_text(key_id)}"
    lines = [
        f"untrusted comment: {untrusted}",
        base64.b64encode(PREHASHED + key_id + signature).decode(),
        f"trusted comment: {trusted_comment}",
        base64.b64encode(global_signature).decode(),
    ]
    return ("\n".join(lines) + "\n").encode()


def _b64(text: str, length: int) -> bytes:
    try:
        raw = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise BadSignature("not base64") from None
    if len(raw) != length:
        raise BadSignature("wrong length")
    return raw


def parse_public_key(data: bytes | str) -> tuple[bytes, bytes]:
    """(key id, public key) from a ``.pub`` file or its base64 line alone."""
    text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("untrusted comment:")]
    if len(lines) != 1:
        raise BadSignature("not a minisign public key")
    raw = _b64(lines[0], 2 + KEY_ID_BYTES + 32)
    if raw[:2] != PUBLIC_KEY_ALGORITHM:
        raise BadSignature("not an Ed25519 key")
    return raw[2 : 2 + KEY_ID_BYTES], raw[2 + KEY_ID_BYTES :]


def parse_signature(data: bytes) -> Signature:
    lines = data.decode("utf-8", "replace").splitlines()
    if len(lines) < 4 or not lines[0].startswith("untrusted comment:") or not lines[2].startswith("trusted comment: "):
        raise BadSignature("not a minisign signature")
    raw = _b64(lines[1], 2 + KEY_ID_BYTES + 64)
    if raw[:2] not in (PREHASHED, LEGACY):
        raise BadSignature("unknown signature algorithm")
    return Signature(
        key_id=raw[2 : 2 + KEY_ID_BYTES],
        algorithm=raw[:2],
        signature=raw[2 + KEY_ID_BYTES :],
        trusted_comment=lines[2][len("trusted comment: ") :],
        global_signature=_b64(lines[3], 64),
    )


def verify(public_key: bytes, message: bytes, signature: Signature) -> None:
    """Raise BadSignature unless ``signature`` is this key's over ``message`` and its trusted comment."""
    key = nacl.signing.VerifyKey(public_key)
    signed = hashlib.blake2b(message, digest_size=64).digest() if signature.algorithm == PREHASHED else message
    try:
        key.verify(signed, signature.signature)
        key.verify(signature.signature + signature.trusted_comment.encode(), signature.global_signature)
    except nacl.exceptions.BadSignatureError:
        raise BadSignature("the signature does not match") from None
