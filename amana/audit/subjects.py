"""What an audit entry's object is part of, told by the app that owns the object.

The log stores plain codes ("vault.locker", "11"). To show "case K7Q2-93XD, identity" and to let
an organisation's supervisors see who opened *its* cases (partners included), the audit log asks the
apps that own those objects: each registers a source from its AppConfig.ready, so that the audit
log, part of the foundation, imports no feature app.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any, Protocol

from django.db.models import CharField, QuerySet
from django.db.models.functions import Cast


@dataclass(frozen=True)
class Subject:
    """The case an object belongs to, and which part of it (None for the case as a whole)."""

    case_id: int
    reference: str
    organisation_id: int
    part: Any = None
    # Set when found by reference: the id of the object itself (a case's, a referral's).
    object_id: str = ""


class SubjectSource(Protocol):
    object_type: str

    def describe(self, object_ids: Collection[str]) -> dict[str, Subject]:
        """The subject of each of these objects that belongs to a case."""

    def ids_for_organisation(self, organisation_id: int) -> QuerySet[Any]:
        """A one-column query of the object ids (as text) of this organisation's cases."""

    def ids_for_case(self, case_id: int) -> QuerySet[Any]:
        """A one-column query of the object ids (as text) of this case."""

    def by_reference(self, reference: str) -> Subject | None:
        """The object a reference typed in a URL names, if this source owns it."""


# Several apps may own objects of one type (a case's lockers, a referral's exchange locker).
_sources: dict[tuple[str, str], SubjectSource] = {}


def register(source: SubjectSource) -> None:
    """Add a source (again, harmlessly, when ready() runs twice)."""
    _sources[(source.object_type, type(source).__qualname__)] = source


def sources() -> list[SubjectSource]:
    return list(_sources.values())


def describe(pairs: Collection[tuple[str, str]]) -> dict[tuple[str, str], Subject]:
    """One query per object type for a page of entries, never one per entry."""
    wanted: dict[str, set[str]] = {}
    for object_type, object_id in pairs:
        if object_id:
            wanted.setdefault(object_type, set()).add(object_id)
    found: dict[tuple[str, str], Subject] = {}
    for source in sources():
        ids = wanted.get(source.object_type)
        if ids:
            found.update({(source.object_type, key): subject for key, subject in source.describe(ids).items()})
    return found


def by_reference(reference: str) -> tuple[str, Subject] | None:
    """The object type and subject of a case or referral reference, or None."""
    for source in sources():
        subject = source.by_reference(reference)
        if subject is not None:
            return source.object_type, subject
    return None


def text_ids(queryset: QuerySet[Any], field: str = "pk") -> QuerySet[Any]:
    """The ids of a query as text, to compare with the log's object ids in the database."""
    return queryset.order_by().annotate(text_id=Cast(field, CharField(max_length=64))).values("text_id")
