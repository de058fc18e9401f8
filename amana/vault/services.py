"""The vault's interface: the only way other apps seal, open, grant, revoke and shred.

Usage: ``from amana.vault import services as vault``. Data is kept in lockers (one per compartment of
one record); a locker's private key is sealed to each holder (an organisation or a survivor key),
so who can read is decided by who holds keys, not only by permission checks.
"""

from __future__ import annotations

import base64
import ctypes
import hashlib
import hmac
import os
import secrets
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from django.conf import settings
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.crypto import salted_hmac

from amana.accounts.models import Organisation, Role, User
from amana.audit.services import Line, record, record_read
from amana.core.compiled import CompiledRead
from amana.core.files import fsync_directory
from amana.vault import crypto, minisign
from amana.vault.codes import (
    CodeSecrets,
    derive_code_secrets,
    guess_bucket,
    new_code,
    new_survivor_key,
    new_token,
    open_survivor_key,
    submission_hash,
    tries_key,
)
from amana.vault.errors import Locked, NoKey, Shredded, Tampered, VaultError, WrongSecret
from amana.vault.keyring import (
    Keyring,
    forget,
    keyring_for,
    lock_with_secret,
    recall_survivor_keyring,
    remember_survivor_keyring,
    survivor_keyring,
    unlock_at_login,
    unlock_with_secret,
    user_keyring,
)
from amana.vault.models import (
    Compartment,
    Locker,
    LockerGrant,
    LockerKey,
    MemberKey,
    OrganisationKey,
    SigningKey,
    SurvivorKey,
    UserKey,
)

__all__ = [
    "CodeSecrets",
    "Compartment",
    "Keyring",
    "Locked",
    "NoKey",
    "Shredded",
    "Tampered",
    "VaultError",
    "WrongSecret",
    "derive_code_secrets",
    "forget",
    "guess_bucket",
    "keyring_for",
    "new_code",
    "new_survivor_key",
    "new_token",
    "open_survivor_key",
    "recall_survivor_keyring",
    "remember_survivor_keyring",
    "submission_hash",
    "survivor_keyring",
    "tries_key",
    "unlock_at_login",
    "user_keyring",
]

Holder = Organisation | SurvivorKey
_FILE_NAME_LENGTH = 32


# People and organisations -------------------------------------------------------------------


def create_user_key(*, user: User, password: str) -> None:
    public_key, private_key = crypto.new_key_pair()
    user_key = UserKey(user=user, public_key=public_key)
    lock_with_secret(user_key, private_key, password)
    user_key.save()


@transaction.atomic
def change_user_password(*, user: User, current_password: str, new_password: str) -> None:
    """Re-lock the user's private key under a new password. A wrong current password changes nothing."""
    user_key = UserKey.objects.select_for_update().get(user=user)
    private_key = unlock_with_secret(user_key, current_password)
    lock_with_secret(user_key, private_key, new_password)
    user_key.save(update_fields=["salt", "kdf_ops", "kdf_mem", "locked_private_key"])


def format_recovery_key(raw: bytes) -> str:
    text = base64.b32encode(raw).decode().rstrip("=")
    return "-".join(text[i : i + 4] for i in range(0, len(text), 4))


def parse_recovery_key(text: str) -> bytes:
    cleaned = "".join(ch for ch in text.upper() if ch.isalnum())
    try:
        raw = base64.b32decode(cleaned + "=" * (-len(cleaned) % 8))
    except ValueError:
        raise WrongSecret from None
    if len(raw) != 32:
        raise WrongSecret
    return raw


def create_organisation_key(*, organisation: Organisation) -> str:
    """Give an organisation its key pair; return its recovery key, to print once and keep offline."""
    public_key, private_key = crypto.new_key_pair()
    recovery = crypto.random_key()
    OrganisationKey.objects.create(
        organisation=organisation,
        public_key=public_key,
        recovery_locked_private_key=crypto.lock(recovery, private_key),
    )
    return format_recovery_key(recovery)


def keyring_from_recovery(*, organisation: Organisation, recovery_key: str) -> Keyring:
    organisation_key = OrganisationKey.objects.get(organisation=organisation)
    try:
        private_key = crypto.unlock(
            parse_recovery_key(recovery_key), bytes(organisation_key.recovery_locked_private_key)
        )
    except crypto.CryptoFailure:
        raise WrongSecret from None
    return Keyring(organisation_keys={organisation.pk: private_key})


