"""The survivor channel as served: a report on a 2G line, reports under load, the code form's
latency meanwhile, and a worker's memory under a flood of uploads.

Everything runs against the site served by a process of its own (gunicorn, one threaded worker,
as docs/configuration.md advises) on a fresh SQLite file, and each figure is set beside a baseline
measured in the same run:
- 2G: Debian's Chromium with Chrome's own network emulation (CDP Network.emulateNetworkConditions,
  300 ms latency, 250 kbit/s each way), JavaScript on and off, beside the same flow unthrottled.
  The server derives keys at the `minimum` cost here, so the time excludes the deliberate
  derivation; what is counted is the time spent waiting for pages (each navigation to its load
  event), not the time taken to fill the forms. Goal: 3 s or less from opening the home page to
  seeing the receipt.
- Throughput: 20 reports sent at once at the configured cost, against the limit the derivation
  itself sets (AMANA_KDF_CONCURRENCY slots, each one derivation at a time). Goal: 0.8 of it.
- Latency: the code form fetched again and again while those 20 reports are sent, against the
  same form fetched on an idle server. Goal: the median 3x idle or less.
- Memory: the worker's peak resident memory while 100 files of 10 MiB are sent at once to a live
  report, above its idle memory. Goal: under 64 MiB.
"""

from __future__ import annotations

import http.client
import statistics
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from django.conf import settings

from amana.channel.tests.conftest import STEP_DATA, fill_step
from amana.channel.tests.visitor import answer_every_step, report_over_http, served_site
from amana.vault import services as vault
from conftest import CHROMIUM, CHROMIUM_ARGS

REPEATS = 3
SUBMITTERS = 20
TWO_G = {"offline": False, "latency": 300, "downloadThroughput": 250_000 / 8, "uploadThroughput": 250_000 / 8}
FILE_BYTES = 10 * 1024 * 1024
FLOOD_FILES = 100


def _spread(values: list[float]) -> str:
    return f"median {statistics.median(values):.2f} (min {min(values):.2f}, max {max(values):.2f})"


def _verdict(ok: bool) -> str:
    return "goal met" if ok else "GOAL NOT MET"


# 2G -------------------------------------------------------------------------------------------


def _report_in_browser(page: Any, base: str) -> tuple[float, int]:
    """Seconds spent waiting for pages from opening the home page to the receipt on screen (her
    reading and typing, here the automation's, left out), and the requests made."""
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    waited = 0.0

    def wait_for(action: Any) -> None:
        nonlocal waited
        start = time.perf_counter()
        with page.expect_navigation(wait_until="load"):
            action()
        waited += time.perf_counter() - start

    wait_for(lambda: page.goto(f"{base}/"))
    wait_for(lambda: page.locator('button[name="start"]').click())
    for data in STEP_DATA:
        fill_step(page, data)
        wait_for(lambda: page.locator('button[name="next"]').click())
    wait_for(lambda: page.locator('button[name="send"]').click())
    page.locator(".receipt-code").wait_for()
    return waited, len(requests)


def two_g(base: str) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for script in (True, False):
                figures: dict[str, list[float]] = {"unthrottled": [], "2G": []}
                counts: list[int] = []
                for _ in range(REPEATS):
                    for line in figures:
                        context = browser.new_context(java_script_enabled=script, locale="ar")
                        page = context.new_page()
                        if line == "2G":
                            cdp = context.new_cdp_session(page)
                            cdp.send("Network.enable")
                            cdp.send("Network.emulateNetworkConditions", TWO_G)
                        seconds, requests = _report_in_browser(page, base)
                        figures[line].append(seconds)
                        counts.append(requests)
                        context.close()
                label = "script on " if script else "script off"
                slow = statistics.median(figures["2G"])
                print(
                    f"2G report, {label}: {_spread(figures['2G'])} s over {max(counts)} requests; "
                    f"unthrottled {_spread(figures['unthrottled'])} s; "
                    f"{slow / statistics.median(figures['unthrottled']):.1f}x; goal 3 s: {_verdict(slow <= 3.0)}"
                )
        finally:
            browser.close()


# Throughput and latency -----------------------------------------------------------------------


def _derivation_seconds() -> float:
    """One derivation at the cost the server uses, in this process, one at a time."""
    times = []
    for number in range(REPEATS):
        start = time.perf_counter()
        vault.derive_code_secrets(f"{number:020d}")
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _get_seconds(url: str) -> float:
    start = time.perf_counter()
    with urllib.request.urlopen(url, timeout=120) as response:  # noqa: S310  # the site under test
        response.read()
    return time.perf_counter() - start


