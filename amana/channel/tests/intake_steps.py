"""Recording a report through staff intake's steps, as a member's browser would."""

from __future__ import annotations

import re
from typing import Any

from django.test import Client

from .conftest import STEP_DATA


def start_draft(client: Client) -> int:
    """Start a new report; returns the id of its draft (from the address of its first step)."""
    response = client.post("/staff/intake/")
    assert response.status_code == 302, response.content.decode()[:2000]
    found = re.fullmatch(r"/staff/intake/drafts/(\d+)/1/", response["Location"])
    assert found, response["Location"]
    return int(found.group(1))


def answer_every_step(client: Client, draft_id: int, *, steps: list[dict[str, Any]] | None = None) -> str:
    """Answer each step with "Save and continue"; returns the token of the page to check and record."""
    for number, data in enumerate(steps or STEP_DATA, start=1):
        response = client.post(f"/staff/intake/drafts/{draft_id}/{number}/", {**data, "next": ""})
        assert response.status_code == 302, response.content.decode()[:3000]
    send_page = client.get(f"/staff/intake/drafts/{draft_id}/send/")
    assert send_page.status_code == 200, send_page.content.decode()[:3000]
    return str(send_page.context["token"])


def record_through_steps(client: Client, *, channel: str, **extra: Any) -> Any:
    """Start a report, answer every step and record it; returns the last response."""
    draft_id = start_draft(client)
    token = answer_every_step(client, draft_id)
    return client.post(f"/staff/intake/drafts/{draft_id}/send/", {"token": token, "channel": channel, **extra})
