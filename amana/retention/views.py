"""Retention for staff: the period (organisation admins), holds and her deletion requests (supervisors)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from amana.accounts.access import require_roles
from amana.accounts.models import Role
from amana.cases.selectors import get_case_for
from amana.retention import selectors, services
from amana.retention.forms import HoldForm, RetentionForm

PAGE_SIZE = 50


def _page_context(request: HttpRequest, **forms: Any) -> dict[str, Any]:
    user: Any = request.user
    months = services.retention_months(user.organisation) if user.organisation else None
    return {
        "months": months,
        "can_set": user.has_role(Role.ORG_ADMIN),
        "can_decide": user.has_role(Role.SUPERVISOR),
        "retention_form": forms.get("retention_form") or RetentionForm(initial={"months": months}),
        "hold_form": forms.get("hold_form") or HoldForm(),
        "requests": Paginator(selectors.deletion_requests_for(user), PAGE_SIZE).get_page(request.GET.get("page")),
        "holds": selectors.holds_for(user)[:PAGE_SIZE],
    }


@require_GET
@require_roles(Role.SUPERVISOR, Role.ORG_ADMIN)
def overview(request: HttpRequest) -> HttpResponse:
    return render(request, "retention/overview.html", _page_context(request))


@require_POST
@require_roles(Role.ORG_ADMIN)
def set_period(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    form = RetentionForm(request.POST)
    if not form.is_valid() or user.organisation is None:
        return render(request, "retention/overview.html", _page_context(request, retention_form=form), status=400)
    services.set_retention(organisation=user.organisation, months=form.cleaned_data["months"], by=user)
    messages.success(request, _("The retention period was saved."))
    return redirect("retention:overview")


@require_POST
@require_roles(Role.SUPERVISOR)
def place_hold(request: HttpRequest) -> HttpResponse:
    form = HoldForm(request.POST)
    if not form.is_valid():
        return render(request, "retention/overview.html", _page_context(request, hold_form=form), status=400)
    case = get_case_for(request.user, form.cleaned_data["reference"].strip().upper())  # type: ignore[arg-type]
    services.place_hold(case=case, by=request.user)  # type: ignore[arg-type]  # a signed-in member
    messages.success(request, _("Case %(reference)s is on legal hold.") % {"reference": case.reference})
    return redirect("retention:overview")


@require_POST
@require_roles(Role.SUPERVISOR)
def lift_hold(request: HttpRequest, reference: str) -> HttpResponse:
    case = get_case_for(request.user, reference)  # type: ignore[arg-type]  # a signed-in member
    services.lift_hold(case=case, by=request.user)  # type: ignore[arg-type]
    messages.success(request, _("The legal hold on case %(reference)s was lifted.") % {"reference": reference})
    return redirect("retention:overview")


@require_POST
@require_roles(Role.SUPERVISOR)
def confirm_deletion(request: HttpRequest, reference: str) -> HttpResponse:
    case = get_case_for(request.user, reference)  # type: ignore[arg-type]  # a signed-in member
    try:
        services.confirm_deletion(case=case, by=request.user)  # type: ignore[arg-type]
    except services.RetentionRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, _("Case %(reference)s was deleted for good.") % {"reference": reference})
    return redirect("retention:overview")
