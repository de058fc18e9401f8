"""Keyset pagination: a page starts after the last row of the one before, found through the index
that orders the list, so page 1,000 costs what page 1 does and no page counts the whole list.

The cursor is the previous page's last row's sort key, written into the link as text
(``1.0.1732950000123456.42``). A cursor that cannot be read starts again at the first page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db import models
from django.db.models import F
from django.db.models.fields.tuple_lookups import Tuple, TupleLessThan


@dataclass(frozen=True)
class KeysetPage:
    object_list: list[Any]
    next_cursor: str
    is_first: bool
    keyset: bool = True

    @property
    def has_next(self) -> bool:
        return bool(self.next_cursor)

    @property
    def has_other_pages(self) -> bool:
        return self.has_next or not self.is_first


def _encode(value: Any) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, datetime):
        return str(int(value.timestamp() * 1_000_000))
    return str(int(value))


def _decode(field: models.Field[Any, Any], text: str) -> Any:
    if isinstance(field, models.BooleanField):
        if text not in ("0", "1"):
            raise ValueError(text)
        return text == "1"
    number = int(text)
    if isinstance(field, models.DateTimeField):
        return datetime.fromtimestamp(number / 1_000_000, tz=UTC)
    return number


def _fields(queryset: models.QuerySet[Any]) -> list[str]:
    ordering = [name for name in queryset.query.order_by if isinstance(name, str)]
    if not ordering or len(ordering) != len(queryset.query.order_by) or not all(n.startswith("-") for n in ordering):
        raise ValueError("Keyset pages need a list ordered by descending fields ending with a unique one.")
    return [name[1:] for name in ordering]


def keyset_page(queryset: models.QuerySet[Any], cursor: str | None, size: int) -> KeysetPage:
    """One page of a list ordered by descending fields (the last one unique), after ``cursor``."""
    names = _fields(queryset)
    model_fields = [queryset.model._meta.pk if name == "pk" else queryset.model._meta.get_field(name) for name in names]
    after = None
    if cursor:
        parts = cursor.split(".")
        try:
            if len(parts) == len(names):
                after = [_decode(field, part) for field, part in zip(model_fields, parts, strict=True)]
        except (ValueError, OverflowError, OSError):
            after = None
    if after is not None:
        queryset = queryset.filter(TupleLessThan(Tuple(*(F(name) for name in names)), after))
    rows = list(queryset[: size + 1])
    next_cursor = ""
    if len(rows) > size:
        rows = rows[:size]
        last = rows[-1]
        next_cursor = ".".join(
            _encode(getattr(last, "pk" if name == "pk" else field.attname))
            for name, field in zip(names, model_fields, strict=True)
        )
    return KeysetPage(object_list=rows, next_cursor=next_cursor, is_first=after is None)
