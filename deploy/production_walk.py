"""Start the production configuration on this machine and walk a report through it.

gunicorn (deploy/gunicorn.conf.py) on a fresh PostgreSQL database, behind Caddy (deploy/Caddyfile)
with its internal certificate authority on localhost; then, as her phone would over HTTPS: the
health endpoint, a compressed page on a kept-alive connection, every step of the report, a slow
evidence upload (longer than gunicorn's default 30 s timeout), the receipt code and the follow-up
page. Exits non-zero on the first thing that is not as it should be. Run by .ci/run.
"""

from __future__ import annotations

import http.client
import os
import re
import secrets
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import uuid
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
STEPS: list[dict[str, str | list[str]]] = [
    {"for_whom": "self", "danger_now": "no", "self_harm": "no", "district": "qayyarah", "age_band": "18_24"},
    {
        "platform": "whatsapp",
        "demands": ["money"],
        "published": "no",
        "since": "this_week",
        "narrative": "He says he will send the photos (example).",
        "perpetrator_phones": "0770 000 0000",
        "perpetrator_accounts": "",
    },
    {"contact_methods": ["site_only"], "name": "Noor (example)", "wants": ["talk"], "consents": []},
]
UPLOAD_BYTES = 2 * 1024 * 1024
UPLOAD_SECONDS = 40  # longer than gunicorn's default 30 s worker timeout, which killed such uploads


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def check(condition: bool, what: str) -> None:
    if not condition:
        raise SystemExit(f"production walk: FAILED: {what}")
    print(f"production walk: ok: {what}")


