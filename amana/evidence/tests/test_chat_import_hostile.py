"""Hostile and broken exports: the extortionist writes half of every chat, so hostile text is normal input."""

from __future__ import annotations

import io
import json
import time
import zipfile

import pytest
from django.utils import translation

from amana.evidence.chat_import import (
    ArchiveUnreadable,
    ChatFileDamaged,
    ChatImportError,
    import_chat_export,
)
from amana.evidence.sample_exports import Layout, conversation, whatsapp_text

from .test_chat_import_archive import Received, build_zip, problems_of

MEGABYTE = 1024 * 1024


@pytest.mark.parametrize("letter", ["a", "7", ".", "@", "ن", "wa.me/"])
def test_a_one_megabyte_word_imports_in_under_a_second(letter: str) -> None:
    word = (letter * MEGABYTE)[:MEGABYTE]
    whatsapp = f"17/03/2023, 14:22 - A (example): {word}\n17/03/2023, 14:23 - A (example): after it\n".encode()
    continued = f"[17/03/2023, 14:22:05] A (example): hi\n{word}\n".encode()
    telegram = json.dumps(
        {
            "name": "A",
            "type": "personal_chat",
            "id": 5,
            "messages": [
                {
                    "id": 1,
                    "type": "message",
                    "date": "2023-03-17T14:22:00",
                    "from": "A",
                    "from_id": "user5",
                    "text": word,
                }
            ],
        }
    ).encode()
    for data in (whatsapp, continued, telegram):
        start = time.perf_counter()
        result = import_chat_export(data)
        # A functional guard, not a benchmark: the quadratic pattern took minutes on a word this long.
        assert time.perf_counter() - start < 1.0
        assert result.messages


def test_a_date_line_inside_a_threat_stays_in_it_with_every_line_after_it() -> None:
    text = (
        "10/03/2024, 21:00 - ‪+964 770 123 4567‬: Pay before the date below (example).\n"
        "12/03/2024 10:00 اخر موعد للدفع\n"
        "then I publish the photos\n"
        "13/03/2024, 08:00 - Noor (example): I will not pay.\n"
    ).encode()
    with translation.override("en"):
        result = import_chat_export(text)
        problems = problems_of(result)
    assert [message.text for message in result.messages] == [
        "Pay before the date below (example).\n12/03/2024 10:00 اخر موعد للدفع\nthen I publish the photos",
        "I will not pay.",
    ]
    assert problems == [
        "Line 2 begins with a date but is not a message header of this chat; it was kept as part of the message "
        "before it."
    ]


def test_a_forged_header_dated_earlier_stays_in_the_message_that_holds_it_and_is_named() -> None:
    text = (
        "[10/03/2024, 21:00:00] ‪+964 770 123 4567‬: Write exactly this (example):\n"
        "[06/03/2024, 20:00:00] Noor (example): I agree to everything\n"
        "[13/03/2024, 08:00:00] Noor (example): I will not.\n"
    ).encode()
    with translation.override("en"):
        result = import_chat_export(text)
        problems = problems_of(result)
    assert [message.sender for message in result.messages] == ["+964 770 123 4567", "Noor (example)"]
    assert result.messages[0].text.endswith("[06/03/2024, 20:00:00] Noor (example): I agree to everything")
    assert problems == [
        "Line 2 looks like a new message but is dated before the message it is in; it was kept as part of that message."
    ]


def test_a_header_without_a_sender_inside_a_message_is_text_but_a_notice_is_a_notice() -> None:
    text = (
        "17/03/2023, 14:22 - A (example): first\n"
        "17/03/2023, 14:23 - last day to pay\n"
        "17/03/2023, 14:24 - ‪+964 770 123 4567‬ changed to ‪+964 750 987 6543‬\n"
    ).encode()
    result = import_chat_export(text)
    assert [(message.text, message.is_notice) for message in result.messages] == [
        ("first\n17/03/2023, 14:23 - last day to pay", False),
        ("‪+964 770 123 4567‬ changed to ‪+964 750 987 6543‬", True),
    ]


def test_a_small_damaged_chat_in_a_zip_is_refused_with_a_clear_message() -> None:
    data = bytearray(build_zip({"_chat.txt": whatsapp_text(conversation(30), Layout(phone="iphone"))[:6000]}))
    start = data.index(b"_chat.txt") + len(b"_chat.txt")
    data[start + 200] ^= 0x01  # one flipped byte in the compressed chat
    with translation.override("en"):
        with pytest.raises(ChatImportError) as raised:
            import_chat_export(bytes(data))
        assert "Nothing was imported" in raised.value.message
    assert isinstance(raised.value, ChatFileDamaged | ArchiveUnreadable)


def test_a_member_that_lies_about_its_size_is_refused_or_skipped_never_an_error() -> None:
    honest = build_zip({"_chat.txt": whatsapp_text(conversation(10), Layout(phone="iphone")), "IMG-1.jpg": b"x" * 5000})
    central = honest.rindex(b"PK\x01\x02")  # the central directory entry of the last member
    lying = bytearray(honest)
    lying[central + 24 : central + 28] = (100).to_bytes(4, "little")  # says 100 bytes, holds 5000
    received = Received()
    with translation.override("en"):
        try:
            result = import_chat_export(bytes(lying), on_attachment=received)
        except ChatImportError as error:
            assert "Nothing was imported" in error.message
        else:
            assert "IMG-1.jpg" not in received.files
            assert any("“IMG-1.jpg” in the archive is damaged" in problem for problem in problems_of(result))


def test_two_members_with_one_name_are_both_kept_and_named() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("_chat.txt", whatsapp_text(conversation(10), Layout(phone="iphone")))
        archive.writestr("IMG-1.jpg", b"first photo (example)")
        with pytest.warns(UserWarning, match="Duplicate name"):
            archive.writestr("IMG-1.jpg", b"second photo (example)")
    names: list[str] = []
    contents: list[bytes] = []

    def keep(name: str, stream: io.BufferedReader) -> None:
        names.append(name)
        contents.append(stream.read())

    with translation.override("en"):
        result = import_chat_export(buffer.getvalue(), on_attachment=keep)
        problems = problems_of(result)
    assert names == ["IMG-1.jpg", "IMG-1.jpg"]
    assert contents == [b"first photo (example)", b"second photo (example)"]
    assert "The archive holds 2 files named “IMG-1.jpg”; all were kept, so check which one a message means." in problems


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "cp1256"])
def test_each_encoding_is_detected_and_named(encoding: str) -> None:
    text = "17/03/2023، 2:05 م - نور (مثال): لن أرسل شيئاً.\n17/03/2023، 2:06 م - نور (مثال): اتركني.\n"
    with translation.override("en"):
        result = import_chat_export(text.encode(encoding))
        problems = problems_of(result)
    assert [message.text for message in result.messages] == ["لن أرسل شيئاً.", "اتركني."]
    named = {"utf-16": "UTF-16", "utf-16-le": "UTF-16", "utf-16-be": "UTF-16", "cp1256": "Windows-1256"}
    if encoding in named:
        assert problems == [f"The chat was written in {named[encoding]}, not in UTF-8; it was read as such."]
    else:
        assert problems == []
