from __future__ import annotations


class VaultError(Exception):
    """Base of every error the vault raises."""


class NoKey(VaultError):
    """The asker holds no key for this locker: consent was never given to them, or was withdrawn."""


class Tampered(VaultError):
    """The ciphertext failed authentication: it was changed, cut short or belongs elsewhere."""


class Shredded(VaultError):
    """The locker's keys were destroyed; its data can never be read again."""


class Locked(VaultError):
    """This session holds no unlocked key: the person must sign in again."""


class WrongSecret(VaultError):
    """The password, receipt code or recovery key did not open the key."""
