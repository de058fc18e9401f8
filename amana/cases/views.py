"""Case screens: the queue, caseloads, a case and its steps, follow-ups, notifications, peace teams.

Every view checks roles first (require_roles), then reads through selectors that filter by who
asks; writes go through services. Sealed parts are opened with the signed-in member's keyring.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from amana.accounts.access import require_roles, with_keyring
from amana.accounts.models import Role
from amana.cases import selectors, services
from amana.cases.forms import (
    RISK_QUESTIONS,
    STAFF_CONSENT_LABELS,
    AssignForm,
    ClosureDecisionForm,
    ClosureRequestForm,
    ConsentRecordForm,
    ContactPlanForm,
    FinishActionForm,
    FollowUpForm,
    FollowUpOutcomeForm,
    HandoverForm,
    IncidentForm,
    MessageForm,
    PlanActionForm,
    ReportingDecisionForm,
    RiskAssessmentForm,
    SafeguardingForm,
    SearchForm,
)
from amana.cases.models import Answer, ContactMethod, Sender, Since, Status
from amana.cases.selectors import QueueView
from amana.core.keyset import KeysetPage, keyset_page
from amana.evidence import services as evidence_services
from amana.vault import services as vault
from amana.vault.services import VaultError

PAGE_SIZE = 25
CASE_ROLES = selectors.CASE_ROLES


def _page(request: HttpRequest, items: Any) -> Any:
    return Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))


def _keyset_page(request: HttpRequest, items: Any) -> KeysetPage:
    """A page of a long list ordered by an index: no count, and page 1,000 costs what page 1 does."""
    return keyset_page(items, request.GET.get("after"), PAGE_SIZE)


def _case_page(request: HttpRequest, cases: Any) -> KeysetPage:
    page = _keyset_page(request, cases)
    selectors.mark_overdue(page.object_list)
    return page


def _user(request: HttpRequest) -> Any:
    return request.user  # a verified staff member: require_roles ran first


# Lists --------------------------------------------------------------------------------------


@require_GET
@require_roles(*CASE_ROLES)
def queue(request: HttpRequest) -> HttpResponse:
    view = request.GET.get("view", QueueView.OPEN)
    if view not in QueueView.ALL:
        view = QueueView.OPEN
    # Only children's cases (under 18), in whichever list is shown.
    children = request.GET.get("children") == "1"
    page = _case_page(request, selectors.queue_for(_user(request), view, children=children))
    query = f"view={view}&children=1" if children else f"view={view}"
    context = {"page": page, "view": view, "children": children, "search_form": SearchForm(), "query": query}
    return render(request, "cases/queue.html", context)


@require_GET
@require_roles(*CASE_ROLES)
def search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET)
    context: dict[str, Any] = {"search_form": form, "page": None, "problem": ""}
    status = 200
    if form.is_valid():
        found = selectors.search_cases(_user(request), form.cleaned_data["q"])
        # Search finds one reference or the few cases sharing an identifier: a counted page is cheap.
        query = urlencode({"q": form.cleaned_data["q"]})
        page = _page(request, found.cases)
        page.object_list = selectors.mark_overdue(list(page.object_list))
        context.update(page=page, problem=found.problem, query=query)
        status = 400 if found.problem else 200
    elif request.GET:
        status = 400
    return render(request, "cases/search.html", context, status=status)


@require_GET
@require_roles(*CASE_ROLES)
def caseload(request: HttpRequest) -> HttpResponse:
    """A caseworker's own open cases; a supervisor sees every caseworker's load and opens one."""
    user = _user(request)
    worker = user
    loads = None
    if user.has_role(Role.SUPERVISOR):
        loads = selectors.caseloads_for(user)
        chosen = request.GET.get("caseworker", "")
        worker = next((load.caseworker for load in loads if str(load.caseworker.pk) == chosen), None)
    cases = selectors.queue_for(user, QueueView.OPEN).filter(assigned_to=worker) if worker else None
    context = {
        "loads": loads,
        "worker": worker,
        "page": _case_page(request, cases) if cases is not None else None,
        "query": f"caseworker={worker.pk}" if worker and loads is not None else "",
    }
    return render(request, "cases/caseload.html", context)


@require_GET
@require_roles(*CASE_ROLES)
def overdue(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    follow_ups = selectors.overdue_follow_ups_for(user)
    return render(request, "cases/overdue.html", {"page": _page(request, follow_ups)})


@require_GET
@require_roles(*CASE_ROLES)
def notifications(request: HttpRequest) -> HttpResponse:
    page = _keyset_page(request, selectors.notifications_for(_user(request)))
    return render(request, "cases/notifications.html", {"page": page})


@require_GET
@require_roles(*CASE_ROLES)
def open_notification(request: HttpRequest, notification_id: int) -> HttpResponse:
    """Open what a notice is about; opening it marks it read."""
    notification = selectors.get_notification_for(_user(request), notification_id)
    services.mark_notification_read(notification=notification)
    # The address was written by amana itself; a stored value that is not a local path opens the case.
    if notification.url.startswith("/") and not notification.url.startswith("//"):
        return redirect(notification.url)
    return redirect("cases:case", notification.case.reference)


@require_POST
@require_roles(*CASE_ROLES)
def notifications_read(request: HttpRequest) -> HttpResponse:
    services.mark_notifications_read(user=_user(request))
    return redirect("cases:notifications")


# One case -----------------------------------------------------------------------------------


def _labels(choices: Any, values: Any) -> list[str]:
    """The labels of the chosen values, in the order of the choices (a single value or a list)."""
    wanted = values if isinstance(values, list) else [values]
    return [str(label) for value, label in choices if value in wanted]


def _case_context(request: HttpRequest, reference: str, keyring: Any) -> dict[str, Any]:
    """Open the parts the summary shows (her identity and safe contact, what happened, the
    messages); a failure is shown, never hidden. The evidence is opened by its own page.

    Each locker opened, the opening of the case and a supervisor's access to a case not hers are
    each an entry of the audit log, appended together when the page is read.
    """
    user = _user(request)
    with vault.recorded_together(keyring) as audit:
        case = selectors.read_case_for(user, reference, keyring=keyring, audit=audit)
        context: dict[str, Any] = {
            "case": case,
            "problems": [],
            "may_work": selectors.may_act_on(user, case),
            "is_supervisor": user.has_role(Role.SUPERVISOR),
        }
        try:
            identity = selectors.open_identity(case, keyring=keyring)
            incident = selectors.open_incident(case, keyring=keyring)
            context.update(
                identity=identity,
                contact_labels=_labels(ContactMethod.choices, identity.get("contact_methods", [])),
                incident=incident,
                since_labels=_labels(Since.choices, incident.get("since", "")),
                conversation=selectors.open_messages(case, keyring=keyring),
            )
        except VaultError as error:
            context["problems"].append(type(error).__name__)
        audit.append(services.case_opened(case))
    # What she agreed to share, at a glance: one query, nothing sealed.
    given = selectors.consents_given(case)
    context["consented"] = _labels(STAFF_CONSENT_LABELS.items(), [services.consent_key(*row) for row in given])
    if user.has_role(Role.SUPERVISOR) and case.status != Status.CLOSED:
        context["caseworkers"] = _caseworker_options(selectors.caseworker_names_of(user), case.assigned_to_id)
    return context


def _caseworker_options(names: list[tuple[int, str]], chosen: int | None) -> str:
    """The <option>s of the list a supervisor assigns the case from (AssignForm checks the choice
    sent back), the current caseworker chosen. Written here, once: a form's list, or a loop in the
    page, renders a dozen template nodes for each name."""
    chosen_mark = ((pk, " selected" if pk == chosen else "", name) for pk, name in names)
    return format_html_join("", '<option value="{}"{}>{}</option>', chosen_mark)


@never_cache
@require_GET
@require_roles(*CASE_ROLES)
@with_keyring
def case_page(request: HttpRequest, reference: str, *, keyring: Any) -> HttpResponse:
    context = _case_context(request, reference, keyring)
    context.update(message_form=MessageForm())
    return render(request, "cases/case.html", context)


@never_cache
@require_POST
@require_roles(*CASE_ROLES)
@with_keyring
def reply(request: HttpRequest, reference: str, *, keyring: Any) -> HttpResponse:
    case = selectors.get_case_for(_user(request), reference)
    form = MessageForm(request.POST)
    if form.is_valid():
        services.add_message(case=case, body=form.cleaned_data["body"], sender=Sender.STAFF, author=_user(request))
        messages.success(request, _("Your reply was sent. She will see it when she next comes back with her code."))
        return redirect("cases:case", reference=case.reference)
    context = _case_context(request, reference, keyring)
    context.update(message_form=form)
    return render(request, "cases/case.html", context, status=400)


@require_POST
@require_roles(Role.SUPERVISOR)
def assign(request: HttpRequest, reference: str) -> HttpResponse:
    user = _user(request)
    case = selectors.get_case_for(user, reference)
    form = AssignForm(request.POST, caseworkers=selectors.caseworkers_of(user))
    if not form.is_valid():
        messages.error(request, _("Choose a caseworker of your organisation."))
        return redirect("cases:case", reference=case.reference)
    return _apply(
        request,
        case.reference,
        lambda: services.assign_case(case=case, caseworker=form.cleaned_data["caseworker"], by=user),
        _("The case was assigned."),
    )


def _apply(
    request: HttpRequest, reference: str, step: Callable[[], Any], done: str, to: str = "cases:case"
) -> HttpResponse:
    """Take a step; a refused step is explained on the page it came from and changes nothing."""
    try:
        step()
    except services.StepRefused as refused:
        messages.error(request, str(refused.message))
    else:
        messages.success(request, done)
    return redirect(to, reference=reference)


@never_cache
@require_GET
@require_roles(*CASE_ROLES)
@with_keyring
def evidence_download(request: HttpRequest, reference: str, evidence_id: int, *, keyring: Any) -> HttpResponse:
    evidence = selectors.get_evidence_for(_user(request), reference, evidence_id)
    try:
        info, chunks = selectors.open_evidence_file(evidence, keyring=keyring)
    except VaultError:
        messages.error(request, _("This file cannot be opened: its keys are missing or it was changed."))
        return redirect("cases:case", reference=reference)
    # The download enters the file's chain of custody (which also writes the audit log).
    evidence_services.record_download(evidence=evidence, keyring=keyring, by=_user(request))
    # Always a download, never shown inline: a file from outside must not run in our origin.
    response = StreamingHttpResponse(chunks, content_type="application/octet-stream")
    response["Content-Disposition"] = content_disposition_header(True, info.name or f"evidence-{evidence.pk}") or ""
    return response  # type: ignore[return-value]  # streamed, so never held in memory whole


# Case steps ---------------------------------------------------------------------------------


def _step(
    request: HttpRequest,
    reference: str,
    keyring: Any,
    template: str,
    opener: Callable[..., Any],
    forms: dict[str, Any],
    status: int = 200,
) -> HttpResponse:
    """A step's page: the case header, the step's sealed history opened, and its forms when allowed."""
    user = _user(request)
    case = selectors.get_case_for(user, reference)
    context: dict[str, Any] = {
        "case": case,
        "may_work": selectors.may_act_on(user, case),
        "is_supervisor": user.has_role(Role.SUPERVISOR),
        "problems": False,
        "now": timezone.now(),
        "today": timezone.localdate(),
    }
    context["writable"] = context["may_work"] and case.status != Status.CLOSED
    try:
        context["history"] = opener(case, keyring=keyring)
    except VaultError:
        context["history"], context["problems"] = [], True
    context.update(forms)
    return render(request, template, context, status=status)


@dataclass(frozen=True)
class ContactPlanShown:
    current: dict[str, Any]
    methods: list[str]
    history: list[dict[str, Any]]
    hers: list[dict[str, Any]]


def _contact_plan(case: Any, *, keyring: Any) -> ContactPlanShown:
    """Her safe-contact plan in force, every earlier plan with why it changed, and the plans she
    chose herself on the site, the latest first."""
    identity = selectors.open_identity(case, keyring=keyring)
    history = [
        {**entry, "methods": _labels(ContactMethod.choices, entry["previous"].get("contact_methods", []))}
        for entry in reversed(identity.get("contact_plan_history", []))
    ]
    hers = [
        {
            "plan": change.plan,
            "created_at": change.created_at,
            "methods": _labels(ContactMethod.choices, change.plan["contact_methods"]),
        }
        for change in selectors.contact_plan_changes_by_her(case, keyring=keyring)
    ]
    methods = _labels(ContactMethod.choices, identity.get("contact_methods", []))
    return ContactPlanShown(current=identity, methods=methods, history=history, hers=hers)


@never_cache
@require_http_methods(["GET", "POST"])
@require_roles(*CASE_ROLES)
@with_keyring
def contact_plan(request: HttpRequest, reference: str, *, keyring: Any) -> HttpResponse:
    """Change her safe-contact plan with her: the reason and how she asked are kept with the old plan."""
    form = ContactPlanForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        case = selectors.get_case_for(_user(request), reference)
        if form.is_valid():
            data = dict(form.cleaned_data)
            how, reason = data.pop("how"), data.pop("reason")
            return _apply(
                request,
                reference,
                lambda: services.correct_contact_plan(
                    case=case, plan=data, how=how, reason=reason, keyring=keyring, by=_user(request)
                ),
                _("Her safe-contact plan was changed; the earlier one is kept with the reason."),
                "cases:contact_plan",
            )
        return _step(request, reference, keyring, "cases/contact_plan.html", _contact_plan, {"form": form}, 400)
    return _step(request, reference, keyring, "cases/contact_plan.html", _contact_plan, {"form": form})


@dataclass(frozen=True)
class ConsentShown:
    row: Any
    sealed: dict[str, Any]
    given: list[str]


def _consent_history(case: Any, *, keyring: Any) -> list[ConsentShown]:
    """Each change of her choices, newest first: what she agreed to in words, the witness opened."""
    return [
        ConsentShown(
            row=item.row,
            sealed=item.data,
            given=_labels(STAFF_CONSENT_LABELS.items(), item.row.given),
        )
        for item in selectors.open_consent_records(case, keyring=keyring)
    ]


@never_cache
@require_http_methods(["GET", "POST"])
@require_roles(*CASE_ROLES)
@with_keyring
def consent(request: HttpRequest, reference: str, *, keyring: Any) -> HttpResponse:
    """Record the choices she gives in person, by phone or on a signed form; they act as her own
    change on the site would. A form opened before another change is refused, and shown again."""
    case = selectors.get_case_for(_user(request), reference)
    current = [services.consent_key(c.audience, c.scope) for c in case.consents.all() if c.given]
    shown = _labels(STAFF_CONSENT_LABELS.items(), current)
    waiting = services.awaiting_adult(case)
    latest = services.latest_consent_record_id(case)
    if request.method == "POST":
        form = ConsentRecordForm(request.POST, age_band=case.age_band)
        if form.is_valid():
            try:
                services.record_consent(
                    case=case, consent=form.given(), based_on=form.cleaned_data["based_on"], by=_user(request)
                )
            except services.StepRefused as refused:
                # The form keeps what was typed, against the choices in force now (shown on the page).
                data = request.POST.copy()
                data["based_on"] = str(latest)
                form = ConsentRecordForm(data, age_band=case.age_band)
                form.is_valid()
                form.add_error(None, str(refused.message))
            else:
                messages.success(request, _("Her choices were recorded. Referrals now follow them."))
                return redirect("cases:consent", reference=case.reference)
        forms = {"form": form, "current": shown, "waiting": _labels(STAFF_CONSENT_LABELS.items(), waiting)}
        return _step(request, reference, keyring, "cases/consent.html", _consent_history, forms, 400)
    # What waits for an adult's consent is listed above the form, never ticked for the caseworker:
    # it is put in force only by ticking it with the adult's agreement.
    initial = {"consents": current, "based_on": latest}
    form = ConsentRecordForm(initial=initial, age_band=case.age_band)
    forms = {"form": form, "current": shown, "waiting": _labels(STAFF_CONSENT_LABELS.items(), waiting)}
    return _step(request, reference, keyring, "cases/consent.html", _consent_history, forms)


@never_cache
@require_http_methods(["GET", "POST"])
@require_roles(*CASE_ROLES)
@with_keyring
def incident(request: HttpRequest, reference: str, *, keyring: Any) -> HttpResponse:
    """Intake: correct what happened and the extortionist's identifiers (re-sealed and re-indexed)."""
    if request.method == "POST":
        case = selectors.get_case_for(_user(request), reference)
        form = IncidentForm(request.POST)
        if form.is_valid():
            return _apply(
                request,
                reference,
                lambda: services.update_incident(
                    case=case, changes=form.cleaned_data, keyring=keyring, by=_user(request)
                ),
                _("What happened was saved."),
            )
        return _step(request, reference, keyring, "cases/incident.html", selectors.open_incident, {"form": form}, 400)
    case = selectors.get_case_for(_user(request), reference)
    try:
        current = selectors.open_incident(case, keyring=keyring)
        initial = {
            "narrative": current.get("narrative", ""),
            "perpetrator_phones": "\n".join(current.get("perpetrator_phones", [])),
            "perpetrator_accounts": "\n".join(current.get("perpetrator_accounts", [])),
        }
    except VaultError:
        initial = {}
    initial["technology_facilitated"] = case.technology_facilitated
    return _step(
        request,
        reference,
        keyring,
        "cases/incident.html",
        selectors.open_incident,
        {"form": IncidentForm(initial=initial)},
    )


