"""Referral screens: the NGO side (caseworkers, supervisors) and the partner portal (liaisons,
service-provider staff). Views check access, validate and call services; nothing more."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from amana.accounts.access import require_roles, with_keyring
from amana.cases import selectors as cases
from amana.evidence import services as evidence_services
from amana.evidence import sharing
from amana.evidence.models import ChatTimeline, EvidenceKind
from amana.referrals import selectors, services
from amana.referrals.forms import (
    ActionForm,
    EvidenceFilesForm,
    NoteForm,
    OutcomeForm,
    PlanStepForm,
    ReferralForm,
    ScheduleForm,
    TextForm,
)
from amana.referrals.handling import handling_of
from amana.referrals.models import Pathway, Referral
from amana.referrals.services import MEETING_PATHWAYS, ReferralRefused
from amana.vault.services import VaultError

PAGE_SIZE = 25
NGO_ROLES = cases.CASE_ROLES
PARTNER_ROLES = selectors.PARTNER_ROLES


def _page(request: HttpRequest, referrals: Any) -> Any:
    return Paginator(referrals, PAGE_SIZE).get_page(request.GET.get("page"))


# The NGO ------------------------------------------------------------------------------------


@require_GET
@require_roles(*NGO_ROLES)
def ngo_list(request: HttpRequest) -> HttpResponse:
    referrals = selectors.ngo_referrals_for(request.user)  # type: ignore[arg-type]  # verified staff
    return render(request, "referrals/ngo_list.html", {"page": _page(request, referrals)})


@never_cache
@require_http_methods(["GET", "POST"])
@require_roles(*NGO_ROLES)
@with_keyring
def new(request: HttpRequest, case_reference: str, *, keyring: Any) -> HttpResponse:
    case = cases.get_case_for(request.user, case_reference)  # type: ignore[arg-type]  # verified staff
    files, files_problem = _file_choices(request, case, keyring)
    form = ReferralForm(request.POST if request.method == "POST" else None, user=request.user, case=case, files=files)  # type: ignore[arg-type]  # verified staff
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            referral = services.create_referral(
                case=case,
                organisation=data["service"].organisation,
                service=data["service"],
                pathway=data["pathway"],
                service_type=data["service_type"],
                compartments=data["compartments"],
                purpose=data["purpose"],
                consent_given=data["consent_given"],
                consent_until=data["consent_until"],
                override_reason=data.get("override_reason", ""),
                plan_action=data["plan_action"],
                files=data["files"],
                intimate_confirmed=data["intimate_confirmed"],
                by=request.user,  # type: ignore[arg-type]  # verified staff
                keyring=keyring,
            )
        except ReferralRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, _("The referral was sent. Only the parts you chose were shared."))
            return redirect("referrals:detail", reference=referral.reference)
    context = {
        "case": case,
        "form": form,
        "consents": case.consents.order_by("audience", "scope"),
        "files_problem": files_problem,
    }
    return render(request, "referrals/new.html", context, status=400 if form.errors else 200)


def _file_choices(request: HttpRequest, case: Any, keyring: Any) -> tuple[list[sharing.Choice], bool]:
    """The case's evidence as it can be chosen file by file; empty, with a problem, when it cannot be opened."""
    try:
        evidence_services.ensure_items(case=case, keyring=keyring, by=request.user)  # type: ignore[arg-type]
        return sharing.choices_for(case, keyring=keyring), False
    except VaultError:
        return [], True


def _current_tokens(referral: Referral) -> list[str]:
    """The choices that give what the referral shares now, for the form that changes it."""
    tokens = []
    exports = {timeline.export_id: timeline.pk for timeline in ChatTimeline.objects.filter(case=referral.case_id)}
    for item in sharing.shared_items(referral):
        if item.kind == EvidenceKind.TRANSCRIPT and item.chat_id:
            tokens.append(f"{sharing.TRANSCRIPT}:{item.chat_id}")
        elif item.pk in exports:
            tokens.append(f"{sharing.ORIGINAL}:{exports[item.pk]}")
        else:
            tokens.append(f"{sharing.FILE}:{item.pk}")
    return tokens


