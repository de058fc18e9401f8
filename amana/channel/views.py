"""The survivor's pages: no account, nothing left behind, every page neutral in title and address."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache, wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.safestring import SafeString
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from amana.accounts.models import FirstScreen, Role
from amana.cases import selectors as case_selectors
from amana.cases import services as case_services
from amana.cases.forms import MessageForm
from amana.cases.models import ASSENT_ONLY_AGE_BANDS, UNDER_18_AGE_BANDS, AdultConsent, Channel, Sender, Status
from amana.channel import selectors, services
from amana.channel.forms import (
    CONSENT_LABELS,
    STEPS,
    AreaForm,
    CodeForm,
    ConsentForm,
    ContactPlanChangeForm,
    EvidenceForm,
    SecondCodeForm,
    report_from_answers,
    review,
)
from amana.channel.survivor_session import (
    SHOW_ONCE,
    Draft,
    FollowUp,
    end_visit,
    follow_up,
    forget_when_idle,
    has_follow_up,
    keep_choices_under_duress,
    keep_sent_under_duress,
    reading,
    show_once,
    start_follow_up,
    start_reading,
    take_shown_once,
)
from amana.channel.uploads import evidence_upload, too_large_names
from amana.vault import services as vault
from amana.vault.services import VaultError

SEND_STEP = len(STEPS) + 1

# Her case's status in plain words.
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


def _information(request: HttpRequest) -> HttpResponse:
    """The explicit public page; with ?area= it lists the lines for her area (and those for every area)."""
    form = AreaForm(request.GET or None)
    area = form.cleaned_data["area"] if form.is_valid() else ""
    context = {
        "hotlines": selectors.hotlines_for(area),
        "area_form": form if form.is_bound else AreaForm(),
        "here": request.path,
    }
    # "Ask for help" opens the report's steps on this page: no round trip before the first question.
    # Come back to during her visit (Back from the review), it shows them open, as she left them.
    if Draft.live(request.session):
        draft = Draft(request.session)
        context.update(asking=True, **_all_steps(draft), **_emergency_context(draft))
    else:
        context.update(_all_steps())
    return render(request, "channel/information.html", context)


@require_GET
@survivor_page
def home(request: HttpRequest) -> HttpResponse:
    """The site's root: the first screen the receiving NGO chose (today's explicit page by default,
    or community and health information with one plain link to ask for help)."""
    if services.first_screen() == FirstScreen.NEUTRAL:
        return render(request, "channel/community.html")
    return _information(request)


@require_http_methods(["GET", "POST"])
@survivor_page
def help_page(request: HttpRequest) -> HttpResponse:
    """The explicit page behind the neutral first screen's link.

    The link posts, so that the page belongs to this visit: reached any other way (Back after quick
    exit, an old tab, a visit gone idle), and under the explicit first screen, the home page is
    shown instead.
    """
    if request.method == "POST":
        start_reading(request.session)
        return redirect("channel:help")
    if services.first_screen() != FirstScreen.NEUTRAL or not reading(request.session):
        return neutral_home()
    return _information(request)


# The report, one short step at a time ------------------------------------------------------------
# With the site's script, a step's POST answers with the next step and every step after it on one
# page: the script shows them one at a time and sends them all with the last "Next" (one round trip
# for the three steps on a slow line). A step that is not complete, or whose answers change what
# follows (danger now), is sent at once instead, so that the server's answer is the same as without
# the script. The script gives each page its own address, so Back and reload ask for a plain
# address again. Without script, the POST is answered with a redirect to that address instead: a
# history entry must never be a form the browser would send again. A step, the review and the
# receipt are shown only inside a live visit: reached any other way (Back after quick exit, an old
# tab), the neutral home page is shown instead.

# The first step's answers that make the report urgent: its emergency panel must follow at once.
URGENT_ANSWERS = "danger_now=yes self_harm=yes"


def neutral_home() -> HttpResponse:
    return redirect("core:index")


def _step_url(number: int) -> str:
    return reverse("channel:send") if number == SEND_STEP else reverse("channel:step", args=[number])


def _emergency_context(draft: Draft) -> dict[str, Any]:
    return {"urgent": draft.urgent, **(_emergency(draft.district) if draft.urgent else {})}


def _emergency_folded(number: int) -> bool:
    """The emergency panel shows open on the page right after she said she is in danger; on later
    pages it is folded above the step, so that it does not push the questions below the fold."""
    return number > 2


def _step_context(draft: Draft, number: int, form: Any) -> dict[str, Any]:
    return {
        "form": form,
        "step": number,
        "steps": SEND_STEP,
        "page_url": _step_url(number),
        "emergency_folded": _emergency_folded(number),
        **_emergency_context(draft),
    }


@dataclass(frozen=True)
class StepPart:
    """One step as a part of the page: its form, its address and how its emergency panel shows."""

    step: int
    form: Any
    url: str
    emergency_folded: bool
    post_when: str


def _part(number: int, form: Any) -> StepPart:
    return StepPart(
        step=number,
        form=form,
        url=_step_url(number),
        emergency_folded=_emergency_folded(number),
        post_when=URGENT_ANSWERS if number == 1 else "",
    )


@dataclass(frozen=True)
class EmptyStep:
    """A step nobody has answered yet, as the page shows it: drawn once per language, since it is
    the same for every visitor (the home page carries every step)."""

    title: Any
    html: SafeString
    errors: tuple[()] = ()

    def __str__(self) -> str:
        return self.html


@lru_cache(maxsize=16)
def _empty_step(number: int, language: str) -> EmptyStep:
    form = STEPS[number - 1]()
    return EmptyStep(title=str(form.title), html=form.render())


def _all_steps(draft: Draft | None = None, number: int = 1, form: Any = None) -> dict[str, Any]:
    """Step `number` and every step after it, as parts of one page, with the emergency lines that
    show (without the script too) as soon as she answers that she is in danger."""
    parts = [_part(number, form)] if form is not None else []
    for later in range(number + len(parts), len(STEPS) + 1):
        form_class = STEPS[later - 1]
        shown = form_class(initial=draft.initial(later, form_class)) if draft else _empty_step(later, get_language())
        parts.append(_part(later, shown))
    context: dict[str, Any] = {"parts": parts, "steps": SEND_STEP}
    if not (draft and draft.urgent) and number == 1:
        context["urgent_now_hotlines"] = selectors.emergency_hotlines_for()
    return context


def _step_page(
    request: HttpRequest, draft: Draft, number: int, form: Any = None, status: int = 200, *, following: bool = False
) -> HttpResponse:
    """Step `number` as she left it (what she typed is kept), or the review after the last step;
    the first step not yet answered instead, if there is one before it. With `following`, every
    later step comes on the same page too, for the script to show one at a time."""
    missing = draft.first_incomplete(number - 1)
    if missing is not None:
        number, form = missing, None
    elif number == SEND_STEP:
        return _send_page(request, draft, EvidenceForm())
    if form is None:
        form_class = STEPS[number - 1]
        typed = draft.typed(number)
        if typed and "next" in typed and draft.first_incomplete(number) == number:
            form = form_class(typed)  # she pressed "Next" and something is missing: say what
        else:
            form = form_class(initial=draft.initial(number, form_class))
    context = _all_steps(draft, number, form) if following else {"parts": [_part(number, form)], "steps": SEND_STEP}
    context.update(page_url=_step_url(number), **_emergency_context(draft))
    return render(request, "channel/step.html", context, status=status)


def _answer(request: HttpRequest, draft: Draft, number: int, form: Any = None, status: int = 200) -> HttpResponse:
    """The page after a step's POST: at once for the script, else a redirect to its address."""
    if "js" in request.POST:
        return _step_page(request, draft, number, form, status=status, following=True)
    return redirect(_step_url(number))