class Phone:
    """One HTTPS connection kept alive through Caddy, with her cookies, like a phone's browser."""

    def __init__(self, port: int, context: ssl.SSLContext) -> None:
        self.origin = f"https://localhost:{port}"
        self.connection = http.client.HTTPSConnection("localhost", port, context=context, timeout=120)
        self.cookies: dict[str, str] = {}
        self.sockets: set[int] = set()

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
        slow: bool = False,
    ) -> tuple[http.client.HTTPResponse, bytes]:
        headers = {
            "Accept-Encoding": "identity",
            "Referer": self.origin + path,
            "Origin": self.origin,
            **(headers or {}),
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        if slow and body is not None:
            self.connection.putrequest(method, path, skip_accept_encoding=True)
            headers["Content-Length"] = str(len(body))
            for name, value in headers.items():
                self.connection.putheader(name, value)
            self.connection.endheaders()
            piece = len(body) // UPLOAD_SECONDS // 4
            for start in range(0, len(body), piece):
                self.connection.send(body[start : start + piece])
                time.sleep(0.25)
        else:
            self.connection.request(method, path, body=body, headers=headers)
        self.sockets.add(id(self.connection.sock))
        response = self.connection.getresponse()
        content = response.read()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return response, content

    def form_token(self, path: str) -> str:
        response, content = self.request("GET", path)
        check(response.status == 200, f"GET {path} answers 200")
        match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', content)
        check(match is not None, f"{path} carries a form token")
        return match.group(1).decode()  # type: ignore[union-attr]

    def post_form(
        self, path: str, data: dict[str, str | list[str]], *, form_page: str | None = None
    ) -> http.client.HTTPResponse:
        """Post a form the way a browser does: its token comes from the page that shows the form."""
        token = self.form_token(form_page or path)
        body = urlencode({**data, "csrfmiddlewaretoken": token}, doseq=True).encode()
        response, _content = self.request("POST", path, body, {"Content-Type": "application/x-www-form-urlencoded"})
        return response


def multipart(fields: dict[str, str], file_name: str, file_bytes: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="{file_name}"\r\n'
        "Content-Type: text/plain\r\n\r\n".encode()
        + file_bytes
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def walk(port: int, context: ssl.SSLContext) -> None:
    phone = Phone(port, context)
    response, content = phone.request("GET", "/health/")
    check(response.status == 200 and content == b"ok\n", "the health endpoint answers through Caddy")
    response, _content = phone.request("GET", "/", headers={"Accept-Encoding": "gzip"})
    check(response.headers.get("Content-Encoding") == "gzip", "pages are compressed")
    check("max-age" in (response.headers.get("Strict-Transport-Security") or ""), "HSTS is sent")
    # A visit starts with the home page's button; a step's address alone shows the neutral home.
    response = phone.post_form("/step/1/", {"start": "1"}, form_page="/")
    check(response.status == 302, "the home page's button starts a visit")
    for number, data in enumerate(STEPS, start=1):
        response = phone.post_form(f"/step/{number}/", {**data, "next": "1"})
        check(response.status == 302, f"step {number} of the report is accepted")
    response, content = phone.request("GET", "/step/last/")
    token = re.search(rb'name="token" value="([^"]+)"', content)
    csrf = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', content)
    check(token is not None and csrf is not None, "the last step carries its tokens")
    evidence = (b"Screenshot transcript (example).\n" * (UPLOAD_BYTES // 33 + 1))[:UPLOAD_BYTES]
    body, content_type = multipart(
        {"token": token.group(1).decode(), "csrfmiddlewaretoken": csrf.group(1).decode(), "send": "1"},  # type: ignore[union-attr]
        "chat.txt",
        evidence,
    )
    started = time.monotonic()
    response, _content = phone.request("POST", "/step/last/", body, {"Content-Type": content_type}, slow=True)
    took = time.monotonic() - started
    check(response.status == 302, f"a 2 MiB upload sent slowly over {took:.0f} s is accepted")
    check(took > 30, "the upload took longer than gunicorn's default timeout")
    response, content = phone.request("GET", "/step/end/")
    code = re.search(rb"\b(\d{4} \d{4} \d{4} \d{4} \d{4})\b", content)
    check(code is not None, "her receipt code is shown")
    response = phone.post_form("/continue/", {"code": code.group(1).decode().replace(" ", "")})  # type: ignore[union-attr]
    check(response.status == 302, "her code opens her case")
    response, content = phone.request("GET", "/continue/page/")
    check(response.status == 200, "her follow-up page opens")
    check(len(phone.sockets) == 1, "every request went over one kept-alive connection")


def start(command: list[str], environment: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    handle = log.open("wb")
    return subprocess.Popen(command, cwd=ROOT, env=environment, stdout=handle, stderr=subprocess.STDOUT)  # noqa: S603


def wait_for_health(port: int, context: ssl.SSLContext | None, seconds: int = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            connection = (
                http.client.HTTPSConnection("localhost", port, context=context, timeout=5)
                if context
                else http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            )
            connection.request("GET", "/health/")
            if connection.getresponse().status == 200:
                return
        except (OSError, ssl.SSLError, http.client.HTTPException):
            pass
        time.sleep(0.5)
    raise SystemExit(f"production walk: FAILED: nothing answered on port {port}")


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="amana-walk-"))
    database = f"amana_walk_{secrets.token_hex(4)}"
    web_port, https_port, http_port, admin_port = free_port(), free_port(), free_port(), free_port()
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("AMANA_", "DEBUG", "SECRET_KEY"))}
    environment.update(
        {
            "DJANGO_SETTINGS_MODULE": "amana.settings",
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{database}",
            "AMANA_VAR_DIR": str(work / "var"),
            "ALLOWED_HOSTS": "localhost,127.0.0.1",
            "AMANA_BEHIND_PROXY": "1",
            "AMANA_KDF_COST": "interactive",
            "AMANA_UPSTREAM": f"127.0.0.1:{web_port}",
            "AMANA_WEB_ERROR_LOG": str(work / "gunicorn.log"),
            "AMANA_DOMAIN": f"localhost:{https_port}",
            "AMANA_TLS": "internal",
            "AMANA_HTTPS_PORT": str(https_port),
            "AMANA_HTTP_PORT": str(http_port),
            "AMANA_CADDY_ADMIN": f"localhost:{admin_port}",
            "AMANA_CADDY_LOG": str(work / "caddy-access.log"),
            "XDG_DATA_HOME": str(work / "caddy-data"),
            "XDG_CONFIG_HOME": str(work / "caddy-config"),
        }
    )
    processes: list[subprocess.Popen[bytes]] = []
    psql = [shutil.which("psql") or "psql", "-h", "127.0.0.1", "-U", "postgres", "-q", "-c"]
    subprocess.run([*psql, f"CREATE DATABASE {database}"], check=True)  # noqa: S603
    try:
        subprocess.run([PYTHON, "scripts/ensure_keys.py"], cwd=ROOT, env=environment, check=True)  # noqa: S603
        subprocess.run([PYTHON, "manage.py", "migrate", "--verbosity", "0"], cwd=ROOT, env=environment, check=True)  # noqa: S603
        subprocess.run(  # noqa: S603
            [
                PYTHON,
                "manage.py",
                "shell",
                "-c",
                "from amana.accounts import services; "
                "services.create_organisation(actor=None, name='Walk NGO (example)', kind='ngo')",
            ],
            cwd=ROOT,
            env=environment,
            check=True,
        )
        gunicorn = str(ROOT / ".venv" / "bin" / "gunicorn")
        processes.append(
            start([gunicorn, "--config", "deploy/gunicorn.conf.py", "amana.wsgi"], environment, work / "gunicorn.out")
        )
        wait_for_health(web_port, None)
        caddy = shutil.which("caddy") or "caddy"
        processes.append(
            start(
                [caddy, "run", "--adapter", "caddyfile", "--config", "deploy/Caddyfile"],
                environment,
                work / "caddy.out",
            )
        )
        root_certificate = work / "caddy-data" / "caddy" / "pki" / "authorities" / "local" / "root.crt"
        deadline = time.monotonic() + 30
        while not root_certificate.exists() and time.monotonic() < deadline:
            time.sleep(0.5)
        context = ssl.create_default_context(cafile=str(root_certificate))
        wait_for_health(https_port, context)
        walk(https_port, context)
        errors = (work / "gunicorn.log").read_text()
        check("WORKER TIMEOUT" not in errors, "no gunicorn worker timed out")
        access = (work / "caddy-access.log").read_text() if (work / "caddy-access.log").exists() else ""
        check('"status":200' in access, "Caddy logged the requests")
        check("remote_ip" not in access and "client_ip" not in access, "Caddy's log holds no client address")
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)
        subprocess.run([*psql, f"DROP DATABASE IF EXISTS {database}"], check=False)  # noqa: S603
        for log in ("gunicorn.out", "caddy.out"):
            if (work / log).exists() and sys.exc_info()[0] is not None:
                print((work / log).read_text()[-3000:], file=sys.stderr)
        shutil.rmtree(work, ignore_errors=True)
    print("production walk: passed")


if __name__ == "__main__":
    main()
