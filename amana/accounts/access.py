"""Who may do what: the checks views use before they do anything else."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from amana.accounts.models import Role
from amana.cases import menu as cases_menu
from amana.channel import menu as channel_menu
from amana.community import menu as community_menu
from amana.directory import menu as directory_menu
from amana.evidence import menu as evidence_menu
from amana.insights import labels as insights_labels
from amana.operations import menu as operations_menu
from amana.referrals import menu as referrals_menu
from amana.retention import menu as retention_menu

ViewFunc = TypeVar("ViewFunc", bound=Callable[..., HttpResponse])


def is_verified_staff(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active and user.is_verified())


def is_system_admin(user: Any) -> bool:
    return is_verified_staff(user) and user.has_role(Role.SYSTEM_ADMIN)


def allows_unverified(view: ViewFunc) -> ViewFunc:
    """Mark a view that a signed-in user may reach before passing the second factor."""
    view.amana_allows_unverified = True  # type: ignore[attr-defined]  # a marker read by middleware
    return view


def require_roles(*roles: str) -> Callable[[ViewFunc], ViewFunc]:
    """Sign-in, the second factor and (when roles are named) one of those roles; else 403."""

    def decorator(view: ViewFunc) -> ViewFunc:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_verified():  # type: ignore[union-attr]  # OTPMiddleware adds it
                return redirect(f"{reverse('accounts:verify')}?next={request.path}")
            if roles and not request.user.has_role(*roles):  # type: ignore[union-attr]  # our User
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return login_required(wrapped)  # type: ignore[return-value]  # keeps the view's signature

    return decorator


def with_keyring(view: ViewFunc) -> ViewFunc:
    """Hand the view the signed-in member's keyring; a locked keyring means signing in again."""
    from amana.vault import services as vault  # the vault's models depend on this app's

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            keyring = vault.keyring_for(request)
        except vault.Locked:
            logout(request)
            messages.info(request, gettext("Your keys are locked. Please sign in again to open cases."))
            return redirect("accounts:login")
        return view(request, *args, keyring=keyring, **kwargs)

    return wrapped  # type: ignore[return-value]  # keeps the view's signature


def role_labels(user: Any) -> list[Promise | str]:
    return [label for value, label in Role.choices if value in user.roles]


@dataclass(frozen=True)
class Section:
    """A part of amana shown on the staff home page and in the menu."""

    url_name: str
    title: Promise
    description: Promise
    roles: frozenset[str]


# Each app adds its own sections here, in the order the menu shows them.
SECTIONS: list[Section] = [
    Section(
        url_name="audit:log",
        title=_("Audit log"),
        description=_("Who read or changed what, and when. Entries never hold case content."),
        roles=frozenset({Role.SUPERVISOR, Role.ORG_ADMIN, Role.SYSTEM_ADMIN}),
    ),
    Section(
        url_name="accounts:organisations",
        title=_("Organisations and members"),
        description=_("Add members, reset forgotten passwords and lost authenticators, remove people who left."),
        roles=frozenset({Role.ORG_ADMIN, Role.SYSTEM_ADMIN}),
    ),
    Section(
        url_name="admin:index",
        title=_("System administration"),
        description=_("Organisations, staff members and settings."),
        roles=frozenset({Role.SYSTEM_ADMIN}),
    ),
    Section(
        url_name="cases:queue",
        title=cases_menu.QUEUE_TITLE,
        description=cases_menu.QUEUE_DESCRIPTION,
        roles=frozenset({Role.CASEWORKER, Role.SUPERVISOR}),
    ),
    Section(
        url_name="intake:new",
        title=channel_menu.INTAKE_TITLE,
        description=channel_menu.INTAKE_DESCRIPTION,
        roles=frozenset({Role.CASEWORKER, Role.SUPERVISOR, Role.CPT_MEMBER}),
    ),
    Section(
        url_name="cases:notifications",
        title=cases_menu.NOTIFICATIONS_TITLE,
        description=cases_menu.NOTIFICATIONS_DESCRIPTION,
        roles=frozenset({Role.CASEWORKER, Role.SUPERVISOR}),
    ),
    Section(
        url_name="cases:team_cases",
        title=cases_menu.TEAM_CASES_TITLE,
        description=cases_menu.TEAM_CASES_DESCRIPTION,
        roles=frozenset({Role.CPT_MEMBER}),
    ),
    Section(
        url_name="community:overview",
        title=community_menu.PROGRAMME_TITLE,
        description=community_menu.PROGRAMME_DESCRIPTION,
        roles=frozenset({Role.ME_OFFICER, Role.CPT_MEMBER}),
    ),
    Section(
        url_name="community:teams",
        title=community_menu.TEAM_TITLE,
        description=community_menu.TEAM_DESCRIPTION,
        roles=frozenset({Role.CPT_MEMBER}),
    ),
    Section(
        url_name="community:visits",
        title=community_menu.VISITS_TITLE,
        description=community_menu.VISITS_DESCRIPTION,
        roles=frozenset({Role.CASEWORKER, Role.SUPERVISOR, Role.CPT_MEMBER}),
    ),
    Section(
        url_name="referrals:list",
        title=referrals_menu.NGO_TITLE,
        description=referrals_menu.NGO_DESCRIPTION,
        roles=frozenset({Role.CASEWORKER, Role.SUPERVISOR}),
    ),
    Section(
        url_name="referrals:portal",
        title=referrals_menu.PORTAL_TITLE,
        description=referrals_menu.PORTAL_DESCRIPTION,
        roles=frozenset({Role.LIAISON, Role.PROVIDER_STAFF}),
    ),
    Section(
        url_name="directory:list",
        title=directory_menu.DIRECTORY_TITLE,
        description=directory_menu.DIRECTORY_DESCRIPTION,
        roles=frozenset(Role.values),
    ),
    Section(
        url_name="evidence:alerts",
        title=evidence_menu.ALERTS_TITLE,
        description=evidence_menu.ALERTS_DESCRIPTION,
        roles=frozenset({Role.SUPERVISOR}),
    ),
    Section(
        url_name="insights:dashboard",
        title=insights_labels.INSIGHTS_TITLE,
        description=insights_labels.INSIGHTS_DESCRIPTION,
        roles=frozenset({Role.ME_OFFICER, Role.SUPERVISOR}),
    ),
    Section(
        url_name="retention:overview",
        title=retention_menu.RETENTION_TITLE,
        description=retention_menu.RETENTION_DESCRIPTION,
        roles=frozenset({Role.SUPERVISOR, Role.ORG_ADMIN}),
    ),
    Section(
        url_name="operations:jobs",
        title=operations_menu.JOBS_TITLE,
        description=operations_menu.JOBS_DESCRIPTION,
        roles=frozenset({Role.SYSTEM_ADMIN}),
    ),
]


@dataclass(frozen=True)
class VisibleSection:
    url: str
    title: Promise
    description: Promise


def staff_sections(user: Any) -> list[VisibleSection]:
    return [
        VisibleSection(url=reverse(section.url_name), title=section.title, description=section.description)
        for section in SECTIONS
        if user.has_role(*section.roles)
    ]
