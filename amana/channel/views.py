"""The survivor's pages: no account, nothing left behind, every page neutral in title and address."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from amana.cases import selectors as case_selectors
from amana.cases import services as case_services
from amana.cases.forms import MessageForm
from amana.cases.models import UNDER_18_AGE_BANDS, Channel, Sender, Status
from amana.channel import selectors, services
from amana.channel.forms import (
    STEPS,
    AreaForm,
    CodeForm,
    ConsentForm,
    EvidenceForm,
    StepForm,
    consent_key,
    report_from_answers,
)
from amana.channel.survivor_session import (
    Draft,
    FollowUp,
    follow_up,
    forget_when_idle,
    show_once,
    start_follow_up,
    take_shown_once,
)
from amana.channel.uploads import evidence_upload, too_large_names
from amana.vault import services as vault
from amana.vault.services import VaultError

SEND_STEP = len(STEPS) + 1

# Her case's status in plain words.
# Under the duress code: what any visitor might see, saying nothing about a report or a caseworker.
DURESS_STATUS_WORDS = gettext_lazy("Welcome back. There is nothing new.")
STATUS_WORDS = {
    Status.NEW: gettext_lazy("We have received your message. A caseworker will read it soon."),
    Status.IN_PROGRESS: gettext_lazy("A caseworker is working on it. Look here for messages."),
    Status.CLOSED: gettext_lazy("This is closed. If you need help again, write here or ask for help again."),
}


def survivor_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Forget an idle visit and forbid any cache from keeping the page."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        forget_when_idle(request.session)
        response = view(request, *args, **kwargs)
        add_never_cache_headers(response)
        return response

    return wrapped


def _emergency(district: str = "") -> dict[str, Any]:
    return {"emergency_hotlines": selectors.emergency_hotlines_for(district)}


# Information ----------------------------------------------------------------------------------


@require_GET
@survivor_page
def information(request: HttpRequest) -> HttpResponse:
    """The public page; with ?area= it lists the lines for her area (and those for every area)."""
    form = AreaForm(request.GET or None)
    area = form.cleaned_data["area"] if form.is_valid() else ""
    context = {"hotlines": selectors.hotlines_for(area), "area_form": form if form.is_bound else AreaForm()}
    return render(request, "channel/information.html", context)


# The report, one short step at a time ------------------------------------------------------------


def _initial(form_class: type[StepForm], typed: Any) -> dict[str, Any]:
    """What she typed before, as the form's starting values (no error shown until she sends it)."""
    initial: dict[str, Any] = {}
    for name, field in form_class.base_fields.items():
        values = typed.getlist(name)
        if values:
            initial[name] = values if isinstance(field, forms.MultipleChoiceField) else values[0]
    return initial


def _step_context(draft: Draft, number: int, form: Any) -> dict[str, Any]:
    context = {"form": form, "step": number, "steps": SEND_STEP, "urgent": draft.urgent}
    if draft.urgent:
        context.update(_emergency(draft.district))
    return context


def _step_url(number: int) -> str:
    return reverse("channel:send") if number == SEND_STEP else reverse("channel:step", args=[number])


@sensitive_post_parameters()
@require_http_methods(["GET", "POST"])
@survivor_page
def step(request: HttpRequest, number: int) -> HttpResponse:
    """One step of the report. 'Back' keeps what she typed without checking it; 'Next' checks it."""
    if not 1 <= number <= len(STEPS):
        raise Http404
    draft = Draft(request.session)
    form_class = STEPS[number - 1]
    if request.method == "POST":
        draft.keep_typed(number, request.POST)
        form = form_class(request.POST)
        valid = form.is_valid()
        if valid:
            draft.complete(number, form.answers())
        else:
            draft.incomplete(number)
        if "back" in request.POST:
            return redirect(_step_url(number - 1) if number > 1 else reverse("core:index"))
        if valid:
            return redirect(_step_url(number + 1))
        return render(request, "channel/step.html", _step_context(draft, number, form), status=400)
    missing = draft.first_incomplete(number - 1)
    if missing is not None:
        return redirect(_step_url(missing))
    typed = draft.typed(number)
    form = form_class(initial=_initial(form_class, typed)) if typed else form_class()
    return render(request, "channel/step.html", _step_context(draft, number, form))


def _send_page(request: HttpRequest, draft: Draft, form: EvidenceForm, status: int = 200) -> HttpResponse:
    context = _step_context(draft, SEND_STEP, form)
    context["token"] = draft.token
    context["step_links"] = [(number, form_class.title) for number, form_class in enumerate(STEPS, start=1)]
    return render(request, "channel/send.html", context, status=status)


