"""Each document's content: a blank one seeded from its session, and reading it back from its
form. Field names are the paths the findings use ("session.start", "risk.safety_plan"), so a
finding links straight to its input.

The plan a note cites is read from the signed version, not copied here: `objectives` in a
note's content holds only what the clinician recorded about each objective.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.utils import timezone

from threadline.appointments.models import Appointment, Place
from threadline.rules.billing import Service
from threadline.rules.facts import NoteFormat, ProgressRating
from threadline.rules.intake_rules import HISTORY_AREAS, MENTAL_STATUS_DOMAINS
from threadline.rules.note_rules import SECTIONS

Content = dict[str, Any]

# The formats a clinician writes in here (the reader also knows GIRP and PIRP from elsewhere).
FORMATS = (NoteFormat.SOAP, NoteFormat.DAP, NoteFormat.BIRP)
RATINGS = [
    (ProgressRating.WORSE, "Worse"),
    (ProgressRating.NO_CHANGE, "No change"),
    (ProgressRating.SOME_PROGRESS, "Some progress"),
    (ProgressRating.SIGNIFICANT_PROGRESS, "Significant progress"),
    (ProgressRating.MET, "Met"),
]
OUTCOMES = ("met", "partly met", "not met")
RISK_LEVELS = ("low", "moderate", "high")
MAX_TEXT = 20_000  # far beyond any note; a longer post is not from our form


def session_of(appointment: Appointment) -> Content:
    """The session details a document starts from: the day and place as scheduled.

    Start and stop stay empty: they are the clock times the session really ran, which the
    appointment's length cannot tell (auditors recompute minutes from them)."""
    telehealth = appointment.telehealth or None
    if telehealth:
        place, location = "telehealth", "home" if appointment.place == Place.HOME else ""
    else:
        place, location = appointment.place, ""
    return {
        "date_of_service": timezone.localdate(appointment.scheduled_start).isoformat(),
        "start": None,
        "stop": None,
        "place_of_service": place,
        "telehealth": telehealth,
        "client_location": location,
        "hipaa_platform_attested": False,
    }


def blank_progress(appointment: Appointment, note_format: NoteFormat) -> Content:
    return {
        "session": session_of(appointment),
        "participants": "client",
        "format": note_format.value,
        "sections": dict.fromkeys(SECTIONS[note_format], ""),
        "service": appointment.service,
        "billed_codes": [],
        "billing_override_reason": "",
        "interactive_complexity": False,
        "objectives": [],
        "interventions": [],
        "risk_flag": False,
        "risk_assessment": "",
        "carried_forward": "",
        "accepted_wording": [],
    }


def blank_intake(appointment: Appointment) -> Content:
    return {
        "session": session_of(appointment),
        "service": appointment.service,
        "presenting_problem": "",
        "history_areas": dict.fromkeys(HISTORY_AREAS, ""),
        # Nothing is pre-filled as "normal": each domain is described as observed.
        "mental_status_exam": dict.fromkeys(MENTAL_STATUS_DOMAINS, ""),
        "risk": {
            "ideation": None,
            "plan": None,
            "intent": None,
            "history": "",
            "protective_factors": "",
            "level": "",
            "safety_plan": "",
        },
        "diagnoses": [],
        "recommendation": {
            "summary": "",
            "modality": "",
            "frequency": "",
            "duration": "",
            "referrals": "",
        },
    }


def blank_discharge(today: date, first: date | None, last: date | None) -> Content:
    return {
        "discharge_date": today.isoformat(),
        "first_session": None if first is None else first.isoformat(),
        "last_session": None if last is None else last.isoformat(),
        "reason": "",
        "outcomes": [],
        "aftercare": "",
    }


# --- reading forms back ------------------------------------------------------------------


def _text(data: Mapping[str, str], name: str) -> str:
    return data.get(name, "").strip()[:MAX_TEXT]


def _optional(data: Mapping[str, str], name: str) -> str | None:
    return _text(data, name) or None


def _choice(data: Mapping[str, str], name: str, allowed: Any) -> str | None:
    value = _text(data, name)
    return value if value in {str(a) for a in allowed} else None


def _session(data: Mapping[str, str]) -> Content:
    return {
        "date_of_service": _optional(data, "session.date_of_service"),
        "start": _optional(data, "session.start"),
        "stop": _optional(data, "session.stop"),
        "place_of_service": _text(data, "session.place_of_service"),
        "telehealth": _choice(data, "session.telehealth", ("video", "audio")),
        "client_location": _text(data, "session.client_location"),
        "hipaa_platform_attested": data.get("session.hipaa_platform_attested") == "on",
    }


