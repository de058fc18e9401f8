"""Perpetrator identifiers: phone numbers and social-media accounts, normalised so that matching works.

The same extortionist is written down in many ways: ``0770 123 4567``, ``+964 770 123 4567``,
``٠٧٧٠١٢٣٤٥٦٧``, a ``wa.me`` link, ``@Name`` or ``https://m.facebook.com/name?ref=...``. Each is turned
into one :class:`Identifier` (``kind`` and canonical ``value``) so that two cases that name the same
account produce the same blind index (``vault.blind_index(identifier.kind, identifier.value)``).

Phone numbers become E.164 through ``phonenumbers`` with Iraq as the default region. Handles are
case-folded where the platform ignores case; Facebook also ignores dots in user names. A numeric
Facebook or Telegram account id is kept as digits (user names there never are all digits).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

import phonenumbers
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

DEFAULT_REGION = "IQ"
# One value longer than this is not an identifier (a pasted message or a hostile input).
MAX_VALUE_LENGTH = 300
# A free-text field holds at most this many identifiers.
MAX_IDENTIFIERS = 50


class IdentifierKind(models.TextChoices):
    PHONE = "phone", _("Phone number (also WhatsApp)")
    TELEGRAM = "telegram", _("Telegram")
    FACEBOOK = "facebook", _("Facebook")
    INSTAGRAM = "instagram", _("Instagram")
    TIKTOK = "tiktok", _("TikTok")
    SNAPCHAT = "snapchat", _("Snapchat")


@dataclass(frozen=True, order=True)
class Identifier:
    """One normalised identifier; ``kind`` and ``value`` are what the blind index is computed from."""

    kind: str
    value: str

    def __post_init__(self) -> None:
        # A plain string, so that the blind index of IdentifierKind.PHONE and of "phone" is the same.
        object.__setattr__(self, "kind", str(self.kind))

    @property
    def canonical(self) -> str:
        return f"{self.kind}:{self.value}"

    @property
    def display(self) -> str:
        """How staff read it: a phone number grouped, a handle with its platform."""
        if self.kind == IdentifierKind.PHONE:
            number = phonenumbers.parse(self.value)
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
        platform = IdentifierKind(self.kind).label
        if self.value.isdigit():
            return str(_("%(platform)s account number %(number)s") % {"platform": platform, "number": self.value})
        return f"{platform} @{self.value}"


# --- errors -----------------------------------------------------------------------------------


def _shorten(value: str) -> str:
    value = " ".join(value.split())
    return value if len(value) <= 60 else value[:57] + "…"


class IdentifierError(ValueError):
    """A value that is not an identifier; ``message`` is a whole translated sentence for a form."""

    code = "invalid"
    template: Promise = _("“%(value)s” is not a phone number, a user name or a profile link.")

    def __init__(self, value: str) -> None:
        self.value = value
        super().__init__(f"{self.code}: {_shorten(value)!r}")

    @property
    def message(self) -> str:
        return str(self.template) % {"value": _shorten(self.value)}


class EmptyIdentifier(IdentifierError):
    code = "empty"
    template = _("Enter a phone number, a user name or a profile link.")


class ValueTooLong(IdentifierError):
    code = "too_long"
    template = _("“%(value)s” is too long to be a phone number, a user name or a profile link.")


class InvalidPhoneNumber(IdentifierError):
    code = "invalid_phone"
    template = _(
        "“%(value)s” is not a valid phone number. Check the digits; a number from outside Iraq needs its "
        "country code, for example +44."
    )


class InvalidHandle(IdentifierError):
    code = "invalid_handle"
    template = _("“%(value)s” is not a possible user name on that platform. Check the spelling.")


class PlatformNotGiven(IdentifierError):
    code = "platform_not_given"
    template = _(
        "“%(value)s” could be a user name on several platforms. Write the platform before it, for example "
        "“Instagram: @name”, or paste the profile link."
    )


class LinkNotAProfile(IdentifierError):
    code = "not_a_profile"
    template = _(
        "“%(value)s” is a link to a post, a group or a short link, not to one person's profile. Open it and "
        "copy the address of the profile instead."
    )


# --- text clean-up ----------------------------------------------------------------------------

# Arabic-Indic and Extended Arabic-Indic (Persian) digits, as phones in Iraq type them.
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
# Direction marks and embeddings that phones put around numbers and names in right-to-left text.
_BIDI = dict.fromkeys(map(ord, "\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff"))
_SPACES = dict.fromkeys(map(ord, "\u00a0\u2007\u202f\u2009\u200a\u200b\u3000"), " ")
_CLEAN = {**_DIGITS, **_BIDI, **_SPACES}
# Harakat, the superscript alef and the tatweel too: ``المُرفق`` is ``المرفق``.
_CLEAN_AND_HARAKAT = {**_CLEAN, **dict.fromkeys([*range(0x064B, 0x0660), 0x0670, 0x0640])}


def clean_text(value: str, *, drop_harakat: bool = False) -> str:
    """Western digits, no direction marks, plain spaces; what every parser here starts from."""
    if value.isascii():
        return value
    return value.translate(_CLEAN_AND_HARAKAT if drop_harakat else _CLEAN)


# --- phone numbers ----------------------------------------------------------------------------

_PHONE_SHAPE = re.compile(r"^\+?[\d\s\-().]{6,30}$")


def looks_like_phone(value: str) -> bool:
    return bool(_PHONE_SHAPE.match(value)) and sum(c.isdigit() for c in value) >= 6


def normalise_phone(value: str, region: str = DEFAULT_REGION) -> Identifier:
    """A phone number in E.164; Iraq is assumed when there is no country code."""
    text = clean_text(value).strip()
    if text.startswith("00"):
        text = "+" + text[2:]
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException as error:
        raise InvalidPhoneNumber(value) from error
    if not phonenumbers.is_valid_number(number):
        raise InvalidPhoneNumber(value)
    return Identifier(IdentifierKind.PHONE, phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))


# --- handles ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Platform:
    kind: str
    pattern: re.Pattern[str]
    # Facebook ignores dots in user names: john.smith and johnsmith are one account.
    drop_dots: bool = False
    # Where a numeric account id is a real, stable identifier (Facebook, Telegram).
    numeric_ids: bool = False


_PLATFORMS = {
    IdentifierKind.TELEGRAM: _Platform(
        IdentifierKind.TELEGRAM, re.compile(r"^[a-z][a-z0-9_]{3,31}$", re.ASCII), numeric_ids=True
    ),
    IdentifierKind.FACEBOOK: _Platform(
        IdentifierKind.FACEBOOK, re.compile(r"^[a-z0-9.]{5,50}$", re.ASCII), drop_dots=True, numeric_ids=True
    ),
    IdentifierKind.INSTAGRAM: _Platform(IdentifierKind.INSTAGRAM, re.compile(r"^(?!\.+$)[a-z0-9._]{1,30}$", re.ASCII)),
    IdentifierKind.TIKTOK: _Platform(IdentifierKind.TIKTOK, re.compile(r"^(?!\.+$)[a-z0-9._]{2,24}$", re.ASCII)),
    IdentifierKind.SNAPCHAT: _Platform(IdentifierKind.SNAPCHAT, re.compile(r"^[a-z][a-z0-9._-]{2,14}$", re.ASCII)),
}


def normalise_handle(kind: str, value: str) -> Identifier:
    """A user name (with or without ``@``) or a profile link on the platform ``kind``."""
    text = clean_text(value).strip()
    if _split_url(text) is not None:
        found = parse_identifier(text)
        if found.kind != kind:
            raise InvalidHandle(value)
        return found
    if kind == IdentifierKind.PHONE:
        return normalise_phone(text)
    platform = _PLATFORMS.get(kind)  # type: ignore[call-overload]  # a plain string finds the same member
    if platform is None:
        raise PlatformNotGiven(value)
    handle = text.removeprefix("@").strip().casefold()
    if platform.numeric_ids and handle.isdigit() and 5 <= len(handle) <= 20:
        return Identifier(platform.kind, handle)
    if platform.drop_dots:
        handle = handle.replace(".", "")
    if not platform.pattern.match(handle):
        raise InvalidHandle(value)
    return Identifier(platform.kind, handle)


# --- links ------------------------------------------------------------------------------------

_HOST_PREFIXES = ("www.", "m.", "mobile.", "web.", "mbasic.", "touch.", "business.", "vm.", "vt.", "story.")
_HOSTS = {
    "wa.me": "whatsapp",
    "whatsapp.com": "whatsapp",
    "api.whatsapp.com": "whatsapp",
    "chat.whatsapp.com": "whatsapp_group",
    "t.me": IdentifierKind.TELEGRAM,
    "telegram.me": IdentifierKind.TELEGRAM,
    "telegram.dog": IdentifierKind.TELEGRAM,
    "facebook.com": IdentifierKind.FACEBOOK,
    "fb.com": IdentifierKind.FACEBOOK,
    "fb.me": IdentifierKind.FACEBOOK,
    "m.me": IdentifierKind.FACEBOOK,
    "instagram.com": IdentifierKind.INSTAGRAM,
    "instagr.am": IdentifierKind.INSTAGRAM,
    "ig.me": IdentifierKind.INSTAGRAM,
    "tiktok.com": IdentifierKind.TIKTOK,
    "snapchat.com": IdentifierKind.SNAPCHAT,
}
# Short links that only a request to the platform could resolve.
_SHORT_LINK_HOSTS = {"vm.tiktok.com", "vt.tiktok.com", "fb.watch", "t.snapchat.com"}
_URL_HOSTS = "|".join(re.escape(host) for host in sorted({*_HOSTS, *_SHORT_LINK_HOSTS}, key=len, reverse=True))
# A link to one of the platforms inside a sentence, with or without a scheme. It may start only where
# a word starts and its parts are bounded, so that a run of letters costs time in proportion to its
# length (an unanchored ``(?:[a-z0-9-]+\.)*`` retries at every letter: quadratic).
_LINK_TAIL = r"[^\s<>\"'،؛)\]]{0,2000}"
URL_PATTERN = re.compile(
    rf"(?<![\w.\-/:@])(?:(?:https?|tg|whatsapp)://)?(?:[a-z0-9-]{{1,63}}\.){{0,8}}(?:{_URL_HOSTS})(?![\w\-])"
    rf"(?:[/?]{_LINK_TAIL})?"
    rf"|(?<![\w.\-/:@])tg://resolve\?{_LINK_TAIL}|(?<![\w.\-/:@])whatsapp://send\?{_LINK_TAIL}",
    re.IGNORECASE,
)

_FACEBOOK_NOT_PROFILES = {
    "groups", "events", "watch", "photo", "photo.php", "photos", "story.php", "permalink.php", "share",
    "sharer", "sharer.php", "login", "login.php", "marketplace", "gaming", "reel", "reels", "hashtag", "help",
    "settings", "messages", "notifications", "friends", "home.php", "search", "video.php", "videos", "l.php",
    "dialog", "plugins", "privacy", "policies", "ads", "stories", "media", "posts",
}  # fmt: skip
_INSTAGRAM_NOT_PROFILES = {"p", "reel", "reels", "tv", "explore", "accounts", "direct", "about", "legal", "web"}
_TELEGRAM_NOT_PROFILES = {
    "joinchat", "addstickers", "addemoji", "share", "proxy", "socks", "c", "iv", "addtheme", "setlanguage",
    "login", "bg", "confirmphone", "invoice", "addlist", "boost",
}  # fmt: skip


@dataclass(frozen=True)
class _Link:
    scheme: str
    host: str
    segments: list[str]
    query: dict[str, list[str]] = field(default_factory=dict)


def _split_url(text: str) -> _Link | None:
    """The parts of a link to a known platform, or None when ``text`` is not such a link."""
    if " " in text.strip():
        return None
    candidate = text.strip()
    if "://" not in candidate:
        candidate = "https://" + candidate
    try:
        parts = urlsplit(candidate)
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower().rstrip(".")
    query = parse_qs(parts.query)
    if scheme in {"tg", "whatsapp"}:
        return _Link(scheme, host, [], query)
    if scheme not in {"http", "https"} or not host:
        return None
    if host in _SHORT_LINK_HOSTS:
        return _Link(scheme, host, [], query)
    if host.endswith(".t.me") and host.count(".") == 2:
        # username.t.me is Telegram's other form of t.me/username.
        return _Link(scheme, "t.me", [host.split(".")[0]], query)
    while host not in _HOSTS and host.startswith(_HOST_PREFIXES):
        host = host.split(".", 1)[1]
    if host not in _HOSTS:
        return None
    segments = [segment for segment in parts.path.split("/") if segment]
    return _Link(scheme, host, segments, query)


def _first(query: dict[str, list[str]], name: str) -> str:
    return (query.get(name) or [""])[0]


def _from_link(link: _Link, original: str) -> Identifier:
    """Steps: short links and non-profile pages are refused; a profile's first path segment is the name."""
    if link.host in _SHORT_LINK_HOSTS:
        raise LinkNotAProfile(original)
    if link.scheme == "whatsapp" or _HOSTS.get(link.host) == "whatsapp":
        number = _first(link.query, "phone") or (link.segments[0] if link.segments else "")
        if not number:
            raise LinkNotAProfile(original)
        return normalise_phone(number if number.startswith("+") else "+" + number)
    if link.scheme == "tg":
        return normalise_handle(IdentifierKind.TELEGRAM, _first(link.query, "domain") or original)
    kind = _HOSTS[link.host]
    if kind == "whatsapp_group" or not link.segments:
        raise LinkNotAProfile(original)
    first, rest = link.segments[0], link.segments[1:]
    if kind == IdentifierKind.TELEGRAM:
        if first.startswith("+"):
            # t.me/+9647701234567 opens a chat by phone number; t.me/+AbC… is a private invite.
            if first[1:].isdigit():
                return normalise_phone(first)
            raise LinkNotAProfile(original)
        if first == "s" and rest:
            first = rest[0]
        elif first.lower() in _TELEGRAM_NOT_PROFILES:
            raise LinkNotAProfile(original)
        return normalise_handle(kind, first)
    if kind == IdentifierKind.FACEBOOK:
        if first.lower() == "profile.php":
            account_id = _first(link.query, "id")
            if not account_id.isdigit():
                raise LinkNotAProfile(original)
            return normalise_handle(kind, account_id)
        if first.lower() in {"people", "pages"}:
            # facebook.com/people/Some-Name/100012345678: the number is the account.
            if not (rest and rest[-1].isdigit()):
                raise LinkNotAProfile(original)
            return normalise_handle(kind, rest[-1])
        if first.lower() == "pg" and rest:
            first = rest[0]
        elif first.lower() in _FACEBOOK_NOT_PROFILES:
            raise LinkNotAProfile(original)
        return normalise_handle(kind, first)
    if kind == IdentifierKind.INSTAGRAM:
        # ig.me/m/name opens a chat with name; instagram.com/stories/name/… is name's story.
        if rest and ((first == "m" and link.host == "ig.me") or first.lower() == "stories"):
            first = rest[0]
        elif first.lower() in _INSTAGRAM_NOT_PROFILES or first.lower() == "stories":
            raise LinkNotAProfile(original)
        return normalise_handle(kind, first)
    if kind == IdentifierKind.TIKTOK:
        if not first.startswith("@"):
            raise LinkNotAProfile(original)
        return normalise_handle(kind, first)
    # Snapchat: snapchat.com/add/name, snapchat.com/@name, story.snapchat.com/@name.
    if first.lower() in {"add", "u"} and rest:
        first = rest[0]
    elif not first.startswith("@"):
        raise LinkNotAProfile(original)
    return normalise_handle(kind, first)


