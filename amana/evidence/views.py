"""Evidence pages of a case: files and their chain of custody, chat imports, packages, PDQ hashes, alerts."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from amana.accounts.access import require_roles, with_keyring
from amana.accounts.models import Role
from amana.audit.services import record
from amana.cases.selectors import CASE_ROLES

# One way for every case page to get the member's keyring (or send her to sign in again).
from amana.channel.uploads import BoundedMemoryUploadHandler, evidence_upload, too_large_names
from amana.evidence import matching, selectors, services, transcript
from amana.evidence.chat_import import ChatImportError, DatesAmbiguous, WholeAccountExport
from amana.evidence.forms import (
    AddFilesForm,
    ChatExportForm,
    ConfirmIdentifiersForm,
    HerSideForm,
    PackageForm,
    PdqForm,
)
from amana.evidence.models import CustodyAction, EvidenceKind
from amana.evidence.pdq import ImageNotHashable, compute_pdq
from amana.vault import services as vault
from amana.vault.services import VaultError

ALERTS_PAGE_SIZE = 25


class ChatExportUploadHandler(BoundedMemoryUploadHandler):
    limit_setting = "AMANA_CHAT_EXPORT_MAX_BYTES"


chat_upload = partial(evidence_upload, handler=ChatExportUploadHandler)


def _evidence_page(request: HttpRequest, reference: str, keyring: Any, status: int = 200, **forms: Any) -> HttpResponse:
    """The case's evidence: custody records made for files that came through other doors, then listed."""
    case = selectors.get_case_for(request.user, reference)  # type: ignore[arg-type]  # verified staff
    context: dict[str, Any] = {"case": case, "problem": False}
    try:
        services.ensure_items(case=case, keyring=keyring, by=request.user)  # type: ignore[arg-type]
        items = list(selectors.items_of(case))
        context["items"] = selectors.open_items(items, locker=case.evidence_locker, keyring=keyring)
    except VaultError:
        context.update(problem=True, items=[])
    granted = selectors.granted_to_authorities(case)
    context.update(
        timelines=selectors.timelines_of(case),
        packages=selectors.packages_of(case)[:10],
        granted=granted,
        files_form=forms.get("files_form") or AddFilesForm(),
        chat_form=forms.get("chat_form") or ChatExportForm(),
        package_form=forms.get("package_form")
        or PackageForm(granted=granted, referrals=selectors.open_referrals_of(case)),
    )
    return render(request, "evidence/case_evidence.html", context, status=status)


@never_cache
@require_GET
@require_roles(*CASE_ROLES)
@with_keyring
def case_evidence(request: HttpRequest, reference: str, *, keyring: Any) -> HttpResponse:
    return _evidence_page(request, reference, keyring)


@never_cache
@require_POST
@evidence_upload
@require_roles(*CASE_ROLES)
@with_keyring
def add_files(request: HttpRequest, reference: str, *, keyring: Any) -> HttpResponse:
    case = selectors.get_case_for(request.user, reference)  # type: ignore[arg-type]  # verified staff
    form = AddFilesForm(request.POST, request.FILES, too_large=too_large_names(request))
    if not form.is_valid():
        return _evidence_page(request, reference, keyring, status=400, files_form=form)
    items = services.add_files(
        case=case,
        uploads=form.cleaned_data["files"],
        by=request.user,  # type: ignore[arg-type]  # verified staff
        may_be_intimate=form.cleaned_data["may_be_intimate"],
    )
    count = len(items)
    messages.success(
        request, ngettext("%(count)s file was sealed.", "%(count)s files were sealed.", count) % {"count": count}
    )
    return redirect("evidence:case", reference=case.reference)


