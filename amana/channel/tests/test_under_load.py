"""The site under load: reports sent at the same moment on SQLite, and bodies refused unread."""

from __future__ import annotations

import socket
import sqlite3
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from .visitor import report_over_http, served_site

SUBMITTERS = 20


@pytest.fixture
def sqlite_server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """The site served by a threaded server of its own, on a SQLite file, as `make run` serves it.
    A real (if lighter) derivation, so that reports overlap as they do in production."""
    with served_site(tmp_path, kdf_cost="interactive") as site:
        yield site.base, site.database


def test_twenty_reports_sent_at_the_same_moment_on_sqlite_all_succeed(sqlite_server: Any) -> None:
    base, database = sqlite_server
    with ThreadPoolExecutor(max_workers=SUBMITTERS) as pool:
        codes = list(pool.map(lambda _: report_over_http(base), range(SUBMITTERS)))
    assert len(set(codes)) == SUBMITTERS
    with sqlite3.connect(database) as connection:
        assert connection.execute("SELECT count(*) FROM cases_case").fetchone()[0] == SUBMITTERS
        assert connection.execute("SELECT count(*) FROM channel_survivoraccess").fetchone()[0] == SUBMITTERS


@pytest.mark.django_db(transaction=True)
def test_an_oversized_upload_without_a_report_is_refused_before_it_is_read(live_server: Any) -> None:
    """A gigabyte announced, 64 KiB sent: the answer comes at once, nothing waits for the rest."""
    host, port = live_server.thread.host, live_server.thread.port
    head = (
        "POST /step/last/ HTTP/1.1\r\n"
        f"Host: {host}:{port}\r\n"
        "Content-Type: multipart/form-data; boundary=edge\r\n"
        f"Content-Length: {1024**3}\r\n\r\n"
        '--edge\r\nContent-Disposition: form-data; name="files"; filename="big.png"\r\n\r\n'
    ).encode()
    with socket.create_connection((host, port), timeout=10) as connection:
        connection.sendall(head + b"\x89PNG" + b"\x00" * 65536)
        answer = b""
        while b"\r\n\r\n" not in answer:
            chunk = connection.recv(4096)
            assert chunk, answer
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 302"), answer[:200]
    assert b"Location: /\r\n" in answer