def _ngo_page(request: HttpRequest, referral: Referral, keyring: Any, status: int = 200, **forms: Any) -> HttpResponse:
    try:
        opened = selectors.open_exchange(referral, keyring=keyring)
        override_reason = selectors.open_override_reason(referral, keyring=keyring) if referral.is_override else ""
    except VaultError:
        opened, override_reason = None, ""
    context = {
        "referral": referral,
        "opened": opened,
        "override_reason": override_reason,
        "grants": referral.grants.order_by("compartment"),
        "staff": referral.staff.all(),
        "is_meeting": referral.pathway in MEETING_PATHWAYS,
        "schedule_form": forms.get("schedule_form")
        or ScheduleForm(
            organisation_id=referral.case.organisation_id,
            initial={"scheduled_at": referral.scheduled_at, "room": referral.room, "staff": referral.staff.all()},
        ),
        "outcome_form": forms.get("outcome_form") or OutcomeForm(),
        "answer_form": forms.get("answer_form") or TextForm(),
        "plan_step_form": forms.get("plan_step_form")
        or PlanStepForm(
            case=referral.case, linked=referral.plan_action_id, initial={"plan_action": referral.plan_action_id}
        ),
        "shared": sharing.shared_items(referral),
        "shares_evidence": referral.is_open and sharing.share_of(referral) is not None,
    }
    if context["shares_evidence"]:
        files, context["files_problem"] = _file_choices(request, referral.case, keyring)
        context["files_form"] = forms.get("files_form") or EvidenceFilesForm(
            files=files, initial={"files": _current_tokens(referral)}
        )
    return render(request, "referrals/ngo_detail.html", context, status=status)


@never_cache
@require_GET
@require_roles(*NGO_ROLES)
@with_keyring
def detail(request: HttpRequest, reference: str, *, keyring: Any) -> HttpResponse:
    referral = selectors.get_ngo_referral_for(request.user, reference)  # type: ignore[arg-type]  # verified staff
    return _ngo_page(request, referral, keyring)


def _step(
    request: HttpRequest,
    *,
    form: Any,
    invalid: Callable[[], HttpResponse],
    step: Callable[[dict[str, Any]], object],
    done: str,
    to: str,
    reference: str,
) -> HttpResponse:
    """Validate, run one service step and report: a bad form is shown again (400), a refused step
    as a message, and nothing already saved is lost either way."""
    if form is not None and not form.is_valid():
        return invalid()
    try:
        step(form.cleaned_data if form is not None else {})
    except ReferralRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, done)
    return redirect(to, reference=reference)


@never_cache
@require_POST
@require_roles(*NGO_ROLES)
@with_keyring
def change_files(request: HttpRequest, reference: str, *, keyring: Any) -> HttpResponse:
    """Change which evidence files an open referral shares; a stale or bad form changes nothing."""
    referral = selectors.get_ngo_referral_for(request.user, reference)  # type: ignore[arg-type]  # verified staff
    files, _problem = _file_choices(request, referral.case, keyring)
    form = EvidenceFilesForm(request.POST, files=files)
    return _step(
        request,
        form=form,
        invalid=lambda: _ngo_page(request, referral, keyring, status=400, files_form=form),
        step=lambda data: services.change_files(
            referral=referral,
            files=data["files"],
            intimate_confirmed=data["intimate_confirmed"],
            keyring=keyring,
            by=request.user,  # type: ignore[arg-type]  # verified staff
        ),
        done=_("The files this organisation receives were changed."),
        to="referrals:detail",
        reference=reference,
    )


@never_cache
@require_POST
@require_roles(*NGO_ROLES)
@with_keyring
def plan_step(request: HttpRequest, reference: str, *, keyring: Any) -> HttpResponse:
    """Link the referral to the planned step of her plan it carries out, or unlink it."""
    referral = selectors.get_ngo_referral_for(request.user, reference)  # type: ignore[arg-type]  # verified staff
    form = PlanStepForm(request.POST, case=referral.case, linked=referral.plan_action_id)
    return _step(
        request,
        form=form,
        invalid=lambda: _ngo_page(request, referral, keyring, status=400, plan_step_form=form),
        step=lambda data: services.link_plan_step(
            referral=referral,
            plan_action=data["plan_action"],
            by=request.user,  # type: ignore[arg-type]  # verified staff
        ),
        done=_("The step of her plan this referral carries out was saved."),
        to="referrals:detail",
        reference=reference,
    )


@require_POST
@require_roles(*NGO_ROLES)
def withdraw(request: HttpRequest, reference: str) -> HttpResponse:
    referral = selectors.get_ngo_referral_for(request.user, reference)  # type: ignore[arg-type]  # verified staff
    services.withdraw(referral=referral, by=request.user)  # type: ignore[arg-type]  # verified staff
    messages.success(
        request, _("The referral was withdrawn: the organisation can no longer open any part of the case.")
    )
    return redirect("referrals:detail", reference=reference)


