"""WhatsApp's "Export chat" text, as Android and iPhone write it in English, Arabic and other phone languages.

Android: ``07/03/2023, 14:22 - Sender: text`` (``3/7/23, 2:22 PM - ``); Arabic phones
write the same with Arabic-Indic digits, an Arabic comma, right-to-left marks and ص/م for AM/PM.
iPhone: ``[07/03/2023, 14:22:05] Sender: text``, with a left-to-right mark before notices and files.
A line without a date continues the message before it. Whether ``03/07`` is 3 July or 7 March is
decided once for the whole file, when all dates are known (see :func:`_choose_date_order`).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, tzinfo

from django.utils.translation import gettext_lazy as _

from amana.evidence.chat_import.results import ChatMessage, Collector
from amana.evidence.identifiers import clean_text, find_identifiers_in_text, sender_identifier

# Direction marks and isolates that phones put around dates, numbers and names.
_B = "[\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069\ufeff]*"
_DATE = rf"(?P<date>\d{{1,4}}{_B}[./\-]{_B}\d{{1,2}}{_B}[./\-]{_B}\d{{1,4}})"
_TIME = rf"(?P<time>\d{{1,2}}{_B}[:.]{_B}\d{{2}}(?:{_B}[:.]{_B}\d{{2}})?)"
_AMPM = r"(?P<ampm>[AaPp]\.?\s?[Mm]\.?|ص|م)"
_STAMP = rf"{_DATE}{_B}[,،]?\s*{_B}{_TIME}(?:\s*{_B}{_AMPM})?{_B}"
_IPHONE = re.compile(rf"^{_B}\[{_B}{_STAMP}\]\s?(?P<body>.*)$", re.DOTALL)
_ANDROID = re.compile(rf"^{_B}{_STAMP}\s?[-\u2013]\s(?P<body>.*)$", re.DOTALL)
# Starts with a date and a time: meant as a new message even if the rest cannot be read.
_LOOKS_DATED = re.compile(rf"^{_B}\[?{_B}\d{{1,4}}{_B}[./\-]{_B}\d{{1,2}}{_B}[./\-].{{0,20}}?\d{{1,2}}{_B}[:.]\d")
_SENDER = re.compile(r"^(?P<sender>[^:\n]{1,100}?):\s(?P<text>.*)$", re.DOTALL)

_PM = {"pm", "p.m.", "p.m", "pm.", "م"}
_AM = {"am", "a.m.", "a.m", "am.", "ص"}

_OMITTED = re.compile(
    r"^(?:<Media omitted>|<تم استبعاد الوسائط>|<الوسائط غير مضمنة>|<تم حذف الوسائط>|null"
    r"|(?:image|video|audio|sticker|GIF|document|Contact card) omitted"
    r"|تم استبعاد (?:الصورة|الفيديو|الصوت|الملصق|المستند|صورة GIF|بطاقة جهة الاتصال))$",
    re.IGNORECASE,
)
_ATTACHED_ANDROID = re.compile(r"^(?P<name>[^\n]{1,255}?\.\w{1,6}) \((?:file attached|ملف مرفق|فایل هاوپێچ کراوە)\)")
_ATTACHED_IPHONE = re.compile(r"<(?:attached|مرفق|المرفق|مُرفق)\s*:\s*(?P<name>[^<>\n]{1,255})>", re.IGNORECASE)
_ENCRYPTION_NOTICE = re.compile(
    r"end-to-end encrypt|are now secured with end-to-end|مشفرة تمام|بالتشفير التام|التشفير من طرف|مشفّرة",
    re.IGNORECASE,
)


@dataclass(slots=True)
class _Pending:
    """A message whose date is not turned into a datetime until the file's date order is known."""

    line: int
    date_parts: tuple[int, int, int]
    year_first: bool
    hour: int
    minute: int
    second: int
    ampm: str
    body_lines: list[str] = field(default_factory=list)


