"""Fixtures of the survivor channel: complete answers, and reports made through the site or services."""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client

from amana.cases.models import Case, Channel
from amana.channel import services
from amana.channel.forms import STEPS, report_from_answers
from amana.directory.models import Service, ServiceKind

from .neutral_site import neutral_site

ARABIC_INDIC = str.maketrans("0123456789", "".join(chr(0x0660 + digit) for digit in range(10)))
# One complete set of answers, step by step, as a browser would send them (fictional).
STEP_DATA: list[dict[str, Any]] = [
    {"for_whom": "self", "danger_now": "no", "self_harm": "no", "district": "qayyarah", "age_band": "18_24"},
    {
        "platform": "whatsapp",
        "demands": ["money", "images"],
        "published": "no",
        "since": "this_week",
        "narrative": "He says he will send the photos to my brother (example).",
        "perpetrator_phones": "0770 000 0000\n" + "07800000000".translate(ARABIC_INDIC),
        "perpetrator_accounts": "@example_account",
    },
    {
        "wants": ["talk", "liaison"],
        "contact_methods": ["call"],
        "contact_phone": "0750 000 0000",
        "safe_times": "Mornings (example)",
        "name": "Noor (example)",
        "consents": ["authorities.incident"],
    },
]


def fill_step(page: Any, data: dict[str, Any]) -> None:
    """Answer one step in a browser page as she would: tick, choose or type each answer."""
    for name, value in data.items():
        field = page.locator(f'[name="{name}"]').first
        kind = field.evaluate("(element) => element.type")
        if kind in ("radio", "checkbox"):
            for item in value if isinstance(value, list) else [value]:
                page.locator(f'[name="{name}"][value="{item}"]').check()
        elif kind.startswith("select"):
            field.select_option(value)
        else:
            field.fill(value)


def ask_for_help(page: Any) -> None:
    """Tap "Ask for help" on the page she is on: the report's questions unfold in place."""
    page.get_by_role("button", name="اطلبي المساعدة").click()


def shown_step(page: Any) -> Any:
    """The step on screen (with the script, a page may hold the later steps too, not yet shown)."""
    return page.locator("[data-step-part]:visible")


CODE_PATTERN = re.compile(r"\b(\d{4} \d{4} \d{4} \d{4} \d{4})\b")


def all_answers(**changes: Any) -> dict[str, Any]:
    """The cleaned answers of every step, with some changed."""
    answers: dict[str, Any] = {}
    for number, form_class in enumerate(STEPS):
        form = form_class(STEP_DATA[number])
        assert form.is_valid(), form.errors
        answers.update(form.answers())
    answers.update(changes)
    return answers


def answer_steps(client: Client, *, steps: list[dict[str, Any]] | None = None) -> str:
    """Start a visit and answer every step; each answer is met by the next step at once.
    Returns the token of the review page that the last answer brought."""
    assert client.post("/step/1/", {"start": "1", "js": "1"}).status_code == 200
    response: Any = None
    for number, data in enumerate(steps or STEP_DATA, start=1):
        response = client.post(f"/step/{number}/", {**data, "next": "1", "js": "1"})
        assert response.status_code == 200, response.content.decode()[:3000]
    assert response is not None and "token" in response.context, response.content.decode()[:3000]
    return str(response.context["token"])


def report_through_site(client: Client, *, steps: list[dict[str, Any]] | None = None, files: Any = None) -> str:
    """Answer every step and send; returns the receipt code shown on the last page (digits only)."""
    token = answer_steps(client, steps=steps)
    response = client.post(
        "/step/last/", {"token": token, "send": "1", "js": "1", **({"files": files} if files else {})}
    )
    assert response.status_code == 200, response.content.decode()[:3000]
    done = response.content.decode()
    match = CODE_PATTERN.search(done)
    assert match, done
    return match.group(1).replace(" ", "")


def make_case(organisation: Any, **changes: Any) -> tuple[Case, str]:
    """A case as the site makes it, straight through the service; returns it and her code."""
    submitted = services.submit_report(
        report=report_from_answers(all_answers(**changes)),
        organisation=organisation,
        channel=Channel.WEB,
        recorded_by=None,
        submission_token=secrets.token_urlsafe(16),
    )
    return submitted.case, submitted.code


@pytest.fixture
def hotlines(db: Any) -> list[Service]:
    return [
        Service.objects.create(
            name="Emergency line (example)",
            number="0000 000 0101",
            kind=ServiceKind.POLICE,
            is_emergency=True,
            is_hotline=True,
        ),
        Service.objects.create(
            name="Qayyarah office (example)",
            number="0000 000 0201",
            area="qayyarah",
            kind=ServiceKind.NGO,
            is_hotline=True,
        ),
        Service.objects.create(
            name="Mosul office (example)",
            number="0000 000 0301",
            area="mosul_city",
            kind=ServiceKind.NGO,
            is_hotline=True,
        ),
        # A service that is not a hotline never shows on the public page.
        Service.objects.create(name="Referral-only clinic (example)", kind=ServiceKind.HEALTH),
    ]


@pytest.fixture
def neutral_url(settings: Any) -> Iterator[str]:
    """Quick exit leads to a local neutral page during the test."""
    with neutral_site() as url:
        settings.AMANA_QUICK_EXIT_URL = url
        yield url


@pytest.fixture(params=[True, False], ids=["js", "no-js"])
def context(request: Any, browser: Any) -> Iterator[Any]:
    """A browser context as a survivor's phone: Arabic, 320 px, once with JavaScript and once without."""
    context = browser.new_context(
        java_script_enabled=request.param, locale="ar", viewport={"width": 320, "height": 640}
    )
    yield context
    context.close()
