"""Importing chat exports through the whole path, beside a plain read of the same bytes.

The whole path is what the import page runs: parse, seal the export, its media and the timeline's
pages in the case's evidence locker, write the rows, propose identifiers, record the import. It is
measured in a throwaway test database with a temporary media folder, as the median of repeated runs
with their spread, beside a plain read of the same file measured in the same run (decode and split
the lines; for a zip, read every member). Then one page of the timeline is opened, beside opening
the whole timeline. Verdicts are computed from the figures: the goals are 50,000 messages in at
most 2 s and a zip with 3,000 media files in at most 5 s on this machine's class.
"""

from __future__ import annotations

import io
import secrets
import statistics
import tempfile
import time
import zipfile
from collections.abc import Callable
from typing import Any

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext, override_settings

from amana.accounts import services as accounts
from amana.accounts.models import OrganisationKind, Role
from amana.cases import services as cases
from amana.cases.models import ContactMethod
from amana.channel import services as channel
from amana.evidence import services
from amana.evidence.sample_exports import Layout, conversation, whatsapp_text, whatsapp_zip
from amana.vault import services as vault
from bench import throwaway_database

MESSAGES = 50_000
MEDIA_FILES = 3_000
REPEATS = 5
GOAL_TEXT_SECONDS = 2.0
GOAL_MEDIA_SECONDS = 5.0
PASSWORD = secrets.token_urlsafe(16)


def plain_read(data: bytes) -> int:
    """The baseline for a text: decode it and walk its lines, keeping nothing."""
    return sum(1 for _line in io.StringIO(data.decode("utf-8-sig"), newline=None))


def plain_read_zip(data: bytes) -> int:
    """The baseline for an archive: read every member's bytes."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return sum(len(archive.read(info)) for info in archive.infolist())


def medians(
    work: Callable[[], object], repeats: int = REPEATS, clock: Callable[[], float] = time.perf_counter
) -> list[float]:
    """Each run's time on ``clock``: wall time, or this process's processor time (which other
    programs running on a shared machine do not inflate as much)."""
    times = []
    for _ in range(repeats):
        start = clock()
        work()
        times.append(clock() - start)
    return times


def spread(times: list[float]) -> str:
    return f"{statistics.median(times):.3f} s (min {min(times):.3f}, max {max(times):.3f})"


class Upload(io.BytesIO):
    """What the upload handler gives the view: a seekable file with a name."""

    def __init__(self, data: bytes, name: str) -> None:
        super().__init__(data)
        self.name = name


def _case_and_caseworker() -> tuple[Any, Any, vault.Keyring]:
    organisation = accounts.create_organisation(actor=None, name="Bench NGO (example)", kind=OrganisationKind.NGO)
    keyring = vault.keyring_from_recovery(organisation=organisation, recovery_key=organisation.recovery_key)  # type: ignore[attr-defined]  # shown once
    caseworker = accounts.create_member(
        actor=None,
        organisation=organisation,
        username="bench.caseworker",
        password=PASSWORD,
        roles=[Role.CASEWORKER],
        keyring=keyring,
    )
    report = cases.Report(
        for_whom="self",
        danger_now=False,
        self_harm=False,
        platform="whatsapp",
        demands=["money"],
        published="no",
        since="this_week",
        district="qayyarah",
        age_band="18_24",
        wants=["talk"],
        narrative="A benchmark story (example).",
        perpetrator_phones=[],
        perpetrator_accounts=[],
        name="Noor (example)",
        contact_methods=[ContactMethod.SITE_ONLY],
        contact_phone="",
        safe_times="",
        consents=frozenset(),
    )
    submitted = channel.submit_report(
        report=report,
        organisation=organisation,
        channel="web",
        recorded_by=None,
        submission_token=secrets.token_urlsafe(16),
    )
    return submitted.case, caseworker, vault.user_keyring(caseworker, PASSWORD)


def import_once(case: Any, caseworker: Any, keyring: vault.Keyring, data: bytes, name: str) -> Any:
    with transaction.atomic():
        return services.import_chat(
            case=case, upload=Upload(data, name), by=caseworker, export_name=name, keyring=keyring
        )


def compare(label: str, data: bytes, name: str, baseline: Callable[[bytes], int], goal: float, people: Any) -> None:
    case, caseworker, keyring = people
    base = medians(lambda: baseline(data))
    whole = medians(lambda: import_once(case, caseworker, keyring, data, name))
    processor = medians(lambda: import_once(case, caseworker, keyring, data, name), clock=time.process_time)
    with CaptureQueriesContext(connection) as captured:
        timeline = import_once(case, caseworker, keyring, data, name)
    median = statistics.median(whole)
    verdict = "meets" if median <= goal else "MISSES"
    processor_verdict = "meets" if statistics.median(processor) <= goal else "MISSES"
    print(f"{label}: {len(data) / 1e6:.1f} MB, {timeline.message_count:,} entries, {timeline.attachment_count:,} files")
    print(f"  plain read of the same file: {spread(base)}")
    print(
        f"  whole import path: {spread(whole)}, {median / statistics.median(base):.0f}x the plain read, "
        f"{len(captured.captured_queries)} queries; {verdict} the goal of {goal:.0f} s"
    )
    print(f"  processor time of the same path: {spread(processor)}; {processor_verdict} the goal of {goal:.0f} s")
    page = medians(lambda: services.open_timeline_page(timeline, timeline.page_count - 1, keyring=keyring))
    every = medians(lambda: services.open_timeline(timeline, keyring=keyring), repeats=3)
    print(
        f"  one timeline page opened: {spread(page)} against the whole timeline {spread(every)} "
        f"({statistics.median(every) / statistics.median(page):.0f}x)"
    )


def main() -> None:
    with throwaway_database(), tempfile.TemporaryDirectory() as media, override_settings(MEDIA_ROOT=media):
        people = _case_and_caseworker()
        messages = conversation(MESSAGES)
        text = whatsapp_text(messages, Layout(language="ar", clock=12))
        compare(
            "WhatsApp Android, Arabic, 12-hour clock (.txt)",
            text,
            "chat.txt",
            plain_read,
            GOAL_TEXT_SECONDS,
            people,
        )
        # 3,000 messages, each with its file, so that the figure is about the files.
        with_files = [message for message in conversation(MEDIA_FILES * 17) if message.attachment]
        archive = whatsapp_zip(with_files[:MEDIA_FILES], Layout(phone="iphone"))
        compare(
            f"WhatsApp iPhone with {MEDIA_FILES:,} media files (.zip)",
            archive,
            "chat.zip",
            plain_read_zip,
            GOAL_MEDIA_SECONDS,
            people,
        )


if __name__ == "__main__":
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "amana.settings")
    django.setup()
    main()
