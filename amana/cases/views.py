from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth import logout
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from amana.accounts.access import require_roles
from amana.cases import selectors, services
from amana.cases.forms import MessageForm, StatusForm
from amana.cases.models import ContactMethod, Sender, Since
from amana.vault import services as vault
from amana.vault.services import Locked, VaultError

QUEUE_PAGE_SIZE = 25


def _with_keyring(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Hand the view the signed-in member's keyring; a locked keyring means signing in again."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            keyring = vault.keyring_for(request)
        except Locked:
            logout(request)
            messages.info(request, _("Your keys are locked. Please sign in again to open cases."))
            return redirect("accounts:login")
        return view(request, *args, keyring=keyring, **kwargs)

    return wrapped


@require_GET
@require_roles(*selectors.CASE_ROLES)
def queue(request: HttpRequest) -> HttpResponse:
    cases = selectors.cases_for(request.user).urgent_first()  # type: ignore[arg-type]  # verified staff
    page = Paginator(cases, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "cases/queue.html", {"page": page})


def _labels(choices: Any, values: Any) -> list[str]:
    """The labels of the chosen values, in the order of the choices (a single value or a list)."""
    wanted = values if isinstance(values, list) else [values]
    return [str(label) for value, label in choices if value in wanted]


def _case_context(request: HttpRequest, reference: str, keyring: Any) -> dict[str, Any]:
    """Open every compartment the caseworker's keyring holds; a failure is shown, never hidden."""
    case = selectors.get_case_for(request.user, reference)  # type: ignore[arg-type]  # verified staff
    context: dict[str, Any] = {"case": case, "problems": []}
    try:
        identity = selectors.open_identity(case, keyring=keyring)
        incident = selectors.open_incident(case, keyring=keyring)
        context.update(
            identity=identity,
            contact_labels=_labels(ContactMethod.choices, identity.get("contact_methods", [])),
            incident=incident,
            since_labels=_labels(Since.choices, incident.get("since", "")),
            evidence=selectors.open_evidence_list(case, keyring=keyring),
            conversation=selectors.open_messages(case, keyring=keyring),
        )
    except VaultError as error:
        context["problems"].append(type(error).__name__)
    services.record_case_opened(case=case, by=request.user)  # type: ignore[arg-type]  # verified staff
    context["consents"] = case.consents.order_by("audience", "scope")
    return context


@never_cache
@require_GET
@require_roles(*selectors.CASE_ROLES)
@_with_keyring
def case_page(request: HttpRequest, reference: str, *, keyring: Any) -> HttpResponse:
    context = _case_context(request, reference, keyring)
    context.update(message_form=MessageForm(), status_form=StatusForm(initial={"status": context["case"].status}))
    return render(request, "cases/case.html", context)


@never_cache
@require_POST
@require_roles(*selectors.CASE_ROLES)
@_with_keyring
def reply(request: HttpRequest, reference: str, *, keyring: Any) -> HttpResponse:
    case = selectors.get_case_for(request.user, reference)  # type: ignore[arg-type]  # verified staff
    form = MessageForm(request.POST)
    if form.is_valid():
        services.add_message(case=case, body=form.cleaned_data["body"], sender=Sender.STAFF, author=request.user)  # type: ignore[arg-type]
        messages.success(request, _("Your reply was sent. She will see it when she next comes back with her code."))
        return redirect("cases:case", reference=case.reference)
    context = _case_context(request, reference, keyring)
    context.update(message_form=form, status_form=StatusForm(initial={"status": case.status}))
    return render(request, "cases/case.html", context, status=400)


@require_POST
@require_roles(*selectors.CASE_ROLES)
def change_status(request: HttpRequest, reference: str) -> HttpResponse:
    case = selectors.get_case_for(request.user, reference)  # type: ignore[arg-type]  # verified staff
    form = StatusForm(request.POST)
    if form.is_valid():
        services.set_status(case=case, status=form.cleaned_data["status"], by=request.user)  # type: ignore[arg-type]
        messages.success(request, _("The status was changed."))
    else:
        messages.error(request, _("Choose one of the statuses."))
    return redirect("cases:case", reference=case.reference)


@never_cache
@require_GET
@require_roles(*selectors.CASE_ROLES)
@_with_keyring
def evidence_download(request: HttpRequest, reference: str, evidence_id: int, *, keyring: Any) -> HttpResponse:
    evidence = selectors.get_evidence_for(request.user, reference, evidence_id)  # type: ignore[arg-type]
    try:
        info, chunks = selectors.open_evidence_file(evidence, keyring=keyring)
    except VaultError:
        messages.error(request, _("This file cannot be opened: its keys are missing or it was changed."))
        return redirect("cases:case", reference=reference)
    services.record_evidence_downloaded(evidence=evidence, by=request.user)  # type: ignore[arg-type]
    # Always a download, never shown inline: a file from outside must not run in our origin.
    response = StreamingHttpResponse(chunks, content_type="application/octet-stream")
    response["Content-Disposition"] = content_disposition_header(True, info.name or f"evidence-{evidence.pk}") or ""
    return response  # type: ignore[return-value]  # streamed, so never held in memory whole
