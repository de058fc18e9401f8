from __future__ import annotations

from typing import Any

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from amana.accounts import services
from amana.accounts.access import allows_temporary_password, allows_unverified, require_roles
from amana.accounts.forms import CodeForm, LoginForm, PasswordChangeForm
from amana.accounts.middleware import EPOCH
from amana.vault import services as vault

LOCKED_MESSAGE = gettext_lazy("Too many failed attempts. This account is locked for a while; try again later.")


def _safe_next(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return ""


def _after_password(user: Any, next_url: str) -> HttpResponse:
    has_device = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    target = "accounts:verify" if has_device else "accounts:enrol"
    response = redirect(target)
    if next_url:
        response["Location"] += f"?next={next_url}"
    return response


@sensitive_post_parameters("password")
@never_cache
@require_http_methods(["GET", "POST"])
@allows_unverified
def login_view(request: HttpRequest) -> HttpResponse:
    """Step one of two: user name and password. The second factor follows before any staff page."""
    form = LoginForm(request.POST or None)
    next_url = _safe_next(request)
    if request.method == "POST" and form.is_valid():
        name = form.cleaned_data["username"]
        if not services.login_allowed(name):
            form.add_error(None, LOCKED_MESSAGE)
        else:
            user = authenticate(request, username=name, password=form.cleaned_data["password"])
            if user is None:
                locked = services.note_login_failure(name)
                form.add_error(None, LOCKED_MESSAGE if locked else _("The user name or password is not right."))
            else:
                login(request, user)
                request.session[EPOCH] = user.session_epoch
                response = _after_password(user, next_url)
                vault.unlock_at_login(request, response, user=user, password=form.cleaned_data["password"])
                return response
    return render(request, "accounts/login.html", {"form": form, "next": next_url}, status=400 if form.errors else 200)


def _unconfirmed_device(user: Any) -> TOTPDevice:
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)


def _qr_svg(uri: str) -> str:
    # segno writes plain SVG with attributes only, which the strict CSP allows inline.
    return segno.make(uri, error="m").svg_inline(scale=4, dark="#000", light="#fff")


def _code_matches(request: HttpRequest, device: TOTPDevice, code: str) -> bool:
    """Check a code against the device's own throttle and the account lockout."""
    name = request.user.get_username()
    allowed, _details = device.verify_is_allowed()
    if not allowed or not services.login_allowed(name):
        return False
    if device.verify_token(code):
        services.clear_login_failures(name)
        return True
    services.note_login_failure(name)
    return False


@sensitive_post_parameters("code")
@never_cache
@login_required
@require_http_methods(["GET", "POST"])
@allows_unverified
def enrol_view(request: HttpRequest) -> HttpResponse:
    """Set up the authenticator app: scan the code (or type the key), then prove it with a code."""
    if TOTPDevice.objects.filter(user=request.user, confirmed=True).exists() and not request.user.is_verified():  # type: ignore[union-attr]
        return redirect("accounts:verify")
    device = _unconfirmed_device(request.user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if _code_matches(request, device, form.cleaned_data["code"]):
            services.confirm_totp_device(user=request.user, device=device)  # type: ignore[arg-type]
            otp_login(request, device)
            services.record_login(user=request.user)  # type: ignore[arg-type]
            messages.success(
                request, _("Your authenticator app is set up. You will need a code from it at each sign-in.")
            )
            return redirect(_safe_next(request) or settings.LOGIN_REDIRECT_URL)
        form.add_error("code", _("That code is not right or has expired. Wait for a new code and try again."))
    context = {
        "form": form,
        "qr_svg": mark_safe(_qr_svg(device.config_url)),  # noqa: S308  # SVG made by segno from our own URI
        "secret_base32": _base32(device.bin_key),
        "next": _safe_next(request),
    }
    return render(request, "accounts/enrol.html", context, status=400 if form.errors else 200)


def _base32(key: bytes) -> str:
    from base64 import b32encode

    text = b32encode(key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


@sensitive_post_parameters("code")
@never_cache
@login_required
@require_http_methods(["GET", "POST"])
@allows_unverified
def verify_view(request: HttpRequest) -> HttpResponse:
    """Step two of two: the code from the authenticator app."""
    device = TOTPDevice.objects.filter(user=request.user, confirmed=True).first()
    if device is None:
        return redirect("accounts:enrol")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if _code_matches(request, device, form.cleaned_data["code"]):
            otp_login(request, device)
            services.record_login(user=request.user)  # type: ignore[arg-type]
            return redirect(_safe_next(request) or settings.LOGIN_REDIRECT_URL)
        if not services.login_allowed(request.user.get_username()):
            logout(request)
            messages.error(request, LOCKED_MESSAGE)
            return redirect("accounts:login")
        form.add_error("code", _("That code is not right or has expired. Wait for a new code and try again."))
    return render(
        request, "accounts/verify.html", {"form": form, "next": _safe_next(request)}, status=400 if form.errors else 200
    )


@require_POST
@allows_unverified
@allows_temporary_password
def logout_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        services.record_logout(user=request.user)
    logout(request)
    messages.info(request, _("You are signed out."))
    response = redirect("accounts:login")
    vault.forget(response)
    return response


@require_POST
@require_roles()
@allows_temporary_password
def logout_everywhere_view(request: HttpRequest) -> HttpResponse:
    services.log_out_everywhere(user=request.user)  # type: ignore[arg-type]
    logout(request)
    messages.info(request, _("You are signed out on every device."))
    response = redirect("accounts:login")
    vault.forget(response)
    return response


@sensitive_post_parameters("current_password", "new_password", "new_password_again")
@never_cache
@require_http_methods(["GET", "POST"])
@require_roles()
@allows_temporary_password
def account_view(request: HttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        services.change_password(
            user=request.user,  # type: ignore[arg-type]
            current_password=form.cleaned_data["current_password"],
            new_password=form.cleaned_data["new_password"],
        )
        update_session_auth_hash(request, request.user)  # type: ignore[arg-type]
        messages.success(request, _("Your password was changed. Other devices were signed out."))
        return redirect("accounts:account")
    return render(request, "accounts/account.html", {"form": form}, status=400 if form.errors else 200)
