"""Importing a 50,000-message WhatsApp export, against reading the same file line by line.

Both are measured in this run on the same bytes: time (best of three) and peak memory
(tracemalloc), so the ratios say what parsing costs over merely decoding and splitting the text.
"""

from __future__ import annotations

import io
import time
import tracemalloc
import zipfile
from collections.abc import Callable

from amana.evidence.chat_import import import_chat_export
from amana.evidence.sample_exports import Layout, conversation, whatsapp_text, whatsapp_zip

MESSAGES = 50_000


def read_lines(data: bytes) -> int:
    """The baseline: decode the export and walk its lines, keeping nothing."""
    count = 0
    for _line in io.TextIOWrapper(io.BytesIO(data), encoding="utf-8-sig", newline=None):
        count += 1
    return count


def read_zipped_lines(data: bytes) -> int:
    """The baseline for an archive: open it and walk the lines of its chat text."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive, archive.open("_chat.txt") as member:
        return read_lines(member.read())


def best_time(work: Callable[[], object], repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def peak_memory(work: Callable[[], object]) -> int:
    tracemalloc.start()
    try:
        work()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def compare(label: str, data: bytes, baseline: Callable[[bytes], int]) -> None:
    result = import_chat_export(data)
    imported = len(result.messages)
    assert imported > MESSAGES, imported  # the messages and the encryption notice
    assert result.proposed_identifiers, "the sender's number is proposed"
    baseline_time = best_time(lambda: baseline(data))
    import_time = best_time(lambda: import_chat_export(data))
    baseline_peak = peak_memory(lambda: baseline(data))
    import_peak = peak_memory(lambda: import_chat_export(data))
    print(f"{label}: {len(data) / 1e6:.1f} MB, {imported} entries")
    rate = imported / import_time
    print(f"  import: {rate:,.0f} messages/second ({import_time / baseline_time:.1f}x the time of reading the lines)")
    print(
        f"  peak memory: {import_peak / 1e6:.1f} MB against {baseline_peak / 1e6:.2f} MB for reading the lines "
        f"({import_peak / len(data):.1f}x the size of the export)"
    )


def main() -> None:
    messages = conversation(MESSAGES)
    text = whatsapp_text(messages, Layout(language="ar", clock=12))
    compare("WhatsApp Android, Arabic, 12-hour clock (.txt)", text, read_lines)
    archive = whatsapp_zip(messages, Layout(phone="iphone"))
    compare("WhatsApp iPhone with media (.zip)", archive, read_zipped_lines)


if __name__ == "__main__":
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "amana.settings")
    django.setup()
    main()