def _reached(request: HttpRequest, number: int) -> int:
    """The last step this POST answers: the step whose button she pressed (with the script, the one
    she is on; without it, the last step on the page, whose "Next" sends them all)."""
    pressed = request.POST.get("next") or request.POST.get("back") or number
    try:
        reached = int(pressed)
    except ValueError:
        return number
    return min(max(reached, number), len(STEPS))


@sensitive_post_parameters()
@require_http_methods(["GET", "POST"])
@survivor_page
def step(request: HttpRequest, number: int) -> HttpResponse:
    """One step of the report (or, from the script, this step and the ones after it up to where she
    is). 'Back' keeps what she typed without checking it; 'Next' checks it.

    The visit starts with the first step's POST (from the home page, which holds every step, or from
    the "Ask for help" button of the code page).
    """
    if not 1 <= number <= len(STEPS):
        raise Http404
    if not Draft.live(request.session) and not (request.method == "POST" and number == 1):
        return neutral_home()
    draft = Draft(request.session)
    if request.method == "GET":
        return _step_page(request, draft, number)
    draft.save()
    if "start" in request.POST:
        return _answer(request, draft, 1)
    reached = _reached(request, number)
    first_wrong: tuple[int, Any] | None = None
    for answered in range(number, reached + 1):
        form_class = STEPS[answered - 1]
        draft.keep_typed(answered, request.POST, fields=form_class.base_fields)
        form = form_class(request.POST)
        if form.is_valid():
            draft.complete(answered, form.answers())
        else:
            draft.incomplete(answered)
            first_wrong = first_wrong or (answered, form)
    for later in range(reached + 1, len(STEPS) + 1):
        # Steps further down the page that she did not send yet (she sent the first one at once, in
        # danger): what she typed there is kept, to be checked when she gets to them. Empty fields
        # change nothing: her earlier answers to those steps stay as they were.
        fields = STEPS[later - 1].base_fields
        if any(value.strip() for name in fields for value in request.POST.getlist(name)):
            draft.keep_typed(later, request.POST, fields=fields, pressed=False)
            draft.incomplete(later)
    if "back" in request.POST:
        return _answer(request, draft, reached - 1) if reached > 1 else neutral_home()
    if first_wrong is None:  # on to the first step still to answer, or the review
        return _answer(request, draft, draft.first_incomplete(len(STEPS)) or SEND_STEP)
    return _answer(request, draft, *first_wrong, status=400)


