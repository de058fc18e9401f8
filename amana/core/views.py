from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET

from amana.accounts.access import role_labels
from amana.channel.views import home as public_home
from amana.core.menu import sections_for


def index(request: HttpRequest) -> HttpResponse:
    """The site root is the survivor channel's discreet public entry; staff sign in at /staff/login/."""
    return public_home(request)


@require_GET
def language(request: HttpRequest, code: str) -> HttpResponse:
    """A plain link per language: remember her choice for this browser session and go back.

    The cookie ends with the browser session like every other cookie of the site; without a choice
    the site is in Arabic, whatever language the phone is set to (see amana.core.middleware).
    """
    if code not in dict(settings.LANGUAGES):
        raise Http404
    target = request.GET.get("next", "/")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    response = HttpResponseRedirect(target)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite="Lax",
    )
    add_never_cache_headers(response)
    return response


@require_GET
@login_required
def home(request: HttpRequest) -> HttpResponse:
    roles_text = "، ".join(str(label) for label in role_labels(request.user))
    return render(request, "core/home.html", {"sections": sections_for(request.user), "roles_text": roles_text})


def _error(request: HttpRequest, status: int) -> HttpResponse:
    return render(request, "core/error.html", {"status": status}, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 404)


def server_error(request: HttpRequest) -> HttpResponse:
    return _error(request, 500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "core/csrf_failure.html", status=403)