def progress_from_form(
    data: Mapping[str, str], previous: Content, objective_ids: list[str]
) -> Content:
    """A progress note from its form. Objectives are only those of the plan cited; anything
    else posted is ignored. Parts the form does not carry are kept from `previous`."""
    note_format = _choice(data, "format", [f.value for f in FORMATS]) or previous.get("format")
    headings = SECTIONS[NoteFormat(note_format or NoteFormat.DAP)]
    # Text typed under another format's headings is kept, so switching format loses nothing.
    sections = dict(previous.get("sections") or {})
    for heading in headings:
        sections[heading] = _text(data, f"sections.{heading}")
    objectives = []
    for objective_id in objective_ids:
        if data.get(f"objective.{objective_id}") == "on":
            objectives.append(
                {
                    "objective_id": objective_id,
                    "rating": _choice(data, f"rating.{objective_id}", list(ProgressRating)),
                    "comment": _text(data, f"comment.{objective_id}"),
                }
            )
    interventions = [
        {"description": _text(data, name), "in_plan": True}
        for name in sorted(data, key=_index_order)
        if name.startswith("intervention.") and _text(data, name)
    ]
    interventions += [
        {"description": line.strip(), "in_plan": False}
        for line in _text(data, "interventions_outside").splitlines()
        if line.strip()
    ]
    override = _text(data, "billing_override_reason")
    return {
        **previous,
        "session": _session(data),
        "participants": _text(data, "participants"),
        "format": note_format,
        "sections": sections,
        "service": _choice(data, "service", [s.value for s in Service]),
        # Without a reason the code is the rules' suggestion (filled in on save); with one, the
        # clinician's own code stands and the reason is shown beside it.
        "billed_codes": _codes(_text(data, "billed_code")) if override else [],
        "billing_override_reason": override,
        "interactive_complexity": data.get("interactive_complexity") == "on",
        "objectives": objectives,
        "interventions": interventions,
        "risk_flag": data.get("risk_flag") == "on",
        "risk_assessment": _text(data, "risk_assessment"),
    }


def _index_order(name: str) -> tuple[int, str]:
    tail = name.rsplit(".", 1)[-1]
    return (int(tail), name) if tail.isdigit() else (10**6, name)


def _codes(text: str) -> list[str]:
    return [code.strip().upper() for code in text.replace("+", ",").split(",") if code.strip()]


def intake_from_form(data: Mapping[str, str], previous: Content) -> Content:
    diagnoses = []
    for index in range(_count(data, "dx")):
        code = _text(data, f"dx{index}")
        if not code:
            continue
        diagnoses.append(
            {
                "code": code,
                "description": _text(data, f"dx{index}_description"),
                "release": _text(data, f"dx{index}_release"),
                "rank": "primary" if _text(data, f"dx{index}_rank") == "primary" else "secondary",
                "status": "current",
            }
        )
    return {
        **previous,
        "session": _session(data),
        "presenting_problem": _text(data, "presenting_problem"),
        "history_areas": {a: _text(data, f"history_areas.{a}") for a in HISTORY_AREAS},
        "mental_status_exam": {
            d: _text(data, f"mental_status_exam.{d}") for d in MENTAL_STATUS_DOMAINS
        },
        "risk": {
            "ideation": _choice(data, "risk.ideation", ("yes", "no")),
            "plan": _choice(data, "risk.plan", ("yes", "no")),
            "intent": _choice(data, "risk.intent", ("yes", "no")),
            "history": _text(data, "risk.history"),
            "protective_factors": _text(data, "risk.protective_factors"),
            "level": _choice(data, "risk.level", RISK_LEVELS) or "",
            "safety_plan": _text(data, "risk.safety_plan"),
        },
        "diagnoses": diagnoses,
        "recommendation": {
            part: _text(data, f"recommendation.{part}")
            for part in ("summary", "modality", "frequency", "duration", "referrals")
        },
    }


def _count(data: Mapping[str, str], prefix: str) -> int:
    """How many numbered rows (dx0, dx1...) the form posted, capped like the plan editor."""
    count = 0
    while f"{prefix}{count}" in data and count < 20:
        count += 1
    return count


def discharge_from_form(
    data: Mapping[str, str], previous: Content, objective_ids: list[str]
) -> Content:
    return {
        **previous,
        "discharge_date": _optional(data, "discharge_date"),
        "reason": _text(data, "reason"),
        "outcomes": [
            {
                "objective_id": objective_id,
                "status": _choice(data, f"outcome.{objective_id}", OUTCOMES) or "",
                "summary": _text(data, f"outcome_summary.{objective_id}"),
            }
            for objective_id in objective_ids
        ],
        "aftercare": _text(data, "aftercare"),
    }


def parse_day(value: Any) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None
