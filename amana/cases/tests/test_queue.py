"""The queue, caseloads and search: urgent first, paginated, free of per-row queries, searchable by identifier."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from amana.cases import services
from amana.cases.models import Case
from amana.cases.selectors import open_incident
from amana.channel.tests.conftest import ARABIC_INDIC
from amana.evidence.models import PerpetratorIndex
from amana.vault import services as vault

from .conftest import assigned_case, keyring_of, make_case

pytestmark = pytest.mark.django_db


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    "url",
    [
        "/staff/cases/",
        "/staff/cases/?view=open&children=1",
        "/staff/cases/?view=mine",
        "/staff/cases/?view=overdue",
        "/staff/cases/caseload/",
    ],
)
def test_lists_make_the_same_number_of_queries_for_few_and_many_cases(personas, login, url: str) -> None:
    client = login(personas.supervisor)
    assigned_case(personas)
    services.assign_case(case=Case.objects.get(), caseworker=personas.caseworker, by=personas.supervisor)
    few = _queries(client, url + ("&" if "?" in url else "?") + "caseworker=" + str(personas.caseworker.pk))
    for _ in range(6):
        case, _code = assigned_case(personas, danger_now="yes")
        services.assign_case(case=case, caseworker=personas.caseworker, by=personas.supervisor)
    many = _queries(client, url + ("&" if "?" in url else "?") + "caseworker=" + str(personas.caseworker.pk))
    assert few == many


def test_the_queue_lists_urgent_and_high_risk_first_with_their_caseworker(personas, login) -> None:
    calm, _ = make_case(personas.ngo)
    risky, _ = assigned_case(personas)
    services.record_risk_assessment(
        case=risky, answers={"family_violence": "yes"}, notes="", judged="", by=personas.caseworker
    )
    calm_mine, _ = assigned_case(personas)
    page = login(personas.supervisor).get("/staff/cases/").content.decode()
    assert page.index(risky.reference) < page.index(calm_mine.reference) and calm.reference in page
    new = login(personas.supervisor).get("/staff/cases/?view=new").content.decode()
    assert calm.reference in new and risky.reference not in new
    # A caseworker's lists hold only the cases she may act on: those assigned to her.
    mine = login(personas.caseworker).get("/staff/cases/?view=mine").content.decode()
    assert risky.reference in mine and calm.reference not in mine
    assert calm.reference not in login(personas.caseworker).get("/staff/cases/").content.decode()
    # An unknown list name falls back to the open cases rather than failing.
    assert login(personas.caseworker).get("/staff/cases/?view=<script>").status_code == 200


def test_the_queue_pages_keep_the_chosen_list_and_follow_on(personas, login) -> None:
    cases = [make_case(personas.ngo)[0] for _ in range(26)]
    client = login(personas.supervisor)
    first = client.get("/staff/cases/?view=new").content.decode()
    match = re.search(r'href="\?view=new&amp;after=([0-9.]+)"', first)
    assert match, "the first page links to the next, in the same list"
    second = client.get(f"/staff/cases/?view=new&after={match.group(1)}").content.decode()
    on_first = {case.reference for case in cases if case.reference in first}
    on_second = {case.reference for case in cases if case.reference in second}
    # Newest first, each case on exactly one page, none left out.
    assert len(on_first) == 25 and len(on_second) == 1 and on_first.isdisjoint(on_second)
    assert cases[0].reference in on_second
    assert 'href="?view=new"' in second  # back to the first page
    # A cursor that cannot be read starts again at the first page instead of failing.
    assert client.get("/staff/cases/?view=new&after=x.y").status_code == 200


def test_search_by_reference_in_any_spelling(personas, login) -> None:
    case, _ = assigned_case(personas)
    other, _ = assigned_case(personas)
    typed = case.reference.replace("-", " ").lower()
    page = login(personas.caseworker).get("/staff/cases/search/", {"q": typed}).content.decode()
    assert case.reference in page and other.reference not in page


@pytest.mark.parametrize("query", ["", "x" * 301, "hello world", "<script>alert(1)</script>", "@"])
def test_a_search_that_cannot_be_read_is_explained_not_a_failure(personas, login, query: str) -> None:
    assigned_case(personas)
    response = login(personas.caseworker).get("/staff/cases/search/", {"q": query})
    assert response.status_code == 400
    assert "<script>alert" not in response.content.decode()


def test_search_by_perpetrator_number_written_differently_finds_every_case(personas, login) -> None:
    # The fixture's report names 0770 000 0000 and @example_account.
    first, _ = assigned_case(personas)
    second, _ = assigned_case(personas, perpetrator_phones=["+964 770 000 0000"], perpetrator_accounts=[])
    unrelated, _ = assigned_case(personas, perpetrator_phones=["0781 111 1111"], perpetrator_accounts=[])
    theirs, _ = make_case(personas.other_ngo)
    page = (
        login(personas.caseworker)
        .get("/staff/cases/search/", {"q": "07700000000".translate(ARABIC_INDIC)})
        .content.decode()
    )
    assert first.reference in page and second.reference in page
    assert unrelated.reference not in page and theirs.reference not in page
    # Only keyed blind indexes are stored, never the number.
    digests = set(PerpetratorIndex.objects.values_list("blind_index", flat=True))
    assert vault.blind_index("phone", "+9647700000000") in digests
    # The number's own digits never appear; a random 64-hex digest holds these ten in a row about
    # once in twenty billion (a short run like "770" turns up in one digest in sixty).
    assert not any("7700000000" in digest for digest in digests)


def test_editing_the_incident_re_seals_it_and_rebuilds_the_indexes(personas, login) -> None:
    case, _ = assigned_case(personas)
    client = login(personas.caseworker)
    url = f"/staff/cases/{case.reference}/incident/"
    assert "0770 000 0000" in client.get(url).content.decode()
    data = {
        "narrative": "Now also on Instagram (example).",
        "perpetrator_phones": "",
        "perpetrator_accounts": "instagram.com/new_example",
        "technology_facilitated": "yes",
    }
    assert client.post(url, data).status_code == 302
    case.refresh_from_db()
    assert b"Instagram" not in bytes(case.incident_sealed)
    assert set(PerpetratorIndex.objects.filter(case=case).values_list("blind_index", flat=True)) == {
        vault.blind_index("instagram", "new_example")
    }
    found = client.get("/staff/cases/search/", {"q": "https://www.instagram.com/New_Example/"}).content.decode()
    assert case.reference in found
    # The old number no longer finds it.
    assert case.reference not in client.get("/staff/cases/search/", {"q": "07700000000"}).content.decode()
    assert "Now also on Instagram (example)." in client.get(f"/staff/cases/{case.reference}/").content.decode()
    # A bad number is explained and nothing changes.
    response = client.post(url, {**data, "perpetrator_phones": "not a number"})
    assert response.status_code == 400
    assert open_incident(Case.objects.get(), keyring=keyring_of(personas.caseworker))["perpetrator_phones"] == []


def test_a_colleague_cannot_edit_what_happened_in_a_case_assigned_to_another(personas, login, other_caseworker) -> None:
    case, _ = assigned_case(personas)
    services.assign_case(case=case, caseworker=personas.caseworker, by=personas.supervisor)
    data = {
        "narrative": "changed",
        "perpetrator_phones": "",
        "perpetrator_accounts": "",
        "technology_facilitated": "no",
    }
    assert login(other_caseworker).post(f"/staff/cases/{case.reference}/incident/", data).status_code == 404
    assert (
        "He says he will send"
        in open_incident(Case.objects.get(), keyring=keyring_of(personas.caseworker))["narrative"]
    )


def test_caseloads_count_open_and_urgent_cases_per_caseworker(personas, other_caseworker) -> None:
    from amana.cases.selectors import caseloads_for

    calm, _ = make_case(personas.ngo)
    urgent, _ = make_case(personas.ngo, danger_now="yes")
    done, _ = make_case(personas.ngo, danger_now="yes")
    for case in (calm, urgent, done):
        services.assign_case(case=case, caseworker=personas.caseworker, by=personas.supervisor)
    services.set_status(case=done, status="closed", by=personas.supervisor)
    loads = {load.caseworker.username: load for load in caseloads_for(personas.supervisor)}
    assert (loads["caseworker"].open_cases, loads["caseworker"].urgent) == (2, 1)
    assert (loads["caseworker.two"].open_cases, loads["caseworker.two"].urgent) == (0, 0)


def test_the_kept_caseloads_equal_the_real_counts_through_every_change(personas, other_caseworker) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from amana.cases.models import FollowUp, Status
    from amana.cases.selectors import caseloads_for
    from amana.retention.services import SHRED_ON_REQUEST, shred_case

    def real() -> dict[str, tuple[int, int, int]]:
        open_cases = Case.objects.exclude(status=Status.CLOSED)
        overdue = FollowUp.objects.filter(status="scheduled", due_at__lt=timezone.now(), case__in=open_cases)
        return {
            worker.username: (
                open_cases.filter(assigned_to=worker).count(),
                open_cases.filter(assigned_to=worker, is_urgent_now=True).count(),
                overdue.filter(case__assigned_to=worker).count(),
            )
            for worker in (personas.caseworker, other_caseworker)
        }

    def shown() -> dict[str, tuple[int, int, int]]:
        return {
            load.caseworker.username: (load.open_cases, load.urgent, load.overdue_follow_ups)
            for load in caseloads_for(personas.supervisor)
        }

    def follow_up(case: Case, hours: int) -> None:
        plan = services.FollowUpPlan(due_at=timezone.now() + timedelta(hours=hours), channel="call")
        services.schedule_follow_up(case=case, plan=plan, by=personas.caseworker)

    def record_follow_up() -> None:
        late = FollowUp.objects.get(case=calm, due_at__lt=timezone.now())
        services.record_follow_up(follow_up=late, status="done", outcome="", by=personas.caseworker)

    calm, _ = make_case(personas.ngo)
    urgent, _ = make_case(personas.ngo, danger_now="yes")
    quiet, _ = make_case(personas.ngo)
    steps = [
        lambda: services.assign_case(case=calm, caseworker=personas.caseworker, by=personas.supervisor),
        lambda: services.assign_case(case=urgent, caseworker=personas.caseworker, by=personas.supervisor),
        # Reassigned: it leaves one load and enters the other.
        lambda: services.assign_case(case=urgent, caseworker=other_caseworker, by=personas.supervisor),
        lambda: services.record_risk_assessment(
            case=calm, answers={"family_violence": "yes"}, notes="", judged="", by=personas.caseworker
        ),
        lambda: follow_up(calm, -3),  # overdue already
        lambda: follow_up(calm, 48),  # not yet due
        lambda: follow_up(urgent, -1),
        lambda: services.set_status(case=Case.objects.get(pk=calm.pk), status="in_progress", by=personas.supervisor),
        lambda: services.set_status(case=Case.objects.get(pk=calm.pk), status="closed", by=personas.supervisor),
        lambda: services.reopen_case(case=Case.objects.get(pk=calm.pk), by=personas.supervisor),
        record_follow_up,
        lambda: services.assign_case(case=quiet, caseworker=personas.caseworker, by=personas.supervisor),
        lambda: services.mark_duress_suspected(case=quiet),
        lambda: shred_case(case=urgent, by=personas.supervisor, why=SHRED_ON_REQUEST),
    ]
    seen = []
    for step in steps:
        step()
        assert shown() == real()
        seen.append(real())
    # The walk moved every count it checks, so a count left unchanged by a step would be caught.
    assert seen[1]["caseworker"] == (2, 1, 0) and seen[2] == {"caseworker": (1, 0, 0), "caseworker.two": (1, 1, 0)}
    assert seen[3]["caseworker"] == (1, 1, 0) and seen[5]["caseworker"] == (1, 1, 1)
    assert seen[6]["caseworker.two"] == (1, 1, 1) and seen[8]["caseworker"] == (0, 0, 0)
    assert seen[9]["caseworker"] == (1, 1, 1) and seen[10]["caseworker"] == (1, 1, 0)
    assert seen[12]["caseworker"] == (2, 2, 0) and seen[13]["caseworker.two"] == (0, 0, 0)


def test_the_queue_flags_the_cases_with_something_overdue(personas, login) -> None:
    from .test_steps import _overdue_follow_up

    late, _ = assigned_case(personas)
    on_time, _ = assigned_case(personas)
    _overdue_follow_up(late, personas.caseworker)
    page = login(personas.supervisor).get("/staff/cases/").content.decode()
    rows = {
        ref: page[page.rindex("<tr", 0, page.index(ref)) : page.index(ref)]
        for ref in (late.reference, on_time.reference)
    }
    assert "is-overdue" in rows[late.reference]
    assert "is-overdue" not in rows[on_time.reference]
    overdue = login(personas.supervisor).get("/staff/cases/?view=overdue").content.decode()
    assert late.reference in overdue and on_time.reference not in overdue


def test_the_overdue_list_follows_plan_steps_and_follow_ups_as_they_are_recorded(personas, login) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from amana.cases.models import FollowUp, PlanAction

    step_late, _ = assigned_case(personas)
    call_late, _ = assigned_case(personas)
    ahead, _ = assigned_case(personas)
    today = timezone.localdate()
    step = services.add_plan_action(
        case=step_late,
        kind="legal",
        consent_how="verbal",
        due_on=today - timedelta(days=1),
        details="",
        by=personas.caseworker,
    )
    # Due today: late only from tomorrow, as the plan page has always counted it.
    services.add_plan_action(
        case=ahead, kind="legal", consent_how="verbal", due_on=today, details="", by=personas.caseworker
    )
    for case, hours in ((call_late, -2), (ahead, 30)):
        plan = services.FollowUpPlan(due_at=timezone.now() + timedelta(hours=hours), channel="call")
        services.schedule_follow_up(case=case, plan=plan, by=personas.caseworker)
    supervisor = login(personas.supervisor)

    def listed() -> set[str]:
        page = supervisor.get("/staff/cases/?view=overdue").content.decode()
        return {case.reference for case in (step_late, call_late, ahead) if case.reference in page}

    assert listed() == {step_late.reference, call_late.reference}
    services.finish_plan_action(
        action=PlanAction.objects.get(pk=step.pk), status="done", outcome="", by=personas.caseworker
    )
    late_call = FollowUp.objects.get(case=call_late)
    services.record_follow_up(follow_up=late_call, status="missed", outcome="", by=personas.caseworker)
    assert listed() == set()


def test_a_row_shows_each_column_with_its_text_escaped(personas, login) -> None:
    personas.caseworker.first_name = '<b onmouseover="x()">Noor</b>'
    personas.caseworker.last_name = "(example)"
    personas.caseworker.save(update_fields=["first_name", "last_name"])
    case, _ = assigned_case(personas)
    client = login(personas.supervisor)
    client.cookies["django_language"] = "en"
    page = client.get("/staff/cases/").content.decode()
    row = re.search(rf"<tr>.*?{case.reference}.*?</tr>", page, re.S)
    assert row is not None
    assert f'<a class="code" href="/staff/cases/{case.reference}/">{case.reference}</a>' in row.group(0)
    assert "&lt;b onmouseover=&quot;x()&quot;&gt;Noor&lt;/b&gt; (example)" in row.group(0)
    assert "<b " not in row.group(0)
    assert 'data-label="Caseworker"' in row.group(0) and 'data-label="Attention"' in row.group(0)