@never_cache
@require_POST
@require_roles(*NGO_ROLES)
@with_keyring
def schedule(request: HttpRequest, reference: str, *, keyring: Any) -> HttpResponse:
    referral = selectors.get_ngo_referral_for(request.user, reference)  # type: ignore[arg-type]  # verified staff
    form = ScheduleForm(request.POST, organisation_id=referral.case.organisation_id)
    return _step(
        request,
        form=form,
        invalid=lambda: _ngo_page(request, referral, keyring, status=400, schedule_form=form),
        step=lambda data: services.schedule(referral=referral, by=request.user, **data),  # type: ignore[arg-type]
        done=_("The date and who attends were saved."),
        to="referrals:detail",
        reference=reference,
    )


@never_cache
@require_POST
@require_roles(*NGO_ROLES)
@with_keyring
def outcome(request: HttpRequest, reference: str, *, keyring: Any) -> HttpResponse:
    referral = selectors.get_ngo_referral_for(request.user, reference)  # type: ignore[arg-type]  # verified staff
    form = OutcomeForm(request.POST)
    return _step(
        request,
        form=form,
        invalid=lambda: _ngo_page(request, referral, keyring, status=400, outcome_form=form),
        step=lambda data: services.record_outcome(referral=referral, by=request.user, **data),  # type: ignore[arg-type]
        done=_("The outcome was saved."),
        to="referrals:detail",
        reference=reference,
    )


@never_cache
@require_POST
@require_roles(*NGO_ROLES)
@with_keyring
def answer(request: HttpRequest, reference: str, question_id: int, *, keyring: Any) -> HttpResponse:
    question = selectors.get_question_for(request.user, reference, question_id)  # type: ignore[arg-type]
    form = TextForm(request.POST)
    return _step(
        request,
        form=form,
        invalid=lambda: _ngo_page(request, question.referral, keyring, status=400, answer_form=form),
        step=lambda data: services.answer(question=question, by=request.user, text=data["text"]),  # type: ignore[arg-type]
        done=_("Your answer was sent to the organisation."),
        to="referrals:detail",
        reference=reference,
    )


# The receiving organisation ------------------------------------------------------------------


@require_GET
@require_roles(*PARTNER_ROLES)
def portal(request: HttpRequest) -> HttpResponse:
    referrals = selectors.partner_referrals_for(request.user)  # type: ignore[arg-type]  # verified staff
    return render(request, "referrals/portal_list.html", {"page": _page(request, referrals)})


def _partner_referral(request: HttpRequest, reference: str) -> Referral:
    """The referral, ended first if its consent or its emergency override ran out: neither opens anything."""
    referral = selectors.get_partner_referral_for(request.user, reference)  # type: ignore[arg-type]  # verified staff
    return services.end_if_due(referral)


def _portal_page(
    request: HttpRequest, referral: Referral, keyring: Any, status: int = 200, **forms: Any
) -> HttpResponse:
    try:
        opened = selectors.open_for_partner(referral, keyring=keyring)
        problem = False
    except VaultError:
        opened, problem = None, True
    if referral.is_open:
        services.record_partner_read(referral=referral, by=request.user)  # type: ignore[arg-type]  # verified staff
    context = {
        "referral": referral,
        "opened": opened,
        "problem": problem,
        "ended": selectors.why_access_ended(referral),
        "actions": selectors.partner_actions(referral),
        "staff": referral.staff.all(),
        "is_liaison": referral.pathway == Pathway.LIAISON,
        "may_finish": referral.pathway not in MEETING_PATHWAYS,
        "decline_form": forms.get("decline_form") or TextForm(),
        "action_form": forms.get("action_form") or ActionForm(),
        "question_form": forms.get("question_form") or TextForm(),
        "done_form": forms.get("done_form") or NoteForm(),
    }
    return render(request, "referrals/portal_detail.html", context, status=status)


@never_cache
@require_GET
@require_roles(*PARTNER_ROLES)
@with_keyring
def received(request: HttpRequest, reference: str, *, keyring: Any) -> HttpResponse:
    return _portal_page(request, _partner_referral(request, reference), keyring)


def _partner_step(
    request: HttpRequest,
    reference: str,
    keyring: Any,
    form: Any,
    form_name: str,
    step: Callable[[Referral, dict[str, Any]], object],
    done: str,
) -> HttpResponse:
    referral = _partner_referral(request, reference)
    return _step(
        request,
        form=form,
        invalid=lambda: _portal_page(request, referral, keyring, status=400, **{form_name: form}),
        step=lambda data: step(referral, data),
        done=done,
        to="referrals:received",
        reference=reference,
    )


