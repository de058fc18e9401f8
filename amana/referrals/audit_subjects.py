"""Tells the audit log which case a referral, or its exchange locker, belongs to (see amana.audit.subjects)."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from amana.audit.subjects import Subject, register, text_ids
from amana.referrals.models import Referral


def _numbers(object_ids: Collection[str]) -> list[int]:
    return [int(value) for value in object_ids if value.isdigit()]


class ReferralSubjects:
    object_type = "referrals.referral"
    part = _("referral %(reference)s")

    def _field(self) -> str:
        return "pk"

    def describe(self, object_ids: Collection[str]) -> dict[str, Subject]:
        field = self._field()
        rows = Referral.objects.filter(**{f"{field}__in": _numbers(object_ids)}).values_list(
            field, "case_id", "case__reference", "case__organisation_id", "reference"
        )
        return {
            str(key): Subject(case_id, case_reference, organisation, self.part % {"reference": reference})
            for key, case_id, case_reference, organisation, reference in rows
        }

    def ids_for_organisation(self, organisation_id: int) -> QuerySet[Any]:
        return text_ids(Referral.objects.filter(case__organisation_id=organisation_id), self._field())

    def ids_for_case(self, case_id: int) -> QuerySet[Any]:
        return text_ids(Referral.objects.filter(case_id=case_id), self._field())

    def by_reference(self, reference: str) -> Subject | None:
        row = (
            Referral.objects.filter(reference=reference)
            .values_list("pk", "case_id", "case__reference", "case__organisation_id")
            .first()
        )
        if row is None or self._field() != "pk":
            return None
        return Subject(row[1], row[2], row[3], self.part % {"reference": reference}, object_id=str(row[0]))


class ReferralLockerSubjects(ReferralSubjects):
    object_type = "vault.locker"
    part = _("what was exchanged with the partner of referral %(reference)s")

    def _field(self) -> str:
        return "exchange_locker_id"


def register_subjects() -> None:
    register(ReferralSubjects())
    register(ReferralLockerSubjects())
