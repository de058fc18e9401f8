from __future__ import annotations

import io
import json
import zipfile
from datetime import UTC, datetime
from typing import BinaryIO

import pytest
from django.utils import translation

from amana.evidence.chat_import import (
    AccountExportDamaged,
    ChatNotInExport,
    NotAChatExport,
    WholeAccountExport,
    import_chat_export,
)
from amana.evidence.identifiers import Identifier, IdentifierKind
from amana.evidence.sample_exports import SURVIVOR, conversation, telegram_json


def test_it_reads_a_telegram_chat_with_text_as_string_or_entities() -> None:
    messages = conversation(30)
    for entities in (True, False):
        result = import_chat_export(telegram_json(messages, entities=entities))
        timeline = [entry for entry in result.messages if not entry.is_notice]
        assert result.source == "telegram"
        assert result.chat_name == "Unknown (example)"
        assert [(entry.sent_at, entry.text) for entry in timeline] == [(m.sent_at, m.text) for m in messages]
        assert [bool(entry.attachments) for entry in timeline] == [bool(m.attachment) for m in messages]
        assert [entry.media_omitted for entry in timeline] == [m.media_omitted for m in messages]
        assert result.problems == []
        notices = [entry for entry in result.messages if entry.is_notice]
        assert [(notice.sender, notice.text) for notice in notices] == [(SURVIVOR, "phone call")]
        proposals = [proposal.identifier.canonical for proposal in result.proposed_identifiers]
        # The other person of the chat first, by the account id that survives a change of user name.
        assert proposals[0] == "telegram:5012345678"
        assert result.proposed_identifiers[0].counterpart
        assert "telegram:bad_actor_example" in proposals
        assert "phone:+9647509876543" in proposals


def test_it_reads_local_times_when_there_is_no_unix_time() -> None:
    result = import_chat_export(telegram_json(conversation(3), unixtime=False))
    assert result.messages[0].sent_at == conversation(3)[0].sent_at
    assert result.messages[0].sent_at.utcoffset() is not None


def test_it_imports_the_messages_before_the_break_of_a_truncated_export() -> None:
    data = telegram_json(conversation(50))
    with translation.override("en"):
        result = import_chat_export(data[: len(data) // 2])
        problems = [str(problem) for problem in result.problems]
    assert 10 < len(result.messages) < 50
    assert problems == [
        f"The export is cut short or damaged after message {len(result.messages)}; the messages before it were "
        "imported."
    ]
    assert result.chat_name == "Unknown (example)"


def test_it_lists_messages_it_cannot_read() -> None:
    document = {
        "name": "Unknown (example)",
        "type": "personal_chat",
        "id": 5012345678,
        "messages": [
            {"id": 1, "type": "message", "date_unixtime": "1678188125", "from": "A", "from_id": "user1", "text": "ok"},
            "not a message",
            {"id": 3, "type": "message", "date": "yesterday", "from": "A", "text": "no date"},
            {"id": 4, "type": "message", "date_unixtime": "99999999999999999999", "text": "far future"},
        ],
    }
    with translation.override("en"):
        result = import_chat_export(json.dumps(document).encode())
        problems = [str(problem) for problem in result.problems]
    assert [entry.text for entry in result.messages] == ["ok"]
    assert result.messages[0].sent_at == datetime(2023, 3, 7, 11, 22, 5, tzinfo=UTC)
    assert problems == [
        "Message 2 could not be read.",
        "Message 3: the date could not be read, so it was left out.",
        "Message 4: the date could not be read, so it was left out.",
    ]


def test_a_whole_account_export_offers_its_chats_and_reads_only_the_one_picked() -> None:
    chat = json.loads(telegram_json(conversation(6)))
    mother = {"name": "Mother (example)", "type": "personal_chat", "id": 7000000001, "messages": []}
    document = {
        "about": "...",
        "personal_information": {"user_id": 6098765432, "phone_number": "+964 750 111 2222"},
        "chats": {"about": "...", "list": [mother, chat]},
    }
    data = json.dumps(document).encode()
    with translation.override("en"):
        with pytest.raises(WholeAccountExport) as raised:
            import_chat_export(data)
        assert "Choose the chat with the extortionist" in raised.value.message
    assert [(item.index, item.name, item.messages) for item in raised.value.chats] == [
        (0, "Mother (example)", 0),
        (1, "Unknown (example)", 7),
    ]
    result = import_chat_export(data, chat=1)
    assert result.chat_name == "Unknown (example)" and len(result.messages) == 7
    proposed = {proposal.identifier for proposal in result.proposed_identifiers}
    # Her own account and number (the exporter's) are never proposed as his.
    assert Identifier(IdentifierKind.TELEGRAM, "6098765432") not in proposed
    assert Identifier(IdentifierKind.TELEGRAM, "5012345678") in proposed
    with pytest.raises(ChatNotInExport):
        import_chat_export(data, chat=5)
    truncated = json.dumps(document | {"messages": []}).encode()[:-30]
    with translation.override("en"):
        with pytest.raises(AccountExportDamaged) as damaged:
            import_chat_export(truncated)
        assert "export only the chat with the extortionist" in damaged.value.message


def test_her_own_account_in_a_one_to_one_chat_is_not_proposed() -> None:
    result = import_chat_export(telegram_json(conversation(6)))
    proposed = {proposal.identifier for proposal in result.proposed_identifiers}
    assert Identifier(IdentifierKind.TELEGRAM, "6098765432") not in proposed
    assert result.proposed_identifiers[0].identifier == Identifier(IdentifierKind.TELEGRAM, "5012345678")


@pytest.mark.parametrize("data", [b"{}", b"[1, 2]", b'{"messages": "no"}', b"{not json at all"])
def test_it_refuses_json_that_is_not_a_telegram_export(data: bytes) -> None:
    with pytest.raises(NotAChatExport):
        import_chat_export(data)


def test_it_reads_a_zipped_telegram_export_folder_and_hands_out_its_photos() -> None:
    messages = conversation(40)
    document = telegram_json(messages)
    photos = [item["photo"] for item in json.loads(document)["messages"] if "photo" in item]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("ChatExport_2023-03-07/result.json", document)
        for photo in photos[1:]:
            archive.writestr(f"ChatExport_2023-03-07/{photo}", b"photo (example)")
    received: dict[str, bytes] = {}

    def keep(name: str, stream: BinaryIO) -> None:
        received[name] = stream.read()

    with translation.override("en"):
        result = import_chat_export(buffer.getvalue(), on_attachment=keep)
        problems = [str(problem) for problem in result.problems]
    assert sorted(received) == sorted(photos[1:])
    assert len(result.messages) == 41
    # The first photo is message 7: the 6th message, after the notice of a missed call.
    assert problems == [f"Message 7: the attached file “{photos[0]}” is not in the export."]
