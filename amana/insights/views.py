"""The insights dashboard and its exports: released figures only, audited with their filters."""

from __future__ import annotations

import dataclasses
import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import get_language, get_language_bidi, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from amana.accounts.access import require_roles
from amana.accounts.models import Role, User
from amana.insights import exports, html, pdf, services
from amana.insights.charts import rows_chart
from amana.insights.forms import PeriodForm
from amana.insights.protection import threshold
from amana.insights.selectors import Figures, delay_median, figures, internal_count, releases_version
from amana.insights.services import last_closed_month


@dataclasses.dataclass
class DrawnPeriod:
    """A period's figures, its tables with their charts, and its legend, as the dashboard shows them;
    with the tables' part of the page, written once for each query that showed it."""

    result: Figures
    blocks: list[dict[str, Any]]
    legend: list[str]
    written: dict[str, str] = dataclasses.field(default_factory=dict)

    def blocks_html(self, query: str) -> str:
        """The tables, charts and their download links for this query string."""
        return self._written(
            f"blocks?{query}", lambda: render_to_string("insights/blocks.html", {"blocks": self.blocks, "query": query})
        )

    def form_html(self, query: str, form: PeriodForm) -> str:
        """The filter form as this query filled it in, with the forums and activities it offers now."""
        offered = repr([(value, str(label)) for value, label in form.fields["activity"].choices])  # type: ignore[attr-defined]  # a ChoiceField
        key = f"form?{query}#{hashlib.sha256(offered.encode()).hexdigest()}"
        return self._written(key, lambda: render_to_string("insights/filter_form.html", {"form": form}))

    def _written(self, key: str, write: Callable[[], str]) -> str:
        written = self.written.get(key)
        if written is None:
            written = write()
            if len(self.written) < WRITTEN_PER_PERIOD:
                self.written[key] = written
        return written


# The parts of pages kept for one drawn period: its form and tables, for the same filters written
# a few ways.
WRITTEN_PER_PERIOD = 16


