"""Her request to delete her report, from her follow-up page (the survivor channel's pages and rules)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from amana.channel.survivor_session import FollowUp
from amana.channel.views import _follow_up_only, survivor_page
from amana.retention import services
from amana.retention.models import DeletionRequest


@require_http_methods(["GET", "POST"])
@survivor_page
@_follow_up_only
def follow_up_delete(request: HttpRequest, visit: FollowUp, access: Any) -> HttpResponse:
    """What deleting means, and a button to ask. Under the duress code the page is the same and a
    request is dropped (the follow-up pages never change anything under it)."""
    if request.method == "POST":
        if not visit.duress:  # under the second code nothing is changed, the answer is the same
            services.request_deletion(case=access.case)
        messages.success(
            request,
            _(
                "Your request was sent. Once a supervisor confirms it, your report is deleted and your code "
                "stops working."
            ),
        )
        return redirect("channel:follow_up")
    requested = not visit.duress and DeletionRequest.objects.filter(case_id=access.case_id).exists()
    return render(request, "retention/follow_up_delete.html", {"requested": requested})
