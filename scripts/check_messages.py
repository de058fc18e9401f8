"""Fail when a translation catalogue is stale.

Steps: regenerate each app's catalogues into a scratch copy of the tree, compare the set of
message ids with the committed ones, then check that Arabic and Kurdish have no untranslated or
fuzzy entries. Run as 'make check-messages' (CI does).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ["ar", "ckb", "en"]
MUST_TRANSLATE = ["ar", "ckb"]


def plural_forms(catalogue: polib.POFile) -> int:
    """How many plural forms the language has (Arabic six, Kurdish and English two)."""
    match = re.search(r"nplurals\s*=\s*(\d+)", catalogue.metadata.get("Plural-Forms", ""))
    return int(match.group(1)) if match else 2


def entries(po_file: Path) -> dict[str, bool]:
    """msgid (with context and plural) -> whether it is translated, in every plural form, and not fuzzy."""
    result: dict[str, bool] = {}
    catalogue = polib.pofile(str(po_file))
    forms = plural_forms(catalogue)
    for entry in catalogue:
        if entry.obsolete:
            continue
        key = f"{entry.msgctxt or ''}\x04{entry.msgid}\x00{entry.msgid_plural or ''}"
        if entry.msgid_plural:
            # A missing form makes gettext fall back to English for the numbers that need it.
            complete = len(entry.msgstr_plural) == forms and all(entry.msgstr_plural.values())
        else:
            complete = bool(entry.msgstr)
        result[key] = complete and "fuzzy" not in entry.flags
    return result


def label(key: str) -> str:
    return repr(key.split("\x04", 1)[1].split("\x00", 1)[0])


def main() -> int:
    problems: list[str] = []
    with tempfile.TemporaryDirectory() as scratch:
        copy = Path(scratch) / "tree"
        shutil.copytree(ROOT / "amana", copy / "amana", ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
        shutil.copy(ROOT / "manage.py", copy / "manage.py")
        for app in sorted(p.parent for p in (copy / "amana").glob("*/apps.py")):
            (app / "locale").mkdir(exist_ok=True)
            args = [sys.executable, str(copy / "manage.py"), "makemessages", "--no-obsolete", "--no-location"]
            args += [f"-l{language}" for language in LANGUAGES]
            subprocess.run(args, cwd=app, check=True, capture_output=True)  # noqa: S603
            committed_app = ROOT / "amana" / app.name
            for language in LANGUAGES:
                fresh = app / "locale" / language / "LC_MESSAGES" / "django.po"
                committed = committed_app / "locale" / language / "LC_MESSAGES" / "django.po"
                if not fresh.exists():
                    continue
                fresh_ids = set(entries(fresh))
                committed_entries = entries(committed) if committed.exists() else {}
                missing = fresh_ids - set(committed_entries)
                extra = set(committed_entries) - fresh_ids
                name = committed.relative_to(ROOT)
                problems += [f"{name}: missing {label(key)}" for key in sorted(missing)]
                problems += [f"{name}: no longer in the source {label(key)}" for key in sorted(extra)]
                if language in MUST_TRANSLATE:
                    problems += [
                        f"{name}: untranslated {label(key)}"
                        for key, complete in committed_entries.items()
                        if key in fresh_ids and not complete
                    ]
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} catalogue problems; run 'make messages', translate, and commit.")
        return 1
    print("Translation catalogues are up to date.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