def writing_report(request: HttpRequest) -> bool:
    """A report is being written in this visit, or was sent just now (a second send may follow)."""
    shown = request.session.get(SHOW_ONCE) or {}
    return Draft.live(request.session) or shown.get("kind") == "receipt"


def _send_page(request: HttpRequest, draft: Draft, form: EvidenceForm, status: int = 200) -> HttpResponse:
    context = _step_context(draft, SEND_STEP, form)
    context["token"] = draft.token
    context["review"] = review(draft.all_answers())
    return render(request, "channel/send.html", context, status=status)


@sensitive_post_parameters()
@require_http_methods(["GET", "POST"])
@survivor_page
@evidence_upload(needs=writing_report)
def send(request: HttpRequest) -> HttpResponse:
    """The last step: her answers to check, optional files, then the report is sealed and she gets
    her receipt code once.

    A second send of the same form (a double tap, a reload, the back button) makes no second case.
    """
    token = request.POST.get("token", "") if request.method == "POST" else ""
    if token and services.already_submitted(token):
        return redirect("channel:done")
    if not Draft.live(request.session):
        return neutral_home()
    draft = Draft(request.session)
    missing = draft.first_incomplete(len(STEPS))
    if missing is not None:
        return _step_page(request, draft, missing)
    if request.method == "GET":
        return _send_page(request, draft, EvidenceForm())
    if "back" in request.POST:
        return _step_page(request, draft, len(STEPS))
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
    # The slow key derivation runs here, before the short transaction that stores the report.
    receipt = services.new_unused_code()
    try:
        submitted = services.submit_report(
            report=report,
            organisation=organisation,
            channel=Channel.WEB,
            recorded_by=None,
            submission_token=draft.token,
            files=form.cleaned_data["files"],
            receipt=receipt,
        )
    except services.AlreadySubmitted:
        return redirect("channel:done")
    draft.discard()
    shown = {
        "kind": "receipt",
        "code": submitted.code,
        "urgent": report.danger_now or report.self_harm,
        "district": report.district,
        "under_18": report.age_band in UNDER_18_AGE_BANDS,
        "under_15": report.age_band in ASSENT_ONLY_AGE_BANDS,
        "reply_days": organisation.reply_within_days,
        "sent_at": int(time.time()),
    }
    # Kept briefly for a second send of the same form (a double tap): its answer is the one her
    # browser shows, and it must show her code. Saved now, before this answer is sent.
    show_once(request.session, shown)
    request.session.save()
    if "js" not in request.POST:
        return redirect("channel:done")
    return _receipt_page(request, shown)


