"""Fictional chat exports in the layouts real phones write, for tests, benchmarks and demo data.

Every name, number and message here is made up and marked as an example. The layouts follow what
WhatsApp (Android and iPhone, English and Arabic phones, 12- and 24-hour clocks) and Telegram
Desktop write, so that the importer is tested against the shapes it will meet.
"""

from __future__ import annotations

import io
import json
import random
import zipfile
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

BAGHDAD = ZoneInfo("Asia/Baghdad")
SURVIVOR = "Noor (example)"
# A fictional Iraqi mobile number, written as a phone shows an unsaved contact.
EXTORTIONIST_NUMBER = "+964 770 123 4567"
EXTORTIONIST_E164 = "+9647701234567"
OTHER_NUMBER_E164 = "+9647509876543"
LRM, RLM, LRE, PDF = "\u200e", "\u200f", "\u202a", "\u202c"
_ARABIC_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")

TEXTS = [
    "Hello, who is this? (example)",
    "You know who I am. I have your photos (example).",
    "أرسلي المبلغ قبل يوم الجمعة وإلا سأنشر الصور (مثال)",
    "Please leave me alone.\nI will tell my family.\nStop writing to me.",
    "Send 500 dollars or everyone will see them (example).",
    "حسابي في تلغرام: @bad_actor_example اكتبي لي هناك",
    "If this number is blocked call me on 0750 987 6543 (example).",
    "لن أرسل شيئاً. اتركني.",
    "My Instagram is https://www.instagram.com/Bad.Actor.Example/ look at it (example)",
    "Today is the last day (example).",
]


@dataclass(frozen=True)
class SampleMessage:
    sender: str
    sent_at: datetime
    text: str
    attachment: str = ""
    media_omitted: bool = False


def conversation(count: int, *, seed: int = 6, start: datetime | None = None) -> list[SampleMessage]:
    """``count`` messages between the survivor and an unsaved number, over several days, in order."""
    chooser = random.Random(seed)  # noqa: S311  # not for secrets: a fixed seed gives the same export every run
    # From the 17th, so that day-first and month-first dates cannot be confused.
    moment = start or datetime(2023, 3, 17, 9, 5, 12, tzinfo=BAGHDAD)
    messages = []
    for index in range(count):
        moment += timedelta(minutes=chooser.randint(1, 400), seconds=chooser.randint(0, 59))
        sender = EXTORTIONIST_NUMBER if index % 2 == 0 else SURVIVOR
        if index % 17 == 5:
            stamp = moment.strftime("%Y%m%d")
            messages.append(SampleMessage(sender, moment, "", attachment=f"IMG-{stamp}-WA{index:04d}.jpg"))
        elif index % 23 == 7:
            messages.append(SampleMessage(sender, moment, "", media_omitted=True))
        else:
            messages.append(SampleMessage(sender, moment, TEXTS[index % len(TEXTS)]))
    return messages


@dataclass(frozen=True)
class Layout:
    """How one phone writes its export."""

    phone: str = "android"  # or "iphone"
    language: str = "en"  # or "ar"
    clock: int = 24  # or 12
    date_order: str = "dmy"  # or "mdy"
    short_year: bool = False
    with_media: bool = False  # exported "with media": attachments named, not omitted


def _stamp(moment: datetime, layout: Layout) -> str:
    year = f"{moment.year % 100:02d}" if layout.short_year else f"{moment.year}"
    first, second = (moment.month, moment.day) if layout.date_order == "mdy" else (moment.day, moment.month)
    arabic = layout.language == "ar"
    separator = f"{RLM}/" if arabic else "/"
    date = f"{first:02d}{separator}{second:02d}{separator}{year}"
    seconds = f":{moment.second:02d}" if layout.phone == "iphone" else ""
    if layout.clock == 12:
        hour = moment.hour % 12 or 12
        marker = ("م" if moment.hour >= 12 else "ص") if arabic else ("PM" if moment.hour >= 12 else "AM")
        time = f"{hour}:{moment.minute:02d}{seconds}\u202f{marker}"
    else:
        time = f"{moment.hour:02d}:{moment.minute:02d}{seconds}"
    stamp = f"{date}{'،' if arabic else ','} {time}"
    return stamp.translate(_ARABIC_DIGITS) if arabic else stamp


def _body(message: SampleMessage, layout: Layout) -> str:
    arabic = layout.language == "ar"
    if message.attachment:
        if layout.phone == "iphone":
            return f"{LRM}<{'مرفق' if arabic else 'attached'}: {message.attachment}>"
        return f"{message.attachment} ({'ملف مرفق' if arabic else 'file attached'})"
    if message.media_omitted:
        if layout.phone == "iphone":
            return f"{LRM}{'تم استبعاد الصورة' if arabic else 'image omitted'}"
        return "<تم استبعاد الوسائط>" if arabic else "<Media omitted>"
    return message.text


