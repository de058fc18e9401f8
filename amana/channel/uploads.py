"""Evidence uploads: kept in memory only (never in a plain temporary file) and checked by content.

Limits are applied while the body streams in, never after it was read whole: a file over the size
limit is skipped as soon as it passes it (and named to her), and the body stops being read at the
first file over the count limit, so a worker holds at most MAX_FILES files of the size limit. No
body is read at all for a visitor with no report being written (public pages) or no session
(staff pages).

A file's type is read from its first bytes, not from its name or what the browser claims, and must
agree with its name's ending: a script renamed to .jpg is refused.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from io import BytesIO
from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler, SkipFile, StopUpload
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect
from django.template.defaultfilters import filesizeformat
from django.utils.decorators import decorator_from_middleware
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.csrf import csrf_exempt

from amana.core.csrf import CsrfMiddleware

MAX_FILES = 5
TOO_LARGE = "amana_too_large"
TOO_MANY = "amana_too_many"


def _is_mp4(head: bytes) -> bool:
    return head[4:8] == b"ftyp"


def _is_webp(head: bytes) -> bool:
    return head[:4] == b"RIFF" and head[8:12] == b"WEBP"


def _is_text(head: bytes) -> bool:
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        # A multi-byte character cut at the end of the sample is still text.
        return error.start >= len(head) - 3 and b"\x00" not in head
    return b"\x00" not in head


# (endings, content type, test on the first bytes)
KINDS: list[tuple[tuple[str, ...], str, Callable[[bytes], bool]]] = [
    ((".jpg", ".jpeg"), "image/jpeg", lambda head: head[:3] == b"\xff\xd8\xff"),
    ((".png",), "image/png", lambda head: head[:8] == b"\x89PNG\r\n\x1a\n"),
    ((".gif",), "image/gif", lambda head: head[:6] in (b"GIF87a", b"GIF89a")),
    ((".webp",), "image/webp", _is_webp),
    ((".pdf",), "application/pdf", lambda head: head[:5] == b"%PDF-"),
    ((".zip",), "application/zip", lambda head: head[:4] == b"PK\x03\x04"),
    ((".mp4", ".m4a", ".3gp"), "video/mp4", _is_mp4),
    ((".ogg", ".opus", ".oga"), "audio/ogg", lambda head: head[:4] == b"OggS"),
    ((".mp3",), "audio/mpeg", lambda head: head[:3] == b"ID3" or head[:2] in (b"\xff\xfb", b"\xff\xf3", b"\xff\xf2")),
    ((".amr",), "audio/amr", lambda head: head[:5] == b"#!AMR"),
    ((".txt",), "text/plain", _is_text),
]


def sniff(name: str, head: bytes) -> str | None:
    """The content type when the name's ending and the first bytes agree on an accepted kind."""
    lower = name.lower()
    for endings, content_type, test in KINDS:
        if lower.endswith(endings) and test(head):
            return content_type
    return None


class BoundedMemoryUploadHandler(FileUploadHandler):
    """Keeps each file in memory up to the size limit; a larger file is skipped and its name noted."""

    # The setting that holds the limit; a subclass may name another one (chat exports are larger).
    limit_setting = "AMANA_EVIDENCE_MAX_BYTES"

    def __init__(self, request: HttpRequest | None = None) -> None:
        super().__init__(request)
        self.max_bytes: int = getattr(settings, self.limit_setting)
        self.buffer = BytesIO()
        self.size = 0
        self.body_length: int = 0
        self.files_seen = 0

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.buffer = BytesIO()
        self.size = 0
        self.files_seen += 1
        if self.files_seen > MAX_FILES:
            # Nothing after this file is kept. A body a little too large is read to its end (and
            # dropped) so that her browser shows the answer; a far larger one is cut off.
            setattr(self.request, TOO_MANY, True)
            raise StopUpload(connection_reset=self.body_length > 2 * MAX_FILES * self.max_bytes)

    def handle_raw_input(self, input_data: Any, META: Any, content_length: int, *args: Any, **kwargs: Any) -> None:
        self.body_length = content_length or 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.size += len(raw_data)
        if self.size > self.max_bytes:
            self.buffer = BytesIO()
            getattr(self.request, TOO_LARGE).append(self.file_name or "")
            raise SkipFile
        self.buffer.write(raw_data)
        return None

    def file_complete(self, file_size: int) -> InMemoryUploadedFile | None:
        self.buffer.seek(0)
        return InMemoryUploadedFile(
            file=self.buffer,
            field_name=self.field_name,
            name=self.file_name,
            content_type=self.content_type,
            size=file_size,
            charset=self.charset,
            content_type_extra=self.content_type_extra,
        )


_csrf_protect = decorator_from_middleware(CsrfMiddleware)


def signed_in(request: HttpRequest) -> bool:
    return bool(request.user.is_authenticated)


def evidence_upload(
    view: Callable[..., HttpResponse] | None = None,
    handler: type[BoundedMemoryUploadHandler] = BoundedMemoryUploadHandler,
    needs: Callable[[HttpRequest], bool] = signed_in,
) -> Any:
    """Read uploads of this view into memory within the limits, then check the form's CSRF token.

    `needs` says, from the session alone, whether this visitor may send a body at all (staff: a
    signed-in session; the public pages pass their own test). Without it the body is never read:
    the public get the neutral home page, staff a refusal.

    The handlers must be set before anything reads the request body, which the CSRF middleware
    would do; so the check runs here instead, after the handlers are in place.
    """
    if view is None:
        return partial(evidence_upload, handler=handler, needs=needs)
    protected = _csrf_protect(view)

    @csrf_exempt
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method == "POST" and not needs(request):
            return HttpResponseForbidden() if needs is signed_in else redirect("core:index")
        setattr(request, TOO_LARGE, [])
        request.upload_handlers = [handler(request)]
        return protected(request, *args, **kwargs)  # type: ignore[return-value]  # the view's own response

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def too_large_names(request: HttpRequest) -> list[str]:
    """Files skipped for their size; a stop at the count limit is reported as too many files."""
    names = list(getattr(request, TOO_LARGE, []))
    if getattr(request, TOO_MANY, False):
        names.append(TOO_MANY)
    return names


def _too_many() -> forms.ValidationError:
    return forms.ValidationError(
        ngettext(
            "Please send at most %(count)d file at a time.",
            "Please send at most %(count)d files at a time.",
            MAX_FILES,
        ),
        params={"count": MAX_FILES},
        code="too_many",
    )


def check_evidence_files(uploads: list[Any], *, too_large: list[str]) -> list[Any]:
    """Refuse the whole set when one file is too large, of a kind we do not take, or too many."""
    limit = filesizeformat(settings.AMANA_EVIDENCE_MAX_BYTES)
    if TOO_MANY in too_large:
        raise _too_many()
    if too_large:
        raise forms.ValidationError(
            _("“%(name)s” is too large. Each file can be at most %(limit)s. Please choose the files again."),
            params={"name": too_large[0], "limit": limit},
            code="too_large",
        )
    if len(uploads) > MAX_FILES:
        raise _too_many()
    for upload in uploads:
        upload.seek(0)
        content_type = sniff(upload.name or "", upload.read(2048))
        upload.seek(0)
        if content_type is None:
            raise forms.ValidationError(
                _(
                    "“%(name)s” is not a kind of file we can take. Send pictures, voice notes, videos, PDF, "
                    "text or a chat export (.zip). Please choose the files again."
                ),
                params={"name": upload.name},
                code="wrong_type",
            )
        upload.content_type = content_type
    return uploads