def _receipt_page(request: HttpRequest, shown: dict[str, Any]) -> HttpResponse:
    context: dict[str, Any] = {
        "code": services.format_code(shown["code"]),
        "under_18": shown.get("under_18", False),
        "under_15": shown.get("under_15", False),
        "urgent": shown.get("urgent", False),
        "reply_days": shown.get("reply_days"),
        # Reloaded or reached with Back, the address shows the home page, never the code again.
        "page_url": reverse("core:index"),
    }
    if context["urgent"]:
        context.update(_emergency(shown.get("district", "")))
    return render(request, "channel/done.html", context)


RECEIPT_KEPT_SECONDS = 120


@require_GET
@survivor_page
def done(request: HttpRequest) -> HttpResponse:
    """The receipt once more only for a second send of the same form, just after; else home."""
    shown = take_shown_once(request.session)
    if not shown or shown.get("kind") != "receipt" or time.time() - shown["sent_at"] > RECEIPT_KEPT_SECONDS:
        return neutral_home()
    return _receipt_page(request, shown)


@require_POST
@survivor_page
def end_visit_view(request: HttpRequest) -> HttpResponse:
    """ "End this visit": forget everything of it now and show the neutral home page."""
    end_visit(request.session)
    return neutral_home()


# Coming back with the code ----------------------------------------------------------------------


def client_address(request: HttpRequest) -> str:
    """The address the request came from, used only in memory for the guessing throttle."""
    if settings.SECURE_PROXY_SSL_HEADER:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[-1].strip()
    return str(request.META.get("REMOTE_ADDR", ""))


NOT_FOUND = gettext_lazy("This code was not found. Please check the digits and try again.")


@sensitive_post_parameters("code")
@require_http_methods(["GET", "POST"])
@survivor_page
def follow_up_start(request: HttpRequest) -> HttpResponse:
    """Her code opens her page. It is always checked; only wrong codes are counted (and slowed)."""
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        found = services.check_code(form.cleaned_data["code"], client_address=client_address(request))
        if found is not None:
            if found.duress:
                services.duress_code_used(access=found.access)
            start_follow_up(request.session, access_id=found.access.pk, keyring=found.keyring, duress=found.duress)
            return redirect("channel:follow_up")
        form.add_error("code", NOT_FOUND)
    status = 400 if form.errors else 200
    return render(request, "channel/follow_up_start.html", {"form": form}, status=status)


def _follow_up_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Pages open only inside a visit that entered a code; otherwise the neutral home page."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        visit = follow_up(request.session)
        access = selectors.access_for(visit) if visit else None
        if visit is None or access is None:
            return neutral_home()
        return view(request, visit, access, *args, **kwargs)

    return wrapped


