"""Staff and peace-team intake: a report taken on a hotline call, in person or in the community.

The same questions as the survivor's steps (the same forms), one step a page so that it works on
a phone; each step is saved in a sealed draft (amana.channel.intake_drafts) that the member can
leave and continue. The report is sealed through the same vault; the channel and who recorded it
are kept on the case.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from amana.accounts.access import require_roles, with_keyring
from amana.accounts.models import Role
from amana.channel import intake_drafts, services
from amana.channel.forms import STEPS, EvidenceForm, IntakeForm, report_from_answers, review
from amana.channel.models import IntakeDraft
from amana.channel.survivor_session import Draft, show_once, take_shown_once
from amana.channel.uploads import evidence_upload, too_large_names
from amana.vault.services import Keyring, VaultError

NGO_INTAKE_ROLES = (Role.CASEWORKER, Role.SUPERVISOR)
INTAKE_ROLES = (*NGO_INTAKE_ROLES, Role.CPT_MEMBER)
# The questions' steps, then one page to check the answers, say how the report arrived and add files.
SEND_STEP = len(STEPS) + 1


def _records_for_peace_team(user: Any) -> bool:
    return bool(user.has_role(Role.CPT_MEMBER) and not user.has_role(*NGO_INTAKE_ROLES))


def _gone(request: HttpRequest, message: str, status: int) -> HttpResponse:
    return render(request, "channel/intake_gone.html", {"message": message}, status=status)


def _draft(request: HttpRequest, draft_id: int, keyring: Keyring) -> tuple[IntakeDraft, Draft]:
    """The member's own draft and its opened steps; DraftGone says why not."""
    draft = intake_drafts.get_draft_for(request.user, draft_id)  # type: ignore[arg-type]  # verified staff
    try:
        return draft, intake_drafts.open_steps(draft, keyring=keyring)
    except VaultError:
        raise intake_drafts.DraftGone(
            _("This draft cannot be opened with your key. Ask your organisation's admin to check your access."), 403
        ) from None


def _step_page(
    request: HttpRequest, draft: IntakeDraft, steps: Draft, number: int, form: Any, status: int = 200
) -> HttpResponse:
    context = {"draft": draft, "form": form, "step": number, "steps": SEND_STEP, "urgent": steps.urgent}
    return render(request, "channel/intake_step.html", context, status=status)


