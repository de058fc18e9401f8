from __future__ import annotations

import io
import os
import tracemalloc
from pathlib import Path

import pytest
from django.conf import settings

from amana.vault import services as vault
from amana.vault.crypto import CHUNK_SIZE


class PatternStream(io.RawIOBase):
    """A large readable stream generated on the fly, so the test itself holds no big buffer."""

    def __init__(self, size: int) -> None:
        self.remaining = size
        self.block = bytes(range(256)) * (CHUNK_SIZE // 256)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def]
        size = min(len(buffer), self.remaining, len(self.block))
        buffer[:size] = self.block[:size]
        self.remaining -= size
        return size


def stored_path(name: str) -> Path:
    return Path(settings.MEDIA_ROOT) / "vault" / name[:2] / name


@pytest.mark.parametrize("size", [0, 1, CHUNK_SIZE - 1, CHUNK_SIZE, CHUNK_SIZE + 1, 3 * CHUNK_SIZE + 17])
def test_files_of_any_size_round_trip(keyrings, case_lockers, size: int) -> None:
    data = os.urandom(size)
    name = vault.seal_file(case_lockers["evidence"], io.BytesIO(data))
    assert b"".join(vault.open_file(case_lockers["evidence"], name, keyring=keyrings["caseworker"])) == data
    if size >= 16:  # a short value may occur in random ciphertext by chance
        assert data not in stored_path(name).read_bytes()


def test_a_large_file_is_encrypted_and_read_in_constant_memory(keyrings, case_lockers) -> None:
    size = 40 * 1024 * 1024
    tracemalloc.start()
    name = vault.seal_file(case_lockers["evidence"], io.BufferedReader(PatternStream(size)))
    total = sum(len(chunk) for chunk in vault.open_file(case_lockers["evidence"], name, keyring=keyrings["caseworker"]))
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert total == size
    assert peak < 4 * 1024 * 1024  # a few chunks, never the whole 40 MB


@pytest.mark.parametrize("damage", ["flip", "truncate", "append", "drop_chunk"])
def test_a_damaged_file_is_rejected(keyrings, case_lockers, damage: str) -> None:
    data = os.urandom(2 * CHUNK_SIZE + 10)
    name = vault.seal_file(case_lockers["evidence"], io.BytesIO(data))
    path = stored_path(name)
    raw = bytearray(path.read_bytes())
    if damage == "flip":
        raw[len(raw) // 2] ^= 0x80
    elif damage == "truncate":
        raw = raw[: -(CHUNK_SIZE // 2)]
    elif damage == "append":
        raw += b"extra"
    else:
        start = 4 + 8 + 4 + 80 + 24
        raw = raw[:start] + raw[start + CHUNK_SIZE + 17 :]
    path.write_bytes(bytes(raw))
    with pytest.raises(vault.Tampered):
        b"".join(vault.open_file(case_lockers["evidence"], name, keyring=keyrings["caseworker"]))


def test_stored_names_are_meaningless_and_cannot_escape_the_folder(keyrings, case_lockers) -> None:
    name = vault.seal_file(case_lockers["evidence"], io.BytesIO(b"photo"))
    assert len(name) == 32 and all(ch in "0123456789abcdef" for ch in name)
    for hostile in ["../../etc/passwd", "/etc/passwd", "a" * 31 + "/", "A" * 32]:
        with pytest.raises(vault.VaultError):
            vault.open_file(case_lockers["evidence"], hostile, keyring=keyrings["caseworker"])


def test_a_file_moved_to_another_locker_does_not_open(keyrings, case_lockers) -> None:
    name = vault.seal_file(case_lockers["evidence"], io.BytesIO(b"photo"))
    with pytest.raises(vault.Tampered):
        vault.open_file(case_lockers["care"], name, keyring=keyrings["caseworker"])


def test_a_sealed_file_and_its_folder_are_on_disk_before_seal_file_returns(
    case_lockers, monkeypatch, tmp_path, settings
) -> None:
    # Every fsync really happens; the test only notes which path each one was for.
    settings.MEDIA_ROOT = str(tmp_path / "media")
    synced: list[str] = []
    real_fsync = os.fsync

    def noting_fsync(descriptor: int) -> None:
        synced.append(os.readlink(f"/proc/self/fd/{descriptor}"))
        real_fsync(descriptor)

    monkeypatch.setattr(os, "fsync", noting_fsync)
    name = vault.seal_file(case_lockers["evidence"], io.BytesIO(b"evidence bytes"))
    path = stored_path(name)
    # The file's contents (under its temporary name, before the rename), then the folder holding it.
    assert synced[-1] == str(path.parent)
    assert any(Path(entry).parent == path.parent and entry != str(path.parent) for entry in synced[:-1])
