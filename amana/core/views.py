from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from amana.accounts.access import role_labels
from amana.channel.views import information
from amana.core.menu import sections_for


def index(request: HttpRequest) -> HttpResponse:
    """The site root is the survivor channel's discreet public entry; staff sign in at /staff/login/."""
    return information(request)


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
