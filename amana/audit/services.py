"""Append to and verify the hash-chained audit log, and take signed checkpoints of its head."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

from amana.audit import checkpoints
from amana.audit.models import AuditEntry, AuditHead
from amana.vault.checkpoints import audit_mac, audit_mac_matches

GENESIS_HASH = "0" * 64


class AuditHeadMissing(Exception):
    """The chain's head row is gone while entries or a checkpoint exist: appending would fork the log."""

    def __str__(self) -> str:
        return (
            "The audit log's head row is missing, so no audited change can be saved. "
            "The system administrator must run 'manage.py audit_verify' and restore the log."
        )


def _entry_message(entry: AuditEntry) -> bytes:
    fields = [
        entry.seq,
        entry.at.isoformat(),
        entry.actor_id,
        entry.actor_label,
        entry.organisation_id,
        entry.action,
        entry.object_type,
        entry.object_id,
        entry.prev_hash,
    ]
    return json.dumps(fields, ensure_ascii=False, separators=(",", ":")).encode()


# The three statements of an append, written out: every page that opens a case appends, and the
# ORM costs several times more to build them than the database takes to run them.
_HEAD = AuditHead._meta.db_table
_ENTRIES = AuditEntry._meta.db_table
ENTRY_COLUMNS = (
    "seq", "at", "actor_id", "actor_label", "organisation_id", "action", "object_type", "object_id", "prev_hash",
    "entry_hash",
)  # fmt: skip


def _head_for_update() -> tuple[int, str]:
    """Lock the head row and read it (its count and last hash); make it only for a log that never
    had an entry or a checkpoint.

    A missing head over existing entries (or after a checkpoint) means someone deleted it: starting
    again at entry 1 would hide that, so audited writes are refused until an admin restores the log.
    """
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    table = connection.ops.quote_name(_HEAD)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT last_seq, last_hash FROM {table} WHERE id = %s{lock}", [1])  # noqa: S608  # names of our own tables
        found = cursor.fetchone()
    if found is not None:
        return int(found[0]), str(found[1])
    if AuditEntry.objects.exists() or checkpoints.latest() is not None:
        raise AuditHeadMissing
    made, _created = AuditHead.objects.select_for_update().get_or_create(pk=1)
    return made.last_seq, made.last_hash


