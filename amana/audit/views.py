from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from amana.accounts.access import require_roles
from amana.accounts.models import Role
from amana.audit.labels import action_label, object_label
from amana.audit.selectors import audit_entries_for


@require_GET
@require_roles(Role.SUPERVISOR, Role.ORG_ADMIN, Role.SYSTEM_ADMIN)
def audit_log(request: HttpRequest) -> HttpResponse:
    paginator = Paginator(audit_entries_for(request.user), 50)  # type: ignore[arg-type]  # verified staff
    page = paginator.get_page(request.GET.get("page"))
    rows = [
        {"entry": entry, "action": action_label(entry.action), "object": object_label(entry.object_type)}
        for entry in page.object_list
    ]
    return render(request, "audit/log.html", {"page": page, "rows": rows})
