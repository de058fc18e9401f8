"""Key material. Nothing here is readable without a password, a receipt code or a recovery key.

Private keys are stored only locked (by a key derived from a password or code, or by a recovery key)
or sealed to another key pair's public key. Public keys are stored plain.
"""

from __future__ import annotations

from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models
from django.utils.translation import gettext_lazy as _

from amana.accounts.models import Organisation, User


class Compartment(models.TextChoices):
    IDENTITY = "identity", _("Identity")
    INCIDENT = "incident", _("Incident")
    EVIDENCE = "evidence", _("Evidence")
    CARE = "care", _("Care")
    MESSAGES = "messages", _("Messages")


class PasswordLockedKey(models.Model):
    """A key pair whose private key is locked by a key derived (Argon2id) from a secret."""

    public_key = models.BinaryField()
    locked_private_key = models.BinaryField()
    salt = models.BinaryField()
    kdf_ops = models.PositiveIntegerField()
    kdf_mem = models.PositiveBigIntegerField()

    class Meta:
        abstract = True


class UserKey(PasswordLockedKey):
    """A staff member's key pair, unlocked by their password at sign-in."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="vault_key")

    def __str__(self) -> str:
        return f"key of user {self.user_id}"


class SurvivorKey(PasswordLockedKey):
    """A survivor's key pair, unlocked by her receipt code; she has no account."""

    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"survivor key {self.pk}"


class OrganisationKey(models.Model):
    """An organisation's key pair. The private key is sealed to each member and locked by the
    organisation's recovery key, which is printed once and kept offline."""

    organisation = models.OneToOneField(Organisation, on_delete=models.CASCADE, related_name="vault_key")
    public_key = models.BinaryField()
    recovery_locked_private_key = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"key of organisation {self.organisation_id}"


class MemberKey(models.Model):
    """An organisation's private key sealed to one member's public key."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="member_keys")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="member_keys")
    sealed_private_key = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation", "user"], name="one_member_key_per_user")]

    def __str__(self) -> str:
        return f"organisation {self.organisation_id} key for user {self.user_id}"


class SigningKey(models.Model):
    """An organisation's Ed25519 key for signing evidence packages (minisign format).

    The private key is sealed to the organisation's public key, like a locker's: only members who
    hold the organisation's key can open it, and the vault lets only those who may make packages
    use it. A newer key retires the older one (old packages still verify and name it); a key that
    may have been stolen is revoked from a date, after which nothing it signed is trusted unless
    this database recorded the package as made before that date.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="signing_keys")
    key_id = models.BinaryField()  # 8 random bytes, as in minisign
    key_id_text = models.CharField(max_length=16, unique=True)
    public_key = models.BinaryField()
    sealed_private_key = models.BinaryField()
    created_at = models.DateTimeField()
    retired_at = models.DateTimeField(null=True, blank=True)
    revoked_from = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"signing key {self.key_id_text} of organisation {self.organisation_id}"


class Locker(models.Model):
    """One compartment of one record, with its own key pair (one per version, see LockerKey)."""

    compartment = models.CharField(max_length=16, choices=Compartment.choices)
    current_version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    shredded_at = models.DateTimeField(null=True, blank=True)
    shred_reason = models.CharField(max_length=200, blank=True)

    def __str__(self) -> str:
        return f"{self.compartment} locker {self.pk}"


class LockerKey(models.Model):
    """One version of a locker's key pair. Revoking a holder starts a new version for new data."""

    locker = models.ForeignKey(Locker, on_delete=models.CASCADE, related_name="keys")
    version = models.PositiveIntegerField()
    public_key = models.BinaryField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["locker", "version"], name="one_key_per_locker_version")]

    def __str__(self) -> str:
        return f"locker {self.locker_id} v{self.version}"


class LockerGrant(models.Model):
    """A locker key's private half sealed to one holder: an organisation or a survivor key."""

    locker_key = models.ForeignKey(LockerKey, on_delete=models.CASCADE, related_name="grants")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, null=True, blank=True, related_name="locker_grants"
    )
    survivor_key = models.ForeignKey(
        SurvivorKey, on_delete=models.CASCADE, null=True, blank=True, related_name="locker_grants"
    )
    sealed_private_key = models.BinaryField()
    granted_at = models.DateTimeField(auto_now_add=True)
    granted_by_id = models.BigIntegerField(null=True, blank=True)
    reason = models.CharField(max_length=200, blank=True)
    consent_ref = models.CharField(max_length=64, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(organisation__isnull=False, survivor_key__isnull=True)
                | models.Q(organisation__isnull=True, survivor_key__isnull=False),
                name="grant_has_exactly_one_holder",
            ),
            models.UniqueConstraint(fields=["locker_key", "organisation"], name="one_grant_per_organisation"),
            models.UniqueConstraint(fields=["locker_key", "survivor_key"], name="one_grant_per_survivor_key"),
        ]

    def __str__(self) -> str:
        return f"grant {self.pk} on {self.locker_key}"


class SealedSession(AbstractBaseSession):
    """A session row stored by amana.vault.sessions: hashed key, encrypted data."""

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")

    @classmethod
    def get_session_store_class(cls) -> type:
        from amana.vault.sessions import SessionStore

        return SessionStore