def _save_appended(entries: list[AuditEntry], seq: int, last_hash: str) -> None:
    """Insert the entries and move the locked head on to the last of them."""
    quote = connection.ops.quote_name
    head, table = quote(_HEAD), quote(_ENTRIES)
    columns = ", ".join(map(quote, ENTRY_COLUMNS))
    row = "(" + ", ".join(["%s"] * len(ENTRY_COLUMNS)) + ")"
    # As many rows in one statement as the database takes bound values for.
    rows_per_insert = max(1, (connection.features.max_query_params or 10_000) // len(ENTRY_COLUMNS))
    with connection.cursor() as cursor:
        for start in range(0, len(entries), rows_per_insert):
            chunk = entries[start : start + rows_per_insert]
            values = [value for entry in chunk for value in _entry_values(entry)]
            cursor.execute(f"INSERT INTO {table} ({columns}) VALUES {', '.join([row] * len(chunk))}", values)  # noqa: S608
        cursor.execute(f"UPDATE {head} SET last_seq = %s, last_hash = %s WHERE id = %s", [seq, last_hash, 1])  # noqa: S608


def _entry_values(entry: AuditEntry) -> list[Any]:
    """The entry's columns as the database takes them (its time as Django would store it)."""
    at = connection.ops.adapt_datetimefield_value(entry.at)
    return [at if column == "at" else getattr(entry, column) for column in ENTRY_COLUMNS]


@dataclass(frozen=True)
class Line:
    """One entry to append, as ``record`` takes it: what was done, to which object."""

    action: str
    target: models.Model | None = None
    object_type: str = ""
    object_id: str = ""


@transaction.atomic
def record(
    *,
    actor: Any,
    action: str,
    target: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
) -> AuditEntry:
    """Append one entry. Call it inside the same transaction as the change it describes."""
    return record_all(actor=actor, lines=[Line(action, target, object_type, object_id)])[0]


@transaction.atomic
def record_all(*, actor: Any, lines: list[Line]) -> list[AuditEntry]:
    """Append one entry per line, each its own link of the chain, under one lock of the head.

    A page that opens several sealed parts records each opening, at the cost of one append.
    """
    return _append(actor, lines)


def _append(actor: Any, lines: list[Line]) -> list[AuditEntry]:
    """Lock the chain head, build each entry on top of the one before, save them all and the head.

    Only inside a transaction, which holds the lock until it ends. The entries returned are as
    written, without the ids of their rows.
    """
    seq, last_hash = _head_for_update()
    actor_known = actor is not None and getattr(actor, "is_authenticated", False)
    # Microseconds dropped so that every database stores and returns the same time.
    at = timezone.now().replace(microsecond=0)
    entries = []
    last_hash = last_hash or GENESIS_HASH
    for line in lines:
        object_type, object_id = line.object_type, line.object_id
        if line.target is not None:
            object_type = object_type or line.target._meta.label_lower
            object_id = object_id or str(line.target.pk)
        seq += 1
        entry = AuditEntry(
            seq=seq,
            at=at,
            actor_id=actor.pk if actor_known else None,
            actor_label=actor.get_username() if actor_known else "",
            organisation_id=getattr(actor, "organisation_id", None) if actor_known else None,
            action=line.action,
            object_type=object_type,
            object_id=object_id,
            prev_hash=last_hash,
        )
        entry.entry_hash = last_hash = audit_mac(_entry_message(entry))
        entries.append(entry)
    _save_appended(entries, seq, last_hash)
    return entries


# The reads recorded while one request is served, appended when its response is ready.
_READS: ContextVar[list[tuple[Any, list[Line]]] | None] = ContextVar("amana_audit_reads", default=None)


def record_read(*, actor: Any, lines: list[Line]) -> None:
    """Record what someone opened or viewed.

    While a request is served (inside ``reads_of_request``) the lines wait for the response: they
    are appended, before it is sent, in the one transaction that also saves the session, so a page
    costs one durable commit, not two. Anywhere else (jobs, commands) they are appended at once.
    Changes are never recorded this way: ``record`` belongs in the transaction of the change.
    """
    pending = _READS.get()
    if pending is None:
        record_all(actor=actor, lines=lines)
    else:
        pending.append((actor, list(lines)))


@contextmanager
def reads_of_request() -> Iterator[list[tuple[Any, list[Line]]]]:
    """Collect the reads recorded while serving one request; the caller appends them (``append_reads``)."""
    pending: list[tuple[Any, list[Line]]] = []
    token = _READS.set(pending)
    try:
        yield pending
    finally:
        _READS.reset(token)


def append_reads(pending: list[tuple[Any, list[Line]]]) -> None:
    """Append the collected reads, in order, inside the caller's transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise transaction.TransactionManagementError("The reads of a request are appended inside a transaction.")
    for actor, lines in pending:
        _append(actor, lines)
    pending.clear()


@dataclass(frozen=True)
class ChainProblem:
    seq: int
    reason: str


@dataclass(frozen=True)
class ChainEnd:
    """Where a walk of the chain ended: how many entries, the last hash, and the hash at a given seq."""

    length: int
    last_hash: str
    hash_at_checkpoint: str | None


def _entries_in_order() -> Iterator[AuditEntry]:
    return AuditEntry.objects.order_by("seq").iterator(chunk_size=2000)


def _walk(checkpoint_seq: int) -> ChainProblem | ChainEnd:
    expected_seq = 1
    prev_hash = GENESIS_HASH
    hash_at_checkpoint = None
    for entry in _entries_in_order():
        if entry.seq != expected_seq:
            return ChainProblem(expected_seq, f"entry {expected_seq} is missing (next found is {entry.seq})")
        if entry.prev_hash != prev_hash:
            return ChainProblem(entry.seq, f"entry {entry.seq} does not follow entry {entry.seq - 1} (reordered)")
        if not audit_mac_matches(_entry_message(entry), entry.entry_hash):
            return ChainProblem(entry.seq, f"entry {entry.seq} was changed after it was written")
        if entry.seq == checkpoint_seq:
            hash_at_checkpoint = entry.entry_hash
        prev_hash = entry.entry_hash
        expected_seq += 1
    return ChainEnd(expected_seq - 1, prev_hash, hash_at_checkpoint)


def _check_head(end: ChainEnd) -> ChainProblem | None:
    head = AuditHead.objects.filter(pk=1).first()
    if head is None:
        if end.length:
            return ChainProblem(end.length + 1, f"the head row is missing (the log has {end.length} entries)")
        return None
    if head.last_seq != end.length or (end.length and head.last_hash != end.last_hash):
        return ChainProblem(end.length + 1, f"entries after {end.length} are missing (the log ends at {head.last_seq})")
    return None


def _check_against(checkpoint: checkpoints.Checkpoint, end: ChainEnd) -> ChainProblem | None:
    if not checkpoint.is_signed():
        return ChainProblem(checkpoint.seq, f"the checkpoint of {checkpoint.at} is not signed by this server's key")
    if end.length < checkpoint.seq:
        return ChainProblem(
            end.length + 1,
            f"entries after {end.length} are missing: the checkpoint of {checkpoint.at} "
            f"records {checkpoint.seq} entries",
        )
    if checkpoint.seq and end.hash_at_checkpoint != checkpoint.head_hash:
        return ChainProblem(
            checkpoint.seq, f"entry {checkpoint.seq} differs from the checkpoint of {checkpoint.at} (rewritten)"
        )
    return None


def verify_chain(checkpoint: checkpoints.Checkpoint | None = None) -> ChainProblem | None:
    """Walk the chain from the start and compare its end with the head row and the latest checkpoint.

    Returns the first problem: an entry edited, missing or out of order; a head row that is gone or
    does not match; or a chain shorter than, or different from, what a signed checkpoint recorded
    (a cut-off tail, a rewound head or a wiped log). ``checkpoint`` defaults to the latest on disk.
    """
    try:
        checkpoint = checkpoint or checkpoints.latest()
    except checkpoints.UnreadableCheckpoint:
        return ChainProblem(0, f"the latest checkpoint in {checkpoints.checkpoint_dir()} cannot be read")
    walked = _walk(checkpoint.seq if checkpoint else 0)
    if isinstance(walked, ChainProblem):
        return walked
    problem = _check_head(walked)
    if problem is None and checkpoint is not None:
        problem = _check_against(checkpoint, walked)
    return problem


def current_checkpoint() -> checkpoints.Checkpoint:
    """A signed checkpoint of the chain's head as it stands now (not yet saved anywhere)."""
    head = AuditHead.objects.filter(pk=1).first()
    seq, head_hash = (head.last_seq, head.last_hash) if head else (0, "")
    return checkpoints.signed(seq=seq, head_hash=head_hash or GENESIS_HASH, at=timezone.now().isoformat())


def take_checkpoint() -> checkpoints.Checkpoint:
    """Verify the chain, then write a signed checkpoint of its head to the checkpoint directory.

    A broken chain is never checkpointed: that would bless the damage.
    """
    problem = verify_chain()
    if problem is not None:
        raise AuditChainBroken(problem)
    checkpoint = current_checkpoint()
    checkpoints.save(checkpoint)
    return checkpoint


class AuditChainBroken(Exception):
    def __init__(self, problem: ChainProblem) -> None:
        super().__init__(f"Audit log broken at entry {problem.seq}: {problem.reason}.")
        self.problem = problem
