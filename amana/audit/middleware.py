from __future__ import annotations

import logging
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from amana.audit.services import AuditHeadMissing

logger = logging.getLogger("amana.audit")


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
        logger.error("%s", exception)
        return render(request, "audit/paused.html", status=503)
