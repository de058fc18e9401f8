"""Staff and peace-team intake: a report taken on a hotline call, in person or in the community.

The same questions as the survivor's steps (the same forms), sealed through the same vault; the
channel and who recorded it are kept on the case.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods

from amana.accounts.access import require_roles
from amana.accounts.models import Role
from amana.channel import services
from amana.channel.forms import STEPS, EvidenceForm, IntakeForm, report_from_answers
from amana.channel.survivor_session import show_once, take_shown_once
from amana.channel.uploads import evidence_upload, too_large_names
from amana.vault import services as vault

NGO_INTAKE_ROLES = (Role.CASEWORKER, Role.SUPERVISOR)
INTAKE_ROLES = (*NGO_INTAKE_ROLES, Role.CPT_MEMBER)


def _records_for_peace_team(user: Any) -> bool:
    return bool(user.has_role(Role.CPT_MEMBER) and not user.has_role(*NGO_INTAKE_ROLES))


def _intake_page(request: HttpRequest, forms: dict[str, Any], token: str, status: int = 200) -> HttpResponse:
    context = {**forms, "token": token, "has_errors": status != 200}
    return render(request, "channel/intake.html", context, status=status)


@sensitive_post_parameters()
@never_cache
@require_http_methods(["GET", "POST"])
@require_roles(*INTAKE_ROLES)
@evidence_upload
def intake(request: HttpRequest) -> HttpResponse:
    """All the report's questions on one page; the receipt code is shown once afterwards."""
    peace_team = _records_for_peace_team(request.user)
    data, files = (request.POST, request.FILES) if request.method == "POST" else (None, None)
    forms: dict[str, Any] = {
        "steps": [form_class(data, prefix=f"s{number}") for number, form_class in enumerate(STEPS, start=1)],
        "intake_form": IntakeForm(data, peace_team=peace_team),
        "evidence_form": EvidenceForm(data, files, prefix="e", too_large=too_large_names(request)),
    }
    token = request.POST.get("token", "") if request.method == "POST" else ""
    if request.method == "GET" or not token:
        return _intake_page(request, forms, vault.new_token(), status=200 if data is None else 400)
    if services.already_submitted(token):
        return redirect("intake:recorded")
    all_forms = [*forms["steps"], forms["intake_form"], forms["evidence_form"]]
    valid = [form.is_valid() for form in all_forms]  # every form, so each shows its own errors
    if not all(valid):
        return _intake_page(request, forms, token, status=400)
    answers: dict[str, Any] = {}
    for form in forms["steps"]:
        answers.update(form.answers())
    report = report_from_answers(answers)
    intake_data = forms["intake_form"].cleaned_data
    # A peace team's report stays with the team until it hands the case over with her consent.
    organisation: Any = request.user.organisation  # type: ignore[union-attr]  # verified staff
    # The slow key derivation runs before, not inside, the transaction that stores the report.
    receipt = services.new_unused_code()
    try:
        submitted = services.submit_report(
            report=report,
            organisation=organisation,
            channel=intake_data["channel"],
            recorded_by=request.user,  # type: ignore[arg-type]  # verified staff
            submission_token=token,
            files=forms["evidence_form"].cleaned_data["files"],
            receipt=receipt,
        )
    except services.AlreadySubmitted:
        return redirect("intake:recorded")
    show_once(
        request.session,
        {
            "kind": "intake",
            "code": submitted.code,
            "reference": submitted.case.reference,
            "may_open": not peace_team,
            "urgent": submitted.case.is_urgent,
        },
    )
    request.session.save()
    return redirect("intake:recorded")


@never_cache
@require_GET
@require_roles(*INTAKE_ROLES)
def recorded(request: HttpRequest) -> HttpResponse:
    shown = take_shown_once(request.session)
    if not shown or shown.get("kind") != "intake":
        return render(request, "channel/intake_recorded.html", {"shown": None})
    shown = {**shown, "code": services.format_code(shown["code"])}
    return render(request, "channel/intake_recorded.html", {"shown": shown})