def _organisation_private_key(keyring: Keyring, organisation: Organisation) -> bytes:
    try:
        return keyring.organisation_keys[organisation.pk]
    except KeyError:
        raise NoKey from None


@transaction.atomic
def add_member_key(*, organisation: Organisation, user: User, keyring: Keyring) -> None:
    """Seal the organisation's private key to a member; the keyring must hold it unlocked."""
    private_key = _organisation_private_key(keyring, organisation)
    user_key = UserKey.objects.get(user=user)
    MemberKey.objects.update_or_create(
        organisation=organisation,
        user=user,
        defaults={"sealed_private_key": crypto.seal_to(bytes(user_key.public_key), private_key)},
    )


def remove_member_key(*, organisation: Organisation, user: User) -> None:
    MemberKey.objects.filter(organisation=organisation, user=user).delete()


@transaction.atomic
def reset_user_key(*, user: User, new_password: str, keyring: Keyring | None) -> None:
    """For a member who forgot their password: a new key pair, and their organisation's key sealed
    to it when a keyring that holds it is given (one opened with the recovery key); without one the
    old sealed copy, useless without the old password, is deleted and the key must be given again.

    The old private key is gone with the old password; nothing sealed to the user alone survives,
    which is why data is sealed to organisations, never to individual staff.
    """
    if user.organisation is None:
        raise NoKey
    organisation_private_key = _organisation_private_key(keyring, user.organisation) if keyring else None
    public_key, private_key = crypto.new_key_pair()
    user_key, _created = UserKey.objects.select_for_update().get_or_create(
        user=user, defaults={"public_key": public_key, "salt": b"", "kdf_ops": 0, "kdf_mem": 0}
    )
    user_key.public_key = public_key
    lock_with_secret(user_key, private_key, new_password)
    user_key.save()
    if organisation_private_key is None:
        MemberKey.objects.filter(organisation=user.organisation, user=user).delete()
        return
    MemberKey.objects.update_or_create(
        organisation=user.organisation,
        user=user,
        defaults={"sealed_private_key": crypto.seal_to(public_key, organisation_private_key)},
    )


def holds_member_key(*, organisation: Organisation, user: User) -> bool:
    return MemberKey.objects.filter(organisation=organisation, user=user).exists()


def create_survivor_key(*, secret: str) -> SurvivorKey:
    """A survivor key locked under any secret with a random salt (receipt codes use
    amana.vault.codes, whose one derivation also gives the code's lookup value)."""
    public_key, private_key = crypto.new_key_pair()
    survivor_key = SurvivorKey(public_key=public_key)
    lock_with_secret(survivor_key, private_key, secret)
    survivor_key.save()
    return survivor_key


# Lockers ------------------------------------------------------------------------------------


def _holder_public_key(holder: Holder) -> bytes:
    if isinstance(holder, SurvivorKey):
        return bytes(holder.public_key)
    organisation_key = OrganisationKey.objects.filter(organisation=holder).first()
    if organisation_key is None:
        raise VaultError(f"Organisation {holder.pk} has no key pair.")
    return bytes(organisation_key.public_key)


def _grant(
    locker_key: LockerKey, private_key: bytes, holder: Holder, *, by: User | None, reason: str, consent_ref: str = ""
) -> None:
    owner: dict[str, Holder] = {"survivor_key": holder} if isinstance(holder, SurvivorKey) else {"organisation": holder}
    LockerGrant.objects.update_or_create(
        locker_key=locker_key,
        **owner,  # type: ignore[arg-type]  # one of the two holder fields
        defaults={
            "sealed_private_key": crypto.seal_to(_holder_public_key(holder), private_key),
            "granted_by_id": by.pk if by is not None else None,
            "reason": reason[:200],
            "consent_ref": consent_ref[:64],
        },
    )


@transaction.atomic
def create_locker(*, compartment: str, holders: Iterable[Holder]) -> Locker:
    """A new locker whose key is sealed to each holder. Needs no unlocked key."""
    if compartment not in Compartment.values:
        raise VaultError(f"Unknown compartment {compartment!r}.")
    locker = Locker.objects.create(compartment=compartment)
    public_key, private_key = crypto.new_key_pair()
    locker_key = LockerKey.objects.create(locker=locker, version=1, public_key=public_key)
    for holder in holders:
        _grant(locker_key, private_key, holder, by=None, reason="created")
    return locker


