"""The corpus: one hand-written export of each layout the importer reads, and what each must import as.

``corpus/expected.json`` says, for every file, the messages (local time in Baghdad, sender, text,
attached files, notice or omitted media), or the refusal it must meet, or the chats it must offer.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from amana.evidence import chat_import
from amana.evidence.chat_import import ChatImport, DatesAmbiguous, WholeAccountExport, import_chat_export

CORPUS = Path(__file__).parent / "corpus"
EXPECTED: dict[str, dict[str, Any]] = json.loads((CORPUS / "expected.json").read_text())
BAGHDAD = ZoneInfo("Asia/Baghdad")


def test_every_file_of_the_corpus_has_its_expectations() -> None:
    assert sorted(path.name for path in CORPUS.iterdir() if path.name != "expected.json") == sorted(EXPECTED)


def _timeline(result: ChatImport) -> list[dict[str, Any]]:
    return [
        {
            "at": message.sent_at.astimezone(BAGHDAD).replace(tzinfo=None).isoformat(),
            "sender": message.sender,
            "text": message.text,
            "attachments": message.attachments,
            "notice": message.is_notice,
            "omitted": message.media_omitted,
        }
        for message in result.messages
    ]


class Received:
    def __init__(self) -> None:
        self.names: list[str] = []

    def __call__(self, name: str, stream: Any) -> None:
        stream.read()
        self.names.append(name)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_it_imports_each_file_of_the_corpus_as_written_down(name: str) -> None:
    expected = EXPECTED[name]
    data = (CORPUS / name).read_bytes()
    if "error" in expected:
        with pytest.raises(getattr(chat_import, expected["error"])):
            import_chat_export(data, tz=BAGHDAD)
        return
    if "chats" in expected:
        with pytest.raises(WholeAccountExport) as offered:
            import_chat_export(data, tz=BAGHDAD)
        assert [[chat.index, chat.name, chat.messages] for chat in offered.value.chats] == expected["chats"]
    if expected.get("asks"):
        with pytest.raises(DatesAmbiguous):
            import_chat_export(data, tz=BAGHDAD)
    received = Received()
    with translation.override("en"):
        result = import_chat_export(
            data,
            tz=BAGHDAD,
            date_order=expected.get("date_order", ""),
            chat=expected.get("chat"),
            on_attachment=received,
        )
        problems = [str(problem) for problem in result.problems]
    assert _timeline(result) == expected["messages"]
    for part in expected.get("problems_contain", []):
        assert any(part in problem for problem in problems), (part, problems)
    if "received" in expected:
        assert received.names == expected["received"]
    proposed = [proposal.identifier.canonical for proposal in result.proposed_identifiers]
    for own in expected.get("own", []):
        assert own not in proposed
    if "proposed_first" in expected:
        assert proposed[0] == expected["proposed_first"]


def test_the_corpus_times_are_the_phone_time_in_baghdad() -> None:
    result = import_chat_export((CORPUS / "android-en-24h.txt").read_bytes(), tz=BAGHDAD)
    assert result.messages[1].sent_at == datetime(2023, 3, 17, 14, 22, tzinfo=BAGHDAD)
