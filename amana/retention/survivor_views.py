"""Her request to delete her report, from her follow-up page (the survivor channel's pages and rules)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from amana.channel.survivor_session import FollowUp, keep_deletion_request_under_duress
from amana.channel.views import _follow_up_only, survivor_page
from amana.retention import services
from amana.retention.models import DeletionRequest


@require_http_methods(["GET", "POST"])
@survivor_page
@_follow_up_only
def follow_up_delete(request: HttpRequest, visit: FollowUp, access: Any) -> HttpResponse:
    """What deleting means, and a button to ask. Under the duress code the pages are the same, the
    request shown as made for the rest of the visit; nothing is deleted, and her caseworker sees
    that it was asked under the duress code."""
    if request.method == "POST":
        if visit.duress:
            services.deletion_requested_under_duress(case=access.case)
            keep_deletion_request_under_duress(request.session)
        else:
            services.request_deletion(case=access.case)
        messages.success(
            request,
            _(
                "Your request was sent. Once a supervisor confirms it, your report is deleted and your code "
                "stops working."
            ),
        )
        return redirect("channel:follow_up")
    if visit.duress:
        requested = visit.deletion_requested
    else:
        requested = DeletionRequest.objects.filter(case_id=access.case_id).exists()
    return render(request, "retention/follow_up_delete.html", {"requested": requested})
