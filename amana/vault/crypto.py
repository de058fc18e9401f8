"""The only place amana does cryptography: thin, typed wrappers around libsodium (PyNaCl).

Formats (all integers big-endian):
- message: MAGIC_MESSAGE | locker id (8) | key version (4) | sealed data key (80) | nonce (24) | ciphertext
  The data key is fresh for every message and sealed to the locker's public key; the header is the
  AEAD's associated data, so a message moved to another locker or version fails to open.
- file: MAGIC_FILE | locker id | key version | sealed data key | secretstream header (24) | chunks
  Each chunk is CHUNK_SIZE bytes of plaintext (the last one shorter, tagged FINAL), so files of any
  size are encrypted and decrypted in constant memory and a truncated file is detected.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

import nacl.bindings as sodium
import nacl.exceptions
import nacl.pwhash.argon2id as argon2id
import nacl.secret
import nacl.utils
from nacl.public import PrivateKey, PublicKey, SealedBox

MAGIC_MESSAGE = b"AVM1"
MAGIC_FILE = b"AVF1"
_HEADER = struct.Struct(">4sQI")
SEALED_KEY_BYTES = 32 + 32 + 16  # a 32-byte key, the ephemeral public key and the MAC of a sealed box
NONCE_BYTES = sodium.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
CHUNK_SIZE = 64 * 1024
STREAM_HEADER_BYTES = sodium.crypto_secretstream_xchacha20poly1305_HEADERBYTES
STREAM_ABYTES = sodium.crypto_secretstream_xchacha20poly1305_ABYTES
TAG_MESSAGE = sodium.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE
TAG_FINAL = sodium.crypto_secretstream_xchacha20poly1305_TAG_FINAL

# Argon2id cost levels for keys derived from passwords and receipt codes.
KDF_COSTS = {
    "moderate": (argon2id.OPSLIMIT_MODERATE, argon2id.MEMLIMIT_MODERATE),
    "interactive": (argon2id.OPSLIMIT_INTERACTIVE, argon2id.MEMLIMIT_INTERACTIVE),
    # Only for test suites: the same code path at the smallest cost libsodium allows.
    "minimum": (argon2id.OPSLIMIT_MIN, argon2id.MEMLIMIT_MIN),
}


class CryptoFailure(Exception):
    """Authentication failed: wrong key, or data that was changed, cut short or is not ours."""


@dataclass(frozen=True)
class Header:
    magic: bytes
    locker_id: int
    version: int


def new_key_pair() -> tuple[bytes, bytes]:
    """(public, private) X25519 key pair as raw bytes."""
    private = PrivateKey.generate()
    return bytes(private.public_key), bytes(private)


def random_key() -> bytes:
    return nacl.utils.random(nacl.secret.SecretBox.KEY_SIZE)


def random_salt() -> bytes:
    return nacl.utils.random(argon2id.SALTBYTES)


def derive_key(secret: str, salt: bytes, ops: int, mem: int) -> bytes:
    return argon2id.kdf(nacl.secret.SecretBox.KEY_SIZE, secret.encode(), salt, opslimit=ops, memlimit=mem)


def lock(key: bytes, plaintext: bytes) -> bytes:
    """Symmetric authenticated encryption (XSalsa20-Poly1305, random nonce)."""
    return bytes(nacl.secret.SecretBox(key).encrypt(plaintext))


def unlock(key: bytes, ciphertext: bytes) -> bytes:
    try:
        return nacl.secret.SecretBox(key).decrypt(ciphertext)
    except (nacl.exceptions.CryptoError, ValueError, TypeError) as error:
        raise CryptoFailure("The data could not be unlocked.") from error


def seal_to(public_key: bytes, plaintext: bytes) -> bytes:
    """Anonymous public-key encryption: anyone can seal, only the private key's holder opens."""
    return bytes(SealedBox(PublicKey(public_key)).encrypt(plaintext))


def unseal(private_key: bytes, ciphertext: bytes) -> bytes:
    try:
        return SealedBox(PrivateKey(private_key)).decrypt(ciphertext)
    except (nacl.exceptions.CryptoError, ValueError, TypeError) as error:
        raise CryptoFailure("The sealed data could not be opened.") from error


def read_header(data: bytes) -> Header:
    if len(data) < _HEADER.size:
        raise CryptoFailure("The data is too short to be ours.")
    magic, locker_id, version = _HEADER.unpack_from(data)
    if magic not in (MAGIC_MESSAGE, MAGIC_FILE):
        raise CryptoFailure("The data is not in a format amana wrote.")
    return Header(magic, locker_id, version)