@sensitive_post_parameters()
@require_http_methods(["GET", "POST"])
@survivor_page
@evidence_upload
def send(request: HttpRequest) -> HttpResponse:
    """The last step: optional files, then the report is sealed and she gets her receipt code once.

    A second send of the same form (a double tap, a reload, the back button) makes no second case.
    """
    draft = Draft(request.session)
    token = request.POST.get("token", "") if request.method == "POST" else ""
    if token and services.already_submitted(token):
        return redirect("channel:done")
    missing = draft.first_incomplete(len(STEPS))
    if missing is not None:
        return redirect(_step_url(missing))
    draft.save()
    if request.method == "GET":
        return _send_page(request, draft, EvidenceForm())
    if "back" in request.POST:
        return redirect(_step_url(len(STEPS)))
    form = EvidenceForm(request.POST, request.FILES, too_large=too_large_names(request))
    if token != draft.token:
        form.add_error(None, _("This page was out of date. Please check it and send again."))
    if not form.is_valid():
        return _send_page(request, draft, form, status=400)
    try:
        organisation = services.receiving_organisation()
    except services.NoReceivingOrganisation:
        form.add_error(None, _("Sending is not possible right now. Your answers are kept; please try again later."))
        return _send_page(request, draft, form, status=503)
    report = report_from_answers(draft.all_answers())
    try:
        with transaction.atomic():
            submitted = services.submit_report(
                report=report,
                organisation=organisation,
                channel=Channel.WEB,
                recorded_by=None,
                submission_token=draft.token,
                files=form.cleaned_data["files"],
            )
            draft.discard()
            urgent = report.danger_now or report.self_harm
            show_once(
                request.session,
                {
                    "kind": "receipt",
                    "code": submitted.code,
                    "urgent": urgent,
                    "district": report.district,
                    "under_18": report.age_band in UNDER_18_AGE_BANDS,
                },
            )
            # Saved with the case, so that a second send arriving meanwhile finds the code waiting.
            request.session.save()
    except services.AlreadySubmitted:
        pass
    return redirect("channel:done")


@require_GET
@survivor_page
def done(request: HttpRequest) -> HttpResponse:
    shown = take_shown_once(request.session)
    if not shown or shown.get("kind") != "receipt":
        return render(request, "channel/done.html", {"code": None})
    context: dict[str, Any] = {
        "code": services.format_code(shown["code"]),
        "under_18": shown.get("under_18", False),
        "urgent": shown.get("urgent", False),
    }
    if context["urgent"]:
        context.update(_emergency(shown.get("district", "")))
    return render(request, "channel/done.html", context)


# Coming back with the code ----------------------------------------------------------------------


def client_address(request: HttpRequest) -> str:
    """The address the request came from, used only in memory for the guessing throttle."""
    if settings.SECURE_PROXY_SSL_HEADER:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[-1].strip()
    return str(request.META.get("REMOTE_ADDR", ""))


@sensitive_post_parameters("code")
@require_http_methods(["GET", "POST"])
@survivor_page
def follow_up_start(request: HttpRequest) -> HttpResponse:
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        client = client_address(request)
        if not services.guess_allowed(client):
            form.add_error(None, _("Too many codes were tried. For your safety, please wait a while and try again."))
            status = 429
        else:
            found = services.find_by_code(form.cleaned_data["code"])
            if found is None:
                services.note_wrong_guess(client)
                form.add_error("code", _("This code was not found. Please check the digits and try again."))
            else:
                keyring = None
                if found.duress:
                    services.duress_code_used(access=found.access)
                else:
                    # The slow key derivation is paid once here; the key is kept for this visit.
                    keyring = vault.survivor_keyring(found.access.survivor_key, form.cleaned_data["code"])
                start_follow_up(request.session, access_id=found.access.pk, keyring=keyring, duress=found.duress)
                return redirect("channel:follow_up")
    if form.errors and status == 200:
        status = 400
    return render(request, "channel/follow_up_start.html", {"form": form}, status=status)


def _follow_up_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Pages open only after a code was entered in this visit; otherwise back to the code form."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        visit = follow_up(request.session)
        access = selectors.access_for(visit) if visit else None
        if visit is None or access is None:
            return redirect("channel:follow_up_start")
        if visit.duress and request.method == "POST":
            # Under the duress code nothing is changed: whatever is sent, the empty page returns.
            return redirect("channel:follow_up")
        return view(request, visit, access, *args, **kwargs)

    return wrapped


