"""Append to and verify the hash-chained audit log."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from amana.audit.models import AuditEntry, AuditHead

GENESIS_HASH = "0" * 64


def _entry_hash(entry: AuditEntry) -> str:
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
    message = json.dumps(fields, ensure_ascii=False, separators=(",", ":")).encode()
    return hmac.new(settings.AMANA_AUDIT_KEY.encode(), message, hashlib.sha256).hexdigest()


@transaction.atomic
def record(
    *,
    actor: Any,
    action: str,
    target: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
) -> AuditEntry:
    """Append one entry. Call it inside the same transaction as the change it describes.

    Steps: lock the chain head, build the entry on top of the head's hash, save both.
    """
    head, _created = AuditHead.objects.select_for_update().get_or_create(pk=1)
    if target is not None:
        object_type = object_type or target._meta.label_lower
        object_id = object_id or str(target.pk)
    actor_known = actor is not None and getattr(actor, "is_authenticated", False)
    entry = AuditEntry(
        seq=head.last_seq + 1,
        # Microseconds dropped so that every database stores and returns the same time.
        at=timezone.now().replace(microsecond=0),
        actor_id=actor.pk if actor_known else None,
        actor_label=actor.get_username() if actor_known else "",
        organisation_id=getattr(actor, "organisation_id", None) if actor_known else None,
        action=action,
        object_type=object_type,
        object_id=object_id,
        prev_hash=head.last_hash or GENESIS_HASH,
    )
    entry.entry_hash = _entry_hash(entry)
    entry.save()
    head.last_seq = entry.seq
    head.last_hash = entry.entry_hash
    head.save(update_fields=["last_seq", "last_hash"])
    return entry


@dataclass(frozen=True)
class ChainProblem:
    seq: int
    reason: str


def _entries_in_order() -> Iterator[AuditEntry]:
    return AuditEntry.objects.order_by("seq").iterator(chunk_size=2000)


def verify_chain() -> ChainProblem | None:
    """Walk the chain from the start; return the first entry that is edited, missing or out of order."""
    expected_seq = 1
    prev_hash = GENESIS_HASH
    for entry in _entries_in_order():
        if entry.seq != expected_seq:
            return ChainProblem(expected_seq, f"entry {expected_seq} is missing (next found is {entry.seq})")
        if entry.prev_hash != prev_hash:
            return ChainProblem(entry.seq, f"entry {entry.seq} does not follow entry {entry.seq - 1} (reordered)")
        if not hmac.compare_digest(entry.entry_hash, _entry_hash(entry)):
            return ChainProblem(entry.seq, f"entry {entry.seq} was changed after it was written")
        prev_hash = entry.entry_hash
        expected_seq += 1
    head = AuditHead.objects.filter(pk=1).first()
    last_seq = expected_seq - 1
    if head is not None and (head.last_seq != last_seq or (last_seq and head.last_hash != prev_hash)):
        return ChainProblem(last_seq + 1, f"entries after {last_seq} are missing (the log ends at {head.last_seq})")
    return None