@never_cache
@require_GET
@require_roles(*CASE_ROLES)
@with_keyring
def item_page(request: HttpRequest, reference: str, item_id: int, *, keyring: Any) -> HttpResponse:
    item = selectors.get_item_for(request.user, reference, item_id)  # type: ignore[arg-type]  # verified staff
    try:
        opened = selectors.open_items([item], locker=item.case.evidence_locker, keyring=keyring)[0]
    except VaultError:
        messages.error(request, _("This file cannot be opened: its keys are missing or it was changed."))
        return redirect("evidence:case", reference=reference)
    services.record_custody(items=[item], action=CustodyAction.VIEWED, by=request.user)  # type: ignore[arg-type]
    context = {"case": item.case, "opened": opened, "custody": selectors.custody_of(item)}
    return render(request, "evidence/item.html", context)


@require_POST
@require_roles(*CASE_ROLES)
def mark_intimate(request: HttpRequest, reference: str, item_id: int) -> HttpResponse:
    """Mark a picture as possibly intimate, or take the mark away; anything else than yes or no changes nothing."""
    item = selectors.get_item_for(request.user, reference, item_id)  # type: ignore[arg-type]  # verified staff
    answer = request.POST.get("may_be_intimate")
    if answer not in ("yes", "no") or item.kind != EvidenceKind.IMAGE:
        messages.error(request, _("Nothing was changed: only a picture can be marked, and the form was not complete."))
        return redirect("evidence:item", reference=reference, item_id=item_id)
    services.set_intimate(item=item, may_be_intimate=answer == "yes", by=request.user)  # type: ignore[arg-type]
    messages.success(request, _("Saved."))
    return redirect("evidence:item", reference=reference, item_id=item_id)


@never_cache
@require_GET
@require_roles(*CASE_ROLES)
@with_keyring
def download(request: HttpRequest, reference: str, item_id: int, *, keyring: Any) -> HttpResponse:
    item = selectors.get_item_for(request.user, reference, item_id)  # type: ignore[arg-type]  # verified staff
    try:
        opened = selectors.open_items([item], locker=item.case.evidence_locker, keyring=keyring)[0]
        chunks = vault.open_file(item.case.evidence_locker, item.file.stored_name, keyring=keyring)
    except VaultError:
        messages.error(request, _("This file cannot be opened: its keys are missing or it was changed."))
        return redirect("evidence:case", reference=reference)
    services.record_custody(items=[item], action=CustodyAction.DOWNLOADED, by=request.user)  # type: ignore[arg-type]
    # Always a download, never shown inline: a file from outside must not run in our origin.
    response = StreamingHttpResponse(chunks, content_type="application/octet-stream")
    response["Content-Disposition"] = content_disposition_header(True, opened.name or f"evidence-{item.pk}") or ""
    return response  # type: ignore[return-value]  # streamed, so never held in memory whole


@never_cache
@require_POST
@chat_upload
@require_roles(*CASE_ROLES)
@with_keyring
def import_chat(request: HttpRequest, reference: str, *, keyring: Any) -> HttpResponse:
    case = selectors.get_case_for(request.user, reference)  # type: ignore[arg-type]  # verified staff
    form = ChatExportForm(request.POST, request.FILES, too_large=too_large_names(request))
    if not form.is_valid():
        return _evidence_page(request, reference, keyring, status=400, chat_form=form)
    upload = form.cleaned_data["export"]
    try:
        timeline = services.import_chat(
            case=case,
            upload=upload,
            by=request.user,  # type: ignore[arg-type]  # verified staff
            export_name=upload.name or "",
            keyring=keyring,
            date_order=form.cleaned_data["date_order"],
            chat=form.cleaned_data["chat"],
            may_be_intimate=form.cleaned_data["may_be_intimate"],
        )
    except ChatImportError as error:
        if isinstance(error, DatesAmbiguous):
            form.ask_date_order(error.examples)
        if isinstance(error, WholeAccountExport) and error.chats:
            form.ask_chat(error.chats)
        form.add_error("export", error.message)
        return _evidence_page(request, reference, keyring, status=400, chat_form=form)
    messages.success(
        request,
        ngettext(
            "The chat was imported: %(count)s entry in the timeline.",
            "The chat was imported: %(count)s entries in the timeline.",
            timeline.message_count,
        )
        % {"count": timeline.message_count},
    )
    return redirect("evidence:timeline", reference=case.reference, timeline_id=timeline.pk)


