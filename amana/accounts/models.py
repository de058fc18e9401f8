from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationKind(models.TextChoices):
    NGO = "ngo", _("Protection NGO")
    CPT = "cpt", _("Community Peace Team")
    POLICE = "police", _("Community Police")
    NATIONAL_SECURITY = "national_security", _("National Security")
    SERVICE_PROVIDER = "service_provider", _("Service provider")


class Role(models.TextChoices):
    CASEWORKER = "caseworker", _("Caseworker")
    SUPERVISOR = "supervisor", _("Supervisor")
    CPT_MEMBER = "cpt_member", _("Community Peace Team member")
    LIAISON = "liaison", _("Duty-bearer liaison")
    PROVIDER_STAFF = "provider_staff", _("Service-provider staff")
    ME_OFFICER = "me_officer", _("Programme / M&E officer")
    ORG_ADMIN = "org_admin", _("Organisation admin")
    SYSTEM_ADMIN = "system_admin", _("System admin")


# Which organisation kinds each role belongs in; admin roles fit any organisation.
ROLE_ORGANISATION_KINDS: dict[str, frozenset[str]] = {
    Role.CASEWORKER: frozenset({OrganisationKind.NGO}),
    Role.SUPERVISOR: frozenset({OrganisationKind.NGO}),
    Role.ME_OFFICER: frozenset({OrganisationKind.NGO}),
    Role.CPT_MEMBER: frozenset({OrganisationKind.CPT}),
    Role.LIAISON: frozenset({OrganisationKind.POLICE, OrganisationKind.NATIONAL_SECURITY}),
    Role.PROVIDER_STAFF: frozenset({OrganisationKind.SERVICE_PROVIDER}),
    Role.ORG_ADMIN: frozenset(OrganisationKind.values),
    Role.SYSTEM_ADMIN: frozenset(OrganisationKind.values),
}


class FirstScreen(models.TextChoices):
    """What the public site's home page shows first (the choice of the NGO receiving its reports)."""

    EXPLICIT = "explicit", _("The page about digital extortion, with the button to ask for help")
    NEUTRAL = "neutral", _("A page of community and health information, with one plain link to ask for help")


class Organisation(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=32, choices=OrganisationKind.choices)
    area = models.CharField(_("area"), max_length=120, blank=True)
    # Evidence packages name the role behind each step of a file's chain of custody; the person's
    # name too only when the organisation chooses (a court may ask who; a leak must not tell).
    packages_name_staff = models.BooleanField(_("name staff in evidence packages"), default=False)
    # What the public site tells her after a report: when she can look for a first answer.
    reply_within_days = models.PositiveSmallIntegerField(
        _("days within which a reply can be expected"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
    )
    # On a phone that someone else may look at, a first screen that says nothing of extortion.
    first_screen = models.CharField(
        _("what the public site shows first"), max_length=8, choices=FirstScreen.choices, default=FirstScreen.EXPLICIT
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A staff member. Survivors never have an account."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="members",
        null=True,
        blank=True,
        verbose_name=_("organisation"),
    )
    # Raised by "log out everywhere" and by a password change: sessions holding an older
    # value are ended by StaffSessionMiddleware.
    session_epoch = models.PositiveIntegerField(default=0)
    # Set when an admin hands over a temporary password (a new member, a reset, a re-added member):
    # every staff page but "My account" waits until the member chooses their own.
    must_change_password = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff members")

    @property
    def roles(self) -> frozenset[str]:
        cached: frozenset[str] | None = getattr(self, "_roles_cache", None)
        if cached is None:
            cached = frozenset(self.role_assignments.values_list("role", flat=True))
            self._roles_cache = cached
        return cached

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))


class RoleAssignment(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="unique_role_per_user")]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.role}"


class LoginThrottle(models.Model):
    """Failed logins per account name; the name is kept only as a keyed hash.

    Unknown names are throttled exactly like real ones, so the lockout reveals nothing about
    which accounts exist. No IP address is ever stored.
    """

    name_hash = models.CharField(max_length=64, unique=True)
    failures = models.PositiveIntegerField(default=0)
    window_started_at = models.DateTimeField()
    locked_until = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"throttle {self.pk}"


# Who holds the key that opens case lockers: the people who handle cases, in each kind of
# organisation. M&E officers, organisation admins and system admins need none for their work.
KEY_ROLES = frozenset({Role.CASEWORKER, Role.SUPERVISOR, Role.CPT_MEMBER, Role.LIAISON, Role.PROVIDER_STAFF})
# Who may approve giving a new member the key (and must already hold it), by organisation kind.
KEY_APPROVER_ROLES: dict[str, str] = {
    OrganisationKind.NGO: Role.SUPERVISOR,
    OrganisationKind.CPT: Role.CPT_MEMBER,
    OrganisationKind.POLICE: Role.LIAISON,
    OrganisationKind.NATIONAL_SECURITY: Role.LIAISON,
    OrganisationKind.SERVICE_PROVIDER: Role.PROVIDER_STAFF,
}


class KeyRequest(models.Model):
    """An admin's proposal that a member be given the organisation's case key.

    Two people give the key: the proposal records who proposed it, and only someone else who
    already holds the key (a supervisor, in an NGO) approves it; the approval is what seals the key.
    """

    member = models.ForeignKey(User, on_delete=models.CASCADE, related_name="key_requests")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="key_requests")
    proposed_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    proposed_at = models.DateTimeField(auto_now_add=True)
    approved_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["proposed_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["member"], condition=models.Q(approved_at__isnull=True), name="one_open_key_request_per_member"
            )
        ]

    def __str__(self) -> str:
        return f"key request {self.pk}"
