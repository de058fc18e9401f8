"""Tells the audit log which case a case or one of its lockers is (see amana.audit.subjects)."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from django.db.models import Q, QuerySet

from amana.audit.subjects import Subject, register, text_ids
from amana.cases.models import Case
from amana.vault.models import Compartment, Locker

LOCKER_FIELDS = {
    "identity_locker": Compartment.IDENTITY,
    "incident_locker": Compartment.INCIDENT,
    "evidence_locker": Compartment.EVIDENCE,
    "care_locker": Compartment.CARE,
    "messages_locker": Compartment.MESSAGES,
}


def _numbers(object_ids: Collection[str]) -> list[int]:
    return [int(value) for value in object_ids if value.isdigit()]


class CaseSubjects:
    object_type = "cases.case"

    def describe(self, object_ids: Collection[str]) -> dict[str, Subject]:
        rows = Case.objects.filter(pk__in=_numbers(object_ids)).values_list("pk", "reference", "organisation_id")
        return {str(pk): Subject(pk, reference, organisation) for pk, reference, organisation in rows}

    def ids_for_organisation(self, organisation_id: int) -> QuerySet[Any]:
        return text_ids(Case.objects.filter(organisation_id=organisation_id))

    def ids_for_case(self, case_id: int) -> QuerySet[Any]:
        return text_ids(Case.objects.filter(pk=case_id))

    def by_reference(self, reference: str) -> Subject | None:
        case = Case.objects.filter(reference=reference).values_list("pk", "organisation_id").first()
        return Subject(case[0], reference, case[1], object_id=str(case[0])) if case else None


class CaseLockerSubjects:
    object_type = "vault.locker"

    def describe(self, object_ids: Collection[str]) -> dict[str, Subject]:
        numbers = _numbers(object_ids)
        condition = Q()
        for field in LOCKER_FIELDS:
            condition |= Q(**{f"{field}_id__in": numbers})
        found: dict[str, Subject] = {}
        for case in Case.objects.filter(condition).only("pk", "reference", "organisation_id", *LOCKER_FIELDS):
            for field, compartment in LOCKER_FIELDS.items():
                found[str(getattr(case, f"{field}_id"))] = Subject(
                    case.pk, case.reference, case.organisation_id, compartment.label
                )
        return {key: value for key, value in found.items() if key in object_ids}

    def _lockers(self, cases: QuerySet[Case]) -> QuerySet[Any]:
        condition = Q()
        for field in LOCKER_FIELDS:
            condition |= Q(pk__in=cases.values(field))
        return text_ids(Locker.objects.filter(condition))

    def ids_for_organisation(self, organisation_id: int) -> QuerySet[Any]:
        return self._lockers(Case.objects.filter(organisation_id=organisation_id))

    def ids_for_case(self, case_id: int) -> QuerySet[Any]:
        return self._lockers(Case.objects.filter(pk=case_id))

    def by_reference(self, reference: str) -> Subject | None:
        return None


def register_subjects() -> None:
    register(CaseSubjects())
    register(CaseLockerSubjects())
