"""The demo practice's clinical record: months of sessions, signed documents that verify, and
the gaps a real caseload has. The demo is loaded once for the module (twice, to compare), inside
a transaction rolled back at the end."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from typing import Any

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from threadline import demo
from threadline.accounts.models import Practice, User
from threadline.appointments.models import Appointment
from threadline.audit.models import AuditEvent
from threadline.audit.services import verify_chain
from threadline.clients.models import Client, ClientStatus
from threadline.conftest import signed_in
from threadline.notes import checks, history
from threadline.notes.models import Note
from threadline.notes.queue import work_queue
from threadline.plans.models import PlanVersion
from threadline.signatures.services import verify_all

pytestmark = pytest.mark.django_db

SEED = 7
CLINICIAN = "clinician@demo.threadline.test"
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Loaded:
    practice: Practice
    clinician: User
    first: list[Any]  # the record as the first load wrote it
    second: list[Any]  # and as a second load with the same seed wrote it


def _objective_numbers(client: Client) -> dict[str, str]:
    """Each objective id of the client's plans as its place in the plan ("objective 1.2"):
    ids are random per load, places are not."""
    numbers = {}
    for version in PlanVersion.objects.filter(plan__client=client):
        for objective in checks.plan_objectives(version):
            numbers[objective.id] = f"objective {objective.number}"
    return numbers


def _renamed(value: Any, names: dict[str, str]) -> Any:
    if isinstance(value, dict):
        return {key: _renamed(item, names) for key, item in value.items()}
    if isinstance(value, list):
        return [_renamed(item, names) for item in value]
    return names.get(value, value) if isinstance(value, str) else value


def _snapshot(practice: Practice) -> list[Any]:
    """The demo clinician's caseload: sessions and documents, without ids."""
    clinician = User.objects.get(email=CLINICIAN)
    rows = []
    for client in practice.clients.filter(primary_clinician=clinician).order_by("record_number"):
        names = _objective_numbers(client)
        sessions = [
            (a.scheduled_start, a.status, a.service, a.telehealth)
            for a in client.appointments.order_by("scheduled_start")
        ]
        notes = [
            (
                note.kind,
                note.status,
                note.appointment.scheduled_start if note.appointment else None,
                note.signed_at,
                _renamed(note.content, names),
            )
            for note in Note.objects.filter(client=client).select_related("appointment")
        ]
        notes.sort(key=lambda row: (row[0], row[2] or EPOCH))
        rows.append((client.record_number, client.status, sessions, notes))
    return rows


@pytest.fixture(scope="module")
def loaded(django_db_setup: None, django_db_blocker: Any) -> Iterator[Loaded]:
    with django_db_blocker.unblock(), transaction.atomic():
        with transaction.atomic():
            first = _snapshot(demo.load(seed=SEED))
            transaction.set_rollback(True)
        practice = demo.load(seed=SEED)
        clinician = User.objects.get(email=CLINICIAN)
        yield Loaded(practice, clinician, first, _snapshot(practice))
        transaction.set_rollback(True)


def _caseload(loaded: Loaded) -> list[Client]:
    return list(
        loaded.practice.clients.filter(primary_clinician=loaded.clinician).order_by("record_number")
    )


def _start(note: Note) -> datetime:
    assert note.appointment is not None
    return note.appointment.scheduled_start


def _last_attended(client: Client) -> Appointment:
    session = client.appointments.filter(status="attended").order_by("scheduled_start").last()
    assert session is not None
    return session


def test_the_clinicians_clients_have_months_of_sessions_from_an_intake(loaded: Loaded) -> None:
    today = timezone.localdate()
    spans = []
    for client in _caseload(loaded):
        past = list(client.appointments.filter(scheduled_start__lt=timezone.now()))
        days = sorted(timezone.localdate(session.scheduled_start) for session in past)
        spans.append(days[-1] - days[0])
        plan = client.plans.order_by("created_at").first()
        if plan is not None:  # care began with the intake, before the plan was made
            made_on = plan.versions.get(number=1).content["session"]["date_of_service"]
            assert days[0].isoformat() < made_on, client.record_number
        assert days[-1] < today
        first = min(past, key=lambda session: session.scheduled_start)
        assert (first.service, first.status) == ("intake", "attended")
        intake = Note.objects.get(appointment=first)
        assert (intake.kind, intake.status) == ("intake", "signed")
        assert intake.content["diagnoses"][0]["code"] in {"F41.1", "F32.1", "F43.10", "F43.23"}
        assert all(intake.content["mental_status_exam"].values())
        assert "WNL" not in str(intake.content["mental_status_exam"])
    # Most clients have months of history; the newest was first seen last week.
    assert sum(span >= timedelta(weeks=12) for span in spans) >= 3
    assert min(spans) == timedelta(0)