def _sender(name: str) -> str:
    # Phones wrap an unsaved number in left-to-right marks so it reads correctly in Arabic text.
    return f"{LRE}{name}{PDF}" if name.startswith("+") else name


ENCRYPTION_NOTICE = {
    "en": "Messages and calls are end-to-end encrypted. No one outside of this chat, not even WhatsApp, can read "
    "or listen to them. Tap to learn more.",
    "ar": "الرسائل والمكالمات مشفرة تماماً بين الطرفين. لا أحد خارج هذه الدردشة، ولا حتى واتساب، يمكنه قراءتها أو "
    "الاستماع إليها. انقر لمعرفة المزيد.",
}


def whatsapp_lines(messages: list[SampleMessage], layout: Layout) -> list[str]:
    """The lines of a WhatsApp export: the encryption notice first, then one message per entry."""
    first = messages[0].sent_at - timedelta(minutes=1)
    notice = ENCRYPTION_NOTICE[layout.language]
    if layout.phone == "iphone":
        lines = [f"[{_stamp(first, layout)}] {_sender(EXTORTIONIST_NUMBER)}: {LRM}{notice}"]
    else:
        lines = [f"{_stamp(first, layout)} - {notice}"]
    for message in messages:
        stamp, body = _stamp(message.sent_at, layout), _body(message, layout)
        mark = LRM if layout.phone == "iphone" and body.startswith(LRM) else ""
        if layout.phone == "iphone":
            lines.append(f"{mark}[{stamp}] {_sender(message.sender)}: {body}")
        else:
            lines.append(f"{stamp} - {_sender(message.sender)}: {body}")
    return lines


def whatsapp_text(messages: list[SampleMessage], layout: Layout) -> bytes:
    return ("\n".join(whatsapp_lines(messages, layout)) + "\n").encode()


def chat_file_name(layout: Layout) -> str:
    if layout.phone == "iphone":
        return "_chat.txt"
    return "محادثة واتساب مع +964 770 123 4567.txt" if layout.language == "ar" else "WhatsApp Chat with Example.txt"


# The smallest valid JPEG-like payload is not needed: media are opaque bytes to the importer.
def fake_media(name: str) -> bytes:
    return f"fictional media file {name} (example)".encode() * 20


def whatsapp_zip(messages: list[SampleMessage], layout: Layout) -> bytes:
    """An export "with media": the chat text and one file per attachment, as the phone zips them."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(chat_file_name(layout), whatsapp_text(messages, layout))
        for message in messages:
            if message.attachment:
                archive.writestr(message.attachment, fake_media(message.attachment))
    return buffer.getvalue()


def _telegram_text(text: str, entities: bool) -> object:
    if not entities or "@" not in text:
        return text
    before, _at, after = text.partition("@")
    handle, space, rest = after.partition(" ")
    return [before, {"type": "mention", "text": f"@{handle}"}, f"{space}{rest}"]


def telegram_json(messages: list[SampleMessage], *, entities: bool = True, unixtime: bool = True) -> bytes:
    """Telegram Desktop's result.json for a one-to-one chat with the (fictional) extortionist."""
    peer_id = 5012345678
    exported = []
    for number, message in enumerate(messages, start=1):
        is_peer = message.sender != SURVIVOR
        item: dict[str, object] = {
            "id": number,
            "type": "message",
            "date": message.sent_at.replace(tzinfo=None).isoformat(),
            "from": "Unknown (example)" if is_peer else SURVIVOR,
            "from_id": f"user{peer_id if is_peer else 6098765432}",
            "text": _telegram_text(message.text, entities),
        }
        if unixtime:
            item["date_unixtime"] = str(int(message.sent_at.timestamp()))
        if message.attachment:
            item["photo"] = f"photos/photo_{number}@{message.sent_at:%d-%m-%Y_%H-%M-%S}.jpg"
        if message.media_omitted:
            item["file"] = "(File not included. Change data exporting settings to download.)"
        exported.append(item)
    exported.insert(
        1,
        {
            "id": 0,
            "type": "service",
            "date": messages[0].sent_at.replace(tzinfo=None).isoformat(),
            "actor": SURVIVOR,
            "actor_id": "user6098765432",
            "action": "phone_call",
            "discard_reason": "missed",
            "text": "",
        },
    )
    document = {"name": "Unknown (example)", "type": "personal_chat", "id": peer_id, "messages": exported}
    return json.dumps(document, ensure_ascii=False, indent=1).encode()
