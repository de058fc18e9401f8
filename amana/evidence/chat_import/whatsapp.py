"""WhatsApp's "Export chat" text, as Android and iPhone write it in English, Arabic, Kurdish and other phone languages.

Android: ``07/03/2023, 14:22 - Sender: text`` (``3/7/23, 2:22 PM - ``, ``7.3.2023 klo 14.22 - ``);
Arabic and Kurdish phones write the same with Arabic-Indic digits, an Arabic comma, direction marks
and ص/م or ب.ن/د.ن for AM/PM. iPhone: ``[07/03/2023, 14:22:05] Sender: text``, with a direction mark
before notices and files.

The file is read in two passes, because what a line is depends on the whole file:

1. Every line is classified: a header (a date, a time and the rest of a message's first line) of
   the Android or the iPhone layout, or text. The layout most headers use is the file's.
2. The date order (day first or month first) is decided from all the headers (see
   :func:`choose_date_order`); when the file cannot tell, the caller is asked (``DatesAmbiguous``).
3. A header starts a new message only when it has the file's layout, a sender (or is one of the
   app's notices) and does not send time backwards. Any other line, however it starts, stays
   text of the message it is in; a line that looked like a header is named in the problems.
   No line is ever dropped.

Every pattern here is anchored and bounded, so hostile text costs time in proportion to its length.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from amana.evidence.chat_import.results import ChatImportError, ChatMessage, Collector
from amana.evidence.identifiers import clean_text, find_identifiers_in_text, sender_identifier

# Direction marks and isolates that phones put around dates, numbers and names (a few at most).
_B = "[\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069\ufeff]{0,4}"
# Spaces as phones write them: plain, no-break, narrow no-break, thin.
_SP = "[ \t\u00a0\u202f\u2009]"
_DATE = rf"(?P<date>\d{{1,4}}{_B}[./\-]{_B}\d{{1,2}}{_B}[./\-]{_B}\d{{1,4}})"
_TIME = rf"(?P<time>\d{{1,2}}{_B}[:.]{_B}\d{{2}}(?:{_B}[:.]{_B}\d{{2}})?)\.?"
# AM/PM: Latin with or without dots and spaces (a.m., p. m.), Arabic ص/م, Kurdish (CLDR) ب.ن/د.ن.
_AMPM = rf"(?P<ampm>[AaPp]\.?{_SP}{{0,2}}[Mm]\.?|ص|م|ب\.?{_SP}?ن|د\.?{_SP}?ن)"
_STAMP = rf"{_DATE}{_B}(?:[,،]|{_SP}klo)?{_SP}{{0,3}}{_B}{_TIME}(?:{_SP}{{0,3}}{_B}{_AMPM})?{_B}"
_IPHONE = re.compile(rf"^{_B}\[{_B}{_STAMP}\]{_SP}?(?P<body>.*)$", re.DOTALL)
_ANDROID = re.compile(rf"^{_B}{_STAMP}{_SP}{{0,2}}[-\u2013]{_SP}(?P<body>.*)$", re.DOTALL)
# Starts with a date and a time, whatever follows: a header the parser could not read whole.
_LOOKS_DATED = re.compile(rf"^{_B}\[?{_B}\d{{1,4}}{_B}[./\-]{_B}\d{{1,2}}{_B}[./\-].{{0,20}}?\d{{1,2}}{_B}[:.]\d")
_SENDER = re.compile(r"^(?P<sender>[^:\n]{1,100}?):\s(?P<text>.*)$", re.DOTALL)

_PM = {"pm", "م", "دن"}
_AM = {"am", "ص", "بن"}
_LATIN_AMPM = {"am", "pm"}

_OMITTED = re.compile(
    r"^(?:<Media omitted>|<تم استبعاد الوسائط>|<الوسائط غير مضمنة>|<تم حذف الوسائط>|null"
    r"|(?:image|video|audio|sticker|GIF|document|Contact card) omitted"
    r"|تم استبعاد (?:الصورة|الفيديو|الصوت|الملصق|المستند|صورة GIF|بطاقة جهة الاتصال))$",
    re.IGNORECASE,
)
_ATTACHED_WORDS = r"attached|مرفق|المرفق|ملف مرفق|هاوپێچ|هاوپێچکراو|پاشکۆ"
_ATTACHED_ANDROID = re.compile(
    r"^(?P<name>[^\n]{1,255}?\.\w{1,6}) \((?:file attached|ملف مرفق|فایل هاوپێچ کراوە|فایلی هاوپێچکراو)\)"
)
_ATTACHED_IPHONE = re.compile(
    rf"[<\u2039\uff1c]{_B}(?:{_ATTACHED_WORDS}){_SP}{{0,2}}:{_SP}{{0,2}}(?P<name>[^<>\u203a\n]{{1,255}})[>\u203a\uff1e]",
    re.IGNORECASE,
)
# A file is named in brackets (Android) or angle brackets of one of three shapes (iPhone).
_ATTACHMENT_HINT = re.compile("[(<\u2039\uff1c]")
# What the app writes by itself; on Android such lines have no sender.
_NOTICE = re.compile(
    r"end-to-end encrypt|changed to|changed their phone number|changed the (?:subject|group)|security code"
    r"|created (?:group|this group)|\badded\b|\bremoved\b|\bleft\b|\bjoined\b|blocked this contact"
    r"|missed (?:voice|video) call|disappearing messages|deleted this message|message was deleted"
    r"|مشفرة|التشفير|مشفّرة|غيّر|تغيّر|غير رقم|أضاف|أزال|غادر|انضم|أنشأ|حظرت|ألغيت حظر|رمز الأمان"
    r"|مكالمة (?:صوتية|فيديو) فائتة"
    r"|الرسائل المؤقتة|حذف هذه الرسالة|تم حذف هذه الرسالة",
    re.IGNORECASE,
)
# The encryption notice: iPhones write it with the chat's name as its sender.
_ENCRYPTION_NOTICE = re.compile(
    r"end-to-end encrypt|are now secured with end-to-end|مشفرة تمام|بالتشفير التام|التشفير من طرف|مشفّرة", re.IGNORECASE
)
# Dates phones put in the names of attached files: PHOTO-2025-02-04-…, IMG-20250204-WA0001.
_FILE_DATE = re.compile(r"(?<!\d)(?P<y>20\d\d)-?(?P<m>[01]\d)-?(?P<d>[0-3]\d)(?!\d)")


class DatesAmbiguous(ChatImportError):
    """Nothing in the file tells whether its dates are day first or month first; the caseworker chooses."""

    template = _(
        "The dates in this chat can be read day first or month first, and nothing in the file tells which. "
        "Choose how to read them below, then choose the file again."
    )

    def __init__(self, examples: list[DateExample]) -> None:
        super().__init__()
        self.examples = examples


@dataclass(frozen=True)
class DateExample:
    """A line whose date reads differently in the two orders, shown to the caseworker with both readings."""

    line: str
    day_first: datetime
    month_first: datetime


@dataclass(slots=True)
class _Stamp:
    """A header's date and time, not turned into a datetime until the file's date order is known."""

    date_parts: tuple[int, int, int]
    year_first: bool
    hour: int
    minute: int
    second: int
    ampm: str

    def reading(self, order: str, tz: tzinfo) -> datetime | None:
        a, b, c = self.date_parts
        if self.year_first:
            year, month, day = a, b, c
        elif order == "mdy":
            month, day, year = a, b, c
        else:
            day, month, year = a, b, c
        if year < 100:
            year += 2000
        hour = self.hour
        if self.ampm:
            if not 1 <= hour <= 12:
                return None
            hour = hour % 12 + (12 if self.ampm in _PM else 0)
        try:
            return datetime(year, month, day, hour, self.minute, self.second, tzinfo=tz)
        except ValueError:
            return None

    @property
    def ambiguous(self) -> bool:
        a, b, _c = self.date_parts
        return not self.year_first and a != b and a <= 12 and b <= 12


@dataclass(slots=True)
class _Line:
    """One line of the file; a header has its layout, stamp, sender and ``body``, the text after the sender
    (after the stamp when it names none)."""

    number: int
    text: str
    layout: str = ""
    stamp: _Stamp | None = None
    body: str = ""
    sender: str | None = None
    # Where the text after the date, time and separator starts.
    stamp_end: int = 0


_DIGIT_RUN = re.compile(r"\d+")


def _numbers(text: str) -> list[str]:
    # int() reads Arabic-Indic and Persian digits as they are.
    return _DIGIT_RUN.findall(text)


@functools.lru_cache(maxsize=64)  # a file writes its AM/PM marks one or two ways
def _ampm(value: str) -> str:
    return re.sub(r"[\s.\u00a0\u202f]", "", value).lower() if value else ""


@functools.lru_cache(maxsize=1024)  # a chat has few senders
def _clean_sender(value: str) -> str:
    return clean_text(value).strip()


def _read_stamp(match: re.Match[str]) -> _Stamp | None:
    date_numbers, time = _numbers(match.group("date")), _numbers(match.group("time"))
    if len(date_numbers) != 3 or len(time) not in (2, 3):
        return None
    return _Stamp(
        date_parts=(int(date_numbers[0]), int(date_numbers[1]), int(date_numbers[2])),
        year_first=len(date_numbers[0]) == 4,
        hour=int(time[0]),
        minute=int(time[1]),
        second=int(time[2]) if len(time) == 3 else 0,
        ampm=_ampm(match.group("ampm") or ""),
    )


def classify(number: int, text: str) -> _Line:
    """What one line is, read on its own: a header of either layout (stamp read or not), or text."""
    line = _Line(number=number, text=text)
    for layout, pattern in (("android", _ANDROID), ("iphone", _IPHONE)):
        match = pattern.match(text)
        if match is not None:
            line.layout, line.stamp, line.body = layout, _read_stamp(match), match.group("body")
            line.stamp_end = match.start("body")
            split = _SENDER.match(line.body)
            if split is not None:
                line.sender, line.body = _clean_sender(split.group("sender")), split.group("text")
            return line
    if _LOOKS_DATED.match(text):
        line.layout = "unreadable"
    return line


# --- the date order ------------------------------------------------------------------------


@dataclass
class _Votes:
    """What decided the date order, in the order a careful reader weighs it."""

    order: str = ""
    reason: str = ""


def _impossible(stamps: list[_Stamp], tz: tzinfo, order: str) -> int:
    return sum(1 for stamp in stamps if stamp.reading(order, tz) is None)


def _backwards(stamps: list[_Stamp], tz: tzinfo, order: str) -> int:
    count, last = 0, None
    for stamp in stamps:
        moment = stamp.reading(order, tz)
        if moment is None:
            continue
        if last is not None and moment < last:
            count += 1
        last = moment
    return count


def _file_dates(lines: list[_Line]) -> list[tuple[_Stamp, date]]:
    """Headers whose attached file's name carries a date (the day the phone saved it)."""
    found = []
    for line in lines:
        if line.stamp is None or "." not in line.body:
            continue
        match = _FILE_DATE.search(line.body)
        if match is None:
            continue
        try:
            found.append((line.stamp, date(int(match["y"]), int(match["m"]), int(match["d"]))))
        except ValueError:
            continue
    return found


