from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from amana.evidence.chat_import import DatesAmbiguous, ExportTooLarge, ImportLimits, NotAChatExport, import_chat_export
from amana.evidence.sample_exports import (
    EXTORTIONIST_E164,
    OTHER_NUMBER_E164,
    SURVIVOR,
    Layout,
    SampleMessage,
    conversation,
    whatsapp_text,
)

LAYOUTS = [
    Layout(),
    Layout(clock=12),
    Layout(clock=12, date_order="mdy", short_year=True),
    Layout(language="ar"),
    Layout(language="ar", clock=12),
    Layout(phone="iphone"),
    Layout(phone="iphone", clock=12, date_order="mdy", short_year=True),
    Layout(phone="iphone", language="ar", clock=12),
]


def expected(message: SampleMessage, layout: Layout) -> tuple[datetime, str, str, list[str], bool]:
    # Android exports carry no seconds.
    sent_at = message.sent_at if layout.phone == "iphone" else message.sent_at.replace(second=0)
    attachments = [message.attachment] if message.attachment else []
    return sent_at, message.sender, message.text, attachments, message.media_omitted


@pytest.mark.parametrize("layout", LAYOUTS, ids=lambda layout: f"{layout.phone}-{layout.language}-{layout.clock}h")
def test_it_reads_every_layout_and_locale_into_the_same_timeline(layout: Layout) -> None:
    messages = conversation(60)
    result = import_chat_export(whatsapp_text(messages, layout))
    notices = [entry for entry in result.messages if entry.is_notice]
    timeline = [entry for entry in result.messages if not entry.is_notice]
    assert len(notices) == 1  # the encryption notice, not a message from anyone
    assert [(m.sent_at, m.sender, m.text, m.attachments, m.media_omitted) for m in timeline] == [
        expected(message, layout) for message in messages
    ]
    assert all(entry.sent_at.tzinfo is not None for entry in result.messages)
    assert result.source == "whatsapp"
    assert result.senders == ["+964 770 123 4567", SURVIVOR]
    proposals = {proposal.identifier.canonical: proposal for proposal in result.proposed_identifiers}
    assert proposals[f"phone:{EXTORTIONIST_E164}"].messages_sent == 30
    assert proposals[f"phone:{OTHER_NUMBER_E164}"].mentions > 0
    assert "telegram:bad_actor_example" in proposals
    assert "instagram:bad.actor.example" in proposals
    assert result.proposed_identifiers[0].identifier.value == EXTORTIONIST_E164


def test_it_keeps_the_lines_of_a_multi_line_message_together() -> None:
    text = (
        "17/03/2023, 14:22 - Noor (example): first line\nsecond line\n\nfourth line\n"
        "17/03/2023, 14:23 - Noor (example): next"
    )
    result = import_chat_export(text.encode())
    assert [entry.text for entry in result.messages] == ["first line\nsecond line\n\nfourth line", "next"]
    assert result.problems == []


def test_it_reads_the_time_in_the_phone_time_zone() -> None:
    text = b"17/03/2023, 14:22 - Noor (example): hello\n"
    assert import_chat_export(text).messages[0].sent_at == datetime(2023, 3, 17, 11, 22, tzinfo=UTC)
    london = import_chat_export(text, tz=ZoneInfo("Europe/London"))
    assert london.messages[0].sent_at == datetime(2023, 3, 17, 14, 22, tzinfo=UTC)


def test_it_tells_day_first_from_month_first_by_the_dates_themselves() -> None:
    # 13/03 can only be day-first, even on a 12-hour English phone.
    text = b"12/03/2023, 9:00 PM - A (example): one\n13/03/2023, 9:00 AM - A (example): two\n"
    assert [entry.sent_at.day for entry in import_chat_export(text).messages] == [12, 13]
    # 3/12 then 3/13: month-first.
    text = b"3/12/23, 9:00 PM - A (example): one\n3/13/23, 9:00 AM - A (example): two\n"
    assert [(entry.sent_at.month, entry.sent_at.day) for entry in import_chat_export(text).messages] == [
        (3, 12),
        (3, 13),
    ]


def test_it_asks_when_the_date_order_cannot_be_told_and_reads_it_as_chosen() -> None:
    text = b"03/04/2023, 10:00 AM - A (example): one\n03/04/2023, 10:05 AM - A (example): two\n"
    with translation.override("en"):
        with pytest.raises(DatesAmbiguous) as raised:
            import_chat_export(text)
        assert "day first or month first" in raised.value.message
    example = raised.value.examples[0]
    assert example.line == "03/04/2023, 10:00 AM"
    assert (example.day_first.day, example.day_first.month) == (3, 4)
    assert (example.month_first.day, example.month_first.month) == (4, 3)
    assert import_chat_export(text, date_order="mdy").messages[0].sent_at.month == 3
    assert import_chat_export(text, date_order="dmy").messages[0].sent_at.month == 4


def test_it_reads_a_utf16_export() -> None:
    text = "٠٧‏/٠٣‏/٢٠٢٣، ٢:٢٢ م - نور (مثال): مرحبا\n"  # noqa: RUF001  # Arabic-Indic digits, as the phone writes
    result = import_chat_export(text.encode("utf-16"))
    assert result.messages[0].text == "مرحبا"
    assert result.messages[0].sent_at.hour == 14


