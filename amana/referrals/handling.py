"""What a shared evidence file is and how the receiving organisation handles it, as its page says."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from amana.evidence.models import EvidenceKind


@dataclass(frozen=True)
class Handling:
    what: str
    how: list[str] = field(default_factory=list)
    warning: str = ""


def _what(kind: str) -> str:
    if kind == EvidenceKind.IMAGE:
        return _("A picture or a screenshot.")
    if kind == EvidenceKind.TRANSCRIPT:
        return _(
            "A pseudonymised chat transcript: the messages of the chat she gave, with her names and phone "
            "numbers replaced by “the survivor”. The extortionist's names, numbers and accounts are as the chat "
            "shows them."
        )
    if kind == EvidenceKind.CHAT:
        return _("The original chat export, as her phone wrote it: it shows her names and her number.")
    if kind == EvidenceKind.PDF:
        return _("A document (PDF).")
    if kind in (EvidenceKind.AUDIO, EvidenceKind.VIDEO):
        return _("A voice note, an audio recording or a video.")
    return _("A document or another file.")


def handling_of(file: Any) -> Handling:
    """The page's sentences for one shared file (``kind`` and ``may_be_intimate`` are read)."""
    how = [
        _("Keep it only on your organisation's protected devices; never forward it or copy it elsewhere."),
        _("Use it only for this referral; when the referral ends your organisation can no longer open it."),
    ]
    if file.kind == EvidenceKind.TRANSCRIPT:
        how.append(
            _(
                "Do not try to find out who she is from it. Ask the NGO through the referral's questions if "
                "something is unclear; the NGO keeps the original export."
            )
        )
    if file.kind == EvidenceKind.CHAT:
        how.append(_("It identifies her: only the people handling this referral may read it."))
    warning = ""
    if file.may_be_intimate:
        warning = _(
            "This picture may be intimate. Open it only if your work needs it, never in front of others, never "
            "show it to her family or community, and never ask her to send more."
        )
    return Handling(what=_what(file.kind), how=how, warning=warning)