@dataclass(frozen=True)
class AssessmentShown:
    row: Any
    answers: list[tuple[str, str]]
    notes: str
    # When a later assessment took its place; None for the one in force.
    superseded_on: Any = None


def _assessments(case: Any, *, keyring: Any) -> list[AssessmentShown]:
    """Each assessment with its questions and answers in words, newest first; each older one is
    marked as superseded by the one after it, and stays readable."""
    answer_labels = dict(Answer.choices)
    opened = selectors.open_assessments(case, keyring=keyring)
    return [
        AssessmentShown(
            row=item.row,
            answers=[
                (str(label), str(answer_labels.get(str(item.data.get(name, "")), "—")))
                for name, label in RISK_QUESTIONS.items()
            ],
            notes=item.data.get("notes", ""),
            superseded_on=opened[index - 1].row.created_at if index else None,
        )
        for index, item in enumerate(opened)
    ]


@never_cache
@require_http_methods(["GET", "POST"])
@require_roles(*CASE_ROLES)
@with_keyring
def assessment(request: HttpRequest, reference: str, *, keyring: Any) -> HttpResponse:
    form = RiskAssessmentForm(request.POST or None)
    if request.method == "POST":
        case = selectors.get_case_for(_user(request), reference)
        if form.is_valid():
            data = form.cleaned_data

            def assess() -> None:
                assessed = services.record_risk_assessment(
                    case=case, answers=form.answers(), notes=data["notes"], judged=data["judged"], by=_user(request)
                )
                if assessed.risk_level == "high":
                    messages.warning(request, _("High risk: the supervisors were told at once. Act on her safety now."))

            return _apply(request, reference, assess, _("The risk assessment was saved."), "cases:assessment")
        return _step(request, reference, keyring, "cases/assessment.html", _assessments, {"form": form}, 400)
    return _step(request, reference, keyring, "cases/assessment.html", _assessments, {"form": form})


