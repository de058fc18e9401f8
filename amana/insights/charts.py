"""Bar charts drawn on the server as SVG: no JavaScript, readable in Arabic, Kurdish and English.

A chart only ever shows numbers the suppression left published; a hidden bar is drawn as a short
dashed mark with its label ("<5", or PROTECTING for a number hidden to protect another), and the data table
printed under every chart says the same in words. In a right-to-left language the first bar is on
the right and bars grow from the right.
"""

from __future__ import annotations

from dataclasses import dataclass

from amana.insights.tables import Shown

# The mark of a number hidden to protect another: the multiplication sign, as statistics offices use.
PROTECTING = "\u00d7"

WIDTH = 640
BAR_AREA = 150
LABEL_SPACE = 56
ROW_HEIGHT = 22
LABEL_WIDTH = 200


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    text_x: float
    text_y: float
    value_text: str
    label: str
    label_x: float
    label_y: float
    hidden: bool


@dataclass(frozen=True)
class Chart:
    title: str
    width: int
    height: int
    bars: list[Bar]
    horizontal: bool
    anchor: str
    label_anchor: str


def shown_text(shown: Shown, threshold: int) -> str:
    if shown.value is not None:
        return str(shown.value)
    return f"<{threshold}" if shown.primary else PROTECTING


def _scale(values: list[Shown]) -> int:
    return max([shown.value or 0 for shown in values] + [1])


def columns_chart(title: str, items: list[tuple[str, Shown]], *, threshold: int, rtl: bool) -> Chart:
    """Vertical bars (months along the bottom, in reading order)."""
    count = max(len(items), 1)
    slot = (WIDTH - 20) / count
    top = _scale([shown for _label, shown in items])
    bars = []
    for index, (label, shown) in enumerate(items):
        x = 10 + index * slot + slot * 0.15
        if rtl:
            x = WIDTH - x - slot * 0.7
        height = 0.0 if shown.value is None else BAR_AREA * shown.value / top
        bars.append(
            Bar(
                x=round(x, 1),
                y=round(20 + BAR_AREA - height, 1),
                width=round(slot * 0.7, 1),
                height=round(height, 1),
                text_x=round(x + slot * 0.35, 1),
                text_y=round(20 + BAR_AREA - height - 4, 1),
                value_text=shown_text(shown, threshold),
                label=label,
                label_x=round(x + slot * 0.35, 1),
                label_y=20 + BAR_AREA + 16,
                hidden=shown.value is None,
            )
        )
    return Chart(title, WIDTH, 20 + BAR_AREA + LABEL_SPACE, bars, False, "middle", "middle")


def rows_chart(title: str, items: list[tuple[str, Shown]], *, threshold: int, rtl: bool) -> Chart:
    """Horizontal bars, one per category, growing from the start of the line (right in Arabic)."""
    top = _scale([shown for _label, shown in items])
    room = WIDTH - LABEL_WIDTH - 60
    bars = []
    for index, (label, shown) in enumerate(items):
        y = 10 + index * ROW_HEIGHT
        length = 0.0 if shown.value is None else room * shown.value / top
        start = WIDTH - LABEL_WIDTH if rtl else LABEL_WIDTH
        x = start - length if rtl else start
        bars.append(
            Bar(
                x=round(x, 1),
                y=y,
                width=round(length, 1),
                height=ROW_HEIGHT - 6,
                text_x=round(x - 4 if rtl else x + length + 4, 1),
                text_y=y + ROW_HEIGHT - 10,
                value_text=shown_text(shown, threshold),
                label=label,
                label_x=WIDTH - LABEL_WIDTH + 8 if rtl else LABEL_WIDTH - 8,
                label_y=y + ROW_HEIGHT - 10,
                hidden=shown.value is None,
            )
        )
    # text-anchor "end" is the right edge in SVG's own left-to-right coordinates.
    return Chart(
        title, WIDTH, 20 + len(items) * ROW_HEIGHT, bars, True, "end" if rtl else "start", "start" if rtl else "end"
    )
