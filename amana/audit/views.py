from __future__ import annotations

import csv
from collections.abc import Iterator

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, pgettext
from django.views.decorators.http import require_GET

from amana.accounts.access import require_roles
from amana.accounts.models import Role, User
from amana.audit.forms import AuditFilterForm
from amana.audit.selectors import Row, audit_entries_for, filter_entries, readable_rows, rows_page
from amana.audit.services import record
from amana.core.cells import safe_cell

READERS = (Role.SUPERVISOR, Role.ORG_ADMIN, Role.SYSTEM_ADMIN)


def _before(request: HttpRequest) -> int | None:
    value = request.GET.get("before", "")
    return int(value) if value.isdigit() and len(value) < 19 else None


@require_GET
@require_roles(*READERS)
def audit_log(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]  # require_roles signed them in
    form = AuditFilterForm(request.GET or None, viewer=user)
    if request.GET and not form.is_valid():
        return render(request, "audit/log.html", {"form": form, "rows": [], "invalid": True}, status=400)
    entries = audit_entries_for(user)
    if form.is_bound:
        entries = filter_entries(entries, form.filters())
    page = rows_page(entries, user, before=_before(request))
    query = request.GET.copy()
    query.pop("before", None)
    return render(
        request,
        "audit/log.html",
        {"form": form, "rows": page.rows, "older": page.older, "query": query.urlencode(), "paged": _before(request)},
    )


def _csv_lines(rows: Iterator[Row]) -> Iterator[str]:
    class Line:
        def write(self, value: str) -> str:
            return value

    writer = csv.writer(Line())
    yield "\ufeff"  # spreadsheet programs read the file as UTF-8 (Arabic names) with this mark
    yield writer.writerow(
        [
            gettext("Time"),
            gettext("First opening of the visit"),
            gettext("Who"),
            gettext("Their organisation"),
            gettext("Action"),
            gettext("Case"),
            gettext("What"),
            gettext("Entries"),
            gettext("Entry numbers"),
        ]
    )
    for row in rows:
        cells = [
            date_format(timezone.localtime(row.first.at), "Y-m-d H:i"),
            date_format(timezone.localtime(row.last.at), "Y-m-d H:i") if row.is_visit else "",
            row.who,
            row.organisation,
            row.action,
            row.case_reference,
            pgettext("between the items of a list", ", ").join(row.parts),
            row.count,
            f"{row.last.seq}-{row.first.seq}" if row.is_visit else row.first.seq,
        ]
        yield writer.writerow([safe_cell(cell) for cell in cells])


@require_GET
@require_roles(*READERS)
def audit_export(request: HttpRequest) -> HttpResponse:
    """The filtered view as CSV, every row of it (read in chunks, written as it goes)."""
    user: User = request.user  # type: ignore[assignment]  # require_roles signed them in
    form = AuditFilterForm(request.GET, viewer=user)
    if not form.is_valid():
        return render(request, "audit/log.html", {"form": form, "rows": [], "invalid": True}, status=400)
    record(actor=user, action="audit.exported")
    rows = readable_rows(filter_entries(audit_entries_for(user), form.filters()), user)
    response = StreamingHttpResponse(_csv_lines(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="audit-{timezone.localdate():%Y-%m-%d}.csv"'
    return response  # type: ignore[return-value]  # streamed: the whole log is never held in memory