def test_it_keeps_every_line_of_a_damaged_export_and_names_what_it_could_not_read() -> None:
    lines = [f"1{day}/03/2023, 1{day}:22 - ‪+964 770 123 4567‬: message {day}" for day in range(1, 10)]
    lines.insert(0, "…end of a message cut off above")  # line 1; the messages are on lines 2 to 10
    lines[3] = "31/02/2023, 14:22 - ‪+964 770 123 4567‬: a date that does not exist"
    lines[5] = "07/03/2023, 14:2x - ‪+964 770 123 4567‬: a time that cannot be read"
    lines.insert(6, "and its second line")
    lines[8] = "07/03/2023, 29:59 - ‪+964 770 123 4567‬: an hour that does not exist"
    # The file breaks off in the middle of a character.
    data = "\n".join(lines).encode()[:-1] + b"\xff\xfe garbage \xc3"
    with translation.override("en"):
        result = import_chat_export(data)
        problems = [str(problem) for problem in result.problems]
    # No line is lost: a line whose date cannot be read stays in the message before it, and is named.
    assert [entry.text for entry in result.messages][:-1] == [
        "message 1",
        f"message 2\n{lines[3]}",
        f"message 4\n{lines[5]}\n{lines[6]}",
        f"message 6\n{lines[8]}",
        "message 8",
    ]
    kept = "the date or time could not be read; the line was kept as part of the message before it."
    assert problems == [
        "Line 11: some characters could not be read (the file is not in UTF-8).",
        f"Line 4: {kept}",
        "Line 6 begins with a date but is not a message header of this chat; it was kept as part of the message "
        "before it.",
        f"Line 9: {kept}",
        "Line 1 could not be placed in the timeline (it has no date before it).",
    ]
    assert result.messages[-1].text.endswith("garbage \ufffd")


def test_it_refuses_a_file_that_is_not_a_chat_with_a_clear_message() -> None:
    for data in [b"", b"   \n", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", b"Just some notes\nwith no dates at all\n"]:
        with translation.override("ar"), pytest.raises(NotAChatExport) as raised:
            import_chat_export(data)
        assert "واتساب" in raised.value.message


def test_it_refuses_a_huge_export_without_reading_it_all() -> None:
    line = b"07/03/2023, 14:22 - A (example): " + b"x" * 1000 + b"\n"
    with translation.override("en"):
        with pytest.raises(ExportTooLarge) as raised:
            import_chat_export(line * 2000, limits=ImportLimits(max_text_bytes=1024 * 1024))
        assert "larger than 1 MB" in raised.value.message


def test_it_bounds_very_long_messages_and_very_many_messages() -> None:
    long_message = b"17/03/2023, 14:22 - A (example): " + "ن".encode() * 100_000 + b"\n"
    result = import_chat_export(long_message, limits=ImportLimits(max_message_chars=1000))
    assert len(result.messages[0].text) == 1000
    assert len(result.problems) == 1
    many = b"".join(b"17/03/2023, %02d:%02d - A (example): hi\n" % divmod(minute, 60) for minute in range(300))
    result = import_chat_export(many, limits=ImportLimits(max_messages=100, max_problems=3))
    assert len(result.messages) == 100
    assert len(result.problems) == 1


def test_it_caps_the_list_of_problems_and_says_how_many_more() -> None:
    lines = [b"17/03/2023, 14:22 - A (example): fine"] + [b"31/02/2023, 14:22 - A (example): bad\nx"] * 50
    with translation.override("en"):
        result = import_chat_export(b"\n".join(lines), limits=ImportLimits(max_problems=10))
        assert len(result.problems) == 11
        assert str(result.problems[-1]) == "40 more problems were found and are not listed."


def test_it_keeps_a_deleted_message_and_a_missed_call_apart_from_what_was_typed() -> None:
    text = (
        "[17/03/2023, 14:22:05] ‪+964 770 123 4567‬: \u200eThis message was deleted.\n"
        "[17/03/2023, 14:23:05] ‪+964 770 123 4567‬: \u200eMissed voice call\n"
        "[17/03/2023, 14:24:05] ‪+964 770 123 4567‬: \u200edocument omitted\n"
        "[17/03/2023, 14:25:05] ‪+964 770 123 4567‬: \u200fتم حذف هذه الرسالة.\n"
    ).encode()
    result = import_chat_export(text)
    assert [(entry.is_notice, entry.media_omitted) for entry in result.messages] == [
        (True, False),
        (True, False),
        (False, True),
        (True, False),
    ]
    assert result.messages[0].sender == "+964 770 123 4567"
    android = (
        "17/03/2023, 14:22 - A (example): hi\n17/03/2023, 14:25 - ‪+964 770 123 4567‬ changed to ‪+964 750 987 6543‬\n"
    )
    assert [entry.is_notice for entry in import_chat_export(android.encode()).messages] == [False, True]


def test_blank_lines_before_the_first_message_are_no_problem_but_text_is_named() -> None:
    assert import_chat_export(b"\n\n17/03/2023, 14:22 - A (example): hi\n").problems == []
    with translation.override("en"):
        result = import_chat_export(b"\ncut off above\n17/03/2023, 14:22 - A (example): hi\n")
        assert [str(problem) for problem in result.problems] == [
            "Line 2 could not be placed in the timeline (it has no date before it)."
        ]