def _follow_up_page(
    request: HttpRequest,
    visit: FollowUp,
    access: Any,
    *,
    reply_form: MessageForm | None = None,
    evidence_form: EvidenceForm | None = None,
    consent_form: ConsentForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """Her case in plain words. Under the duress code: the same page, empty and harmless."""
    if visit.duress:
        # The same page with the same forms, empty: whoever forced her sees nothing to tell it from
        # a real one, and learns nothing. What is posted here is dropped (see _follow_up_only).
        context: dict[str, Any] = {
            "duress": True,
            "status_words": DURESS_STATUS_WORDS,
            "conversation": [],
            "reply_form": MessageForm(),
            "evidence_form": EvidenceForm(),
            "consent_form": ConsentForm(),
            "has_duress_code": False,
            "new_duress_code": None,
        }
        return render(request, "channel/follow_up.html", context, status=status)
    case = access.case
    try:
        keyring = vault.recall_survivor_keyring(request.session)
        if keyring is None:
            raise vault.Locked
        conversation = case_selectors.open_messages(case, keyring=keyring)
    except VaultError:
        request.session.flush()
        return redirect("channel:follow_up_start")
    given = [consent_key(c.audience, c.scope) for c in case.consents.all() if c.given]
    shown = take_shown_once(request.session)
    context = {
        "duress": False,
        "status_words": STATUS_WORDS[case.status],
        "conversation": conversation,
        "reply_form": reply_form or MessageForm(),
        "evidence_form": evidence_form or EvidenceForm(),
        "consent_form": consent_form or ConsentForm(initial={"consents": given}),
        "has_duress_code": bool(access.duress_hash),
        "new_duress_code": services.format_code(shown["code"]) if shown and shown.get("kind") == "duress" else None,
    }
    return render(request, "channel/follow_up.html", context, status=status)


@require_GET
@survivor_page
@_follow_up_only
def follow_up_page(request: HttpRequest, visit: FollowUp, access: Any) -> HttpResponse:
    return _follow_up_page(request, visit, access)


@sensitive_post_parameters()
@require_POST
@survivor_page
@_follow_up_only
def follow_up_reply(request: HttpRequest, visit: FollowUp, access: Any) -> HttpResponse:
    form = MessageForm(request.POST)
    if not form.is_valid():
        return _follow_up_page(request, visit, access, reply_form=form, status=400)
    case_services.add_message(case=access.case, body=form.cleaned_data["body"], sender=Sender.SURVIVOR)
    messages.success(request, _("Your message was sent."))
    return redirect("channel:follow_up")


@require_POST
@survivor_page
@evidence_upload
@_follow_up_only
def follow_up_files(request: HttpRequest, visit: FollowUp, access: Any) -> HttpResponse:
    form = EvidenceForm(request.POST, request.FILES, too_large=too_large_names(request))
    if form.is_valid() and not form.cleaned_data["files"]:
        form.add_error("files", _("Please choose at least one file."))
    if not form.is_valid():
        return _follow_up_page(request, visit, access, evidence_form=form, status=400)
    count = case_services.add_evidence(case=access.case, files=form.cleaned_data["files"], sender=Sender.SURVIVOR)
    messages.success(
        request,
        ngettext("%(count)d file was added safely.", "%(count)d files were added safely.", count) % {"count": count},
    )
    return redirect("channel:follow_up")


@require_POST
@survivor_page
@_follow_up_only
def follow_up_choices(request: HttpRequest, visit: FollowUp, access: Any) -> HttpResponse:
    form = ConsentForm(request.POST)
    if not form.is_valid():
        return _follow_up_page(request, visit, access, consent_form=form, status=400)
    case_services.set_consents(case=access.case, given=form.given(), by=None)
    messages.success(request, _("Your choices were saved."))
    return redirect("channel:follow_up")


@require_POST
@survivor_page
@_follow_up_only
def follow_up_duress(request: HttpRequest, visit: FollowUp, access: Any) -> HttpResponse:
    """Give her a (new) duress code, shown once on the next page, or remove it."""
    if request.POST.get("action") == "remove":
        services.remove_duress_code(access=access)
        messages.success(request, _("Your second code was removed."))
    else:
        show_once(request.session, {"kind": "duress", "code": services.set_duress_code(access=access)})
    return redirect("channel:follow_up")


# Quick exit -------------------------------------------------------------------------------------


@require_GET
def leave(request: HttpRequest) -> HttpResponse:
    """End the visit at once and replace the page with a neutral site.

    Clear-Site-Data asks the browser to drop this site's cookies, cache and storage as well.
    """
    request.session.flush()
    response = HttpResponseRedirect(settings.AMANA_QUICK_EXIT_URL)
    response["Clear-Site-Data"] = '"cache", "cookies", "storage"'
    add_never_cache_headers(response)
    return response