# --- one value, several values ----------------------------------------------------------------

# Words people write before a handle, in English, Arabic and Kurdish (Sorani), mapped to the platform.
_LABELS: dict[str, str] = {
    "phone": IdentifierKind.PHONE, "tel": IdentifierKind.PHONE, "mobile": IdentifierKind.PHONE,
    "whatsapp": IdentifierKind.PHONE, "wa": IdentifierKind.PHONE, "هاتف": IdentifierKind.PHONE,
    "رقم": IdentifierKind.PHONE, "موبايل": IdentifierKind.PHONE, "واتساب": IdentifierKind.PHONE,
    "واتس اب": IdentifierKind.PHONE, "واتس": IdentifierKind.PHONE, "ژمارە": IdentifierKind.PHONE,
    "مۆبایل": IdentifierKind.PHONE, "وەتسئاپ": IdentifierKind.PHONE,
    "telegram": IdentifierKind.TELEGRAM, "tg": IdentifierKind.TELEGRAM, "تلغرام": IdentifierKind.TELEGRAM,
    "تيليجرام": IdentifierKind.TELEGRAM, "تليجرام": IdentifierKind.TELEGRAM, "تيليغرام": IdentifierKind.TELEGRAM,
    "تلگرام": IdentifierKind.TELEGRAM, "تێلێگرام": IdentifierKind.TELEGRAM,
    "facebook": IdentifierKind.FACEBOOK, "fb": IdentifierKind.FACEBOOK, "messenger": IdentifierKind.FACEBOOK,
    "فيسبوك": IdentifierKind.FACEBOOK, "فيس بوك": IdentifierKind.FACEBOOK, "فيس": IdentifierKind.FACEBOOK,
    "ماسنجر": IdentifierKind.FACEBOOK, "فەیسبووک": IdentifierKind.FACEBOOK, "فەیسبوک": IdentifierKind.FACEBOOK,
    "instagram": IdentifierKind.INSTAGRAM, "insta": IdentifierKind.INSTAGRAM, "ig": IdentifierKind.INSTAGRAM,
    "انستغرام": IdentifierKind.INSTAGRAM, "انستقرام": IdentifierKind.INSTAGRAM, "إنستغرام": IdentifierKind.INSTAGRAM,
    "انستا": IdentifierKind.INSTAGRAM, "انستكرام": IdentifierKind.INSTAGRAM, "ئینستاگرام": IdentifierKind.INSTAGRAM,
    "tiktok": IdentifierKind.TIKTOK, "tik tok": IdentifierKind.TIKTOK, "تيك توك": IdentifierKind.TIKTOK,
    "تيكتوك": IdentifierKind.TIKTOK, "تیک تۆک": IdentifierKind.TIKTOK, "تیکتۆک": IdentifierKind.TIKTOK,
    "snapchat": IdentifierKind.SNAPCHAT, "snap": IdentifierKind.SNAPCHAT, "سناب شات": IdentifierKind.SNAPCHAT,
    "سنابشات": IdentifierKind.SNAPCHAT, "سناب": IdentifierKind.SNAPCHAT, "سناپچات": IdentifierKind.SNAPCHAT,
    "سناپ": IdentifierKind.SNAPCHAT,
}  # fmt: skip
_LABEL_WORDS = "|".join(re.escape(label) for label in sorted(_LABELS, key=len, reverse=True))
_LABELLED = re.compile(
    rf"^(?P<label>{_LABEL_WORDS})(?:\s*[:\uff1a=\-\u2013]\s*|\s+|(?=@))(?P<rest>\S.*)$", re.IGNORECASE
)


