"""A signed plan version's content, retold for the client who agrees to it.

Pure: no Django, no clock. It keeps what a client needs to agree to a plan (what we work on,
the goals with their dates, the objectives and how progress is checked, what the client and the
clinician will each do, how often they meet) and leaves out what is for the record and the
payer: ICD-10-CM codes, session times and place of service, and the clinical background.
The signature still binds the whole content; the client's copy of the full record is the
right-of-access export.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from threadline.rules.modalities import MODALITIES

STATUS_WORDS = {"met": "Reached", "discontinued": "No longer part of the plan"}
INSTRUMENT_WORDS = {
    "PHQ-9": "the PHQ-9 mood questionnaire",
    "PHQ-2": "the PHQ-2 mood questionnaire",
    "GAD-7": "the GAD-7 anxiety questionnaire",
    "PCL-5": "the PCL-5 questionnaire about stress after trauma",
    "AUDIT-C": "the AUDIT-C questionnaire about alcohol",
}


@dataclass(frozen=True)
class Objective:
    text: str
    by: date | None
    measure: str
    status: str


@dataclass(frozen=True)
class Step:
    """One intervention: what is done, then the approach it belongs to and how often."""

    text: str
    details: str


@dataclass(frozen=True)
class Focus:
    number: int
    concern: str
    goal: str
    goal_by: date | None
    goal_sessions: int | None
    objectives: tuple[Objective, ...]
    you_will: tuple[Step, ...]
    clinician_will: tuple[Step, ...]


@dataclass(frozen=True)
class PlainPlan:
    plan_date: date | None
    diagnoses: tuple[str, ...]
    approach: str
    meetings: str
    other_care: tuple[str, ...]
    focuses: tuple[Focus, ...]


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _date(value: Any) -> date | None:
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _dict(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def spelled_out(modality: str) -> str:
    """Spell out a known abbreviation: CBT becomes "Cognitive behavioral therapy (CBT)"."""
    for known in MODALITIES:
        if modality in known.abbreviations or modality in known.field_only:
            return f"{known.name} ({modality})"
    return modality


def measure_words(measure: Any) -> str:
    measure = _dict(measure)
    instrument = _text(measure.get("instrument"))
    if not instrument:
        return ""
    words = f"We check this with {INSTRUMENT_WORDS.get(instrument, instrument)}"
    baseline, target = measure.get("baseline"), measure.get("target")
    if baseline is not None and target is not None:
        # The target counts as met at or below it (threadline.rules.facts.plan.MeasureBinding).
        return f"{words}: your score was {baseline} at the start, and the aim is {target} or lower."
    return f"{words}."


def meeting_words(recommendation: Mapping[str, Any]) -> str:
    """How often and how long we meet, as a sentence: We meet weekly, for 53 minutes each time."""
    frequency = _text(recommendation.get("frequency"))
    minutes = recommendation.get("session_minutes")
    duration = _text(recommendation.get("duration"))
    extras = []
    if isinstance(minutes, int) and minutes > 0:
        extras.append(f"for {minutes} minutes each time")
    if duration:
        extras.append(f"for about {duration}")
    if not frequency and not extras:
        return ""
    if not frequency:
        return f"We meet {', '.join(extras)}."
    return ", ".join([f"We meet {frequency}", *extras]) + "."


def _step(intervention: Mapping[str, Any]) -> Step:
    what = _text(intervention.get("description"))
    approach = spelled_out(_text(intervention.get("modality")))
    how_often = _text(intervention.get("frequency"))
    if not what:
        return Step(text=approach, details=how_often)
    return Step(text=what, details=", ".join(filter(None, (approach, how_often))))


def _by_client(intervention: Mapping[str, Any]) -> bool:
    # "who" is free text in the editor ("client", "client with partner", "clinician").
    return _text(intervention.get("who")).lower().startswith("client")


def _focus(number: int, problem: Mapping[str, Any]) -> Focus:
    goal = _dict(problem.get("goal"))
    interventions = [_dict(i) for i in _list(problem.get("interventions"))]
    sessions = goal.get("target_sessions")
    return Focus(
        number=number,
        concern=_text(problem.get("statement")),
        goal=_text(goal.get("statement")),
        goal_by=_date(goal.get("target_date")),
        goal_sessions=sessions if isinstance(sessions, int) else None,
        objectives=tuple(
            Objective(
                text=_text(o.get("statement")),
                by=_date(o.get("target_date")),
                measure=measure_words(o.get("measure")),
                status=STATUS_WORDS.get(_text(o.get("status")), ""),
            )
            for o in map(_dict, _list(problem.get("objectives")))
        ),
        you_will=tuple(_step(i) for i in interventions if _by_client(i)),
        clinician_will=tuple(_step(i) for i in interventions if not _by_client(i)),
    )


def plain_plan(content: Mapping[str, Any]) -> PlainPlan:
    recommendation = _dict(content.get("recommendation"))
    session = _dict(content.get("session"))
    other_care = tuple(
        text
        for text in (
            _text(recommendation.get("medication_evaluation")),
            _text(recommendation.get("referrals")),
        )
        if text
    )
    return PlainPlan(
        plan_date=_date(content.get("effective_date")) or _date(session.get("date_of_service")),
        diagnoses=tuple(
            _text(d.get("description"))
            for d in map(_dict, _list(content.get("diagnoses")))
            if _text(d.get("description")) and _text(d.get("status")) != "past"
        ),
        approach=spelled_out(_text(recommendation.get("modality"))),
        meetings=meeting_words(recommendation),
        other_care=other_care,
        focuses=tuple(
            _focus(n, _dict(p)) for n, p in enumerate(_list(content.get("problems")), start=1)
        ),
    )


def _words(name: str) -> str:
    return " ".join(name.casefold().split())


def typed_name_matches(typed: str, names: tuple[str, ...]) -> bool:
    """The signer typed one of the client's names, ignoring case and extra spaces."""
    wanted = _words(typed)
    return bool(wanted) and any(wanted == _words(name) for name in names)
