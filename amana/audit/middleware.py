"""Audit middleware: a refused audited write gets a plain page; refused attempts enter the log."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.contrib.sessions.middleware import SessionMiddleware
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from amana.audit import subjects
from amana.audit.selectors import REFUSED
from amana.audit.services import AuditHeadMissing, append_reads, reads_of_request, record

logger = logging.getLogger("amana.audit")


def _paused(request: HttpRequest, exception: AuditHeadMissing) -> HttpResponse:
    logger.error("%s", exception)
    return render(request, "audit/paused.html", status=503)


class SessionAndReadsMiddleware(SessionMiddleware):
    """Django's session middleware that also appends what the request opened or viewed
    (``audit.services.record_read``) in the transaction that saves the session.

    A page then costs one durable commit instead of two, and is sent only once its reads are in
    the log: if they cannot be appended, the page is withheld.
    """

    async_capable = False

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with reads_of_request() as pending:
            self.process_request(request)
            response: HttpResponse = self.get_response(request)  # type: ignore[assignment]  # a sync stack
        if not pending:
            return self.process_response(request, response)
        try:
            with transaction.atomic():
                append_reads(pending)
                return self.process_response(request, response)
        except AuditHeadMissing as exception:
            return _paused(request, exception)


class AuditHeadMissingMiddleware:
    """Answers a refused audited write with a plain 503 page, and tells the admin why in the log.

    The page names no log and no case, since a survivor may be the one who sent the request.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, AuditHeadMissing):
            return None
        return _paused(request, exception)


REFERENCE_KWARGS = ("reference", "case_reference")


class RefusedAttemptsMiddleware:
    """A signed-in person refused a staff page, or a case or referral that is not theirs to open,
    is recorded with what they tried to reach."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code in (403, 404) and request.path.startswith("/staff/"):
            try:
                self._note(request, response.status_code)
            except AuditHeadMissing as exception:  # the refusal stands; the admin is told why it is not logged
                logger.error("%s", exception)
        return response

    def _note(self, request: HttpRequest, status: int) -> None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return
        match = request.resolver_match
        reference = next((str(match.kwargs[k]) for k in REFERENCE_KWARGS if match and k in match.kwargs), "")
        if status == 404 and not reference:
            return  # a mistyped address, not an attempt on anything
        found = subjects.by_reference(reference.upper()) if reference else None
        if found is not None:
            object_type, subject = found
            record(actor=user, action=REFUSED, object_type=object_type, object_id=subject.object_id)
        else:
            record(actor=user, action=REFUSED, object_type="url", object_id=request.path[:64])