def _current_public_key(locker: Locker) -> bytes:
    if locker.shredded_at is not None:
        raise Shredded
    return bytes(LockerKey.objects.get(locker=locker, version=locker.current_version).public_key)


def seal(locker: Locker, data: bytes | str) -> bytes:
    return seal_to_public_key(
        locker_id=locker.pk, version=locker.current_version, public_key=_current_public_key(locker), data=data
    )


def seal_to_public_key(*, locker_id: int, version: int, public_key: bytes, data: bytes | str) -> bytes:
    """Seal to one version of a locker from its public key alone: no private key is needed, so a
    migration (which has the rows but no keyring) can seal what it moves into a locker."""
    plaintext = data.encode() if isinstance(data, str) else data
    return crypto.encrypt_message(locker_id, version, public_key, plaintext)


def _locker_private_key(locker: Locker, version: int, keyring: Keyring) -> bytes:
    """Open one version of a locker's private key with whatever the keyring holds."""
    cached = keyring.locker_keys.get((locker.pk, version))
    if cached is not None:
        return cached
    if locker.pk in keyring.grants_fetched:
        grant = keyring.grants.get((locker.pk, version))
    else:
        grant = (
            LockerGrant.objects.filter(locker_key__locker=locker, locker_key__version=version)
            .filter(_held_by(keyring))
            .first()
        )
    if grant is None:
        raise NoKey
    holder_key = (
        keyring.organisation_keys[grant.organisation_id]
        if grant.organisation_id is not None
        else keyring.survivor_keys[grant.survivor_key_id]  # type: ignore[index]  # exactly one holder is set
    )
    try:
        private_key = crypto.unseal(holder_key, bytes(grant.sealed_private_key))
    except crypto.CryptoFailure:
        raise Tampered from None
    keyring.locker_keys[(locker.pk, version)] = private_key
    return private_key


def _held_by(keyring: Keyring) -> Q:
    return Q(organisation_id__in=list(keyring.organisation_keys)) | Q(survivor_key_id__in=list(keyring.survivor_keys))


# Every page that opens a case reads its lockers' grants: the SQL is written once.
_GRANTS_HELD = CompiledRead(
    lambda locker_ids, organisation_ids, survivor_key_ids: LockerGrant.objects.filter(
        Q(organisation_id__in=organisation_ids) | Q(survivor_key_id__in=survivor_key_ids),
        locker_key__locker__in=locker_ids,
    ).select_related("locker_key__locker")
)


def fetch_lockers(ids: Iterable[int], keyring: Keyring) -> dict[int, Locker]:
    """The lockers of one page by id, fetched in one query with the sealed keys of theirs (every
    version) that the keyring holds, so that opening several of them makes no query per locker.

    Nothing is unsealed here: a locker's key is opened only when a part of it is. A locker the
    keyring holds no key of is read by a second query, so that opening it still fails for the
    right reason (shredded, or no key).
    """
    wanted = set(ids)
    lockers: dict[int, Locker] = {}
    held = (tuple(keyring.organisation_keys), tuple(keyring.survivor_keys))
    # In no order: any grant of a locker's version the keyring holds opens the same key.
    for grant in _GRANTS_HELD.objects(tuple(wanted), *held):
        locker_key = grant.locker_key
        lockers[locker_key.locker_id] = locker_key.locker
        keyring.grants.setdefault((locker_key.locker_id, locker_key.version), grant)
    if wanted - lockers.keys():
        lockers.update(Locker.objects.in_bulk(wanted - lockers.keys()))
    keyring.grants_fetched.update(wanted)
    return lockers


def _note_opened(locker: Locker, keyring: Keyring) -> None:
    # One audit entry per locker per request, not one per field.
    if locker.pk in keyring.opened_lockers:
        return
    keyring.opened_lockers.add(locker.pk)
    action = "vault.opened" if keyring.user is not None else "vault.opened_by_survivor"
    if keyring.audit_lines is not None:
        keyring.audit_lines.append(Line(action, locker))
    else:
        record_read(actor=keyring.user, lines=[Line(action, locker)])


@contextmanager
def recorded_together(keyring: Keyring) -> Iterator[list[Line]]:
    """Open several parts for one page and record them in one append to the audit log.

    Every locker opened inside the block is still its own entry, as is each line the caller adds
    to the list it is given (the page's own entries); they are appended when the block ends, even
    when it fails, under one lock of the chain's head instead of one per locker.
    """
    lines: list[Line] = []
    keyring.audit_lines = lines
    try:
        yield lines
    finally:
        keyring.audit_lines = None
        if lines:
            record_read(actor=keyring.user, lines=lines)


