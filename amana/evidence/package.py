"""The evidence package for the authorities: signed, so that whoever receives it can check it without amana.

Layout of the zip::

    summary.pdf                   what the package holds, readable in Arabic (right to left) and other languages
    how-to-verify.pdf             one page, in Arabic, Kurdish and English: how to check the package
    signing-key.pub               the organisation's public signing key (minisign format)
    signing-key-fingerprint.txt   its key id and fingerprint, to compare with those handed over in person
    files/NNN-name                each evidence file, exactly as received (only when evidence is granted)
    chats/NNN.txt                 each imported chat timeline as plain text (only when evidence is granted)
    manifest.csv                  the files above with their SHA-256, for a spreadsheet
    SHA256SUMS                    the files above, in the format ``sha256sum -c`` checks
    manifest.json                 every file above with its SHA-256, size and chain of custody
    manifest.json.minisig         the organisation's signature of manifest.json
    SHA256SUMS.minisig            the organisation's signature of SHA256SUMS

Only the compartments granted are read at all: without ``identity`` her name never enters the
package, without ``incident``/``evidence`` neither does what happened nor any file.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import IO, Any, Protocol, TypeVar

from django.utils.translation import gettext as _

from amana.evidence.models import EvidencePackage
from amana.evidence.pdf import Summary
from amana.vault import services as vault

MANIFEST = "manifest.json"
MANIFEST_CSV = "manifest.csv"
SUMS = "SHA256SUMS"
SIGNATURE_SUFFIX = ".minisig"
SUMMARY = "summary.pdf"
HOW_TO = "how-to-verify.pdf"
PUBLIC_KEY = "signing-key.pub"
FINGERPRINT = "signing-key-fingerprint.txt"
SIGNED = (MANIFEST, SUMS)
T = TypeVar("T")
FORMAT = "amana-evidence-package/2"


@dataclass(frozen=True)
class PackageFile:
    path: str
    content: bytes
    received_at: datetime | None = None
    received_through: str = ""
    kind: str = ""
    original_name: str = ""
    # The file's chain of custody: {"action", "at", "role"} and "name" only if the organisation chose so.
    custody: Sequence[dict[str, str]] = ()

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


_UNSAFE = re.compile(r"[^\w.\-]+", re.UNICODE)


def safe_member_name(number: int, name: str) -> str:
    """A name inside the zip that cannot point elsewhere: numbered, no folders, no control characters."""
    base = _UNSAFE.sub("_", name.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]).strip("._") or "file"
    return f"files/{number:03d}-{base[:80]}"


class Signer(Protocol):
    @property
    def key(self) -> Any: ...

    def sign(self, message: bytes, *, trusted_comment: str) -> bytes: ...


@dataclass(frozen=True)
class Signing:
    """Who signs the package and what the recipient needs to check it."""

    signer: Signer
    organisation: str
    key_id: str
    public_key_file: bytes
    fingerprint: str
    how_to: bytes


def _entry(file: PackageFile) -> dict[str, Any]:
    return {
        "path": file.path,
        "sha256": file.sha256,
        "size": len(file.content),
        "received_at": file.received_at.isoformat() if file.received_at else "",
        "received_through": file.received_through,
        "type": file.kind,
        "custody": list(file.custody),
    }


def _manifest_csv(files: list[PackageFile]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["path", "sha256", "size", "received_at", "received_through", "type"])
    for file in files:
        received = file.received_at.isoformat() if file.received_at else ""
        writer.writerow([file.path, file.sha256, len(file.content), received, file.received_through, file.kind])
    return buffer.getvalue().encode("utf-8-sig")


def _sums(files: list[PackageFile]) -> bytes:
    return "".join(f"{file.sha256}  {file.path}\n" for file in files).encode()


def _fingerprint_text(signing: Signing) -> bytes:
    return (
        f"{signing.organisation}\nminisign key id: {signing.key_id}\n"
        f"fingerprint (sha256sum {PUBLIC_KEY}): {signing.fingerprint}\n"
    ).encode()


def trusted_comment(*, reference: str, organisation: str, made_at: datetime, key_id: str) -> str:
    """The signed line minisign prints after a good signature: what the package is and who made it."""
    line = f"amana evidence package {reference} of {organisation}, made {made_at.isoformat(timespec='seconds')}"
    return " ".join(f"{line}, key {key_id}".split())


@dataclass(frozen=True)
class BuiltPackage:
    content: bytes
    manifest_sha256: str
    file_count: int


def build_zip(
    *,
    reference: str,
    made_at: datetime,
    compartments: Iterable[str],
    summary: Summary,
    files: list[PackageFile],
    signing: Signing,
) -> BuiltPackage:
    """Write the zip. Steps: the summary, the verification page, the key and the files; the CSV and
    SHA256SUMS lists of them; the manifest with every file's hash and custody; both signatures."""
    listed = [
        PackageFile(path=SUMMARY, content=summary.render(), kind="pdf"),
        PackageFile(path=HOW_TO, content=signing.how_to, kind="pdf"),
        PackageFile(path=PUBLIC_KEY, content=signing.public_key_file, kind="signing_key"),
        PackageFile(path=FINGERPRINT, content=_fingerprint_text(signing), kind="signing_key"),
        *files,
    ]
    listed.append(PackageFile(path=MANIFEST_CSV, content=_manifest_csv(listed), kind="manifest"))
    listed.append(PackageFile(path=SUMS, content=_sums(listed), kind="manifest"))
    document = {
        "format": FORMAT,
        "organisation": signing.organisation,
        "signing_key": signing.key_id,
        "case": reference,
        "made_at": made_at.isoformat(),
        "compartments": sorted(compartments),
        "files": [_entry(file) for file in listed],
    }
    manifest = json.dumps(document, ensure_ascii=False, indent=2).encode()
    comment = trusted_comment(
        reference=reference, organisation=signing.organisation, made_at=made_at, key_id=signing.key_id
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for file in listed:
            archive.writestr(file.path, file.content)
        archive.writestr(MANIFEST, manifest)
        archive.writestr(MANIFEST + SIGNATURE_SUFFIX, signing.signer.sign(manifest, trusted_comment=comment))
        archive.writestr(SUMS + SIGNATURE_SUFFIX, signing.signer.sign(listed[-1].content, trusted_comment=comment))
    return BuiltPackage(
        content=buffer.getvalue(), manifest_sha256=hashlib.sha256(manifest).hexdigest(), file_count=len(listed)
    )


# Verification --------------------------------------------------------------------------------


@dataclass
class Verification:
    """Three separate answers: is the signature good and whose, do the files match, did we make it."""

    readable: bool = True
    manifest_sha256: str = ""
    reference: str = ""
    made_at: str = ""
    signature: vault.SignatureCheck | None = None
    signature_problems: list[str] = field(default_factory=list)
    checked: int = 0
    file_problems: list[str] = field(default_factory=list)
    recorded: EvidencePackage | None = None

    @property
    def genuine(self) -> bool:
        """Signed by an organisation key of this database, and every file as signed."""
        return self.readable and self.signature is not None and not self.signature_problems and not self.file_problems


# The manifests and signatures are small; a larger one is not ours and is not read into memory.
LIST_LIMIT = 16 * 1024 * 1024
_CHUNK = 1024 * 1024


def _read(archive: zipfile.ZipFile, name: str, problems: list[str], consume: Callable[[IO[bytes]], T]) -> T | None:
    """``consume`` applied to one member; a missing or damaged member becomes a problem and None."""
    try:
        with archive.open(name) as member:
            return consume(member)
    except KeyError:
        problems.append(_("“%(name)s” is missing from the package.") % {"name": name})
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        problems.append(_("“%(name)s” in the package is damaged.") % {"name": name})
    return None


def _member(archive: zipfile.ZipFile, name: str, problems: list[str]) -> bytes | None:
    content = _read(archive, name, problems, lambda member: member.read(LIST_LIMIT + 1))
    if content is not None and len(content) > LIST_LIMIT:
        problems.append(_("“%(name)s” in the package is damaged.") % {"name": name})
        return None
    return content


def _hash_stream(member: IO[bytes]) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    while chunk := member.read(_CHUNK):
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


def _digest(archive: zipfile.ZipFile, name: str, problems: list[str]) -> tuple[str, int] | None:
    """The SHA-256 and size of a member, read in chunks: a file of any size in constant memory."""
    return _read(archive, name, problems, _hash_stream)


def _signature_problem(name: str, check: vault.SignatureCheck) -> str:
    values = {"name": name, "key": check.key_id_text}
    if check.problem == vault.SignatureProblem.MALFORMED:
        return _("The signature of “%(name)s” is not in the minisign format, or the key given is not a key.") % values
    if check.problem == vault.SignatureProblem.UNKNOWN_KEY:
        return (
            _(
                "“%(name)s” was signed with key %(key)s, which is not the key of any organisation in this "
                "database: someone signed it again with a key of their own."
            )
            % values
        )
    if check.problem == vault.SignatureProblem.NOT_THIS_KEY:
        return (
            _(
                "“%(name)s” was signed with key %(key)s, not with the key you gave: it comes from another "
                "organisation, or someone signed it again with a key of their own."
            )
            % values
        )
    return _("The signature of “%(name)s” does not match it: the file was changed after it was signed.") % values


def _check_signatures(
    archive: zipfile.ZipFile, result: Verification, expected_key: bytes | None
) -> dict[str, bytes] | None:
    """Check both signed lists; return them (by name) when both signatures hold with one key."""
    problems = result.signature_problems
    signed: dict[str, bytes] = {}
    checks: list[vault.SignatureCheck] = []
    for name in SIGNED:
        content = _member(archive, name, problems)
        signature = _member(archive, name + SIGNATURE_SUFFIX, problems)
        if content is None or signature is None:
            continue
        check = vault.check_signature(content, signature, expected_key=expected_key)
        if not check.valid:
            problems.append(_signature_problem(name, check))
            continue
        signed[name] = content
        checks.append(check)
    if problems:
        return None
    if len({check.key_id_text for check in checks}) != 1:
        problems.append(_("manifest.json and SHA256SUMS were signed with different keys."))
        return None
    result.signature = checks[0]
    return signed


def _check_claims(document: dict[str, Any], result: Verification) -> None:
    """The manifest names its organisation and key: they must be the ones that signed it."""
    key = result.signature.key if result.signature is not None else None
    if key is None:  # checked only with a key given by hand; nothing in this database to compare
        return
    claimed = str(document.get("organisation", ""))
    if str(document.get("signing_key", "")) != key.key_id_text or claimed != key.organisation.name:
        result.signature_problems.append(
            _("The manifest says it was made by %(claimed)s, but it was signed with a key of %(signer)s.")
            % {"claimed": claimed or "—", "signer": key.organisation.name}
        )


def _check_revocation(result: Verification) -> None:
    """A key revoked from a date is trusted only for packages this database recorded before it."""
    key = result.signature.key if result.signature is not None else None
    if key is None or key.revoked_from is None:
        return
    recorded = result.recorded
    if recorded is not None and recorded.made_at < key.revoked_from:
        return
    result.signature_problems.append(
        _(
            "It was signed with key %(key)s, which %(organisation)s revoked from %(date)s, and this database "
            "does not record it as made before then: do not trust it."
        )
        % {
            "key": key.key_id_text,
            "organisation": key.organisation.name,
            "date": key.revoked_from.isoformat(timespec="minutes"),
        }
    )


def _sums_entries(content: bytes) -> dict[str, str]:
    entries = {}
    for line in content.decode("utf-8", "replace").splitlines():
        digest, _sep, path = line.partition("  ")
        entries[path] = digest
    return entries


def _check_files(archive: zipfile.ZipFile, entries: list[dict[str, Any]], sums: bytes, result: Verification) -> None:
    problems = result.file_problems
    listed = {str(entry.get("path", "")): str(entry.get("sha256", "")) for entry in entries}
    if {path: digest for path, digest in listed.items() if path != SUMS} != _sums_entries(sums):
        problems.append(_("SHA256SUMS and manifest.json do not list the same files with the same SHA-256."))
    for entry in entries:
        path, expected = str(entry.get("path", "")), str(entry.get("sha256", ""))
        found = _digest(archive, path, problems)
        if found is None:
            continue
        result.checked += 1
        if found != (expected, entry.get("size")):
            problems.append(_("“%(name)s” was changed: its SHA-256 is not the one in the manifest.") % {"name": path})
    known = set(listed) | {MANIFEST} | {name + SIGNATURE_SUFFIX for name in SIGNED}
    for name in archive.namelist():
        if name not in known:
            problems.append(_("“%(name)s” is in the package but not in the manifest.") % {"name": name})


def verify(stream: Any, *, expected_key: bytes | None = None) -> Verification:
    """Check a package. Steps: open the zip; check the signatures of manifest.json and SHA256SUMS
    (against this database's organisation keys, or ``expected_key``, a ``.pub`` file handed over in
    person); check that the manifest names the key that signed it; look the package up in this
    database, and refuse a key revoked before it was made; check every file against the manifest."""
    result = Verification()
    try:
        archive = zipfile.ZipFile(stream)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        result.readable = False
        return result
    with archive:
        signed = _check_signatures(archive, result, expected_key)
        manifest = signed[MANIFEST] if signed else _member(archive, MANIFEST, [])
        if manifest is None:
            return result
        result.manifest_sha256 = hashlib.sha256(manifest).hexdigest()
        result.recorded = (
            EvidencePackage.objects.filter(manifest_sha256=result.manifest_sha256)
            .select_related("case__organisation", "signing_key")
            .first()
        )
        try:
            document = json.loads(manifest)
            entries = list(document["files"])
            result.reference, result.made_at = str(document.get("case", "")), str(document.get("made_at", ""))
        except (ValueError, KeyError, TypeError):
            result.file_problems.append(_("The manifest cannot be read."))
            return result
        if signed:
            _check_claims(document, result)
            _check_revocation(result)
        sums = signed[SUMS] if signed else _member(archive, SUMS, result.file_problems) or b""
        _check_files(archive, entries, sums, result)
    return result
