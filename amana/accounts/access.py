"""Who may do what: the checks views use before they do anything else."""

from __future__ import annotations

from collections.abc import Callable
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

from amana.accounts.models import Role

ViewFunc = TypeVar("ViewFunc", bound=Callable[..., HttpResponse])


def is_verified_staff(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active and user.is_verified())


def is_system_admin(user: Any) -> bool:
    return is_verified_staff(user) and user.has_role(Role.SYSTEM_ADMIN)


def allows_unverified(view: ViewFunc) -> ViewFunc:
    """Mark a view that a signed-in user may reach before passing the second factor."""
    view.amana_allows_unverified = True  # type: ignore[attr-defined]  # a marker read by middleware
    return view


def allows_temporary_password(view: ViewFunc) -> ViewFunc:
    """Mark a view a member may reach before replacing the temporary password an admin gave them."""
    view.amana_allows_temporary_password = True  # type: ignore[attr-defined]  # a marker read by middleware
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