def parse_identifier(value: str, kind: str | None = None) -> Identifier:
    """One identifier from what a person typed or pasted; raises an :class:`IdentifierError`.

    Steps: a platform link is read from its address; a number is a phone number; a leading
    platform word (``Instagram: @name``, ``تلغرام @name``) or ``kind`` says where a bare handle lives.
    """
    text = clean_text(value).strip()
    if not text:
        raise EmptyIdentifier(value)
    if len(text) > MAX_VALUE_LENGTH:
        raise ValueTooLong(value)
    link = _split_url(text)
    if link is not None:
        found = _from_link(link, value)
        if kind is not None and found.kind != kind:
            raise InvalidHandle(value)
        return found
    labelled = _LABELLED.match(text)
    if labelled and labelled.group("rest"):
        label_kind = _LABELS[labelled.group("label").casefold()]
        if kind is None or kind == label_kind:
            try:
                return parse_identifier(labelled.group("rest"), label_kind)
            except IdentifierError as error:
                raise type(error)(value) from error
    if kind == IdentifierKind.PHONE or (kind is None and looks_like_phone(text.removeprefix("@"))):
        return normalise_phone(text.removeprefix("@"))
    if kind is not None:
        return normalise_handle(kind, text)
    if " " in text or not re.match(r"^@?[\w.\-]+$", text):
        raise IdentifierError(value)
    raise PlatformNotGiven(value)


