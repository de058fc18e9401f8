"""Weight of every survivor page over the wire: gzip bytes and request count, against a 20 KB budget.

A survivor may be on a slow connection with a cheap phone, so each page, with everything it loads,
must stay under 20 KB compressed. This walks a whole report and follow-up in a throw-away database
and prints, for each page, the compressed HTML, the compressed assets it loads (a first visit, no
cache), the number of requests, and the share of the budget used.
"""

from __future__ import annotations

import gzip
import re
import secrets

from django.db import connection
from django.test import Client
from django.test.utils import setup_test_environment, teardown_test_environment

BUDGET = 20 * 1024
ASSET = re.compile(r'<(?:link[^>]*href|script[^>]*src|img[^>]*src)="(/[^"]+)"')


def _gzip_size(content: bytes) -> int:
    return len(gzip.compress(content, compresslevel=6))


def _weigh(client: Client, name: str, response: object, rows: list[tuple[str, int, int, int]]) -> None:
    content: bytes = response.content  # type: ignore[attr-defined]
    assets = ASSET.findall(content.decode())
    asset_bytes = 0
    for url in assets:
        asset = client.get(url, secure=True)
        body = b"".join(asset.streaming_content) if asset.streaming else asset.content  # type: ignore[attr-defined]  # static files stream
        asset_bytes += _gzip_size(body)
    rows.append((name, _gzip_size(content), asset_bytes, 1 + len(assets)))


def _walk(client: Client, rows: list[tuple[str, int, int, int]]) -> None:
    from amana.channel.tests.conftest import STEP_DATA

    _weigh(client, "information (/)", client.get("/", secure=True), rows)
    for number, data in enumerate(STEP_DATA, start=1):
        _weigh(client, f"step {number}", client.get(f"/step/{number}/", secure=True), rows)
        client.post(f"/step/{number}/", {**data, "next": "1"}, secure=True)
    last = client.get("/step/last/", secure=True)
    _weigh(client, "check and send", last, rows)
    client.post("/step/last/", {"token": last.context["token"], "send": "1"}, secure=True)
    done = client.get("/step/end/", secure=True)
    _weigh(client, "code shown once", done, rows)
    code = re.search(r"\d{4} \d{4} \d{4} \d{4}", done.content.decode())
    _weigh(client, "continue (code form)", client.get("/continue/", secure=True), rows)
    client.post("/continue/", {"code": code.group(0) if code else ""}, secure=True)
    _weigh(client, "follow-up page", client.get("/continue/page/", secure=True), rows)
    _weigh(client, "page not found", client.get("/no-such-page/", secure=True), rows)


def main() -> None:
    from amana.accounts import services as accounts
    from amana.accounts.models import OrganisationKind
    from amana.channel.demo import create_demo_hotlines

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    rows: list[tuple[str, int, int, int]] = []
    try:
        accounts.create_organisation(
            actor=None, name=f"Bench NGO (example {secrets.token_hex(2)})", kind=OrganisationKind.NGO
        )
        create_demo_hotlines()
        _walk(Client(), rows)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()
    print(f"{'page':<24}{'html gz':>9}{'assets gz':>11}{'total':>8}{'requests':>10}{'of 20 KB':>10}")
    for name, html, assets, requests in rows:
        total = html + assets
        print(f"{name:<24}{html:>9}{assets:>11}{total:>8}{requests:>10}{total / BUDGET:>10.0%}")
    heaviest = max(html + assets for _name, html, assets, _requests in rows)
    print(f"heaviest page uses {heaviest / BUDGET:.0%} of the budget ({'within' if heaviest <= BUDGET else 'OVER'})")