def test_every_signed_document_verifies_and_passes_its_checks(loaded: Loaded) -> None:
    assert list(verify_all()) == []
    assert verify_chain().ok
    signed = Note.objects.filter(client__practice=loaded.practice, status="signed")
    kinds = {note.kind for note in signed}
    assert kinds == {"intake", "progress", "discharge"}
    assert signed.filter(kind="progress").count() >= 25
    for note in signed:
        assert checks.check(note).blocking == [], (note.kind, note.content.get("session"))
        signing = AuditEvent.objects.filter(action=f"note.{note.kind}.sign", object_id=note.pk)
        assert signing.exists()


def test_progress_notes_cite_the_plan_and_trend_toward_the_objectives(loaded: Loaded) -> None:
    notes = Note.objects.filter(
        client__practice=loaded.practice, kind="progress", status="signed"
    ).select_related("plan_version", "appointment")
    formats: set[str] = set()
    codes: set[str] = set()
    ratings: list[tuple[datetime, list[str]]] = []
    for note in notes:
        content = note.content
        active = {o.id for o in checks.plan_objectives(note.plan_version)}
        cited = [o["objective_id"] for o in content["objectives"]]
        assert 1 <= len(cited) <= 3 and set(cited) <= active
        assert content["interventions"] and content["risk_assessment"]
        assert content["sections"]["plan"]
        formats.add(content["format"])
        codes.update(code.split("-")[0] for code in content["billed_codes"])
        ratings.append((_start(note), [o["rating"] for o in content["objectives"]]))
    assert formats == {"dap", "soap", "birp"}
    assert codes == {"90834", "90837"}
    ratings.sort()
    early = {r for _, found in ratings[:5] for r in found}
    late = {r for _, found in ratings[-8:] for r in found}
    assert "no_change" in early
    assert late & {"significant_progress", "met"}
    outside = [i for note in notes for i in note.content["interventions"] if not i["in_plan"]]
    assert outside and outside[0]["description"] == "Guided imagery"
    # Each note carries forward what the one before it planned.
    by_client: dict[int, list[Note]] = {}
    for note in sorted(notes, key=_start):
        by_client.setdefault(note.client_id, []).append(note)
    for chain in by_client.values():
        for earlier, later in pairwise(chain):
            assert later.content["carried_forward"] == earlier.content["sections"]["plan"]


def test_some_notes_are_late_entries(loaded: Loaded) -> None:
    late = AuditEvent.objects.filter(action="note.progress.sign", detail__late_entry=True)
    assert late.count() >= 1
    delays = []
    signed = Note.objects.filter(client__practice=loaded.practice, kind="progress", status="signed")
    for note in signed:
        session = note.content["session"]
        day = date.fromisoformat(session["date_of_service"])
        stop = datetime.strptime(session["stop"], "%H:%M").time()  # noqa: DTZ007 (a clock time)
        ended = timezone.make_aware(datetime.combine(day, stop))
        assert note.signed_at is not None
        delays.append((note.signed_at - ended).total_seconds() / 3600)
    assert sum(1 for hours in delays if hours > 24) >= 2
    assert sum(1 for hours in delays if 0 < hours < 12) >= 20  # most are signed the same day
    assert all(hours > 0 for hours in delays)


def test_the_work_queue_shows_notes_owed_and_a_draft(loaded: Loaded) -> None:
    queue = work_queue(loaded.clinician, now=timezone.now())
    owed = {item.ref for item in queue.notes_owed}
    newest_without_note = [
        client
        for client in _caseload(loaded)
        if client.status == ClientStatus.ACTIVE
        and ("appointment", _last_attended(client).pk) in owed
        and Note.objects.filter(client=client, kind="progress", status="signed").exists()
    ]
    assert len(newest_without_note) >= 2
    drafts = [item for item in queue.drafts if item.what == "Progress note"]
    assert len(drafts) == 1
    draft = Note.objects.get(pk=drafts[0].ref[1])
    assert draft.appointment == _last_attended(draft.client)
    assert checks.check(draft, prospective_signer=loaded.clinician).blocking == []


