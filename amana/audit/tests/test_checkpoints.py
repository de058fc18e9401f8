"""A signed checkpoint of the head, kept outside the database, catches what the chain alone cannot."""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from amana.audit import checkpoints
from amana.audit.models import AuditEntry
from amana.audit.services import AuditHeadMissing, record, verify_chain


@pytest.fixture
def checkpointed(db, capsys) -> str:
    for i in range(1, 6):
        record(actor=None, action=f"test.action{i}", object_type="thing", object_id=str(i))
    call_command("audit_checkpoint")
    return capsys.readouterr().out


def raw(sql: str, params: list[object] | None = None) -> None:
    # Tampering as someone with the database, but neither the audit key nor the checkpoint key, would.
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])


def verify_output() -> str:
    with pytest.raises(CommandError) as error:
        call_command("audit_verify")
    return str(error.value)


def test_the_checkpoint_is_written_outside_the_database_and_printed(checkpointed, settings) -> None:
    files = list(settings.AMANA_CHECKPOINT_DIR.glob("checkpoint-*.json"))
    assert len(files) == 1
    written = json.loads(files[0].read_text())
    assert written["seq"] == 5
    assert written["head_hash"] == AuditEntry.objects.get(seq=5).entry_hash
    assert "entries    5" in checkpointed
    assert written["signature"] in checkpointed


def test_an_intact_chain_verifies_against_its_checkpoint(checkpointed, capsys) -> None:
    record(actor=None, action="test.after_the_checkpoint")
    call_command("audit_verify")
    out = capsys.readouterr().out
    assert "6 entries verified" in out
    assert "(5 entries)" in out


def test_a_cut_off_tail_with_the_head_moved_back_is_caught(checkpointed) -> None:
    survivor_hash = AuditEntry.objects.get(seq=3).entry_hash
    raw("DELETE FROM audit_auditentry WHERE seq > 3")
    raw("UPDATE audit_audithead SET last_seq = 3, last_hash = %s", [survivor_hash])
    assert "entries after 3 are missing: the checkpoint" in verify_output()


def test_a_rewritten_head_is_caught(checkpointed) -> None:
    # The tail is replaced by entries forged without the key but linked properly among themselves.
    raw("UPDATE audit_auditentry SET action = 'test.forged' WHERE seq = 5")
    assert "entry 5" in verify_output()


def test_a_deleted_head_row_is_reported_and_blocks_audited_writes(checkpointed) -> None:
    raw("DELETE FROM audit_audithead")
    assert "the head row is missing" in verify_output()
    with pytest.raises(AuditHeadMissing) as error:
        record(actor=None, action="test.after_the_head_went")
    assert "audit_verify" in str(error.value)
    assert AuditEntry.objects.count() == 5


def test_a_wiped_log_is_caught(checkpointed) -> None:
    raw("DELETE FROM audit_auditentry")
    raw("DELETE FROM audit_audithead")
    assert "entries after 0 are missing: the checkpoint" in verify_output()
    # And nothing starts a fresh chain over the wiped one.
    with pytest.raises(AuditHeadMissing):
        record(actor=None, action="test.fresh_start")


def test_a_forged_checkpoint_is_refused(checkpointed, settings) -> None:
    path = next(settings.AMANA_CHECKPOINT_DIR.glob("checkpoint-*.json"))
    data = json.loads(path.read_text())
    data["seq"] = 2
    data["head_hash"] = AuditEntry.objects.get(seq=2).entry_hash
    path.write_text(json.dumps(data))
    assert "not signed by this server's key" in verify_output()


def test_a_broken_chain_is_never_checkpointed(checkpointed, settings) -> None:
    raw("UPDATE audit_auditentry SET action = 'test.innocent' WHERE seq = 2")
    with pytest.raises(CommandError, match="No checkpoint was written"):
        call_command("audit_checkpoint")
    assert len(list(settings.AMANA_CHECKPOINT_DIR.glob("checkpoint-*.json"))) == 1


def test_the_latest_checkpoint_is_the_longest(checkpointed) -> None:
    record(actor=None, action="test.more")
    call_command("audit_checkpoint")
    assert checkpoints.latest().seq == 6
    assert verify_chain() is None


def test_staff_see_a_clear_page_when_the_head_is_gone(personas, login) -> None:
    client = login(personas.caseworker)
    call_command("audit_checkpoint")
    raw("DELETE FROM audit_audithead")
    response = client.post("/staff/logout/")
    assert response.status_code == 503
    assert "الحفظ متوقف مؤقتًا" in response.content.decode()
