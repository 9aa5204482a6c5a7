"""A client's care history read from the database into the golden-thread rules' terms: the
signed plan versions as periods, the attended sessions with their signed notes. From it, the
golden-thread report, what a new note should start from, and the outcomes a discharge proposes.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils import timezone

from threadline.appointments.models import Status as SessionStatus
from threadline.clients.models import Client
from threadline.notes import content as note_content
from threadline.notes.checks import plan_objectives
from threadline.notes.models import Kind, Note, Status
from threadline.plans.checks import pack_for, review_due
from threadline.plans.models import PlanVersion, VersionStatus
from threadline.rules import thread
from threadline.rules.facts import NoteFormat, ProgressRating
from threadline.rules.note_rules import SECTIONS

# How many recent notes an objective must appear in before it is no longer "due".
RECENT_NOTES = 4


def plan_periods(client: Client) -> list[thread.PlanPeriod]:
    versions = PlanVersion.objects.filter(
        plan__client=client, status=VersionStatus.SIGNED
    ).select_related("plan__client__payer", "plan__client__practice", "author")
    periods = []
    for version in versions:
        period = plan_period(version)
        if period is not None:
            periods.append(period)
    return periods


def plan_period(version: PlanVersion) -> thread.PlanPeriod | None:
    content = version.content
    effective = note_content.parse_day(
        content.get("effective_date") or content.get("session", {}).get("date_of_service")
    )
    if effective is None:
        return None
    objectives = plan_objectives(version)
    return thread.PlanPeriod(
        version=version.number,
        effective=effective,
        expires=note_content.parse_day(content.get("end_date")) or review_due(version),
        objective_ids=tuple(o.id for o in objectives),
        objective_labels={o.id: o.label for o in objectives},
    )


def narrative(content: dict[str, Any]) -> str:
    return "\n".join(text for text in (content.get("sections") or {}).values() if text)


def next_session_plan(content: dict[str, Any]) -> str:
    return str((content.get("sections") or {}).get("plan", ""))


def thread_notes(client: Client, *, before: date | None = None) -> list[thread.ThreadNote]:
    """Attended sessions (intakes aside) in date order, each with its signed note if any."""
    sessions = (
        client.appointments.filter(status=SessionStatus.ATTENDED)
        .exclude(service__in=["intake", "intake_medical"])
        .select_related("note")
        .order_by("scheduled_start", "id")
    )
    found = []
    for session in sessions:
        day = timezone.localdate(session.scheduled_start)
        if before is not None and day >= before:
            continue
        note: Note | None = getattr(session, "note", None)
        signed = note is not None and note.status == Status.SIGNED and note.kind == Kind.PROGRESS
        content = note.content if signed and note is not None else {}
        found.append(
            thread.ThreadNote(
                session_ref=f"session-{session.pk}",
                day=day,
                note_ref=f"note-{note.pk}" if signed and note is not None else "",
                objective_ids=tuple(o["objective_id"] for o in content.get("objectives") or []),
                outside_interventions=tuple(
                    i["description"]
                    for i in content.get("interventions") or []
                    if not i.get("in_plan", True)
                ),
                narrative=narrative(content),
                next_session_plan=next_session_plan(content),
            )
        )
    return found


def report(client: Client, *, today: date) -> thread.ThreadReport:
    return thread.golden_thread(
        plan_periods(client),
        thread_notes(client),
        pack=pack_for(client),
        recent=RECENT_NOTES,
        today=today,
    )


def draft_from_plan(client: Client, plan: PlanVersion | None, *, before: date) -> dict[str, Any]:
    """What a new progress note starts with: the objectives due (not cited in the last few
    notes) and their interventions, and what the last note planned for this session. Nothing
    clinical is invented: ratings, comments and the narrative are left for the clinician."""
    notes = [n for n in thread_notes(client, before=before) if n.note_ref]
    carried = thread.previous_plan_for_session(notes)
    period = plan_period(plan) if plan is not None else None
    if plan is None or period is None:
        return {"carried_forward": carried}
    due = set(thread.due_objectives(period, notes, recent=RECENT_NOTES))
    objectives = [o for o in plan_objectives(plan) if o.id in due]
    interventions: list[str] = []
    for objective in objectives:
        interventions += [i for i in objective.interventions if i not in interventions]
    return {
        "objectives": [{"objective_id": o.id, "rating": None, "comment": ""} for o in objectives],
        "interventions": [{"description": i, "in_plan": True} for i in interventions],
        "carried_forward": carried,
    }


def proposed_outcomes(client: Client, plan: PlanVersion | None) -> list[dict[str, Any]]:
    """Each objective's outcome as the notes' last rating suggests it; the clinician decides."""
    latest: dict[str, str] = {}
    notes = Note.objects.filter(client=client, kind=Kind.PROGRESS, status=Status.SIGNED).order_by(
        "signed_at"
    )
    for note in notes:
        for item in note.content.get("objectives") or []:
            if item.get("rating"):
                latest[item["objective_id"]] = item["rating"]
    from threadline.measures.progress import bound_objectives

    bound = {b.objective_id: b for b in bound_objectives(client, plan)}
    outcomes = []
    for objective in plan_objectives(plan):
        rating = latest.get(objective.id)
        measure = bound.get(objective.id)
        met = rating == ProgressRating.MET or (measure is not None and measure.proposes_met)
        parts = [f"Last rated: {rating.replace('_', ' ')}." if rating else ""]
        if measure is not None and measure.latest is not None:
            parts.append(
                f"{measure.instrument.upper()} {measure.baseline} at baseline, "
                f"{measure.latest} last (target {measure.target})."
            )
        outcomes.append(
            {
                "objective_id": objective.id,
                "status": "met" if met else "",
                "summary": " ".join(p for p in parts if p),
            }
        )
    return outcomes


def first_and_last_scores(client: Client) -> list[dict[str, Any]]:
    """Each instrument's first and last complete score in the episode, for the discharge."""
    from threadline.measures.models import Administration, State

    found: dict[str, dict[str, Any]] = {}
    for given in Administration.objects.filter(client=client, state=State.COMPLETE).order_by(
        "answered_at"
    ):
        day = given.answered_on.isoformat() if given.answered_on else None
        row = found.setdefault(
            given.instrument,
            {"instrument": given.get_instrument_display(), "first": given.total, "first_on": day},
        )
        row.update(last=given.total, last_on=day)
    return list(found.values())


def headings(note_format: str | None) -> tuple[str, ...]:
    return SECTIONS[NoteFormat(note_format or NoteFormat.DAP)]


def measures_given(client: Client, content: dict[str, Any]) -> list[dict[str, Any]]:
    """The questionnaires answered on the note's date of service, copied into the note so the
    signed note keeps the scores it was written with."""
    from threadline.measures.models import Administration, State

    day = note_content.parse_day((content.get("session") or {}).get("date_of_service"))
    if day is None:
        return []
    given = Administration.objects.filter(client=client).exclude(state=State.PENDING)
    return [
        {
            "instrument": a.get_instrument_display(),
            "total": a.total,
            "band": a.band,
            "complete": a.state == State.COMPLETE,
        }
        for a in given.order_by("answered_at")
        if a.answered_on == day
    ]