@dataclass
class ParsedIdentifiers:
    identifiers: list[Identifier]
    errors: list[IdentifierError]


_SEPARATORS = re.compile(r"[\n\r,،;؛|]+")


def parse_identifiers(text: str) -> ParsedIdentifiers:
    """Every identifier in a free-text field (one per line, or separated by commas or semicolons).

    A piece that fails as a whole is tried word by word, so that ``@a @b`` or two links on one line
    still work; what cannot be read is returned as errors, never dropped silently.
    """
    found: list[Identifier] = []
    errors: list[IdentifierError] = []
    for piece in _SEPARATORS.split(text):
        if not piece.strip():
            continue
        try:
            found.append(parse_identifier(piece))
            continue
        except IdentifierError as error:
            whole_error = error
        # "Instagram: @a @b" names two accounts on one platform; "@a t.me/b" two on their own.
        labelled = _LABELLED.match(clean_text(piece).strip())
        kind = _LABELS[labelled.group("label").casefold()] if labelled else None
        words = (labelled.group("rest") if labelled else piece).split()
        if len(words) > 1:
            try:
                found.extend(parse_identifier(word, kind) for word in words)
                continue
            except IdentifierError:
                pass
        errors.append(whole_error)
    return ParsedIdentifiers(identifiers=list(dict.fromkeys(found)), errors=errors)


