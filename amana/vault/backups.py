"""Backup archives encrypted to a backup public key whose private half is kept offline.

Format: MAGIC_BACKUP | sealed stream key (80) | secretstream header (24) | chunks, as vault files
are (amana.vault.crypto.push_stream): any change, reordering or cut is detected when the archive is
read back, and only the holder of the offline private key can read it. The server holds only the
public key, so a stolen server cannot open its own backups.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import BinaryIO

import nacl.bindings as sodium
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from amana.vault import crypto
from amana.vault.errors import WrongSecret
from amana.vault.services import format_recovery_key, parse_recovery_key

MAGIC_BACKUP = b"AVB1"


class BackupUnreadable(Exception):
    """The archive is not ours, is cut short or damaged, or the key does not open it."""


def new_backup_key_pair() -> tuple[str, str]:
    """(public key as hex for the server, private key as groups of letters to print and keep offline)."""
    public_key, private_key = crypto.new_key_pair()
    return public_key.hex(), format_recovery_key(private_key)


def _configured_public_key() -> bytes:
    text = settings.AMANA_BACKUP_PUBLIC_KEY.strip()
    if not text:
        raise ImproperlyConfigured(
            "No backup key is set: run 'manage.py backup_keys' once, keep the private key it prints offline, "
            "and set AMANA_BACKUP_PUBLIC_KEY (or its file) to the public key."
        )
    try:
        public_key = bytes.fromhex(text)
    except ValueError:
        raise ImproperlyConfigured("AMANA_BACKUP_PUBLIC_KEY must be 64 hexadecimal digits.") from None
    if len(public_key) != sodium.crypto_box_PUBLICKEYBYTES:
        raise ImproperlyConfigured("AMANA_BACKUP_PUBLIC_KEY must be 64 hexadecimal digits.")
    return public_key


class SealedWriter(io.RawIOBase):
    """A write-only file that encrypts what is written to it, chunk by chunk, into target."""

    def __init__(self, target: BinaryIO) -> None:
        super().__init__()
        self._target = target
        self._buffer = bytearray()
        public_key = _configured_public_key()
        data_key = sodium.crypto_secretstream_xchacha20poly1305_keygen()
        self._state = sodium.crypto_secretstream_xchacha20poly1305_state()
        stream_header = sodium.crypto_secretstream_xchacha20poly1305_init_push(self._state, data_key)
        target.write(MAGIC_BACKUP + crypto.seal_to(public_key, data_key) + stream_header)
        self._associated: bytes | None = MAGIC_BACKUP
        self._finished = False

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:  # type: ignore[override]  # bytes in, count out
        self._buffer += data
        while len(self._buffer) > crypto.CHUNK_SIZE:
            self._push(bytes(self._buffer[: crypto.CHUNK_SIZE]), crypto.TAG_MESSAGE)
            del self._buffer[: crypto.CHUNK_SIZE]
        return len(data)

    def _push(self, chunk: bytes, tag: int) -> None:
        self._target.write(sodium.crypto_secretstream_xchacha20poly1305_push(self._state, chunk, self._associated, tag))
        self._associated = None

    def finish(self) -> None:
        """Write the last chunk (tagged final, so a cut-off archive is detected)."""
        if not self._finished:
            self._push(bytes(self._buffer), crypto.TAG_FINAL)
            self._buffer.clear()
            self._finished = True


class _ChunkReader(io.RawIOBase):
    def __init__(self, chunks: Iterator[bytes]) -> None:
        super().__init__()
        self._chunks = chunks
        self._pending = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray) -> int:  # type: ignore[override]  # a writable buffer
        while not self._pending:
            try:
                self._pending = next(self._chunks)
            except StopIteration:
                return 0
            except crypto.CryptoFailure as failure:
                if "not whole" in str(failure):
                    raise BackupUnreadable("The archive is cut short: it ends before its last part.") from None
                raise BackupUnreadable("The archive is damaged or cut short: it is not what was written.") from None
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size

    def drain(self) -> None:
        """Read to the end, so that the final tag (and nothing after it) is checked."""
        while self.readinto(bytearray(crypto.CHUNK_SIZE)):
            pass


def open_backup(source: BinaryIO, private_key_text: str) -> _ChunkReader:
    """A readable file of the archive's plaintext; BackupUnreadable on a wrong key or any damage."""
    try:
        private_key = parse_recovery_key(private_key_text)
    except WrongSecret:
        raise BackupUnreadable("The backup key is not in the printed format.") from None
    if source.read(len(MAGIC_BACKUP)) != MAGIC_BACKUP:
        raise BackupUnreadable("This file is not an amana backup archive.")
    try:
        chunks = crypto.pull_stream(MAGIC_BACKUP, source, private_key)
    except crypto.CryptoFailure:
        raise BackupUnreadable(
            "This backup key does not open the archive (or the archive's beginning is damaged)."
        ) from None
    return _ChunkReader(chunks)