def under_load(base: str) -> None:
    derivation = _derivation_seconds()
    slots = settings.AMANA_KDF_CONCURRENCY
    limit = slots / derivation
    idle = [_get_seconds(f"{base}/continue/") for _ in range(30)]
    rates: list[float] = []
    busy: list[float] = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        with ThreadPoolExecutor(max_workers=SUBMITTERS) as pool:
            futures = [pool.submit(report_over_http, base) for _ in range(SUBMITTERS)]
            while not all(future.done() for future in futures):
                busy.append(_get_seconds(f"{base}/continue/"))
            for future in futures:
                future.result()
        rates.append(SUBMITTERS / (time.perf_counter() - start))
    rate = statistics.median(rates)
    print(
        f"derivation ({settings.AMANA_KDF_COST}): {derivation:.2f} s; {slots} at once per worker: "
        f"limit {limit:.2f} reports/s"
    )
    print(
        f"{SUBMITTERS} reports at once: {_spread(rates)} reports/s = {rate / limit:.2f} of the limit; "
        f"goal 0.8: {_verdict(rate / limit >= 0.8)}"
    )
    idle_median, busy_median = statistics.median(idle), statistics.median(busy)
    print(
        f"code form: idle {idle_median * 1000:.0f} ms, during the reports {busy_median * 1000:.0f} ms "
        f"(p95 {sorted(busy)[int(len(busy) * 0.95)] * 1000:.0f} ms, {len(busy)} fetches) = "
        f"{busy_median / idle_median:.1f}x idle; goal 3x: {_verdict(busy_median <= 3 * idle_median)}"
    )


# Memory ---------------------------------------------------------------------------------------


def _worker_pid(master: int) -> int:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return int(children[0])


def _memory_kib(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise LookupError(field)


def _multipart(files: int, boundary: str, csrf: str, token: str) -> Iterator[bytes]:
    yield f'--{boundary}\r\nContent-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n{csrf}\r\n'.encode()
    yield f'--{boundary}\r\nContent-Disposition: form-data; name="token"\r\n\r\n{token}\r\n'.encode()
    chunk = b"\x00" * (1024 * 1024)
    for number in range(files):
        yield (
            f"--{boundary}\r\nContent-Disposition: form-data; "
            f'name="files"; filename="p{number}.png"\r\nContent-Type: image/png\r\n\r\n'
        ).encode()
        yield b"\x89PNG\r\n\x1a\n" + chunk[8:]
        for _ in range(FILE_BYTES // len(chunk) - 1):
            yield chunk
        yield b"\r\n"
    yield f"--{boundary}--\r\n".encode()


def _send_files(base: str, files: int) -> None:
    """A live report (all steps answered), then `files` files of 10 MiB streamed at once."""
    visitor, token = answer_every_step(base)
    boundary = "benchboundary"
    length = sum(len(part) for part in _multipart(files, boundary, visitor.csrf, token))
    cookies = "; ".join(f"{c.name}={c.value}" for c in visitor.jar)
    host = base.removeprefix("http://")
    connection = http.client.HTTPConnection(host, timeout=120)
    try:
        connection.putrequest("POST", "/step/last/")
        for name, value in {
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            "Content-Length": str(length),
            "Cookie": cookies,
            "Referer": base + "/",
        }.items():
            connection.putheader(name, value)
        connection.endheaders()
        for part in _multipart(files, boundary, visitor.csrf, token):
            connection.send(part)
        connection.getresponse().read()
    except (BrokenPipeError, ConnectionResetError):
        pass  # the server stopped reading, as it should, at the first file over the limit
    finally:
        connection.close()


def memory(base: str, master_pid: int) -> None:
    worker = _worker_pid(master_pid)
    results = {}
    for label, files in (("5 files of 10 MiB (the most one upload may hold)", 5), ("100 files of 10 MiB", FLOOD_FILES)):
        peaks = []
        for _ in range(REPEATS):
            idle = _memory_kib(worker, "VmRSS")
            Path(f"/proc/{worker}/clear_refs").write_text("5")  # the peak starts again from now
            _send_files(base, files)
            peaks.append((_memory_kib(worker, "VmHWM") - idle) / 1024)
        results[label] = peaks
        print(f"worker memory above idle, {label}: {_spread(peaks)} MiB")
    flood = statistics.median(results["100 files of 10 MiB"])
    print(f"flood of uploads: {flood:.0f} MiB above idle; goal under 64 MiB: {_verdict(flood < 64)}")


def main() -> None:
    with (
        tempfile.TemporaryDirectory() as folder,
        served_site(Path(folder), kdf_cost="minimum", gunicorn_threads=8) as site,
    ):
        two_g(site.base)
    with (
        tempfile.TemporaryDirectory() as folder,
        served_site(Path(folder), kdf_cost=settings.AMANA_KDF_COST, gunicorn_threads=32) as site,
    ):
        under_load(site.base)
        memory(site.base, site.server_pid)
