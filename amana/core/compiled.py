"""Reads whose SQL Django writes once per process instead of on every request.

Building a query costs Django several times what the database takes to answer a small one: a case
page made a dozen small reads, and writing their SQL was most of its time. A ``CompiledRead`` is
an ordinary queryset, written with the ORM, that Django compiles once for each kind of database
(and each number and kind of values), with stand-in values where the caller's values go; each
later call sends that SQL with the caller's values in their places, converts the columns as Django
does, and gives rows (a ``values_list`` queryset) or objects with what they select_related.

Only values that Django passes to the database unchanged can be given this way (whole numbers
and text, as ids and references are; never None, which Django writes as IS NULL): the compiled SQL
must hold each stand-in exactly once, or compiling refuses. Whatever else the queryset holds is
kept as it was at the first call, so a read must not depend on the time, the language or any other
state of the moment: compiling refuses a time or a lazily translated text among its constants.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection, models
from django.db.models.query import get_related_populators  # type: ignore[attr-defined]  # not in the stubs
from django.utils.functional import Promise

# Stand-ins no real id or reference takes.
_FIRST_NUMBER = 9_007_199_254_740_000
_TEXT = "\x1fcompiled-read-{}\x1f"

# For a column: its index, Django's converters for it in order, and the expression they are given.
Converters = tuple[tuple[int, tuple[Callable[..., Any], ...], Any], ...]


@dataclass(frozen=True)
class _Compiled:
    sql: str
    # For each parameter of the SQL: the index of the caller's value, or None for a constant.
    slots: tuple[int | None, ...]
    constants: tuple[Any, ...]
    converters: Converters
    # Objects: how Django's own iterator builds them from a row.
    model: Any = None
    fields: tuple[int, int] = (0, 0)  # where the model's own columns start and end
    init_list: tuple[str, ...] = ()
    populators: tuple[Any, ...] = ()
    annotations: tuple[tuple[str, int], ...] = ()


# A value given to a read: a whole number, a text, or several numbers (what an ``__in`` takes).
Value = int | str | tuple[int, ...]


class CompiledRead:
    """``build(*values)`` returns a queryset: ``rows(*values)`` gives its rows as tuples (a
    values_list queryset), ``objects(*values)`` its objects (a queryset of a model).

    Several numbers given as a tuple are compiled once for each count of them.
    """

    def __init__(self, build: Callable[..., models.QuerySet[Any]]) -> None:
        self._build = build
        self._compiled: dict[tuple[Any, ...], _Compiled | None] = {}
        self._lock = threading.Lock()

    def rows(self, *values: Value) -> list[tuple[Any, ...]]:
        return self._fetch(values)[1]

    def objects(self, *values: Value) -> list[Any]:
        compiled, fetched = self._fetch(values)
        found: list[Any] = []
        if compiled is None:
            return found
        start, end = compiled.fields
        for row in fetched:
            obj = compiled.model.from_db(connection.alias, compiled.init_list, row[start:end])
            for populator in compiled.populators:
                populator.populate(row, obj)
            for name, index in compiled.annotations:
                setattr(obj, name, row[index])
            found.append(obj)
        return found

    def _fetch(self, values: tuple[Value, ...]) -> tuple[_Compiled | None, list[tuple[Any, ...]]]:
        key = (connection.vendor, *(_shape(value) for value in values))
        if key not in self._compiled:
            with self._lock:
                if key not in self._compiled:
                    self._compiled[key] = self._compile(values)
        compiled = self._compiled[key]
        if compiled is None:  # it can select nothing whatever the values (an empty list to be in)
            return None, []
        flat = _flattened(values)
        slots = zip(compiled.slots, compiled.constants, strict=True)
        params = [flat[slot] if slot is not None else constant for slot, constant in slots]
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            fetched = cursor.fetchall()
        return compiled, [_converted(row, compiled.converters) for row in fetched]

    def _compile(self, values: tuple[Value, ...]) -> _Compiled | None:
        flat = _flattened(values)
        stand_ins = [
            _TEXT.format(at) if isinstance(value, str) else _FIRST_NUMBER + at for at, value in enumerate(flat)
        ]
        given, at = [], 0
        for value in values:
            count = len(value) if isinstance(value, tuple) else 1
            given.append(stand_ins[at : at + count] if isinstance(value, tuple) else stand_ins[at])
            at += count
        queryset = self._build(*given)
        query = queryset.query
        compiler = query.get_compiler(connection=connection)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:
            return None
        slots = tuple(stand_ins.index(param) if param in stand_ins else None for param in params)
        for index in range(len(flat)):
            if slots.count(index) != 1:
                raise ValueError(f"value {index} must appear once in the compiled read, not {slots.count(index)} times")
        constants = tuple(None if slot is not None else param for slot, param in zip(slots, params, strict=True))
        # Built again a moment later, the same read must write the same SQL and constants.
        if any(isinstance(constant, (date, Promise)) for constant in constants) or (
            self._build(*given).query.get_compiler(connection=connection).as_sql() != (sql, params)
        ):
            raise ValueError("a compiled read cannot keep a time or a translated text from its first call")
        selected = [column for column, _sql, _alias in compiler.select[: compiler.col_count]]
        converters = tuple(
            (index, tuple(functions), expression)
            for index, (functions, expression) in compiler.get_converters(selected).items()
        )
        if compiler.klass_info is None:  # a values_list: Django selects its columns in the order asked for
            return _Compiled(sql, slots, constants, converters)
        klass_info = compiler.klass_info
        select_fields = klass_info["select_fields"]
        start, end = select_fields[0], select_fields[-1] + 1
        return _Compiled(
            sql,
            slots,
            constants,
            converters,
            model=klass_info["model"],
            fields=(start, end),
            init_list=tuple(column[0].target.attname for column in compiler.select[start:end]),
            populators=tuple(get_related_populators(klass_info, compiler.select, connection.alias)),
            annotations=tuple(compiler.annotation_col_map.items()),
        )


def _shape(value: Value) -> Any:
    """What a value's SQL depends on: its kind, or for several numbers how many there are."""
    if isinstance(value, tuple) and all(type(item) is int for item in value):
        return len(value)
    if type(value) in (int, str):
        return type(value)
    raise TypeError(f"a compiled read takes whole numbers, texts or tuples of whole numbers, not {value!r}")


def _flattened(values: tuple[Value, ...]) -> list[int | str]:
    return [item for value in values for item in (value if isinstance(value, tuple) else (value,))]


def _converted(row: tuple[Any, ...], converters: Converters) -> tuple[Any, ...]:
    if not converters:
        return tuple(row)
    values = list(row)
    for index, functions, expression in converters:
        value = values[index]
        for function in functions:
            value = function(value, expression, connection)
        values[index] = value
    return tuple(values)
