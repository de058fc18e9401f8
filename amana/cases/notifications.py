"""In-app notices to staff about a case: here, below the services of cases and referrals, so that
both can tell people without importing each other."""

from __future__ import annotations

from collections.abc import Iterable

from amana.accounts.models import Role, User
from amana.cases.models import Case, Notification


def supervisors_of(organisation_id: int) -> list[User]:
    return list(
        User.objects.filter(
            organisation_id=organisation_id, is_active=True, role_assignments__role=Role.SUPERVISOR
        ).distinct()
    )


def notify(*, recipients: Iterable[User], case: Case, kind: str, about: str = "", url: str = "") -> None:
    """One unread notice per recipient. `about` is a pseudonymous reference and `url` the page to
    open: neither may carry a name or anything sealed."""
    Notification.objects.bulk_create(
        [
            Notification(recipient=user, case=case, kind=kind, about=about, url=url)
            for user in {user.pk: user for user in recipients}.values()
        ]
    )


def notify_supervisors(*, case: Case, kind: str) -> None:
    """Tell the organisation's supervisors (and the case's caseworker) at once, in the app."""
    recipients = supervisors_of(case.organisation_id)
    if case.assigned_to is not None and case.assigned_to.is_active:
        recipients.append(case.assigned_to)
    notify(recipients=recipients, case=case, kind=kind)


def notify_caseworker(*, case: Case, kind: str, about: str = "", url: str = "") -> None:
    """Tell the case's caseworker; a case nobody is assigned to tells its supervisors instead, so
    that no step goes unseen."""
    assigned = case.assigned_to
    recipients = [assigned] if assigned is not None and assigned.is_active else supervisors_of(case.organisation_id)
    notify(recipients=recipients, case=case, kind=kind, about=about, url=url)
