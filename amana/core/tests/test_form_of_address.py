"""Staff Arabic speaks to the reader in one form: the masculine singular imperative, the generic
form of Arabic interfaces (docs/translations.md). Only what is written to her, the survivor, is in
the feminine."""

from __future__ import annotations

import re
from pathlib import Path

import polib

AMANA = Path(__file__).resolve().parents[2]
# The survivor channel speaks to her; every other app speaks to staff.
SURVIVOR_APPS = {"channel"}
# Strings outside the channel that are shown to her (the threatened-images guidance, her request to
# delete her report), so rightly in the feminine; each named by how it begins.
WRITTEN_TO_HER = (
    "Keep the evidence first:",
    "Do not pay and do not send more images.",
    "If someone may check your phone,",
    "You already asked for your report to be deleted.",
    "If you ask, a supervisor at the organisation confirms it,",
)
# Feminine (and plural) forms of the verbs staff pages use to tell the reader what to do.
OTHER_FORMS = [
    "اختاري", "أدخلي", "تُدخلي", "اكتبي", "تحققي", "اطلبي", "أضيفي", "الصقي", "افتحيه", "انسخي", "اشرحي",
    "اتركي", "سجّلي", "تواصلي", "اقرئيها", "ردّي", "تابعيها", "وافقي", "توافقي", "صدّري", "استورديها",
    "اجعليها", "استخدمي", "تطلبي", "تحتفظي", "اتبعي", "أنتِ", "طلبتِ",
    "اسألوا", "سجّلوا", "اقبلوها", "ارفضوها", "قمتم", "احتجتم", "تعرفوا",
]  # fmt: skip
WORD = re.compile(r"(?<![\w\u064b-\u065f])[وف]?(" + "|".join(OTHER_FORMS) + r")(?![\w\u064b-\u065f])")


def staff_catalogues() -> list[Path]:
    paths = sorted(AMANA.glob("*/locale/ar/LC_MESSAGES/django.po"))
    return [path for path in paths if path.parts[-5] not in SURVIVOR_APPS]


def test_the_staff_catalogues_are_found() -> None:
    names = {path.parts[-5] for path in staff_catalogues()}
    assert {"cases", "evidence", "referrals", "accounts"} <= names


def test_it_addresses_staff_in_one_form() -> None:
    mixed: list[str] = []
    for path in staff_catalogues():
        for entry in polib.pofile(str(path)):
            if entry.msgid.startswith(WRITTEN_TO_HER):
                continue
            for text in [entry.msgstr, *entry.msgstr_plural.values()]:
                match = WORD.search(text)
                if match:
                    mixed.append(f"{path.parts[-5]}: {entry.msgid[:60]!r} has {match.group(1)}")
    assert not mixed, "\n".join(mixed)
