"""Bar charts drawn on the server as SVG: no JavaScript, readable on a 360 px phone in every language.

A chart only shows published figures. Each bar has its label on a line of its own above it, so that
labels never need shrinking; the drawing is 360 units wide, about the width of a phone, so its 14-unit
text is read at about 13 px there. A hidden figure is a short dashed mark with "<5" beside it, written
left to right in every language, as in the tables. In a right-to-left language bars grow from the right.
"""

from __future__ import annotations

from dataclasses import dataclass

from amana.insights.protection import Shown

WIDTH = 360
ROW_HEIGHT = 44
LABEL_HEIGHT = 18
BAR_HEIGHT = 16
VALUE_ROOM = 48
FONT_SIZE = 14


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
    value_anchor: str
    rtl: bool
    font_size: int = FONT_SIZE


def rows_chart(title: str, items: list[tuple[str, Shown]], *, rtl: bool) -> Chart:
    """One bar per item under its label, growing from the start of the line (the right in Arabic)."""
    top = max([shown.value or 0 for _label, shown in items] + [1])
    room = WIDTH - VALUE_ROOM - 8
    bars = []
    for index, (label, shown) in enumerate(items):
        y = index * ROW_HEIGHT
        length = 0.0 if shown.value is None else room * shown.value / top
        x = WIDTH - 4 - length if rtl else 4.0
        bars.append(
            Bar(
                x=round(x, 1),
                y=y + LABEL_HEIGHT + 4,
                width=round(max(length, 0.0), 1),
                height=BAR_HEIGHT,
                text_x=round(x - 6 if rtl else x + length + 6, 1),
                text_y=y + LABEL_HEIGHT + 4 + BAR_HEIGHT - 3,
                value_text=shown.text(),
                label=label,
                label_x=WIDTH - 4 if rtl else 4,
                label_y=y + LABEL_HEIGHT - 4,
                hidden=shown.hidden,
            )
        )
    # Values are written left to right ("<5" as in the tables): "end" is then their right edge.
    return Chart(title, WIDTH, max(len(items), 1) * ROW_HEIGHT, bars, "end" if rtl else "start", rtl)