def _numbers(text: str) -> list[str]:
    return [part for part in re.split(r"\D+", clean_text(text)) if part]


def _read_stamp(match: re.Match[str], line: int) -> _Pending | None:
    date, time = _numbers(match.group("date")), _numbers(match.group("time"))
    if len(date) != 3 or len(time) not in (2, 3):
        return None
    return _Pending(
        line=line,
        date_parts=(int(date[0]), int(date[1]), int(date[2])),
        year_first=len(date[0]) == 4,
        hour=int(time[0]),
        minute=int(time[1]),
        second=int(time[2]) if len(time) == 3 else 0,
        ampm=(match.group("ampm") or "").replace(" ", "").lower(),
    )


def _to_datetime(pending: _Pending, order: str, tz: tzinfo) -> datetime | None:
    a, b, c = pending.date_parts
    if pending.year_first:
        year, month, day = a, b, c
    elif order == "mdy":
        month, day, year = a, b, c
    else:
        day, month, year = a, b, c
    if year < 100:
        year += 2000
    hour = pending.hour
    if pending.ampm:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if pending.ampm in _PM else 0)
    try:
        return datetime(year, month, day, hour, pending.minute, pending.second, tzinfo=tz)
    except ValueError:
        return None


def _choose_date_order(pending: list[_Pending], tz: tzinfo) -> tuple[str, bool]:
    """Day-first or month-first, and whether the file alone could not tell.

    Steps: the order under which more dates exist wins; then the one under which the messages run
    forward in time (an export is in order); then month-first only for English 12-hour phones, as in
    the United States, else day-first as in Iraq.
    """
    scores = {}
    for order in ("dmy", "mdy"):
        times = [_to_datetime(item, order, tz) for item in pending]
        valid = [value for value in times if value is not None]
        backwards = sum(1 for earlier, later in itertools.pairwise(valid) if later < earlier)
        scores[order] = (len(times) - len(valid), backwards)
    if scores["dmy"] != scores["mdy"]:
        return min(scores, key=lambda order: scores[order]), False
    english_12_hour = any(item.ampm in {"am", "pm", "a.m.", "p.m."} for item in pending[:50])
    undecided = any(not item.year_first and item.date_parts[0] != item.date_parts[1] for item in pending)
    return ("mdy" if english_12_hour else "dmy"), undecided


@dataclass
class _Orphans:
    """A run of lines that could not be placed, reported as one problem."""

    first: int
    last: int
    bad_date: bool


