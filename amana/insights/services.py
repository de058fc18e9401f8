"""Writes of insights: making a month's release, and the audit of every view and export.

``make_release`` is the one place where true counts are read: it computes, protects and stores one
closed month for one organisation, once. ``make_due_releases`` makes every closed month not yet
released, in order; the ``make_releases`` command runs it, and a scheduler can call it each day.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from amana.accounts.models import Organisation, OrganisationKind, User
from amana.audit.services import Line, record, record_read
from amana.cases.models import Case
from amana.insights import lattice
from amana.insights.models import CellKind, Counted, Release, ReleaseCell
from amana.insights.protection import protected_value
from amana.insights.tables import areas, specs


class ReleaseRefused(ValueError):
    """The month is not over yet, or a later month was released already."""


def add_months(month: date, count: int) -> date:
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def last_closed_month(today: date | None = None) -> date:
    return add_months((today or timezone.localdate()).replace(day=1), -1)


def _label(release: Release, cell: lattice.Cell) -> str:
    table, area, row, column, late = cell
    return f"{release.organisation_id}:{release.month:%Y-%m}:{table}:{area}:{row}:{column}:{int(late)}"


def _cells(release: Release, contents: lattice.Contents) -> list[ReleaseCell]:
    """A value for every cell of every table, empty ones included, each protected on its own."""
    scale = float(settings.AMANA_RELEASE_NOISE_SCALE)
    built = []
    for table in specs():
        for area in areas() if table.by_area else [""]:
            for row, column in table.cells():
                for late in (False, True):
                    cell = (table.key, area, row, column, late)
                    if table.exact:
                        kind, value = CellKind.EXACT, contents.exact.get(cell, 0)
                    elif table.structural(row, column):
                        kind, value = CellKind.STRUCTURAL, 0
                    else:
                        value = protected_value(
                            label=_label(release, cell),
                            count=contents.count(cell),
                            fingerprint=contents.key(cell),
                            scale=scale,
                        )
                        kind = CellKind.PROTECTED
                    built.append(
                        ReleaseCell(
                            release=release,
                            table=table.key,
                            area=area,
                            row=row,
                            column=column,
                            late=late,
                            kind=kind,
                            value=value,
                        )
                    )
    return built


def _mark_counted(release: Release, records: list[tuple[str, int]]) -> None:
    """Remember that ``release`` counted these records: one statement per kind of record.

    On PostgreSQL the ids go as one array that the database unnests into rows (no model object per
    record: a month at a million cases counts some forty thousand); elsewhere, one batch of rows.
    """
    ids: dict[str, list[int]] = defaultdict(list)
    for kind, pk in records:
        ids[kind].append(pk)
    # The model's own table and columns; only the values are parameters.
    insert = f"INSERT INTO {Counted._meta.db_table} (release_id, kind, object_id)"
    with connection.cursor() as cursor:
        for kind, pks in ids.items():
            if connection.vendor == "postgresql":
                cursor.execute(f"{insert} SELECT %s, %s, unnest(%s::bigint[])", [release.pk, kind, pks])
            else:
                cursor.executemany(f"{insert} VALUES (%s, %s, %s)", [(release.pk, kind, pk) for pk in pks])


@transaction.atomic
def make_release(*, organisation: Organisation, month: date, actor: User | None = None) -> Release:
    """Compute, protect and store one closed month; a month released already is returned as it is.

    Steps: refuse a month not yet over or older than the latest release (its records went into
    later releases as late); read who is in each cell (lattice); protect every cell; store the
    cells and which records they counted; write the audit entry.
    """
    month = month.replace(day=1)
    existing = Release.objects.filter(organisation=organisation, month=month).first()
    if existing is not None:
        return existing
    if month > last_closed_month():
        raise ReleaseRefused(f"{month:%Y-%m} is not over yet.")
    if Release.objects.filter(organisation=organisation, month__gt=month).exists():
        raise ReleaseRefused(f"A month after {month:%Y-%m} was released already.")
    release = Release.objects.create(organisation=organisation, month=month, made_at=timezone.now())

    contents = lattice.contents_of(organisation, month, lambda records: _mark_counted(release, records))
    ReleaseCell.objects.bulk_create(_cells(release, contents), batch_size=2000)
    record(actor=actor, action="insights.released", target=release, object_id=f"{organisation.pk}:{month:%Y-%m}")
    return release


def _first_month(organisation: Organisation) -> date | None:
    latest = Release.objects.filter(organisation=organisation).order_by("-month").first()
    if latest is not None:
        return add_months(latest.month, 1)
    first = Case.objects.filter(organisation=organisation).order_by("month_reported").first()
    return first.month_reported.replace(day=1) if first else None


def make_due_releases(*, today: date | None = None, actor: User | None = None) -> list[Release]:
    """Every closed month not released yet, for every organisation that holds cases, oldest first.

    Each month is its own transaction, so a failure leaves the months before it released.
    """
    last = last_closed_month(today)
    made = []
    for organisation in Organisation.objects.filter(kind__in=[OrganisationKind.NGO, OrganisationKind.CPT]):
        month = _first_month(organisation) or last
        while month <= last:
            made.append(make_release(organisation=organisation, month=month, actor=actor))
            month = add_months(month, 1)
    return made


def record_view(*, actor: User, filters: str) -> None:
    """A dashboard view and the filters it was shown with, appended with the request's commit."""
    record_read(actor=actor, lines=[Line("insights.viewed", object_type="insights.dashboard", object_id=filters[:64])])


class ExportLimitReached(Exception):
    """This person has taken as many exports today as the limit allows."""


@transaction.atomic
def record_export(*, actor: User, fmt: str, filters: str) -> None:
    """An export and its filters; refused once the person reached today's limit (AMANA_EXPORTS_PER_DAY)."""
    from amana.audit.models import AuditEntry

    # Locking the person's row makes two exports at once count one after the other.
    User.objects.select_for_update().filter(pk=actor.pk).first()
    start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    taken = AuditEntry.objects.filter(actor_id=actor.pk, action__startswith="insights.exported.", at__gte=start)
    if taken.count() >= settings.AMANA_EXPORTS_PER_DAY:
        raise ExportLimitReached
    record(actor=actor, action=f"insights.exported.{fmt}", object_type="insights.export", object_id=filters[:64])