@never_cache
@require_http_methods(["GET", "POST"])
@require_roles(*CASE_ROLES)
@with_keyring
def safeguarding(request: HttpRequest, reference: str, *, keyring: Any) -> HttpResponse:
    """The safeguarding step of a girl's case: best interest, who is involved and why, referrals; and
    a supervisor's decision on mandatory reporting, posted as its own part of the page."""
    reporting = request.POST.get("part") == "reporting"
    if reporting and not _user(request).has_role(Role.SUPERVISOR):
        raise PermissionDenied
    form = SafeguardingForm(request.POST if request.method == "POST" and not reporting else None)
    reporting_form = ReportingDecisionForm(request.POST if reporting else None)
    forms = {"form": form, "reporting_form": reporting_form}
    if request.method == "POST":
        case = selectors.get_case_for(_user(request), reference)
        if reporting and reporting_form.is_valid():
            data = reporting_form.cleaned_data
            return _apply(
                request,
                reference,
                lambda: services.decide_mandatory_reporting(
                    case=case, decision=data["decision"], reason=data["reason"], by=_user(request)
                ),
                _("The decision on mandatory reporting was recorded."),
                "cases:safeguarding",
            )
        if not reporting and form.is_valid():
            decision = services.SafeguardingDecision(**form.cleaned_data)
            return _apply(
                request,
                reference,
                lambda: services.record_safeguarding(case=case, decision=decision, by=_user(request)),
                _("The safeguarding step was recorded."),
                "cases:safeguarding",
            )
        return _step(request, reference, keyring, "cases/safeguarding.html", selectors.open_safeguarding, forms, 400)
    return _step(request, reference, keyring, "cases/safeguarding.html", selectors.open_safeguarding, forms)


