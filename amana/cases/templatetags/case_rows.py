"""The rows of a list of cases (the queue, search, caseloads) and a case's flags, built in Python.

A row written by the template engine renders some forty nodes; joining escaped strings here costs a
fraction of that, so a page of the queue costs little more than the page around it. Every piece of
text is escaped before it is joined, so the whole may be marked safe.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from amana.cases.models import Case
from amana.cases.selectors import person_name

register = template.Library()


def _flags(case: Case) -> str:
    return "".join(
        f'<li class="flag{" flag--" + mark if mark else ""}">{escape(label)}</li>' for mark, label in case.attention
    )


@register.filter
def case_flags(case: Case) -> SafeString:
    """What needs attention on this case, as the items of its list of flags."""
    return mark_safe(_flags(case))  # noqa: S308  # built only from escaped text, see the module's docstring


@register.filter
def case_rows(cases: Iterable[Case]) -> SafeString:
    """The table rows of these cases: reference (a link), received, status, caseworker, flags."""
    reference, received, status, caseworker, attention, not_assigned = (
        escape(_(text)) for text in ("Reference", "Received", "Status", "Caseworker", "Attention", "Not assigned")
    )

    def row(case: Case) -> str:
        risk = (
            f"<br><small>{escape(_('Risk: %(level)s') % {'level': case.get_risk_level_display()})}</small>"
            if case.risk_level
            else ""
        )
        worker = case.assigned_to
        name = escape(person_name(worker.first_name, worker.last_name, worker.username)) if worker else not_assigned
        url = escape(reverse("cases:case", args=[case.reference]))
        at = escape(date_format(timezone.localtime(case.created_at), "SHORT_DATETIME_FORMAT"))
        overdue = ' class="is-overdue"' if getattr(case, "overdue", False) else ""
        return (
            f"<tr{overdue}>"
            f'<td data-label="{reference}"><a class="code" href="{url}">{escape(case.reference)}</a></td>'
            f'<td data-label="{received}">{at}<br><small>{escape(case.get_channel_display())}</small></td>'
            f'<td data-label="{status}">{escape(case.get_status_display())}{risk}</td>'
            f'<td data-label="{caseworker}">{name}</td>'
            f'<td data-label="{attention}"><ul class="flags">{_flags(case)}</ul></td></tr>'
        )

    return mark_safe("\n".join(row(case) for case in cases))  # noqa: S308  # built only from escaped text