def _send_page(
    request: HttpRequest, draft: IntakeDraft, steps: Draft, forms: dict[str, Any], status: int = 200
) -> HttpResponse:
    context = {
        **forms,
        "draft": draft,
        "token": steps.token,
        "step": SEND_STEP,
        "steps": SEND_STEP,
        "urgent": steps.urgent,
        "review": review(steps.all_answers()),
    }
    return render(request, "channel/intake_send.html", context, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
@require_roles(*INTAKE_ROLES)
def intake(request: HttpRequest) -> HttpResponse:
    """The member's unfinished drafts to continue; a POST starts a new one at its first step."""
    user: Any = request.user
    if request.method == "POST":
        draft = intake_drafts.start(user=user)
        return redirect("intake:step", draft_id=draft.pk, number=1)
    context = {"drafts": intake_drafts.drafts_of(user), "questions": len(STEPS), "days": intake_drafts.DRAFT_DAYS}
    return render(request, "channel/intake.html", context)


@sensitive_post_parameters()
@never_cache
@require_http_methods(["GET", "POST"])
@require_roles(*INTAKE_ROLES)
@with_keyring
def step(request: HttpRequest, draft_id: int, number: int, *, keyring: Keyring) -> HttpResponse:
    """One step of the report, saved sealed as it is sent: "Next" checks it, "Back" and "Save and
    leave" keep what was typed without checking it."""
    if not 1 <= number <= len(STEPS):
        raise Http404
    try:
        draft, steps = _draft(request, draft_id, keyring)
    except intake_drafts.DraftGone as gone:
        return _gone(request, str(gone), gone.status)
    form_class = STEPS[number - 1]
    if request.method == "GET":
        return _step_page(request, draft, steps, number, form_class(initial=steps.initial(number, form_class)))
    form = form_class(request.POST)
    valid = form.is_valid()
    intake_drafts.save_step(
        draft=draft, steps=steps, number=number, typed=request.POST, answers=form.answers() if valid else None
    )
    if "leave" in request.POST:
        messages.success(request, _("The draft is saved, sealed. You can continue it from this page."))
        return redirect("intake:new")
    if "back" in request.POST:
        return redirect("intake:step", draft_id=draft.pk, number=number - 1) if number > 1 else redirect("intake:new")
    if not valid:
        return _step_page(request, draft, steps, number, form, status=400)
    if number < len(STEPS):
        return redirect("intake:step", draft_id=draft.pk, number=number + 1)
    return redirect("intake:send", draft_id=draft.pk)


@sensitive_post_parameters()
@never_cache
@require_http_methods(["GET", "POST"])
@require_roles(*INTAKE_ROLES)
@evidence_upload
@with_keyring
def send(request: HttpRequest, draft_id: int, *, keyring: Keyring) -> HttpResponse:
    """The answers to check, how the report arrived and optional files; then the report is sealed
    to the organisation, the draft is shredded and the receipt code shown once.

    A second send of the same page (a double tap, the back button) records nothing new.
    """
    token = request.POST.get("token", "") if request.method == "POST" else ""
    if token and services.already_submitted(token):
        return redirect("intake:recorded")
    try:
        draft, steps = _draft(request, draft_id, keyring)
    except intake_drafts.DraftGone as gone:
        return _gone(request, str(gone), gone.status)
    missing = steps.first_incomplete(len(STEPS))
    if missing is not None:
        messages.error(request, _("Please answer this step first; the report is recorded once every step is answered."))
        return redirect("intake:step", draft_id=draft.pk, number=missing)
    peace_team = _records_for_peace_team(request.user)
    data, files = (request.POST, request.FILES) if request.method == "POST" else (None, None)
    forms: dict[str, Any] = {
        "intake_form": IntakeForm(data, peace_team=peace_team),
        "evidence_form": EvidenceForm(data, files, prefix="e", too_large=too_large_names(request)),
    }
    if request.method == "GET":
        return _send_page(request, draft, steps, forms)
    if "back" in request.POST:
        return redirect("intake:step", draft_id=draft.pk, number=len(STEPS))
    if token != steps.token:
        forms["evidence_form"].add_error(None, _("This page was out of date. Please check it and send again."))
    valid = [form.is_valid() for form in forms.values()]  # every form, so each shows its own errors
    if not all(valid):
        return _send_page(request, draft, steps, forms, status=400)
    return _record(request, draft, steps, forms, peace_team=peace_team)


def _record(
    request: HttpRequest, draft: IntakeDraft, steps: Draft, forms: dict[str, Any], *, peace_team: bool
) -> HttpResponse:
    """Seal the report to the member's organisation, shred the draft, show the code once."""
    # A peace team's report stays with the team until it hands the case over with her consent.
    organisation: Any = request.user.organisation  # type: ignore[union-attr]  # verified staff
    # The slow key derivation runs before, not inside, the transaction that stores the report.
    receipt = services.new_unused_code()
    try:
        submitted = services.submit_report(
            report=report_from_answers(steps.all_answers()),
            organisation=organisation,
            channel=forms["intake_form"].cleaned_data["channel"],
            recorded_by=request.user,  # type: ignore[arg-type]  # verified staff
            submission_token=steps.token,
            files=forms["evidence_form"].cleaned_data["files"],
            receipt=receipt,
        )
    except services.AlreadySubmitted:
        return redirect("intake:recorded")
    intake_drafts.discard(draft=draft, by=request.user, action="intake.draft_recorded")  # type: ignore[arg-type]  # verified staff
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


@require_POST
@require_roles(*INTAKE_ROLES)
def discard(request: HttpRequest, draft_id: int) -> HttpResponse:
    """Throw the draft away: it is deleted and its locker shredded."""
    try:
        draft = intake_drafts.get_draft_for(request.user, draft_id)  # type: ignore[arg-type]  # verified staff
    except intake_drafts.DraftGone as gone:
        return _gone(request, str(gone), gone.status)
    intake_drafts.discard(draft=draft, by=request.user)  # type: ignore[arg-type]  # verified staff
    messages.success(request, _("The draft was deleted; nothing of it can be opened again."))
    return redirect("intake:new")


@never_cache
@require_GET
@require_roles(*INTAKE_ROLES)
def recorded(request: HttpRequest) -> HttpResponse:
    shown = take_shown_once(request.session)
    if not shown or shown.get("kind") != "intake":
        return render(request, "channel/intake_recorded.html", {"shown": None})
    shown = {**shown, "code": services.format_code(shown["code"])}
    return render(request, "channel/intake_recorded.html", {"shown": shown})
