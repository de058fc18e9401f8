from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from amana.accounts.access import require_roles
from amana.directory import selectors
from amana.directory.forms import DirectoryFilterForm

PAGE_SIZE = 30


@require_GET
@require_roles()
def directory(request: HttpRequest) -> HttpResponse:
    """The directory for every signed-in staff member, read-only; admins edit it in the admin."""
    form = DirectoryFilterForm(request.GET)
    filters = form.cleaned_data if form.is_valid() else {}
    entries = selectors.directory(district=filters.get("area", ""), kind=filters.get("kind", ""))
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "directory/directory.html", {"form": form, "page": page})