def _locale_order(lines: list[_Line]) -> str:
    """Day first when the phone's conventions say so: Arabic or Kurdish marks and digits, or dotted dates.

    A Latin AM/PM says nothing: Arabic, Indian and British phones write it with day-first dates.
    """
    for line in lines[:200]:
        if line.stamp is None:
            continue
        if line.stamp.ampm and line.stamp.ampm not in _LATIN_AMPM:
            return "dmy"
        head = line.text[:40]
        if re.search(r"[\u0660-\u0669\u06f0-\u06f9،]", head) or re.match(rf"^{_B}\[?{_B}\d{{1,2}}\.\d{{1,2}}\.", head):
            return "dmy"
    return ""


def choose_date_order(lines: list[_Line], tz: tzinfo) -> _Votes:
    """Day first ("dmy") or month first ("mdy"), decided from every header of the file.

    Steps: a field above 12 fixes the order (the order under which fewer dates are impossible);
    then the order under which time never runs backwards; then the dates in attached files' names;
    then the phone's locale conventions. An empty order means the file cannot tell.
    """
    stamps = [line.stamp for line in lines if line.stamp is not None]
    day_first_only = any(not stamp.year_first and stamp.date_parts[0] > 12 for stamp in stamps)
    month_first_only = any(not stamp.year_first and stamp.date_parts[1] > 12 for stamp in stamps)
    if day_first_only != month_first_only:
        return _Votes("dmy" if day_first_only else "mdy", "field_above_12")
    if day_first_only and month_first_only:  # both occur: the order under which fewer dates are impossible
        impossible = {order: _impossible(stamps, tz, order) for order in ("dmy", "mdy")}
        if impossible["dmy"] != impossible["mdy"]:
            return _Votes(min(impossible, key=lambda order: impossible[order]), "field_above_12")
    if not any(stamp.ambiguous for stamp in stamps):
        return _Votes("dmy", "unambiguous")  # both orders read every date the same
    backwards = {order: _backwards(stamps, tz, order) for order in ("dmy", "mdy")}
    if backwards["dmy"] != backwards["mdy"]:
        return _Votes(min(backwards, key=lambda order: backwards[order]), "time_order")
    votes: Counter[str] = Counter()
    for stamp, saved in _file_dates(lines):
        for order in ("dmy", "mdy"):
            moment = stamp.reading(order, tz)
            if moment is not None and moment.date() == saved:
                votes[order] += 1
    if votes["dmy"] != votes["mdy"]:
        return _Votes(max(votes, key=lambda order: votes[order]), "file_names")
    locale = _locale_order(lines)
    return _Votes(locale, "locale" if locale else "")


