"""The dashboard's tables and charts as HTML, built in Python: a 24-month dashboard holds thousands
of cells, and joining escaped strings costs a fraction of a template loop per cell."""

from __future__ import annotations

from typing import Any

from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from amana.insights.charts import Chart


def _row(cells: list[Any]) -> str:
    figures = "".join(f'<td><bdi dir="ltr">{escape(cell)}</bdi></td>' for cell in cells[1:])
    return f'<tr><th scope="row">{escape(cells[0])}</th>{figures}</tr>'


def table(title: str, header: list[Any], body: list[list[Any]], footer: list[Any]) -> SafeString:
    """One released table; every figure in a left-to-right island, so "<5" reads the same everywhere.

    Every piece of text is escaped before it is joined, so the whole may be marked safe.
    """
    heads = "".join(f'<th scope="col">{escape(cell)}</th>' for cell in header)
    rows = "".join(_row(row) for row in body)
    return mark_safe(  # noqa: S308  # built only from escaped text, see the docstring
        f'<div class="table-scroll"><table class="insights-table"><caption>{escape(title)}</caption>'
        f"<thead><tr>{heads}</tr></thead><tbody>{rows}</tbody><tfoot>{_row(footer)}</tfoot></table></div>"
    )


def chart(figure: Chart) -> SafeString:
    """A bar chart as SVG (see charts.py); the same figures are in the table under it."""
    bars = []
    for bar in figure.bars:
        if bar.hidden:
            shape = format_html(
                '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="currentColor" stroke-dasharray="2 2"></line>',
                bar.x,
                bar.x,
                bar.y,
                bar.text_y,
            )
        else:
            shape = format_html(
                '<rect x="{}" y="{}" width="{}" height="{}"></rect>', bar.x, bar.y, bar.width, bar.height
            )
        bars.append(
            format_html(
                '<g class="chart__bar{}"><text class="chart__label" x="{}" y="{}" text-anchor="start" direction="{}">'
                '{}</text>{}<text class="chart__value" x="{}" y="{}" text-anchor="{}" direction="ltr" '
                'unicode-bidi="isolate">{}</text></g>',
                " chart__bar--hidden" if bar.hidden else "",
                bar.label_x,
                bar.label_y,
                "rtl" if figure.rtl else "ltr",
                bar.label,
                shape,
                bar.text_x,
                bar.text_y,
                figure.value_anchor,
                bar.value_text,
            )
        )
    note = _("(the same figures are in the table below)")
    label = f"{figure.title} {note}"
    return format_html(
        '<figure class="chart"><figcaption>{}</figcaption><svg class="chart__svg" viewBox="0 0 {} {}" width="100%" '
        'role="img" direction="ltr" font-size="{}" aria-label="{}">{}</svg></figure>',
        figure.title,
        figure.width,
        figure.height,
        figure.font_size,
        label,
        format_html_join("", "{}", ((bar,) for bar in bars)),
    )
