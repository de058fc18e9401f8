"""Writes of the directory: an entry's words entered or corrected in one language, with the reason."""

from __future__ import annotations

from collections.abc import Mapping

from django.db import transaction
from django.utils.translation import gettext as _

from amana.accounts.models import User
from amana.audit import services as audit
from amana.directory.models import TEXT_FIELDS, EntryCorrection, Service, ServiceText


class CorrectionRefused(Exception):
    """A correction that cannot be made; the message says why, in the reader's language."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@transaction.atomic
def set_entry_text(
    *, actor: User, service: Service, language: str, words: Mapping[str, str], reason: str
) -> EntryCorrection:
    """Enter or correct an entry's name, hours, languages and what it accepts in one language.

    Steps: refuse without a reason or a name; write the entry's own words when the language is the
    one it was written in, else that language's version (made when it is the first time); refuse
    when nothing differs; keep the reason and the changed words' names; write the audit entry.
    """
    reason = reason.strip()
    if not reason:
        raise CorrectionRefused(_("Give the reason: every correction keeps why it was made."))
    words = {field: (words.get(field) or "").strip() for field in TEXT_FIELDS}
    if not words["name"]:
        raise CorrectionRefused(_("Give the name of the service in this language."))
    service = Service.objects.select_for_update().get(pk=service.pk)
    target: Service | ServiceText
    if language == service.language:
        target, entered = service, False
    else:
        found = ServiceText.objects.filter(service=service, language=language).first()
        target, entered = (found, False) if found else (ServiceText(service=service, language=language), True)
    changed = [field for field in TEXT_FIELDS if getattr(target, field) != words[field]]
    if not changed:
        raise CorrectionRefused(_("Nothing was changed."))
    for field in changed:
        setattr(target, field, words[field])
    if entered:
        target.save()
    else:
        target.save(update_fields=changed)
    correction = EntryCorrection.objects.create(
        service=service, language=language, fields=changed, reason=reason, corrected_by=actor
    )
    audit.record(
        actor=actor, action="directory.entry.entered" if entered else "directory.entry.corrected", target=service
    )
    return correction
