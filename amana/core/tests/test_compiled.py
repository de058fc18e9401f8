"""A compiled read gives what the queryset it was written as gives, call after call, with each
call's own values, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import pytest
from django.db.models import Count, Q

from amana.accounts.models import User
from amana.cases.models import Case, CaseMessage, Sender
from amana.cases.services import add_message
from amana.channel.tests.conftest import make_case
from amana.core.compiled import CompiledRead

pytestmark = pytest.mark.django_db

MESSAGES = CompiledRead(
    lambda case_id: (
        CaseMessage.objects.filter(case_id=case_id)
        .order_by("pk")
        .values_list("sender", "created_at", "under_duress", "author__username")
    )
)


def test_rows_are_the_rows_of_the_queryset_with_each_calls_values(personas) -> None:
    first, _code = make_case(personas.ngo)
    second, _code = make_case(personas.ngo)
    add_message(case=first, body="First (example)", sender=Sender.SURVIVOR)
    add_message(case=first, body="Second (example)", sender=Sender.STAFF, author=personas.caseworker)
    add_message(case=second, body="Other case (example)", sender=Sender.SURVIVOR, under_duress=True)
    for case in (first, second, first):
        expected = list(MESSAGES._build(case.pk))
        assert MESSAGES.rows(case.pk) == expected
    # Times come back as times (SQLite stores text), flags as flags, in the order asked for.
    sender, created_at, under_duress, author = MESSAGES.rows(first.pk)[1]
    assert (sender, under_duress, author) == (Sender.STAFF, False, personas.caseworker.username)
    assert created_at.tzinfo is not None
    assert MESSAGES.rows(second.pk)[0][2] is True
    assert MESSAGES.rows(0) == []


def test_columns_come_in_the_order_asked_for_with_counts(personas) -> None:
    read = CompiledRead(
        lambda organisation_id: (
            User.objects.filter(organisation_id=organisation_id)
            .annotate(roles=Count("role_assignments"))
            .order_by("username")
            .values_list("roles", "username")
        )
    )
    expected = list(read._build(personas.ngo.pk))
    assert expected and read.rows(personas.ngo.pk) == expected


def test_objects_come_with_what_they_select_related(personas) -> None:
    case, _code = make_case(personas.ngo)
    Case.objects.filter(pk=case.pk).update(assigned_to=personas.caseworker)
    read = CompiledRead(
        lambda reference, organisation_id: Case.objects.filter(
            reference=reference, organisation_id=organisation_id
        ).select_related("assigned_to", "identity_locker")
    )
    (found,) = read.objects(case.reference, personas.ngo.pk)
    assert found == case and found.created_at == Case.objects.get(pk=case.pk).created_at
    with_related = Case.objects.select_related("assigned_to", "identity_locker").get(pk=case.pk)
    for field in Case._meta.concrete_fields:
        assert getattr(found, field.attname) == getattr(with_related, field.attname), field.name
    assert found._state.fields_cache["assigned_to"].username == personas.caseworker.username
    assert found.identity_locker.pk == case.identity_locker_id
    assert read.objects(case.reference, personas.ngo.pk + 1000) == []
    assert read.objects("NO-SUCH", personas.ngo.pk) == []


def test_a_value_the_sql_does_not_hold_once_is_refused() -> None:
    twice = CompiledRead(lambda case_id: Case.objects.filter(Q(pk=case_id) | Q(organisation_id=case_id)))
    with pytest.raises(ValueError, match="once"):
        twice.rows(1)
    unused = CompiledRead(lambda case_id: Case.objects.all())
    with pytest.raises(ValueError, match="once"):
        unused.objects(1)


def test_several_numbers_go_in_as_a_list_of_any_length(personas, django_assert_num_queries) -> None:
    made = [make_case(personas.ngo)[0].pk for _ in range(3)]
    read = CompiledRead(
        lambda ids, organisation_id: (
            Case.objects.filter(pk__in=ids, organisation_id=organisation_id).order_by("pk").values_list("pk")
        )
    )
    assert read.rows(tuple(made), personas.ngo.pk) == [(pk,) for pk in made]
    assert read.rows((made[2], made[0]), personas.ngo.pk) == [(made[0],), (made[2],)]
    assert read.rows((made[1],), personas.ngo.pk) == [(made[1],)]
    with django_assert_num_queries(0):  # nothing to be in: nothing, without asking the database
        assert read.rows((), personas.ngo.pk) == []
    assert read.rows(tuple(made), personas.ngo.pk + 1000) == []


def test_values_django_would_not_pass_unchanged_are_refused() -> None:
    read = CompiledRead(lambda assigned_to: Case.objects.filter(assigned_to=assigned_to).values_list("pk"))
    with pytest.raises(TypeError):
        read.rows(None)  # type: ignore[arg-type]  # what a caller must not do: Django writes IS NULL
    with pytest.raises(TypeError):
        read.rows(("a", "b"))  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        read.rows(True)


def test_a_read_that_would_keep_the_time_of_its_first_call_is_refused() -> None:
    from django.utils import timezone

    read = CompiledRead(lambda case_id: Case.objects.filter(pk=case_id, created_at__lt=timezone.now()))
    with pytest.raises(ValueError, match="time"):
        read.objects(1)