# --- identifiers mentioned in a message -------------------------------------------------------

_MENTIONED_HANDLE = re.compile(
    rf"(?<!\w)(?P<label>{_LABEL_WORDS})\s{{0,3}}(?:(?:[:\uff1a=]\s{{0,3}}@?)|@)(?P<handle>[A-Za-z0-9._-]{{1,50}})",
    re.IGNORECASE,
)
_ENOUGH_DIGITS = re.compile(r"(?:\d\D{0,3}){7}")
# A handle follows a platform word and one of these.
_HANDLE_HINT = re.compile("[@:=\uff1a]")
# A run of 7 to 17 digits, with the spaces, dashes and brackets people put between them; bounded,
# and it cannot start inside a longer run, so a page of digits costs time in proportion to its length.
_PHONE_CANDIDATE = re.compile(r"(?<![\w+])(?:\+|00)?\(?\d(?:[ \-()]{0,2}\d){6,16}(?![\w])")


_READERS: dict[str, Callable[..., Identifier]] = {
    "link": parse_identifier,
    "phone": normalise_phone,
    "handle": normalise_handle,
}


@functools.lru_cache(maxsize=4096)  # a chat names the same few numbers and links again and again
def _identifier_or_none(reader: str, *values: str) -> Identifier | None:
    """``reader`` ("link", "phone" or "handle") applied to ``values``; None when it is not an identifier."""
    try:
        return _READERS[reader](*values)
    except IdentifierError:
        return None