@never_cache
@require_http_methods(["GET", "POST"])
@require_roles(*CASE_ROLES)
@with_keyring
def plan(request: HttpRequest, reference: str, *, keyring: Any) -> HttpResponse:
    form = PlanActionForm(request.POST or None)
    forms = {"form": form, "finish_form": FinishActionForm()}
    if request.method == "POST":
        case = selectors.get_case_for(_user(request), reference)
        if form.is_valid():
            data = form.cleaned_data
            return _apply(
                request,
                reference,
                lambda: services.add_plan_action(
                    case=case,
                    kind=data["kind"],
                    consent_how=data["consent_how"],
                    due_on=data["due_on"],
                    details=data["details"],
                    by=_user(request),
                ),
                _("The step was added to her plan."),
                "cases:plan",
            )
        return _step(request, reference, keyring, "cases/plan.html", selectors.open_plan, forms, 400)
    return _step(request, reference, keyring, "cases/plan.html", selectors.open_plan, forms)


def _record_outcome(
    request: HttpRequest,
    reference: str,
    form: Any,
    step: Callable[[dict[str, Any]], Any],
    texts: tuple[str, str],
    to: str,
) -> HttpResponse:
    """Record what came of a planned step or follow-up; an incomplete form is explained, nothing saved."""
    problem, done = texts
    if not form.is_valid():
        messages.error(request, problem)
        return redirect(to, reference=reference)
    return _apply(request, reference, lambda: step(form.cleaned_data), done, to)


