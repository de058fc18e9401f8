"""Signed checkpoints of the audit chain's head, kept as files outside the database.

A checkpoint says "on this date the chain had N entries and entry N's hash was H", signed with the
checkpoint key (amana.vault.checkpoints). ``audit_verify`` compares the chain with the latest one, so
a database writer who deletes the newest entries, rewinds the head row or wipes the whole log is
caught, which the chain alone cannot show. One JSON file per checkpoint, written whole (temporary
file, fsync, rename, fsync of the directory) so that a crash never leaves half a checkpoint.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

from django.conf import settings

from amana.core.files import write_durably
from amana.vault import checkpoints as signatures

_PREFIX = "checkpoint-"


@dataclass(frozen=True)
class Checkpoint:
    seq: int
    head_hash: str
    at: str
    signature: str

    @property
    def file_name(self) -> str:
        stamp = self.at.replace(":", "").replace("-", "").replace("+", "Z")
        return f"{_PREFIX}{self.seq:012d}-{stamp}.json"

    def is_signed(self) -> bool:
        return signatures.checkpoint_signature_valid(
            seq=self.seq, head_hash=self.head_hash, at=self.at, signature=self.signature
        )

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=1, sort_keys=True) + "\n"


class UnreadableCheckpoint(Exception):
    """A checkpoint file that is not JSON of the expected shape."""


def checkpoint_dir() -> Path:
    return Path(settings.AMANA_CHECKPOINT_DIR)


def signed(*, seq: int, head_hash: str, at: str) -> Checkpoint:
    return Checkpoint(
        seq=seq, head_hash=head_hash, at=at, signature=signatures.sign_checkpoint(seq=seq, head_hash=head_hash, at=at)
    )


def save(checkpoint: Checkpoint, directory: Path | None = None) -> Path:
    path = (directory or checkpoint_dir()) / checkpoint.file_name
    write_durably(path, checkpoint.to_json().encode())
    return path


def parse(text: str) -> Checkpoint:
    try:
        data = json.loads(text)
        return Checkpoint(
            seq=int(data["seq"]), head_hash=str(data["head_hash"]), at=str(data["at"]), signature=str(data["signature"])
        )
    except (ValueError, KeyError, TypeError):
        raise UnreadableCheckpoint from None


def latest(directory: Path | None = None) -> Checkpoint | None:
    """The checkpoint that records the longest chain (the file names sort by length, then time)."""
    folder = directory or checkpoint_dir()
    if not folder.is_dir():
        return None
    names = sorted(path.name for path in folder.glob(f"{_PREFIX}*.json"))
    if not names:
        return None
    return parse((folder / names[-1]).read_text())


def later_than(seq: int, directory: Path | None = None) -> list[Path]:
    """The checkpoint files that record a longer chain than ``seq`` entries."""
    folder = directory or checkpoint_dir()
    if not folder.is_dir():
        return []
    return sorted(path for path in folder.glob(f"{_PREFIX}*.json") if int(path.name[len(_PREFIX) :][:12]) > seq)