def find_identifiers_in_text(text: str, region: str = DEFAULT_REGION) -> list[Identifier]:
    """Identifiers mentioned in a message: platform links, phone numbers, and handles after a platform word.

    Never raises: what is not a valid identifier is simply not proposed. Each kind is looked for
    only when the text holds what it needs (a dot, a colon or @, enough digits), because this runs
    on every message of an export.
    """
    found: list[Identifier | None] = []
    cleaned = clean_text(text)
    remainder = cleaned
    if "." in cleaned or "://" in cleaned:
        kept: list[str] = []
        end = 0
        for match in URL_PATTERN.finditer(cleaned):
            kept.append(cleaned[end : match.start()])
            end = match.end()
            found.append(_identifier_or_none("link", match.group(0).rstrip(".!?")[:MAX_VALUE_LENGTH]))
        # What is left once the links are taken out (each replaced by a space) is read for the rest.
        remainder = " ".join([*kept, cleaned[end:]])
    if _HANDLE_HINT.search(remainder):
        for match in _MENTIONED_HANDLE.finditer(remainder):
            label_kind = _LABELS[match.group("label").casefold()]
            if label_kind != IdentifierKind.PHONE:  # phone numbers are found below, whatever word comes before
                found.append(_identifier_or_none("handle", label_kind, match.group("handle").rstrip(".")))
    if _ENOUGH_DIGITS.search(remainder):
        found.extend(
            _identifier_or_none("phone", match.group(0), region) for match in _PHONE_CANDIDATE.finditer(remainder)
        )
    if not found:
        return []
    return list(dict.fromkeys(identifier for identifier in found if identifier is not None))


@functools.lru_cache(maxsize=1024)  # a chat has few senders and many messages from each
def sender_identifier(name: str, region: str = DEFAULT_REGION) -> Identifier | None:
    """The phone number a chat shows as the sender's name when he is not in her contacts, if it is one."""
    text = clean_text(name).strip().removeprefix("~").strip()
    if not looks_like_phone(text):
        return None
    try:
        return normalise_phone(text, region)
    except IdentifierError:
        return None


# Phone numbers as written in a message, direction marks and Arabic-Indic digits included (``\d``
# is any decimal digit here), so that each can be found where it stands and replaced.
_PHONE_IN_PLACE = re.compile(
    r"(?<![\w+])(?:\+|00)?\(?\d(?:[ \-()\u00a0\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]{0,3}\d){6,16}(?!\w)"
)


def phone_numbers_in_place(text: str, region: str = DEFAULT_REGION) -> list[tuple[int, int, Identifier]]:
    """Where each valid phone number stands in ``text``: its start, its end and the number (E.164)."""
    found = []
    for match in _PHONE_IN_PLACE.finditer(text):
        identifier = _identifier_or_none("phone", match.group(0), region)
        if identifier is not None:
            found.append((match.start(), match.end(), identifier))
    return found
