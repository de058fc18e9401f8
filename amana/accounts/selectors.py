"""Reads of organisations and members, filtered by who asks."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.http import Http404
from django_otp.plugins.otp_totp.models import TOTPDevice

from amana.accounts.models import KeyRequest, Organisation, Role, RoleAssignment, User
from amana.vault.models import MemberKey


def organisations_managed_by(user: User) -> QuerySet[Organisation]:
    """System admins manage every organisation; an organisation admin only their own."""
    if user.has_role(Role.SYSTEM_ADMIN):
        return Organisation.objects.all()
    if user.has_role(Role.ORG_ADMIN) and user.organisation_id is not None:
        return Organisation.objects.filter(pk=user.organisation_id)
    return Organisation.objects.none()


def get_organisation_for(user: User, organisation_id: int) -> Organisation:
    organisation = organisations_managed_by(user).filter(pk=organisation_id).first()
    if organisation is None:
        raise Http404
    return organisation


def members_of(organisation: Organisation) -> QuerySet[User]:
    """Members with their roles, whether they hold the organisation's key and have a second factor."""
    return (
        User.objects.filter(organisation=organisation)
        .prefetch_related(Prefetch("role_assignments", queryset=RoleAssignment.objects.order_by("role")))
        .annotate(
            holds_key=Exists(MemberKey.objects.filter(organisation=organisation, user=OuterRef("pk"))),
            has_second_factor=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)),
        )
        .order_by("-is_active", "username")
    )


def get_member_for(user: User, organisation_id: int, member_id: int) -> User:
    organisation = get_organisation_for(user, organisation_id)
    member = members_of(organisation).filter(pk=member_id).first()
    if member is None:
        raise Http404
    return member


def key_requests_for(user: User) -> QuerySet[KeyRequest]:
    """The members of the user's organisation waiting for the case key; only approvers ask."""
    from amana.accounts.services import may_approve_keys

    if not may_approve_keys(user):
        raise PermissionDenied
    return (
        KeyRequest.objects.filter(organisation=user.organisation_id, approved_at__isnull=True)
        .select_related("member", "proposed_by")
        .prefetch_related(Prefetch("member__role_assignments", queryset=RoleAssignment.objects.order_by("role")))
    )


def get_key_request_for(user: User, request_id: int) -> KeyRequest:
    """One key request of the user's organisation, open or decided (a replay is explained, not hidden)."""
    from amana.accounts.services import may_approve_keys

    if not may_approve_keys(user):
        raise PermissionDenied
    request = KeyRequest.objects.filter(organisation=user.organisation_id, pk=request_id).first()
    if request is None:
        raise Http404
    return request