@require_POST
@require_roles(*CASE_ROLES)
def finish_action(request: HttpRequest, reference: str, action_id: int) -> HttpResponse:
    action = selectors.get_plan_action_for(_user(request), reference, action_id)
    return _record_outcome(
        request,
        reference,
        FinishActionForm(request.POST),
        lambda data: services.finish_plan_action(
            action=action, status=data["status"], outcome=data["outcome"], by=_user(request)
        ),
        (_("Choose what happened and write the outcome."), _("The step was recorded.")),
        "cases:plan",
    )


@never_cache
@require_http_methods(["GET", "POST"])
@require_roles(*CASE_ROLES)
@with_keyring
def follow_ups(request: HttpRequest, reference: str, *, keyring: Any) -> HttpResponse:
    if request.method == "POST":
        form = FollowUpForm(request.POST)
        case = selectors.get_case_for(_user(request), reference)
        if form.is_valid():
            plan = services.FollowUpPlan(**form.cleaned_data)
            return _apply(
                request,
                reference,
                lambda: services.schedule_follow_up(case=case, plan=plan, by=_user(request)),
                _("The follow-up was scheduled."),
                "cases:follow_ups",
            )
    else:
        form = FollowUpForm(initial=_safe_contact_plan(request, reference, keyring))
    forms = {"form": form, "outcome_form": FollowUpOutcomeForm()}
    status = 400 if form.is_bound else 200
    return _step(request, reference, keyring, "cases/follow_ups.html", selectors.open_follow_ups, forms, status)