# Who recorded her choices and who else agreed, in her words: a role, never a name.
RECORDED_BY_WORDS: dict[str, Any] = {
    Role.SUPERVISOR: gettext_lazy("A supervisor"),
    Role.CASEWORKER: gettext_lazy("Your caseworker"),
}
ADULT_WORDS: dict[str, Any] = {
    AdultConsent.CAREGIVER: gettext_lazy("Your caregiver agreed too."),
    AdultConsent.TRUSTED_ADULT: gettext_lazy("An adult you trust agreed too."),
}
RECORDED_SHOWN = 5


@dataclass(frozen=True)
class RecordedConsent:
    given_at: Any
    how: str
    recorded_by: str
    has_witness: bool
    adult: str
    given: list[str]


def _recorded_consents(case: Any) -> list[RecordedConsent]:
    """The latest choices staff recorded with her, as she reads them (nothing sealed is opened)."""
    return [
        RecordedConsent(
            given_at=row.given_at,
            how=row.get_how_display(),
            recorded_by=str(RECORDED_BY_WORDS.get(row.recorded_as, RECORDED_BY_WORDS[Role.CASEWORKER])),
            has_witness=row.has_witness,
            adult=str(ADULT_WORDS.get(row.adult_consent, "")),
            given=[str(label) for key, label in CONSENT_LABELS.items() if key in row.given],
        )
        for row in case_selectors.staff_consent_records(case)[:RECORDED_SHOWN]
    ]


