"""The insights dashboard and its exports: M&E officers and supervisors only, never a case or a name."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language_bidi
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from amana.accounts.access import require_roles
from amana.accounts.models import Role
from amana.insights import exports, services
from amana.insights.charts import PROTECTING, columns_chart, rows_chart, shown_text
from amana.insights.forms import PeriodForm
from amana.insights.selectors import Indicators, indicators
from amana.insights.tables import Suppressed

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def _form(request: HttpRequest) -> PeriodForm:
    data = request.GET if "first" in request.GET or "last" in request.GET else PeriodForm.defaults()
    return PeriodForm(data, user=request.user)  # type: ignore[arg-type]  # require_roles signed them in


def _charts(figures: Suppressed) -> list[dict[str, Any]]:
    """A chart and its data table for every table; the first chart is the cases of each month."""
    rtl = get_language_bidi()
    blocks: list[dict[str, Any]] = []
    for index, table in enumerate(figures.tables):
        if index == 0:
            months = [(row.label, figures.shown(table.row_var(row.key))) for row in table.rows]
            chart = columns_chart(_("Cases reported per month"), months, threshold=figures.threshold, rtl=rtl)
            blocks.append({"chart": chart, "table": None})
        items = [(column.label, figures.shown(table.column_var(column.key))) for column in table.columns]
        rows = list(exports.table_rows(figures, table))
        blocks.append(
            {
                "chart": rows_chart(table.title, items, threshold=figures.threshold, rtl=rtl),
                "table": table,
                "header": rows[0],
                "body": rows[2:-1],
                "footer": rows[-1],
            }
        )
    return blocks


def _sums(figures: Suppressed) -> list[tuple[str, str, str]]:
    """The before-and-after comparison: label, months counted, and the (maybe hidden) number."""
    lines = []
    for extra in figures.sums:
        months = ", ".join(month[:7] for month in extra.rows) or "-"
        lines.append((extra.label, months, shown_text(figures.shown(extra.var()), figures.threshold)))
    return lines


@require_GET
@require_roles(Role.ME_OFFICER, Role.SUPERVISOR)
def dashboard(request: HttpRequest) -> HttpResponse:
    form = _form(request)
    context: dict[str, Any] = {"form": form, "protecting": PROTECTING}
    if form.is_valid():
        result = indicators(request.user, form.period(), form.comparison())  # type: ignore[arg-type]  # signed in
        context.update(
            result=result, blocks=_charts(result.figures), sums=_sums(result.figures), query=request.GET.urlencode()
        )
    return render(request, "insights/dashboard.html", context, status=200 if form.is_valid() else 400)


@require_GET
@require_roles(Role.ME_OFFICER, Role.SUPERVISOR)
def export(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in FORMATS:
        raise Http404
    form = _form(request)
    if not form.is_valid():
        return render(request, "insights/dashboard.html", {"form": form}, status=400)
    result: Indicators = indicators(request.user, form.period(), form.comparison())  # type: ignore[arg-type]
    if fmt == "csv":
        table = next((t for t in result.figures.tables if t.key == request.GET.get("table")), None)
        if table is None:
            raise Http404
        content, name = exports.csv_bytes(result.figures, table), f"insights-{table.key}"
    elif fmt == "xlsx":
        content, name = exports.xlsx_bytes(result), "insights"
    else:
        content, name = exports.pdf_bytes(result, title=_("Programme figures")), "insights"
    services.record_export(actor=request.user, fmt=fmt, name=name)  # type: ignore[arg-type]  # signed in
    response = HttpResponse(content, content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    response["Cache-Control"] = "no-store"
    return response