def _safe_contact_plan(request: HttpRequest, reference: str, keyring: Any) -> dict[str, Any]:
    """Start a new follow-up from her safe-contact plan, as she gave it in her report."""
    case = selectors.get_case_for(_user(request), reference)
    try:
        identity = selectors.open_identity(case, keyring=keyring)
    except VaultError:
        return {}
    methods = identity.get("contact_methods") or [ContactMethod.SITE_ONLY]
    return {
        "channel": methods[0],
        "safe_times": identity.get("safe_times", ""),
        "if_someone_else_answers": identity.get("if_someone_else_answers", ""),
    }


@require_POST
@require_roles(*CASE_ROLES)
def record_follow_up(request: HttpRequest, reference: str, follow_up_id: int) -> HttpResponse:
    follow_up = selectors.get_follow_up_for(_user(request), reference, follow_up_id)
    return _record_outcome(
        request,
        reference,
        FollowUpOutcomeForm(request.POST),
        lambda data: services.record_follow_up(
            follow_up=follow_up, status=data["status"], outcome=data["outcome"], by=_user(request)
        ),
        (_("Choose whether the contact happened and write what happened."), _("The follow-up was recorded.")),
        "cases:follow_ups",
    )


@dataclass(frozen=True)
class ClosureShown:
    request: Any
    note: dict[str, Any]
    # (what was checked, why the supervisor closed the case without it)
    overrides: list[tuple[str, str]]