def _follow_up_page(
    request: HttpRequest,
    visit: FollowUp,
    access: Any,
    *,
    reply_form: MessageForm | None = None,
    evidence_form: EvidenceForm | None = None,
    consent_form: ConsentForm | None = None,
    contact_form: ContactPlanChangeForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """Her case in plain words.

    Under the duress code: exactly the page of a new case with no reply, showing only what was
    sent and chosen in this visit; whoever forced her cannot tell it from a real one.
    """
    recorded: list[RecordedConsent] = []
    if visit.duress:
        status_words = STATUS_WORDS[Status.NEW]
        conversation: list[Any] = visit.sent
        given = visit.choices or []
    else:
        case = access.case
        try:
            keyring = vault.recall_survivor_keyring(request.session)
            if keyring is None:
                raise vault.Locked
            conversation = case_selectors.open_messages(case, keyring=keyring)
        except VaultError:
            end_visit(request.session)
            return neutral_home()
        status_words = STATUS_WORDS[case.status]
        given = visit.choices or case_services.her_wishes(case)
        recorded = _recorded_consents(case)
    context = {
        "status_words": status_words,
        "conversation": conversation,
        "reply_form": reply_form or MessageForm(),
        "evidence_form": evidence_form or EvidenceForm(),
        "consent_form": consent_form or ConsentForm(initial={"consents": given}),
        "recorded": recorded,
        # Shown by her age band alone, the same under the duress code.
        "assent_only": case_services.her_choice_is_assent(access.case),
        # Always empty: the plan she gave before is not shown again to whoever holds the phone.
        "contact_form": contact_form or ContactPlanChangeForm(),
        "page_url": reverse("channel:follow_up"),
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
    """Her message reaches the caseworker; under the duress code, marked as sent under duress."""
    form = MessageForm(request.POST)
    if not form.is_valid():
        return _follow_up_page(request, visit, access, reply_form=form, status=400)
    message = case_services.add_message(
        case=access.case, body=form.cleaned_data["body"], sender=Sender.SURVIVOR, under_duress=visit.duress
    )
    if visit.duress:
        keep_sent_under_duress(request.session, body=form.cleaned_data["body"], at=message.created_at)
    messages.success(request, _("Your message was sent."))
    return redirect("channel:follow_up")


@require_POST
@survivor_page
@evidence_upload(needs=has_follow_up)
@_follow_up_only
def follow_up_files(request: HttpRequest, visit: FollowUp, access: Any) -> HttpResponse:
    """Files for her case; under the duress code they are checked the same way and then dropped."""
    form = EvidenceForm(request.POST, request.FILES, too_large=too_large_names(request))
    if form.is_valid() and not form.cleaned_data["files"]:
        form.add_error("files", _("Please choose at least one file."))
    if not form.is_valid():
        return _follow_up_page(request, visit, access, evidence_form=form, status=400)
    files = form.cleaned_data["files"]
    count = len(files)
    if not visit.duress:
        count = case_services.add_evidence(case=access.case, files=files, sender=Sender.SURVIVOR)
    messages.success(
        request,
        ngettext("%(count)d file was added safely.", "%(count)d files were added safely.", count) % {"count": count},
    )
    return redirect("channel:follow_up")


@require_POST
@survivor_page
@_follow_up_only
def follow_up_choices(request: HttpRequest, visit: FollowUp, access: Any) -> HttpResponse:
    """Her sharing choices; under the duress code they are shown back in this visit, not applied."""
    form = ConsentForm(request.POST)
    if not form.is_valid():
        return _follow_up_page(request, visit, access, consent_form=form, status=400)
    if visit.duress:
        keep_choices_under_duress(request.session, list(form.cleaned_data.get("consents") or []))
    else:
        case_services.set_consents(case=access.case, given=form.given(), by=None)
    messages.success(request, _("Your choices were saved."))
    return redirect("channel:follow_up")


@sensitive_post_parameters()
@require_POST
@survivor_page
@_follow_up_only
def follow_up_contact(request: HttpRequest, visit: FollowUp, access: Any) -> HttpResponse:
    """Her safe-contact plan, changed with her code; under the duress code it is checked the same
    way and answered the same way, and nothing is changed."""
    form = ContactPlanChangeForm(request.POST)
    if not form.is_valid():
        return _follow_up_page(request, visit, access, contact_form=form, status=400)
    if not visit.duress:
        case_services.change_contact_plan_by_her(case=access.case, plan=form.cleaned_data)
    messages.success(request, _("How we may contact you was saved. Your caseworker follows it from now on."))
    return redirect("channel:follow_up")


# The second code, set up with her real code only ----------------------------------------------


@sensitive_post_parameters("code")
@require_http_methods(["GET", "POST"])
@survivor_page
def second_code(request: HttpRequest) -> HttpResponse:
    """Make, replace or remove her second code, with her real code typed again.

    Typed with the second code itself, it answers as her real code would for a report without a
    second code (a new code is shown, and kept nowhere) and her caseworker is told quietly.
    """
    form = SecondCodeForm(request.POST or None)
    context: dict[str, Any] = {"form": form, "new_code": None}
    if request.method == "POST" and form.is_valid():
        found = services.check_code(form.cleaned_data["code"], client_address=client_address(request))
        if found is None:
            form.add_error("code", NOT_FOUND)
        elif form.cleaned_data["action"] == SecondCodeForm.REMOVE:
            if found.duress:
                services.duress_code_used(access=found.access)
            else:
                services.remove_duress_code(access=found.access)
            context["removed"] = True
        else:
            duress = services.new_duress_code()
            if found.duress:
                services.duress_code_used(access=found.access)
            else:
                services.set_duress_code(access=found.access, duress=duress)
            context["new_code"] = services.format_code(duress.code)
            context["form"] = SecondCodeForm()
    status = 400 if form.errors else 200
    return render(request, "channel/second_code.html", context, status=status)


# Quick exit -------------------------------------------------------------------------------------


@require_GET
def leave(request: HttpRequest) -> HttpResponse:
    """End the visit at once and replace the page with a neutral site.

    Clear-Site-Data asks the browser to drop this site's cookies, cache and storage as well.
    """
    end_visit(request.session)
    response = HttpResponseRedirect(settings.AMANA_QUICK_EXIT_URL)
    response["Clear-Site-Data"] = '"cache", "cookies", "storage"'
    add_never_cache_headers(response)
    return response