class Drawn:
    """The figures, tables and charts drawn lately in this process, the least recently used let go.

    Kept as they are, never copied out and back: reading a pickled copy of a period's tables and
    charts back from a cache cost more than the rest of the page. Released months never change, so
    nothing kept goes stale; a new release changes the key.
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self._kept: OrderedDict[str, DrawnPeriod] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> DrawnPeriod | None:
        with self._lock:
            drawn = self._kept.get(key)
            if drawn is not None:
                self._kept.move_to_end(key)
            return drawn

    def put(self, key: str, drawn: DrawnPeriod) -> None:
        with self._lock:
            self._kept[key] = drawn
            self._kept.move_to_end(key)
            while len(self._kept) > self.size:
                self._kept.popitem(last=False)


# Periods, areas and languages drawn lately, for every organisation together (each about a
# megabyte of tables and charts: the pages of the last few views, not every period ever asked).
DRAWN = Drawn(16)

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
    "gbvims": "text/csv; charset=utf-8",
}


def _form(request: HttpRequest) -> PeriodForm:
    data = request.GET if "first" in request.GET or "last" in request.GET else PeriodForm.defaults()
    return PeriodForm(data, user=request.user)  # type: ignore[arg-type]  # require_roles signed them in


def _blocks(result: Figures) -> list[dict[str, Any]]:
    """A chart and its table for every released table."""
    rtl = get_language_bidi()
    blocks = []
    for grid in result.tables:
        rows = list(exports.table_rows(grid))
        chart = rows_chart(str(grid.title), pdf.chart_items(grid), rtl=rtl)
        blocks.append(
            {
                "chart": chart,
                "chart_html": html.chart(chart),
                "table": grid,
                "table_html": html.table(
                    str(grid.title), rows[0][:-1], [row[:-1] for row in rows[2:-1]], rows[-1][:-1]
                ),
                "median": delay_median(grid) if grid.key in ("response", "first_referral") else None,
            }
        )
    return blocks


@require_GET
@require_roles(Role.ME_OFFICER, Role.SUPERVISOR)
def dashboard(request: HttpRequest) -> HttpResponse:
    form = _form(request)
    user: User = request.user  # type: ignore[assignment]  # require_roles signed them in
    context: dict[str, Any] = {"form": form}
    if not form.is_valid():
        return render(request, "insights/dashboard.html", context, status=400)
    result, drawn = _drawn(user, form)
    services.record_view(actor=user, filters=form.filters())
    query = request.GET.urlencode()
    context.update(
        result=result,
        blocks=drawn.blocks,
        blocks_html=drawn.blocks_html(query),
        form_html=drawn.form_html(query, form),
        legend=drawn.legend,
        query=query,
    )
    return render(request, "insights/dashboard.html", context)


def _drawn(user: User, form: PeriodForm) -> tuple[Figures, DrawnPeriod]:
    """The period's figures, tables, charts and legend, drawn once for each set of releases.

    Released months never change and a new release changes their version, so what is drawn from
    them is kept under that version, the organisation, the filters and the language.
    The figures are the same for every role of the organisation; only the supervisors' internal
    count of the current month is read again at each view.
    """
    period, comparison = form.period(), form.comparison()
    around = f"{comparison.month:%Y-%m}/{comparison.window}" if comparison else ""
    key = ":".join(
        [
            "insights.drawn",
            str(user.organisation_id),
            releases_version(user, period),
            period.filters().replace(" ", "/"),
            around,
            get_language(),
            str(threshold()),
            f"{last_closed_month():%Y-%m}",
        ]
    )
    drawn = DRAWN.get(key)
    if drawn is None:
        result = figures(user, period, comparison)
        # The mark read left to right inside an Arabic or Kurdish sentence, as in the tables and charts.
        mark = f"<{result.threshold}"
        legend = [line.replace(mark, f"\u2066{mark}\u2069") for line in exports.legend(result)]
        drawn = DrawnPeriod(result=result, blocks=_blocks(result), legend=legend)
        DRAWN.put(key, drawn)
    # A copy: what is kept is shared by every view of these figures.
    return dataclasses.replace(drawn.result, internal_count=internal_count(user)), drawn


@require_GET
@require_roles(Role.ME_OFFICER, Role.SUPERVISOR)
def export(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in FORMATS:
        raise Http404
    user: User = request.user  # type: ignore[assignment]  # require_roles signed them in
    form = _form(request)
    if not form.is_valid():
        return render(request, "insights/dashboard.html", {"form": form}, status=400)
    result = figures(user, form.period(), form.comparison())
    table = request.GET.get("table", "")
    grid = result.table(table) if fmt == "csv" else None
    if fmt == "csv" and grid is None:
        raise Http404
    try:
        services.record_export(actor=user, fmt=fmt, filters=f"{form.filters()} {table}".strip())
    except services.ExportLimitReached:
        limit = settings.AMANA_EXPORTS_PER_DAY
        message = ngettext(
            "You have taken %(count)s export today, the most one person may take in a day. "
            "You can take more tomorrow; the dashboard stays open.",
            "You have taken %(count)s exports today, the most one person may take in a day. "
            "You can take more tomorrow; the dashboard stays open.",
            limit,
        ) % {"count": limit}
        return render(request, "insights/limit.html", {"message": message}, status=429)
    if grid is not None:
        content, name = exports.csv_bytes(grid), f"insights-{grid.key}"
    elif fmt == "xlsx":
        content, name = exports.xlsx_bytes(result), "insights"
    elif fmt == "gbvims":
        content, name, fmt = exports.gbvims_bytes(result), "insights-gbvims", "csv"
    else:
        content, name = pdf.pdf_bytes(result, title=_("Programme figures")), "insights"
    response = HttpResponse(content, content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    response["Cache-Control"] = "no-store"
    return response
