from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from amana.audit.models import AuditEntry
from amana.audit.services import record, verify_chain


@pytest.fixture
def chain(db) -> list[AuditEntry]:
    return [record(actor=None, action=f"test.action{i}", object_type="thing", object_id=str(i)) for i in range(1, 6)]


def raw(sql: str, params: list[object]) -> None:
    # Tampering as someone with the database but not the audit key would: plain SQL.
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def verify_output() -> str:
    with pytest.raises(CommandError) as error:
        call_command("audit_verify")
    return str(error.value)


def test_an_intact_chain_verifies(chain, capsys) -> None:
    call_command("audit_verify")
    assert "5 entries verified" in capsys.readouterr().out


def test_it_catches_an_edited_entry(chain) -> None:
    raw("UPDATE audit_auditentry SET action = %s WHERE seq = %s", ["test.innocent", 3])
    assert "entry 3" in verify_output()
    assert verify_chain().seq == 3


def test_it_catches_an_edited_entry_with_a_recomputed_plain_hash(chain) -> None:
    # Without the key, a forger cannot produce a matching HMAC even by rewriting every later hash.
    import hashlib

    raw(
        "UPDATE audit_auditentry SET object_id = %s, entry_hash = %s WHERE seq = %s",
        ["9", hashlib.sha256(b"x").hexdigest(), 2],
    )
    assert verify_chain().seq == 2


def test_it_catches_a_deleted_entry(chain) -> None:
    raw("DELETE FROM audit_auditentry WHERE seq = %s", [2])
    assert "entry 2 is missing" in verify_output()


def test_it_catches_deleted_entries_at_the_end(chain) -> None:
    raw("DELETE FROM audit_auditentry WHERE seq >= %s", [4])
    assert "after 3 are missing" in verify_output()


def test_it_catches_reordered_entries(chain) -> None:
    raw("UPDATE audit_auditentry SET seq = %s WHERE seq = %s", [100, 2])
    raw("UPDATE audit_auditentry SET seq = %s WHERE seq = %s", [2, 4])
    raw("UPDATE audit_auditentry SET seq = %s WHERE seq = %s", [4, 100])
    assert "entry 2" in verify_output()


def test_entries_never_hold_more_than_who_what_and_which(personas) -> None:
    entry = AuditEntry.objects.filter(action="member.created").first()
    assert entry is not None
    assert entry.object_type == "accounts.user"
    assert entry.object_id.isdigit()