def encrypt_message(locker_id: int, version: int, public_key: bytes, plaintext: bytes) -> bytes:
    header = _HEADER.pack(MAGIC_MESSAGE, locker_id, version)
    data_key = random_key()
    nonce = nacl.utils.random(NONCE_BYTES)
    ciphertext = sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(plaintext, header, nonce, data_key)
    return header + seal_to(public_key, data_key) + nonce + ciphertext


def decrypt_message(data: bytes, locker_private_key: bytes) -> bytes:
    header = data[: _HEADER.size]
    if read_header(data).magic != MAGIC_MESSAGE:
        raise CryptoFailure("This is a file, not a message.")
    offset = _HEADER.size
    data_key = unseal(locker_private_key, data[offset : offset + SEALED_KEY_BYTES])
    offset += SEALED_KEY_BYTES
    nonce = data[offset : offset + NONCE_BYTES]
    try:
        return sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(data[offset + NONCE_BYTES :], header, nonce, data_key)
    except (nacl.exceptions.CryptoError, ValueError, TypeError) as error:
        raise CryptoFailure("The message was changed or is not whole.") from error


def encrypt_stream(locker_id: int, version: int, public_key: bytes, source: BinaryIO, target: BinaryIO) -> int:
    """Encrypt source into target chunk by chunk; return the plaintext size."""
    return push_stream(_HEADER.pack(MAGIC_FILE, locker_id, version), public_key, source, target)


def push_stream(header: bytes, public_key: bytes, source: BinaryIO, target: BinaryIO) -> int:
    """Seal a fresh stream key to public_key, then encrypt source chunk by chunk under it.

    The header is written first and bound to the first chunk, so the stream cannot be passed off
    under another header.
    """
    data_key = sodium.crypto_secretstream_xchacha20poly1305_keygen()
    state = sodium.crypto_secretstream_xchacha20poly1305_state()
    stream_header = sodium.crypto_secretstream_xchacha20poly1305_init_push(state, data_key)
    target.write(header + seal_to(public_key, data_key) + stream_header)
    size = 0
    chunk = source.read(CHUNK_SIZE)
    associated: bytes | None = header  # binds the first chunk to this header
    while True:
        following = source.read(CHUNK_SIZE)
        tag = TAG_MESSAGE if following else TAG_FINAL
        target.write(sodium.crypto_secretstream_xchacha20poly1305_push(state, chunk, associated, tag))
        size += len(chunk)
        associated = None
        if not following:
            return size
        chunk = following


def decrypt_stream(source: BinaryIO, locker_private_key: bytes) -> Iterator[bytes]:
    """Yield plaintext chunks; raise CryptoFailure on any change, reordering or truncation."""
    header = source.read(_HEADER.size)
    if read_header(header).magic != MAGIC_FILE:
        raise CryptoFailure("This is a message, not a file.")
    return pull_stream(header, source, locker_private_key)


def pull_stream(header: bytes, source: BinaryIO, private_key: bytes) -> Iterator[bytes]:
    """The reverse of push_stream, once its header was read and checked by the caller."""
    data_key = unseal(private_key, source.read(SEALED_KEY_BYTES))
    state = sodium.crypto_secretstream_xchacha20poly1305_state()
    try:
        sodium.crypto_secretstream_xchacha20poly1305_init_pull(state, source.read(STREAM_HEADER_BYTES), data_key)
    except (nacl.exceptions.CryptoError, ValueError, TypeError) as error:
        raise CryptoFailure("The file header was changed.") from error
    return _pull_chunks(state, header, source)


def _pull_chunks(
    state: sodium.crypto_secretstream_xchacha20poly1305_state, header: bytes, source: BinaryIO
) -> Iterator[bytes]:
    associated: bytes | None = header
    while True:
        block = source.read(CHUNK_SIZE + STREAM_ABYTES)
        if not block:
            raise CryptoFailure("The file is not whole: it ends before its last part.")
        try:
            chunk, tag = sodium.crypto_secretstream_xchacha20poly1305_pull(state, block, associated)
        except (nacl.exceptions.CryptoError, ValueError, TypeError) as error:
            raise CryptoFailure("The file was changed.") from error
        associated = None
        yield chunk
        if tag == TAG_FINAL:
            if source.read(1):
                raise CryptoFailure("The file has data after its last part.")
            return