def _check_header(locker: Locker, header: crypto.Header) -> None:
    if header.locker_id != locker.pk or not 1 <= header.version <= locker.current_version:
        raise Tampered


def open(locker: Locker, ciphertext: bytes, *, keyring: Keyring) -> bytes:  # the vault's verb, as in the API
    if locker.shredded_at is not None:
        raise Shredded
    try:
        header = crypto.read_header(bytes(ciphertext))
        _check_header(locker, header)
        plaintext = crypto.decrypt_message(bytes(ciphertext), _locker_private_key(locker, header.version, keyring))
    except crypto.CryptoFailure:
        raise Tampered from None
    _note_opened(locker, keyring)
    return plaintext


def open_text(locker: Locker, ciphertext: bytes, *, keyring: Keyring) -> str:
    try:
        return open(locker, ciphertext, keyring=keyring).decode()
    except UnicodeDecodeError:
        raise Tampered from None


def _vault_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "vault"


def _file_path(stored_name: str) -> Path:
    if len(stored_name) != _FILE_NAME_LENGTH or not all(ch in "0123456789abcdef" for ch in stored_name):
        raise VaultError("Not a stored file name.")
    return _vault_dir() / stored_name[:2] / stored_name


def seal_file(locker: Locker, stream: BinaryIO) -> str:
    """Encrypt a stream into the media folder under a meaningless name, in constant memory."""
    return _seal_file(locker, _current_public_key(locker), stream)