def _closure_history(case: Any, *, keyring: Any) -> list[ClosureShown]:
    """Every request to close the case, with her feedback, the decision's note and its overrides, opened."""
    return [
        ClosureShown(
            request=request,
            note=note,
            overrides=[
                (str(selectors.ClosureItem.LABELS.get(code, code)), reason)
                for code, reason in note.get("overrides", {}).items()
            ],
        )
        for request, note in selectors.open_closure_requests(case, keyring=keyring)
    ]


def _closure_page(
    request: HttpRequest,
    reference: str,
    keyring: Any,
    *,
    form: ClosureRequestForm | None = None,
    decision_form: ClosureDecisionForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """The closure step: the checklist as it stands now, the requests so far, and the form each may use.

    A supervisor deciding sees, next to each item still missing, the override and its reason.
    """
    case = selectors.get_case_for(_user(request), reference)
    pending = selectors.pending_closure(case)
    checklist = selectors.closure_checklist(case, pending)
    decision_form = decision_form or ClosureDecisionForm(initial={"request": pending.pk if pending else None})
    forms = {
        "form": form or ClosureRequestForm(),
        "decision_form": decision_form,
        "other_supervisors": selectors.other_supervisors_exist(_user(request)),
        "checklist": checklist,
        "overrides": [
            (item, decision_form[f"override_{item.code}"], decision_form[f"override_reason_{item.code}"])
            for item in checklist
            if not item.done
        ],
    }
    return _step(request, reference, keyring, "cases/closure.html", _closure_history, forms, status)


@never_cache
@require_http_methods(["GET", "POST"])
@require_roles(*CASE_ROLES)
@with_keyring
def closure(request: HttpRequest, reference: str, *, keyring: Any) -> HttpResponse:
    if request.method != "POST":
        return _closure_page(request, reference, keyring)
    case = selectors.get_case_for(_user(request), reference)
    form = ClosureRequestForm(request.POST)
    if not form.is_valid():
        return _closure_page(request, reference, keyring, form=form, status=400)
    data = form.cleaned_data
    return _apply(
        request,
        reference,
        lambda: services.request_closure(
            case=case,
            reason=data["reason"],
            feedback=data["feedback"],
            not_asked_because=data["not_asked_because"],
            by=_user(request),
        ),
        _("Closing was requested. A supervisor will approve it or return it to you."),
        "cases:closure",
    )


@never_cache
@require_POST
@require_roles(Role.SUPERVISOR)
@with_keyring
def decide_closure(request: HttpRequest, reference: str, *, keyring: Any) -> HttpResponse:
    """Approve or return the pending request. A refusal (the checklist, a stale page) shows the page
    again with what the supervisor wrote, so no reason typed is lost."""
    case = selectors.get_case_for(_user(request), reference)
    form = ClosureDecisionForm(request.POST)
    if not form.is_valid():
        return _closure_page(request, reference, keyring, decision_form=form, status=400)
    approve = form.cleaned_data["decision"] == ClosureDecisionForm.APPROVE
    try:
        services.decide_closure(
            case=case,
            approve=approve,
            note=form.cleaned_data["note"],
            by=_user(request),
            overrides=form.overrides(),
            request_id=form.cleaned_data["request"],
        )
    except services.StepRefused as refused:
        messages.error(request, str(refused.message))
        return _closure_page(request, reference, keyring, decision_form=form, status=400)
    messages.success(request, _("The case is closed.") if approve else _("The request was returned to the caseworker."))
    return redirect("cases:closure", reference=reference)


@require_POST
@require_roles(Role.SUPERVISOR)
def reopen(request: HttpRequest, reference: str) -> HttpResponse:
    case = selectors.get_case_for(_user(request), reference)
    return _apply(
        request, reference, lambda: services.reopen_case(case=case, by=_user(request)), _("The case was reopened.")
    )


# Peace teams --------------------------------------------------------------------------------


@require_GET
@require_roles(Role.CPT_MEMBER)
def team_cases(request: HttpRequest) -> HttpResponse:
    cases = selectors.team_cases_for(_user(request)).order_by("-created_at", "-pk")
    return render(request, "cases/team_cases.html", {"page": _page(request, cases)})


def _team_case_page(
    request: HttpRequest, reference: str, keyring: Any, form: HandoverForm, status: int = 200
) -> HttpResponse:
    """While the team holds the case it reads what it recorded; after hand-over only the status."""
    case = selectors.get_team_case_for(_user(request), reference)
    context: dict[str, Any] = {"case": case, "form": form, "problems": False}
    if case.is_held_by_team:
        try:
            context["identity"] = selectors.open_identity(case, keyring=keyring)
            context["incident"] = selectors.open_incident(case, keyring=keyring)
        except VaultError:
            context["problems"] = True
        services.record_case_opened(case=case, by=_user(request))
    return render(request, "cases/team_case.html", context, status=status)


@never_cache
@require_GET
@require_roles(Role.CPT_MEMBER)
@with_keyring
def team_case(request: HttpRequest, reference: str, *, keyring: Any) -> HttpResponse:
    return _team_case_page(request, reference, keyring, HandoverForm())


@never_cache
@require_POST
@require_roles(Role.CPT_MEMBER)
@with_keyring
def hand_over(request: HttpRequest, reference: str, *, keyring: Any) -> HttpResponse:
    case = selectors.get_team_case_for(_user(request), reference)
    form = HandoverForm(request.POST)
    if not form.is_valid():
        return _team_case_page(request, reference, keyring, form, status=400)
    data = form.cleaned_data
    try:
        services.hand_over(
            case=case,
            to_organisation=data["organisation"],
            consent_how=data["consent_how"],
            keyring=keyring,
            by=_user(request),
        )
    except services.StepRefused as refused:
        messages.error(request, str(refused.message))
    except VaultError:
        messages.error(request, _("The case could not be handed over: your team's keys do not open it."))
    else:
        messages.success(request, _("The case was handed over. From now on your team sees only its status."))
    return redirect("cases:team_case", reference=reference)
