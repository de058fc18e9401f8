"""A visitor of the public site over real HTTP (its own cookies), for load tests and benchmarks."""

from __future__ import annotations

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .conftest import CODE_PATTERN, STEP_DATA

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
TOKEN = re.compile(r'name="token" value="([^"]+)"')
ROOT = Path(__file__).resolve().parents[3]


class Visitor:
    """One browser: its own cookies, posting as the site's script does (each answer at once)."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.csrf = ""

    def get(self, path: str) -> str:
        with self.opener.open(self.base + path, timeout=120) as response:
            page = response.read().decode()
        self._remember(page)
        return page

    def post(self, path: str, data: dict[str, Any]) -> tuple[int, str]:
        fields = {"csrfmiddlewaretoken": self.csrf, "js": "1", **data}
        body = urllib.parse.urlencode(fields, doseq=True).encode()
        # The site under test, over plain HTTP on this machine.
        request = urllib.request.Request(self.base + path, data=body, headers={"Referer": self.base + "/"})  # noqa: S310
        with self.opener.open(request, timeout=120) as response:
            status, page = response.status, response.read().decode()
        self._remember(page)
        return status, page

    def _remember(self, page: str) -> None:
        match = CSRF.search(page)
        if match:
            self.csrf = match.group(1)


def answer_every_step(base: str) -> tuple[Visitor, str]:
    """A visitor who opened the home page and answered every step there, sent at once by the last
    "Next" as the site's script sends them; and the review's form token."""
    visitor = Visitor(base)
    visitor.get("/")
    answers = {name: value for data in STEP_DATA for name, value in data.items()}
    status, page = visitor.post("/step/1/", {**answers, "next": str(len(STEP_DATA))})
    assert status == 200
    token = TOKEN.search(page)
    assert token, page[:2000]
    return visitor, token.group(1)


def report_over_http(base: str) -> str:
    """A whole report, from the home page to the receipt; returns the code shown (grouped)."""
    visitor, token = answer_every_step(base)
    status, page = visitor.post("/step/last/", {"token": token, "send": "1"})
    match = CODE_PATTERN.search(page)
    assert status == 200 and match, page[:2000]
    return match.group(1)


@dataclass(frozen=True)
class Site:
    base: str
    database: Path
    server_pid: int


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _manage(env: dict[str, str], *args: str) -> None:
    # A fixed command: this interpreter and the project's manage.py.
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, timeout=300)  # noqa: S603


@contextmanager
def served_site(folder: Path, *, kdf_cost: str, gunicorn_threads: int = 0, gunicorn_workers: int = 1) -> Iterator[Site]:
    """The site on a fresh SQLite file with one receiving NGO, served by a process of its own:
    Django's threaded development server, or gunicorn with threaded workers as deployed."""
    folder.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{folder / 'site.sqlite3'}",
        "AMANA_MEDIA_ROOT": str(folder / "media"),
        "AMANA_HTTPS": "0",
        "AMANA_KDF_COST": kdf_cost,
    }
    _manage(env, "migrate", "--verbosity", "0")
    _manage(
        env,
        "shell",
        "-c",
        "from amana.accounts import services; from amana.accounts.models import OrganisationKind as K; "
        "services.create_organisation(actor=None, name='Load NGO (example)', kind=K.NGO)",
    )
    port = _free_port()
    if gunicorn_threads:
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "amana.wsgi",
            "--worker-class",
            "gthread",
            "--workers",
            str(gunicorn_workers),
            "--threads",
            str(gunicorn_threads),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ]
    else:
        command = [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"]
    server = subprocess.Popen(  # noqa: S603  # a fixed command, as above
        command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(base + "/", timeout=2).close()  # noqa: S310  # the server just started
                break
            except OSError:
                time.sleep(0.2)
        yield Site(base=base, database=folder / "site.sqlite3", server_pid=server.pid)
    finally:
        server.terminate()
        server.wait(timeout=30)