def date_examples(lines: list[_Line], tz: tzinfo, count: int = 2) -> list[DateExample]:
    """Lines whose date reads differently day first and month first, with both readings."""
    examples = []
    for line in lines:
        if line.stamp is None or not line.stamp.ambiguous:
            continue
        day_first, month_first = line.stamp.reading("dmy", tz), line.stamp.reading("mdy", tz)
        if day_first is not None and month_first is not None:
            examples.append(
                DateExample(
                    line=clean_text(line.text[: line.stamp_end]).strip(" -[]"),
                    day_first=day_first,
                    month_first=month_first,
                )
            )
        if len(examples) == count:
            break
    return examples


# --- messages ------------------------------------------------------------------------------


@dataclass(slots=True)
class _Building:
    """A message being read: its first line and every line that continues it."""

    line: int
    sent_at: datetime
    sender: str
    first: str
    more: list[str] = field(default_factory=list)


class WhatsAppParser:
    def __init__(self, collector: Collector, tz: tzinfo, date_order: str = "") -> None:
        self.collector = collector
        self.tz = tz
        self.date_order = date_order
        self.limits = collector.limits
        self.messages: list[ChatMessage] = []
        self.current: _Building | None = None
        self.too_many = False
        self.layout = ""

    def parse(self, lines: list[_Line]) -> list[ChatMessage]:
        """The timeline. Steps: the file's layout, its date order, then each line placed."""
        layouts = Counter(line.layout for line in lines if line.layout in ("android", "iphone") and line.stamp)
        if not layouts:
            return []
        layout = self.layout = layouts.most_common(1)[0][0]
        headers = [line for line in lines if line.layout == layout and line.stamp is not None]
        order = self.date_order or choose_date_order(headers, self.tz).order
        if not order:
            raise DatesAmbiguous(date_examples(headers, self.tz))
        unplaced: list[int] = []
        for line in lines:
            if self._starts_message(line, layout, order):
                continue
            if self.current is None:
                if line.text.strip():
                    unplaced.append(line.number)
                continue
            self.current.more.append(line.text)
            if line.layout:
                self._kept_as_text(line, layout, order)
        self._close()
        if unplaced:
            self._report_unplaced(unplaced)
        return self.messages

    def _starts_message(self, line: _Line, layout: str, order: str) -> bool:
        """Start a message when the line is a whole header of the file's layout that keeps time in order."""
        if line.layout != layout or line.stamp is None:
            return False
        sent_at = line.stamp.reading(order, self.tz)
        if sent_at is None:
            return False
        notice = line.sender is None and bool(_NOTICE.search(line.body[:300]))
        if line.sender is None and not notice and self.current is not None:
            return False
        if self.current is not None and sent_at < self.current.sent_at:
            return False
        self._close()
        if len(self.messages) >= self.limits.max_messages:
            if not self.too_many:
                self.too_many = True
                self.collector.problem(
                    ngettext_lazy(
                        "Only the first %(count)s message was imported; the export has more.",
                        "Only the first %(count)s messages were imported; the export has more.",
                        "count",
                    ),
                    count=self.limits.max_messages,
                )
            self.current = None
            return True
        self.current = _Building(line=line.number, sent_at=sent_at, sender=line.sender or "", first=line.body)
        return True

    def _kept_as_text(self, line: _Line, layout: str, order: str) -> None:
        """Name a line that begins like a header but was kept as text of the message before it."""
        sent_at = line.stamp.reading(order, self.tz) if line.stamp is not None else None
        if line.layout == layout and line.stamp is not None and sent_at is None:
            template = _(
                "Line %(line)s: the date or time could not be read; the line was kept as part of the message before it."
            )
        elif line.layout != layout or sent_at is None or line.stamp is None:
            template = _(
                "Line %(line)s begins with a date but is not a message header of this chat; it was kept as "
                "part of the message before it."
            )
        elif self.current is not None and sent_at < self.current.sent_at:
            template = _(
                "Line %(line)s looks like a new message but is dated before the message it is in; it was "
                "kept as part of that message."
            )
        else:
            template = _(
                "Line %(line)s begins with a date but names no sender; it was kept as part of the message before it."
            )
        self.collector.problem(template, line=line.number)

    def _report_unplaced(self, numbers: list[int]) -> None:
        first, last = numbers[0], numbers[-1]
        if last > first:
            template = _("Lines %(line)s to %(last)s could not be placed in the timeline (no date before them).")
        else:
            template = _("Line %(line)s could not be placed in the timeline (it has no date before it).")
        self.collector.problem(template, line=first, last=last)

    def _close(self) -> None:
        building, self.current = self.current, None
        if building is not None:
            self.messages.append(self._message(building))

    def _message(self, item: _Building) -> ChatMessage:
        text = "\n".join([item.first, *item.more]) if item.more else item.first
        # iPhone marks notices (missed calls, encryption, blocked contact) and files with a direction mark.
        marked = text[:1] in ("\u200e", "\u200f", "\u061c")
        text = text.lstrip("\u200e\u200f\u061c").rstrip()
        if len(text) > self.limits.max_message_chars:
            text = text[: self.limits.max_message_chars]
            self.collector.problem(
                ngettext_lazy(
                    "Line %(line)s: the message is very long; only its first %(count)s character was kept.",
                    "Line %(line)s: the message is very long; only its first %(count)s characters were kept.",
                    "count",
                ),
                line=item.line,
                count=self.limits.max_message_chars,
            )
        message = ChatMessage(line=item.line, sent_at=item.sent_at, sender=item.sender, text=text)
        first_line, _newline, caption = text.partition("\n")
        first_line = clean_text(first_line[:400], drop_harakat=True).strip()
        attached = None
        if _ATTACHMENT_HINT.search(first_line):
            attached = _ATTACHED_ANDROID.match(first_line) or _ATTACHED_IPHONE.search(first_line)
        # The file or the omitted media is kept as such; the text is what was written with it.
        if attached:
            message.attachments.append(attached.group("name").strip())
            message.text = caption.strip()
        elif _OMITTED.match(first_line):
            message.media_omitted = True
            message.text = caption.strip()
        elif not item.sender or (marked and self.layout == "iphone") or _ENCRYPTION_NOTICE.search(first_line[:300]):
            message.is_notice = True
        if item.sender and not message.is_notice:
            identifier = sender_identifier(item.sender)
            if identifier is not None:
                self.collector.sent_by(identifier, item.sender, item.line)
        if text and not message.is_notice and not message.media_omitted:
            self.collector.mentioned(find_identifiers_in_text(text), item.line)
        return message


def parse_whatsapp(lines: Iterable[str], collector: Collector, tz: tzinfo, date_order: str = "") -> list[ChatMessage]:
    """The timeline of a WhatsApp export (empty when no line is a message header)."""
    classified = []
    for number, raw in enumerate(lines, start=1):
        if "\ufffd" in raw:
            collector.problem(
                _("Line %(line)s: some characters could not be read (the file is not in UTF-8)."), line=number
            )
        classified.append(classify(number, raw.rstrip("\r\n")))
    return WhatsAppParser(collector, tz, date_order).parse(classified)
