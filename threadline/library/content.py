"""What a library entry holds: a problem area's suggested goal, objectives and interventions.

Plain Python, no Django. `checks.py` reads and checks the shipped data files and practice
entries into these; the models store them as JSON (`to_json`), and `as_problem` turns one into a
problem of the plan JSON that `threadline check` and the plan editor read.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from threadline.rules import modalities

# The measures an objective may be bound to: free to use and stored in Threadline as scores
# (clinical-content.md §2). Ranges are the instruments' total scores.
INSTRUMENTS: dict[str, range] = {
    "PHQ-9": range(28),
    "GAD-7": range(22),
    "PCL-5": range(81),
    "AUDIT-C": range(13),
    "PHQ-2": range(7),
}
# Scales whose owners require a licence to put them in software: never a binding, never items.
LICENSED_SCALES = ("Y-BOCS", "ISI", "C-SSRS")

# How firmly the fact sheet checked the evidence an intervention cites (its ✔ / ◐ / ✱ legend).
EVIDENCE_CHECKS: dict[str, str] = {
    "checked": "Read in the cited source.",
    "partly checked": "The source confirms the gist; a detail, usually the session count, is "
    "still to be checked.",
    "unverified": "From background knowledge only; check the source before relying on it.",
}

MAX_OBJECTIVES = 4
MAX_INTERVENTIONS = 5


@dataclass(frozen=True, slots=True)
class MeasureTarget:
    """The measure an objective is tracked with; the baseline is the client's, filled in later."""

    instrument: str
    target: int | None = None  # the score to reach or stay at or below, e.g. 9 for "below 10"
    threshold: str = ""  # the target as clinicians say it: "below 10", "9 or below"


@dataclass(frozen=True, slots=True)
class ObjectiveTemplate:
    statement: str
    target_weeks: int  # the typical time to reach it, which becomes a target date in a plan
    measure: MeasureTarget | None = None
    checked_by: str = ""  # the log, diary, rating or test that shows it


@dataclass(frozen=True, slots=True)
class GoalTemplate:
    statement: str
    target_days: int | None = None
    target_sessions: int | None = None


@dataclass(frozen=True, slots=True)
class InterventionTemplate:
    modality: str  # a key of threadline.rules.modalities.BY_KEY
    description: str  # what the clinician does
    frequency: str
    who: str = "clinician"
    evidence: str = ""  # guideline or review, with the body's own strength wording
    evidence_check: str = ""  # a key of EVIDENCE_CHECKS
    licence_note: str = ""

    @property
    def modality_name(self) -> str:
        return modalities.BY_KEY[self.modality].name


@dataclass(frozen=True, slots=True)
class EntryContent:
    """One problem area: the part of a plan it suggests, and where its evidence comes from."""

    slug: str
    title: str
    summary: str  # the problem as a plan would state it, before the client's own details
    icd10cm: tuple[str, ...]
    goal: GoalTemplate
    objectives: tuple[ObjectiveTemplate, ...]
    interventions: tuple[InterventionTemplate, ...]
    population: str = ""
    keywords: tuple[str, ...] = ()
    cautions: tuple[str, ...] = ()

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> EntryContent:
        """Rebuild stored content without re-checking it: it was checked when it was saved, and
        a later, stricter check must not make a saved entry unreadable."""
        goal = data["goal"]
        return cls(
            slug=data["slug"],
            title=data["title"],
            summary=data["summary"],
            population=data.get("population", ""),
            icd10cm=tuple(data["icd10cm"]),
            keywords=tuple(data.get("keywords", ())),
            cautions=tuple(data.get("cautions", ())),
            goal=GoalTemplate(goal["statement"], goal["target_days"], goal["target_sessions"]),
            objectives=tuple(
                ObjectiveTemplate(
                    statement=item["statement"],
                    target_weeks=item["target_weeks"],
                    measure=None if item["measure"] is None else MeasureTarget(**item["measure"]),
                    checked_by=item.get("checked_by", ""),
                )
                for item in data["objectives"]
            ),
            interventions=tuple(InterventionTemplate(**item) for item in data["interventions"]),
        )

    def texts(self) -> list[str]:
        """The goal and objective statements, which a plan must not keep word for word."""
        return [self.goal.statement, *(objective.statement for objective in self.objectives)]

    def modality_keys(self) -> list[str]:
        return list(dict.fromkeys(item.modality for item in self.interventions))

    def instruments(self) -> list[str]:
        return list(
            dict.fromkeys(o.measure.instrument for o in self.objectives if o.measure is not None)
        )

    def to_json(self) -> dict[str, Any]:
        """The stored form, which is also the shape of a data file (TOML tables as objects)."""
        return {
            "slug": self.slug,
            "title": self.title,
            "summary": self.summary,
            "population": self.population,
            "icd10cm": list(self.icd10cm),
            "keywords": list(self.keywords),
            "cautions": list(self.cautions),
            "goal": {
                "statement": self.goal.statement,
                "target_days": self.goal.target_days,
                "target_sessions": self.goal.target_sessions,
            },
            "objectives": [
                {
                    "statement": objective.statement,
                    "target_weeks": objective.target_weeks,
                    "checked_by": objective.checked_by,
                    "measure": None
                    if objective.measure is None
                    else {
                        "instrument": objective.measure.instrument,
                        "target": objective.measure.target,
                        "threshold": objective.measure.threshold,
                    },
                }
                for objective in self.objectives
            ],
            "interventions": [
                {
                    "modality": item.modality,
                    "description": item.description,
                    "frequency": item.frequency,
                    "who": item.who,
                    "evidence": item.evidence,
                    "evidence_check": item.evidence_check,
                    "licence_note": item.licence_note,
                }
                for item in self.interventions
            ],
        }

    def as_problem(self, starting: date | None = None) -> dict[str, Any]:
        """The entry as one `problems[]` item of the plan JSON (threadline.rules.facts.Problem).

        Ids are left empty for the plan to give out, because they must stay stable across the
        plan's versions. With `starting` (the plan's date) the typical targets become dates.
        Measures carry no baseline: that is the client's score, and the SMART lint asks for it.
        """

        def after(days: int | None) -> str | None:
            return None if starting is None or days is None else str(starting + timedelta(days))

        return {
            "id": "",
            "statement": self.summary,
            "goal": {
                "statement": self.goal.statement,
                "target_date": after(self.goal.target_days),
                "target_sessions": self.goal.target_sessions,
            },
            "objectives": [
                {
                    "id": "",
                    "statement": objective.statement,
                    "target_date": after(7 * objective.target_weeks),
                    "measure": None
                    if objective.measure is None
                    else {
                        "instrument": objective.measure.instrument,
                        "baseline": None,
                        "target": objective.measure.target,
                    },
                }
                for objective in self.objectives
            ],
            "interventions": [
                {
                    # The controlled list's name, which the plan rules recognise as a modality.
                    "modality": item.modality_name,
                    "description": item.description,
                    "frequency": item.frequency,
                    "who": item.who,
                }
                for item in self.interventions
            ],
        }