def _timeline_page(
    request: HttpRequest,
    reference: str,
    timeline_id: int,
    keyring: Any,
    form: Any = None,
    status: int = 200,
    her_form: Any = None,
) -> HttpResponse:
    """The header of the timeline and one page of its messages; only that page is unsealed."""
    timeline = selectors.get_timeline_for(request.user, reference, timeline_id)  # type: ignore[arg-type]
    page = Paginator(range(timeline.message_count), services.TIMELINE_PAGE_SIZE).get_page(request.GET.get("page"))
    try:
        header = services.open_timeline_header(timeline, keyring=keyring)
        entries = services.open_timeline_page(timeline, page.number - 1, keyring=keyring)
    except VaultError:
        messages.error(request, _("This chat cannot be opened: its keys are missing or it was changed."))
        return redirect("evidence:case", reference=reference)
    form = form or ConfirmIdentifiersForm(proposals=header.get("proposals", []))
    her_form = her_form or HerSideForm(
        senders=transcript.senders_of(timeline, keyring=keyring), initial={"senders": header.get("her_senders", [])}
    )
    context = {
        "her_form": her_form,
        "her_side_known": bool(header.get("her_senders")),
        "case": timeline.case,
        "timeline": timeline,
        "page": page,
        "messages_page": services.with_times(entries),
        "problems": header.get("problems", []),
        "proposals": header.get("proposals", []),
        "form": form,
        "proposal_rows": list(zip(form["chosen"], form.proposals.values(), strict=True)),
    }
    return render(request, "evidence/timeline.html", context, status=status)


@never_cache
@require_GET
@require_roles(*CASE_ROLES)
@with_keyring
def timeline_page(request: HttpRequest, reference: str, timeline_id: int, *, keyring: Any) -> HttpResponse:
    return _timeline_page(request, reference, timeline_id, keyring)


@never_cache
@require_POST
@require_roles(*CASE_ROLES)
@with_keyring
def confirm_identifiers(request: HttpRequest, reference: str, timeline_id: int, *, keyring: Any) -> HttpResponse:
    timeline = selectors.get_timeline_for(request.user, reference, timeline_id)  # type: ignore[arg-type]
    try:
        document = services.open_timeline_header(timeline, keyring=keyring)
    except VaultError:
        messages.error(request, _("This chat cannot be opened: its keys are missing or it was changed."))
        return redirect("evidence:case", reference=reference)
    form = ConfirmIdentifiersForm(request.POST, proposals=document.get("proposals", []))
    if not form.is_valid():
        return _timeline_page(request, reference, timeline_id, keyring, form=form, status=400)
    try:
        added = services.confirm_identifiers(
            timeline=timeline,
            chosen=form.identifiers(),
            keyring=keyring,
            by=request.user,  # type: ignore[arg-type]  # verified staff
        )
    except VaultError:
        messages.error(request, _("What happened in this case cannot be opened, so nothing was added."))
        return redirect("evidence:timeline", reference=reference, timeline_id=timeline_id)
    messages.success(
        request,
        ngettext(
            "%(count)s identifier was added to the case.", "%(count)s identifiers were added to the case.", len(added)
        )
        % {"count": len(added)},
    )
    return redirect("evidence:timeline", reference=reference, timeline_id=timeline_id)