class WhatsAppParser:
    def __init__(self, collector: Collector, tz: tzinfo) -> None:
        self.collector = collector
        self.tz = tz
        self.limits = collector.limits
        self.pending: list[_Pending] = []
        self.current: _Pending | None = None
        self.orphans: _Orphans | None = None
        self.dated_lines = 0
        self.too_many = False

    def feed(self, lines: Iterable[str]) -> None:
        for number, raw in enumerate(lines, start=1):
            line = raw.rstrip("\r\n")
            if "\ufffd" in line:
                self.collector.problem(
                    _("Line %(line)s: some characters could not be read (the file is not in UTF-8)."), line=number
                )
            match = _ANDROID.match(line) or _IPHONE.match(line)
            stamp = _read_stamp(match, number) if match else None
            if stamp is not None and match is not None:
                self._start(stamp, match.group("body"))
            elif match or _LOOKS_DATED.match(line):
                self._orphan(number, bad_date=True)
            elif self.current is not None:
                self.current.body_lines.append(line)
            elif line.strip() or self.orphans is not None:
                self._orphan(number, bad_date=False)

    def _start(self, stamp: _Pending, body: str) -> None:
        self._end_orphans()
        self.dated_lines += 1
        if len(self.pending) >= self.limits.max_messages:
            self.current = None
            if not self.too_many:
                self.too_many = True
                self.collector.problem(
                    _("Only the first %(count)s messages were imported; the export has more."),
                    count=self.limits.max_messages,
                )
            return
        stamp.body_lines.append(body)
        self.pending.append(stamp)
        self.current = stamp

    def _orphan(self, line: int, *, bad_date: bool) -> None:
        if self.orphans is not None and not bad_date and self.orphans.last == line - 1:
            self.orphans.last = line
            return
        self._end_orphans()
        self.current = None
        self.orphans = _Orphans(first=line, last=line, bad_date=bad_date)

    def _end_orphans(self) -> None:
        run, self.orphans = self.orphans, None
        if run is None:
            return
        if run.bad_date:
            template = _("Line %(line)s: the date or time could not be read, so this message was left out.")
            if run.last > run.first:
                template = _(
                    "Lines %(line)s to %(last)s: the date or time could not be read, so this message was left out."
                )
        else:
            template = _("Line %(line)s could not be placed in the timeline (it has no date before it).")
            if run.last > run.first:
                template = _("Lines %(line)s to %(last)s could not be placed in the timeline (no date before them).")
        self.collector.problem(template, line=run.first, last=run.last)

    def finish(self) -> list[ChatMessage]:
        """Turn the pending messages into the timeline once the date order is known."""
        self._end_orphans()
        if not self.pending:
            return []
        order, undecided = _choose_date_order(self.pending, self.tz)
        if undecided and order == "mdy":
            self.collector.problem(_("The dates could be read day first or month first; they were read month first."))
        elif undecided:
            self.collector.problem(_("The dates could be read day first or month first; they were read day first."))
        messages = []
        for item in self.pending:
            sent_at = _to_datetime(item, order, self.tz)
            if sent_at is None:
                self.collector.problem(
                    _("Line %(line)s: the date or time could not be read, so this message was left out."),
                    line=item.line,
                )
                continue
            messages.append(self._message(item, sent_at))
        return messages

    def _message(self, item: _Pending, sent_at: datetime) -> ChatMessage:
        body = "\n".join(item.body_lines)
        split = _SENDER.match(body)
        sender = clean_text(split.group("sender")).strip() if split else ""
        text = split.group("text") if split else body
        # iPhone marks notices (missed calls, encryption, blocked contact) and files with a left-to-right mark.
        marked = text.startswith("\u200e")
        text = text.lstrip("\u200e").rstrip()
        if len(text) > self.limits.max_message_chars:
            text = text[: self.limits.max_message_chars]
            self.collector.problem(
                _("Line %(line)s: the message is very long; only its first %(count)s characters were kept."),
                line=item.line,
                count=self.limits.max_message_chars,
            )
        message = ChatMessage(line=item.line, sent_at=sent_at, sender=sender, text=text)
        first_line, _newline, caption = text.partition("\n")
        first_line = clean_text(first_line).strip()
        attached = _ATTACHED_ANDROID.match(first_line) or _ATTACHED_IPHONE.search(first_line)
        # The file or the omitted media is kept as such; the text is what was written with it.
        if attached:
            message.attachments.append(attached.group("name").strip())
            message.text = caption.strip()
        elif _OMITTED.match(first_line):
            message.media_omitted = True
            message.text = caption.strip()
        elif not split or (marked and not attached) or _ENCRYPTION_NOTICE.search(first_line):
            message.is_notice = True
        if sender and not message.is_notice:
            identifier = sender_identifier(sender)
            if identifier is not None:
                self.collector.sent_by(identifier, sender, item.line)
        if text and not message.is_notice and not message.media_omitted:
            self.collector.mentioned(find_identifiers_in_text(text), item.line)
        return message


def parse_whatsapp(lines: Iterable[str], collector: Collector, tz: tzinfo) -> tuple[list[ChatMessage], int]:
    """The timeline of a WhatsApp export and the number of lines that began with a date."""
    parser = WhatsAppParser(collector, tz)
    parser.feed(lines)
    return parser.finish(), parser.dated_lines
