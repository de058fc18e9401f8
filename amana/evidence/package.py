"""The evidence package for the authorities: a PDF summary, the files, and a manifest of their SHA-256.

Layout of the zip::

    summary.pdf          what the package holds, readable in Arabic (right to left) and other languages
    files/NN-name        each evidence file, exactly as received (only when evidence is granted)
    chats/NN.txt         each imported chat timeline as plain text (only when evidence is granted)
    manifest.json        every file above with its SHA-256 and size, and the package's details
    manifest.csv         the same list, for a spreadsheet
    manifest.sha256      the SHA-256 of manifest.json

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
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils.translation import gettext as _

from amana.evidence.pdf import Summary

MANIFEST = "manifest.json"
MANIFEST_CSV = "manifest.csv"
MANIFEST_HASH = "manifest.sha256"
SUMMARY = "summary.pdf"
FORMAT = "amana-evidence-package/1"


@dataclass(frozen=True)
class PackageFile:
    path: str
    content: bytes
    received_at: datetime | None = None
    received_through: str = ""
    kind: str = ""
    original_name: str = ""

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


_UNSAFE = re.compile(r"[^\w.\-]+", re.UNICODE)


def safe_member_name(number: int, name: str) -> str:
    """A name inside the zip that cannot point elsewhere: numbered, no folders, no control characters."""
    base = _UNSAFE.sub("_", name.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]).strip("._") or "file"
    return f"files/{number:03d}-{base[:80]}"


def _manifest(reference: str, made_at: datetime, compartments: list[str], files: list[PackageFile]) -> bytes:
    document = {
        "format": FORMAT,
        "case": reference,
        "made_at": made_at.isoformat(),
        "compartments": compartments,
        "files": [
            {
                "path": file.path,
                "sha256": file.sha256,
                "size": len(file.content),
                "received_at": file.received_at.isoformat() if file.received_at else "",
                "received_through": file.received_through,
                "type": file.kind,
            }
            for file in files
        ],
    }
    return json.dumps(document, ensure_ascii=False, indent=2).encode()


def _manifest_csv(files: list[PackageFile]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["path", "sha256", "size", "received_at", "received_through", "type"])
    for file in files:
        received = file.received_at.isoformat() if file.received_at else ""
        writer.writerow([file.path, file.sha256, len(file.content), received, file.received_through, file.kind])
    return buffer.getvalue().encode("utf-8-sig")


@dataclass(frozen=True)
class BuiltPackage:
    content: bytes
    manifest_sha256: str
    file_count: int


def build_zip(
    *, reference: str, made_at: datetime, compartments: Iterable[str], summary: Summary, files: list[PackageFile]
) -> BuiltPackage:
    """Write the zip: summary and files first, then the manifests that list them with their hashes."""
    chosen = sorted(compartments)
    listed = [PackageFile(path=SUMMARY, content=summary.render(), kind="pdf"), *files]
    manifest = _manifest(reference, made_at, chosen, listed)
    manifest_sha256 = hashlib.sha256(manifest).hexdigest()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for file in listed:
            archive.writestr(file.path, file.content)
        archive.writestr(MANIFEST, manifest)
        archive.writestr(MANIFEST_CSV, _manifest_csv(listed))
        archive.writestr(MANIFEST_HASH, f"{manifest_sha256}  {MANIFEST}\n")
    return BuiltPackage(content=buffer.getvalue(), manifest_sha256=manifest_sha256, file_count=len(listed))


# Verification --------------------------------------------------------------------------------


@dataclass
class Verification:
    manifest_sha256: str = ""
    checked: int = 0
    problems: list[str] | None = None

    @property
    def ok(self) -> bool:
        return not self.problems


def _member(archive: zipfile.ZipFile, name: str, problems: list[str]) -> bytes | None:
    try:
        return archive.read(name)
    except KeyError:
        problems.append(_("“%(name)s” is missing from the package.") % {"name": name})
    except (zipfile.BadZipFile, OSError, ValueError):
        problems.append(_("“%(name)s” in the package is damaged.") % {"name": name})
    return None


def verify(stream: Any) -> Verification:
    """Check a package. Steps: the manifest's own hash, then each listed file's size and SHA-256, then
    that nothing is in the zip that the manifest does not list."""
    result = Verification(problems=[])
    problems: list[str] = result.problems  # type: ignore[assignment]  # set just above
    try:
        archive = zipfile.ZipFile(stream)
    except (zipfile.BadZipFile, OSError, ValueError):
        problems.append(_("This is not a readable zip file."))
        return result
    with archive:
        manifest = _member(archive, MANIFEST, problems)
        recorded = _member(archive, MANIFEST_HASH, problems)
        if manifest is None or recorded is None:
            return result
        result.manifest_sha256 = hashlib.sha256(manifest).hexdigest()
        if recorded.decode("utf-8", "replace").split()[:1] != [result.manifest_sha256]:
            problems.append(_("The manifest was changed: its SHA-256 is not the one recorded with it."))
        try:
            document = json.loads(manifest)
            entries = list(document["files"])
        except (ValueError, KeyError, TypeError):
            problems.append(_("The manifest cannot be read."))
            return result
        for entry in entries:
            path, expected = str(entry.get("path", "")), str(entry.get("sha256", ""))
            content = _member(archive, path, problems)
            if content is None:
                continue
            result.checked += 1
            if hashlib.sha256(content).hexdigest() != expected or len(content) != entry.get("size"):
                problems.append(
                    _("“%(name)s” was changed: its SHA-256 is not the one in the manifest.") % {"name": path}
                )
        listed = {str(entry.get("path", "")) for entry in entries} | {MANIFEST, MANIFEST_CSV, MANIFEST_HASH}
        for name in archive.namelist():
            if name not in listed:
                problems.append(_("“%(name)s” is in the package but not in the manifest.") % {"name": name})
    return result