@never_cache
@require_POST
@require_roles(*CASE_ROLES)
@with_keyring
def her_side(request: HttpRequest, reference: str, timeline_id: int, *, keyring: Any) -> HttpResponse:
    """The caseworker says which of the chat's senders is her, for the pseudonymised transcript."""
    timeline = selectors.get_timeline_for(request.user, reference, timeline_id)  # type: ignore[arg-type]
    try:
        senders = transcript.senders_of(timeline, keyring=keyring)
    except VaultError:
        messages.error(request, _("This chat cannot be opened: its keys are missing or it was changed."))
        return redirect("evidence:case", reference=reference)
    form = HerSideForm(request.POST, senders=senders)
    if not form.is_valid():
        return _timeline_page(request, reference, timeline_id, keyring, her_form=form, status=400)
    transcript.set_her_side(
        timeline=timeline,
        senders=form.cleaned_data["senders"],
        keyring=keyring,
        by=request.user,  # type: ignore[arg-type]  # verified staff
    )
    messages.success(
        request, _("Saved: her names and numbers will be replaced in the transcript shared with partners.")
    )
    return redirect("evidence:timeline", reference=reference, timeline_id=timeline_id)


@never_cache
@require_POST
@require_roles(*CASE_ROLES)
@with_keyring
def make_package(request: HttpRequest, reference: str, *, keyring: Any) -> HttpResponse:
    case = selectors.get_case_for(request.user, reference)  # type: ignore[arg-type]  # verified staff
    granted = selectors.granted_to_authorities(case)
    form = PackageForm(request.POST, granted=granted, referrals=selectors.open_referrals_of(case))
    if not form.is_valid():
        return _evidence_page(request, reference, keyring, status=400, package_form=form)
    referral = form.cleaned_data["referral_object"]
    try:
        content, package = services.make_package(
            case=case,
            compartments=set(form.cleaned_data["compartments"]) & form.allowed(),
            keyring=keyring,
            by=request.user,  # type: ignore[arg-type]  # verified staff
            referral=referral,
        )
    except VaultError:
        messages.error(request, _("A sealed part of this case cannot be opened, so no package was made."))
        return redirect("evidence:case", reference=reference)
    response = HttpResponse(content, content_type="application/zip")
    name = f"evidence-{referral.reference if referral else case.reference}-{package.made_at:%Y%m%d-%H%M%S}.zip"
    response["Content-Disposition"] = content_disposition_header(True, name) or ""
    return response


@never_cache
@require_http_methods(["GET", "POST"])
@evidence_upload
@require_roles(*CASE_ROLES)
@with_keyring
def pdq(request: HttpRequest, reference: str, *, keyring: Any) -> HttpResponse:
    """Compute an image's PDQ hash; the image is kept (sealed in the case) only when she chooses."""
    case = selectors.get_case_for(request.user, reference)  # type: ignore[arg-type]  # verified staff
    context: dict[str, Any] = {"case": case, "form": PdqForm(), "result": None}
    if request.method == "POST":
        form = PdqForm(request.POST, request.FILES, too_large=too_large_names(request))
        context["form"] = form
        if not form.is_valid():
            return render(request, "evidence/pdq.html", context, status=400)
        image = form.cleaned_data["image"]
        image.seek(0)
        try:
            context["result"] = compute_pdq(image.read())
        except ImageNotHashable as error:
            form.add_error("image", error.message)
            return render(request, "evidence/pdq.html", context, status=400)
        record(actor=request.user, action="evidence.pdq_computed", target=case)
        if form.cleaned_data["keep"]:
            services.add_files(case=case, uploads=[image], by=request.user)  # type: ignore[arg-type]
            context["kept"] = True
        context["form"] = PdqForm()
    return render(request, "evidence/pdq.html", context)


@never_cache
@require_GET
@require_roles(Role.SUPERVISOR)
def alerts(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.alerts_for(request.user), ALERTS_PAGE_SIZE).get_page(request.GET.get("page"))  # type: ignore[arg-type]
    return render(request, "evidence/alerts.html", {"page": page, "rows": selectors.alert_rows(page.object_list)})


@require_POST
@require_roles(Role.SUPERVISOR)
def alerts_read(request: HttpRequest) -> HttpResponse:
    selectors.alerts_for(request.user)  # type: ignore[arg-type]  # refuses anyone without an organisation
    matching.mark_alerts_read(user=request.user)  # type: ignore[arg-type]  # verified staff
    return redirect("evidence:alerts")
