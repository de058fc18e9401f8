from __future__ import annotations

from collections.abc import Callable
from functools import cache

from django.http import HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware

from amana.core.assets import SCRIPT, STYLE, inlined


@cache
def content_security_policy() -> str:
    """Nothing from another origin: every asset is the app's own. No inline script or style but the
    site's own two files, written into the pages that open a visit and allowed by their hashes."""
    return "; ".join(
        [
            "default-src 'none'",
            f"script-src 'self' {inlined(SCRIPT).source}",
            f"style-src 'self' {inlined(STYLE).source}",
            "img-src 'self' data:",
            "font-src 'self'",
            "connect-src 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
            "base-uri 'none'",
            "manifest-src 'self'",
        ]
    )


PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "camera",
        "microphone",
        "geolocation",
        "payment",
        "usb",
        "bluetooth",
        "display-capture",
        "browsing-topics",
    )
)


class SecurityHeadersMiddleware:
    """Adds the headers Django's SecurityMiddleware does not: CSP, Permissions-Policy and others."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", content_security_policy())
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        # Static files are answered before Django's clickjacking middleware runs; cover them too.
        response.headers.setdefault("X-Frame-Options", "DENY")
        return response


class ChosenLanguageMiddleware(LocaleMiddleware):
    """Django's LocaleMiddleware without the browser's language: the site opens in Arabic
    (LANGUAGE_CODE) unless she chose another language with the links at the top of the page.
    A phone set to English may be shared, borrowed or bought second-hand; her choice is what counts.
    """

    def process_request(self, request: HttpRequest) -> None:
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        super().process_request(request)