@never_cache
@require_POST
@require_roles(*PARTNER_ROLES)
@with_keyring
def accept(request: HttpRequest, reference: str, *, keyring: Any) -> HttpResponse:
    def step(referral: Referral, data: Any) -> None:
        services.accept(referral=referral, by=request.user)  # type: ignore[arg-type]  # verified staff

    return _partner_step(request, reference, keyring, None, "", step, _("You accepted the referral."))


@never_cache
@require_POST
@require_roles(*PARTNER_ROLES)
@with_keyring
def decline(request: HttpRequest, reference: str, *, keyring: Any) -> HttpResponse:
    def step(referral: Referral, data: Any) -> None:
        services.decline(referral=referral, by=request.user, reason=data["text"])  # type: ignore[arg-type]

    form = TextForm(request.POST)
    return _partner_step(
        request,
        reference,
        keyring,
        form,
        "decline_form",
        step,
        _("You declined the referral. The NGO will see your reason."),
    )


@never_cache
@require_POST
@require_roles(*PARTNER_ROLES)
@with_keyring
def action(request: HttpRequest, reference: str, *, keyring: Any) -> HttpResponse:
    def step(referral: Referral, data: Any) -> None:
        services.record_action(referral=referral, by=request.user, kind=data["kind"], note=data["note"])  # type: ignore[arg-type]

    form = ActionForm(request.POST)
    return _partner_step(request, reference, keyring, form, "action_form", step, _("What you did was recorded."))


@never_cache
@require_POST
@require_roles(*PARTNER_ROLES)
@with_keyring
def question(request: HttpRequest, reference: str, *, keyring: Any) -> HttpResponse:
    def step(referral: Referral, data: Any) -> None:
        services.ask(referral=referral, by=request.user, text=data["text"])  # type: ignore[arg-type]

    form = TextForm(request.POST)
    return _partner_step(
        request, reference, keyring, form, "question_form", step, _("Your question was sent to the NGO.")
    )


@never_cache
@require_POST
@require_roles(*PARTNER_ROLES)
@with_keyring
def finish(request: HttpRequest, reference: str, *, keyring: Any) -> HttpResponse:
    def step(referral: Referral, data: Any) -> None:
        if referral.pathway in MEETING_PATHWAYS:
            raise ReferralRefused(_("The NGO records how an accompaniment or a meeting ended."))
        services.mark_done(referral=referral, by=request.user, note=data["text"])  # type: ignore[arg-type]

    form = NoteForm(request.POST)
    return _partner_step(request, reference, keyring, form, "done_form", step, _("The referral is marked as done."))


@never_cache
@require_GET
@require_roles(*PARTNER_ROLES)
@with_keyring
def evidence(request: HttpRequest, reference: str, evidence_id: int, *, keyring: Any) -> HttpResponse:
    """The page of one shared file: what it is and how to handle it, in the reader's language."""
    referral = _partner_referral(request, reference)
    file = selectors.get_partner_evidence_for(referral, evidence_id)
    try:
        info = sharing.open_shared_file(file, keyring=keyring)[0]
    except VaultError:
        messages.error(request, _("This file cannot be opened: its keys are missing or it was changed."))
        return redirect("referrals:received", reference=reference)
    context = {"referral": referral, "file": info, "handling": handling_of(info)}
    return render(request, "referrals/portal_file.html", context)


@never_cache
@require_GET
@require_roles(*PARTNER_ROLES)
@with_keyring
def evidence_download(request: HttpRequest, reference: str, evidence_id: int, *, keyring: Any) -> HttpResponse:
    referral = _partner_referral(request, reference)
    file = selectors.get_partner_evidence_for(referral, evidence_id)
    try:
        info, chunks = sharing.open_shared_file(file, keyring=keyring)
    except VaultError:
        messages.error(request, _("This file cannot be opened: its keys are missing or it was changed."))
        return redirect("referrals:received", reference=reference)
    services.record_partner_download(referral=referral, by=request.user)  # type: ignore[arg-type]
    # The partner's download enters the file's chain of custody too.
    sharing.record_partner_download(file=file, by=request.user)  # type: ignore[arg-type]  # verified staff
    # Always a download, never shown inline: a file from outside must not run in our origin.
    response = StreamingHttpResponse(chunks, content_type="application/octet-stream")
    response["Content-Disposition"] = content_disposition_header(True, info.name or f"evidence-{file.pk}") or ""
    return response  # type: ignore[return-value]  # streamed, so never held in memory whole