def test_one_client_is_discharged_with_a_signed_summary(loaded: Loaded) -> None:
    discharged = [c for c in _caseload(loaded) if c.status == ClientStatus.DISCHARGED]
    assert len(discharged) == 1
    client = discharged[0]
    summary = Note.objects.get(client=client, kind="discharge")
    assert summary.status == "signed"
    content = summary.content
    assert content["reason"] and content["aftercare"] and "Referrals" in content["aftercare"]
    plan_ids = {o.id for o in checks.plan_objectives(summary.plan_version)}
    assert {o["objective_id"] for o in content["outcomes"]} == plan_ids
    assert {o["status"] for o in content["outcomes"]} <= {"met", "partly met", "not met"}
    assert "met" in {o["status"] for o in content["outcomes"]}
    assert AuditEvent.objects.filter(action="client.episode.close", client=client).exists()
    assert not client.appointments.filter(scheduled_start__gt=timezone.now()).exists()
    last_session = timezone.localdate(_last_attended(client).scheduled_start)
    assert date.fromisoformat(content["discharge_date"]) > last_session


def test_the_golden_thread_is_whole_for_one_client_and_broken_for_another(
    loaded: Loaded,
) -> None:
    today = timezone.localdate()
    reports = {c.record_number: history.report(c, today=today) for c in _caseload(loaded)}
    whole = [
        number
        for number, report in reports.items()
        if report.objectives
        and not [f for f in report.findings if f.severity.value == "error"]
        and all(o.times_addressed for o in report.objectives)
    ]
    assert whole
    never = [
        number
        for number, report in reports.items()
        if any(f.code == "thread.objective_never_addressed" for f in report.findings)
    ]
    assert never
    cloned = [f for r in reports.values() for f in r.findings if "nearly_identical" in f.code]
    assert cloned == []


def test_the_demo_is_the_same_for_the_same_seed(loaded: Loaded) -> None:
    assert loaded.first == loaded.second


def test_the_demo_record_opens_in_the_pages(loaded: Loaded) -> None:
    http = signed_in(loaded.clinician)
    queue = http.get(reverse("work_queue")).content.decode()
    assert "Write note" in queue and "Open draft" in queue
    late = 0
    for client in _caseload(loaded):
        assert http.get(reverse("client_chart", args=[client.pk])).status_code == 200
        assert http.get(reverse("thread_report", args=[client.pk])).status_code == 200
        for note in Note.objects.filter(client=client):
            page = http.get(reverse("note_view", args=[client.pk, note.pk]))
            assert page.status_code == 200, (note.kind, note.pk)
            late += "Late entry" in page.content.decode()
    assert late >= 2


def test_a_demo_clients_gad7_falls_to_meet_the_objective_bound_to_it(loaded: Loaded) -> None:
    from threadline.measures.models import Administration
    from threadline.measures.progress import bound_objectives
    from threadline.notes.services import plan_in_force

    met = []
    for client in _caseload(loaded):
        for bound in bound_objectives(client, plan_in_force(client, None)):
            if bound.instrument == "gad7" and bound.proposes_met:
                met.append((client, bound))
    assert met, "a demo client reaches the GAD-7 target of an objective"

    def scores_of(client: Client) -> list[int | None]:
        return list(
            Administration.objects.filter(client=client, instrument="gad7")
            .order_by("answered_at")
            .values_list("total", flat=True)
        )

    client, bound = max(met, key=lambda found: len(scores_of(found[0])))
    scores = scores_of(client)
    assert len(scores) >= 6  # months of scores, every other session
    assert bound.target is not None and scores[0] is not None and scores[-1] is not None
    assert scores[0] > bound.target >= scores[-1]
    page = signed_in(loaded.clinician).get(reverse("measures_home", args=[client.pk]))
    assert "Target reached" in page.content.decode()
