"""Cells of CSV and XLSX files that spreadsheet programs read safely."""

from __future__ import annotations

from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """A value for a CSV or XLSX cell that no spreadsheet program will run as a formula.

    Text starting with a formula sign gets a leading apostrophe, which spreadsheets show as text.
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