def _seal_file(locker: Locker, public_key: bytes, stream: BinaryIO, *, durable: bool = True) -> str:
    """Seal a stream to a new file; ``durable=False`` leaves the fsync to :meth:`BatchSealer.make_durable`."""
    stored_name = secrets.token_hex(_FILE_NAME_LENGTH // 2)
    path = _file_path(stored_name)
    new_folder = not path.parent.exists()
    path.parent.mkdir(parents=True, exist_ok=True)
    if new_folder:
        fsync_directory(path.parent.parent)
    with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as temporary:
        try:
            crypto.encrypt_stream(locker.pk, locker.current_version, public_key, stream, temporary)  # type: ignore[arg-type]  # a file object
            # On disk before the row that names it is committed: a crash never leaves a record of a
            # file that is not there.
            temporary.flush()
            if durable:
                os.fsync(temporary.fileno())
        except BaseException:
            Path(temporary.name).unlink(missing_ok=True)
            raise
    Path(temporary.name).replace(path)
    if durable:
        fsync_directory(path.parent)
    return stored_name


# Up to this many files are made durable one by one; more with one flush of their file system.
_ONE_BY_ONE = 8


def _sync_file_system(folder: Path) -> bool:
    """Flush the whole file system holding ``folder`` and wait for it (Linux ``syncfs``); False if unavailable."""
    syncfs = getattr(ctypes.CDLL(None, use_errno=True), "syncfs", None)
    if syncfs is None:
        return False
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        return bool(syncfs(descriptor) == 0)
    finally:
        os.close(descriptor)


class BatchSealer:
    """Seals many values and files to one locker, reading its current public key once.

    For imports that seal thousands of things at a time (a chat's media and timeline pages). Files
    are made durable together: call :meth:`make_durable` before the rows that name them are
    committed (one fsync after another costs little once the first has flushed the journal).
    """

    def __init__(self, locker: Locker) -> None:
        self.locker = locker
        self._public_key = _current_public_key(locker)
        self._not_durable: list[str] = []

    def seal(self, data: bytes | str) -> bytes:
        plaintext = data.encode() if isinstance(data, str) else data
        return crypto.encrypt_message(self.locker.pk, self.locker.current_version, self._public_key, plaintext)

    def seal_file(self, stream: BinaryIO) -> str:
        stored_name = _seal_file(self.locker, self._public_key, stream, durable=False)
        self._not_durable.append(stored_name)
        return stored_name

    def make_durable(self) -> None:
        """Every file sealed so far on disk, with the directory entries that name them.

        Many files at once are flushed with one ``syncfs`` of the media folder's file system (each
        fsync waits for the disk, and the files are spread over many folders); else file by file.
        """
        if len(self._not_durable) > _ONE_BY_ONE and _sync_file_system(Path(settings.MEDIA_ROOT)):
            self._not_durable.clear()
            return
        folders = set()
        for stored_name in self._not_durable:
            path = _file_path(stored_name)
            descriptor = os.open(path, os.O_RDONLY)
            try:
                os.fsync(descriptor)
            finally:
                os.close(descriptor)
            folders.add(path.parent)
        for folder in sorted(folders):
            fsync_directory(folder)
        self._not_durable.clear()


def open_file(locker: Locker, stored_name: str, *, keyring: Keyring) -> Iterator[bytes]:
    """Yield a file's plaintext in chunks; Tampered is raised on the first changed byte."""
    if locker.shredded_at is not None:
        raise Shredded
    path = _file_path(stored_name)
    handle = path.open("rb")
    try:
        header = crypto.read_header(handle.read(crypto._HEADER.size))
        _check_header(locker, header)
        private_key = _locker_private_key(locker, header.version, keyring)
        handle.seek(0)
    except crypto.CryptoFailure:
        handle.close()
        raise Tampered from None
    except BaseException:
        handle.close()
        raise
    _note_opened(locker, keyring)
    return _stream(handle, private_key)


def _stream(handle: BinaryIO, private_key: bytes) -> Iterator[bytes]:
    with handle:
        try:
            yield from crypto.decrypt_stream(handle, private_key)
        except crypto.CryptoFailure:
            raise Tampered from None


def delete_file(stored_name: str) -> None:
    _file_path(stored_name).unlink(missing_ok=True)


def _delete_files(stored_names: list[str]) -> None:
    for stored_name in stored_names:
        delete_file(stored_name)


def holder_organisation_ids(locker: Locker) -> set[int]:
    return set(
        LockerGrant.objects.filter(
            locker_key__locker=locker, locker_key__version=locker.current_version, organisation__isnull=False
        ).values_list("organisation_id", flat=True)
    )


@transaction.atomic
def grant(
    *, locker: Locker, organisation: Organisation, keyring: Keyring, by: User, reason: str, consent_ref: str = ""
) -> None:
    """Seal every version of the locker's key to another organisation (old and new data alike).

    The keyring must open the locker; the grant records who gave it, why and under which consent.
    """
    if locker.shredded_at is not None:
        raise Shredded
    for locker_key in LockerKey.objects.filter(locker=locker).order_by("version"):
        private_key = _locker_private_key(locker, locker_key.version, keyring)
        _grant(locker_key, private_key, organisation, by=by, reason=reason, consent_ref=consent_ref)
    record(actor=by, action="vault.granted", target=locker)


@transaction.atomic
def revoke(*, locker: Locker, organisation: Organisation, by: User, reason: str) -> None:
    """Take an organisation's keys to this locker away and re-key it for new data.

    Steps: delete the organisation's grants on every version; make a new key pair; seal it to the
    holders that remain; new data is sealed to the new version only.
    """
    locker = Locker.objects.select_for_update().get(pk=locker.pk)
    LockerGrant.objects.filter(locker_key__locker=locker, organisation=organisation).delete()
    remaining = LockerGrant.objects.filter(locker_key__locker=locker, locker_key__version=locker.current_version)
    holders: list[Holder] = [
        grant.organisation if grant.organisation is not None else grant.survivor_key  # type: ignore[misc]
        for grant in remaining.select_related("organisation", "survivor_key")
    ]
    version = (LockerKey.objects.filter(locker=locker).aggregate(Max("version"))["version__max"] or 0) + 1
    public_key, private_key = crypto.new_key_pair()
    locker_key = LockerKey.objects.create(locker=locker, version=version, public_key=public_key)
    for holder in holders:
        _grant(locker_key, private_key, holder, by=by, reason=f"re-keyed: {reason}")
    locker.current_version = version
    locker.save(update_fields=["current_version"])
    record(actor=by, action="vault.revoked", target=locker)


@transaction.atomic
def shred(*, locker: Locker, by: User | None, reason: str) -> None:
    """Destroy every sealed copy of the locker's keys: its data can never be opened again."""
    LockerGrant.objects.filter(locker_key__locker=locker).delete()
    locker.shredded_at = timezone.now()
    locker.shred_reason = reason[:200]
    locker.save(update_fields=["shredded_at", "shred_reason"])
    record(actor=by, action="vault.shredded", target=locker)


@transaction.atomic
def destroy(
    *, locker_ids: Iterable[int], survivor_key_ids: Iterable[int] = (), stored_files: Iterable[str] = ()
) -> None:
    """Crypto-shred a whole record: its lockers' keys and rows, its survivor keys, its files.

    Call it after the rows that pointed at these lockers are deleted, in the same transaction; the
    caller writes the one audit entry. Every sealed copy of every key version goes (so nothing
    stored anywhere, a backup included, can be opened with any key still held), then the lockers
    and survivor keys themselves; the files are removed once the transaction commits.
    """
    lockers = list(locker_ids)
    LockerGrant.objects.filter(locker_key__locker_id__in=lockers).delete()
    Locker.objects.filter(pk__in=lockers).delete()
    SurvivorKey.objects.filter(pk__in=list(survivor_key_ids)).delete()
    names = [name for name in stored_files if name]
    transaction.on_commit(lambda: _delete_files(names))


# Blind indexes ------------------------------------------------------------------------------


def blind_index(kind: str, value: str) -> str:
    """A keyed hash of a normalised identifier, equal for equal values across all cases.

    The key (AMANA_BLIND_INDEX_KEY) is kept outside the database, so a stolen database cannot be
    searched for a guessed phone number.
    """
    message = f"{kind}\x00{value}".encode()
    return hmac.new(settings.AMANA_BLIND_INDEX_KEY.encode(), message, hashlib.sha256).hexdigest()


# Sign-in throttle ----------------------------------------------------------------------------
# (The survivor channel's receipt codes, form tokens and guessing buckets are in amana.vault.codes.)


def login_throttle_hash(name: str) -> str:
    """A keyed hash of an account name for the sign-in throttle: the table never holds names, and a
    stolen database cannot be searched for one without the server's secret key."""
    return salted_hmac("amana.accounts.login-throttle", name).hexdigest()


# Signing keys -------------------------------------------------------------------------------

# Who may sign in an organisation's name: those who may make evidence packages.
SIGNING_ROLES = (Role.CASEWORKER, Role.SUPERVISOR)


@transaction.atomic
def create_signing_key(*, organisation: Organisation, by: User | None) -> SigningKey:
    """A new signing key for the organisation; the key it replaces is retired but still verifies.

    Needs no unlocked key: the private key is sealed to the organisation's public key at once.
    """
    key_id, public_key, seed = minisign.new_key()
    now = timezone.now()
    SigningKey.objects.filter(organisation=organisation, retired_at__isnull=True).update(retired_at=now)
    key = SigningKey.objects.create(
        organisation=organisation,
        key_id=key_id,
        key_id_text=minisign.key_id_text(key_id),
        public_key=public_key,
        sealed_private_key=crypto.seal_to(_holder_public_key(organisation), seed),
        created_at=now,
    )
    record(actor=by, action="vault.signing_key_created", target=key)
    return key


def current_signing_key(organisation: Organisation) -> SigningKey | None:
    return SigningKey.objects.filter(
        organisation=organisation, retired_at__isnull=True, revoked_from__isnull=True
    ).first()


def signing_keys_of(organisation: Organisation) -> list[SigningKey]:
    """Every signing key the organisation has had, newest first."""
    return list(SigningKey.objects.filter(organisation=organisation))


def ensure_signing_key(*, organisation: Organisation, by: User | None) -> SigningKey:
    """The organisation's current signing key, made now if it has none (its first package)."""
    return current_signing_key(organisation) or create_signing_key(organisation=organisation, by=by)


@transaction.atomic
def revoke_signing_key(*, key: SigningKey, revoked_from: datetime, by: User, reason: str) -> None:
    """Distrust what a key signed from a date on (it may have been stolen then); it signs nothing more."""
    now = timezone.now()
    key.revoked_from = revoked_from
    key.revoked_reason = reason[:200]
    key.retired_at = key.retired_at or now
    key.save(update_fields=["revoked_from", "revoked_reason", "retired_at"])
    record(actor=by, action="vault.signing_key_revoked", target=key)


def public_key_file(key: SigningKey) -> bytes:
    """The key as a minisign ``.pub`` file."""
    return minisign.public_key_file(bytes(key.key_id), bytes(key.public_key))


def public_key_line(key: SigningKey) -> str:
    return minisign.public_key_line(bytes(key.key_id), bytes(key.public_key))


def fingerprint(key: SigningKey) -> str:
    return minisign.fingerprint(bytes(key.key_id), bytes(key.public_key))


@dataclass(frozen=True)
class Signer:
    """Signs files with one organisation key, opened for one package."""

    key: SigningKey
    _seed: bytes

    def sign(self, message: bytes, *, trusted_comment: str) -> bytes:
        return minisign.sign(self._seed, bytes(self.key.key_id), message, trusted_comment=trusted_comment)


def signer_for(*, organisation: Organisation, keyring: Keyring, by: User) -> Signer:
    """Open the organisation's current signing key for a member who may make packages.

    Raises NoKey when the member may not sign for it, or the keyring does not hold the
    organisation's key; Tampered when the sealed key does not open.
    """
    if by.organisation_id != organisation.pk or not by.has_role(*SIGNING_ROLES):
        raise NoKey
    private_key = _organisation_private_key(keyring, organisation)
    key = ensure_signing_key(organisation=organisation, by=by)
    try:
        seed = crypto.unseal(private_key, bytes(key.sealed_private_key))
    except crypto.CryptoFailure:
        raise Tampered from None
    return Signer(key=key, _seed=seed)


class SignatureProblem:
    MALFORMED = "malformed"
    UNKNOWN_KEY = "unknown_key"
    NOT_THIS_KEY = "not_this_key"
    MISMATCH = "mismatch"


@dataclass(frozen=True)
class SignatureCheck:
    """What a signature says: which key made it (this database's, when known) and whether it holds."""

    key_id_text: str = ""
    trusted_comment: str = ""
    key: SigningKey | None = None
    problem: str = ""

    @property
    def valid(self) -> bool:
        return not self.problem


def check_signature(message: bytes, signature: bytes, *, expected_key: bytes | None = None) -> SignatureCheck:
    """Check a minisign signature against this database's signing keys, or one given public key.

    Steps: read the signature; find the key it names among every organisation's keys (current,
    retired or revoked); with ``expected_key`` (a ``.pub`` file handed over in person) the
    signature must be by that key; then verify the signature and its trusted comment.
    """
    try:
        parsed = minisign.parse_signature(signature)
    except minisign.BadSignature:
        return SignatureCheck(problem=SignatureProblem.MALFORMED)
    key_id_text = minisign.key_id_text(parsed.key_id)
    key = SigningKey.objects.filter(key_id_text=key_id_text).select_related("organisation").first()
    found = SignatureCheck(key_id_text=key_id_text, trusted_comment=parsed.trusted_comment, key=key)
    if expected_key is not None:
        try:
            expected_id, public_key = minisign.parse_public_key(expected_key)
        except minisign.BadSignature:
            return SignatureCheck(key_id_text=key_id_text, problem=SignatureProblem.MALFORMED)
        if expected_id != parsed.key_id:
            return SignatureCheck(key_id_text=key_id_text, key=key, problem=SignatureProblem.NOT_THIS_KEY)
    elif key is None or bytes(key.key_id) != parsed.key_id:
        return SignatureCheck(key_id_text=key_id_text, problem=SignatureProblem.UNKNOWN_KEY)
    else:
        public_key = bytes(key.public_key)
    try:
        minisign.verify(public_key, message, parsed)
    except minisign.BadSignature:
        return SignatureCheck(key_id_text=key_id_text, key=key, problem=SignatureProblem.MISMATCH)
    return found


# Keyed noise of released statistics ----------------------------------------------------------


def release_record_key(kind: str, pk: int) -> int:
    """A secret 128-bit number for one counted record, from AMANA_RELEASE_KEY (outside the database).

    The statistics release adds these up per cell: the sum identifies who is in the cell without
    naming anyone, and without the key nobody can say which sum belongs to which people.
    """
    digest = hmac.new(settings.AMANA_RELEASE_KEY.encode(), f"record\x00{kind}\x00{pk}".encode(), hashlib.sha256)
    return int.from_bytes(digest.digest()[:16], "big")


def release_cell_seed(cell: str, fingerprint: int) -> bytes:
    """32 pseudo-random bytes for one cell of a statistics release: its label and the sum of its record keys.

    The same cell with the same people always gets the same bytes (so a release made again is the
    same release); anyone without the key cannot tell them from chance.
    """
    message = f"cell\x00{cell}\x00{fingerprint % (1 << 128):032x}".encode()
    return hmac.new(settings.AMANA_RELEASE_KEY.encode(), message, hashlib.sha256).digest()
