"""A treatment plan version: background, recommendation and the areas of clinical focus."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from threadline.rules import jsonfields as j
from threadline.rules.facts.parts import (
    ClientFacts,
    ClinicianFacts,
    Diagnosis,
    DocumentKind,
    SessionDetails,
    SignatureFacts,
    SignerRole,
    client_from,
    clinician_from,
    diagnoses_from,
    header,
)
from threadline.rules.jsonfields import JsonObject


@dataclass(frozen=True, slots=True)
class Background:
    presenting_problem: str = ""
    symptoms: str = ""  # the specific symptoms, against DSM-5-TR criteria
    functional_impact: str = ""  # how they affect work, school, relationships, self-care

    @classmethod
    def from_dict(cls, data: JsonObject, path: str = "background") -> Background:
        return cls(
            presenting_problem=j.text(data, "presenting_problem", path),
            symptoms=j.text(data, "symptoms", path),
            functional_impact=j.text(data, "functional_impact", path),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "presenting_problem": self.presenting_problem,
            "symptoms": self.symptoms,
            "functional_impact": self.functional_impact,
        }


@dataclass(frozen=True, slots=True)
class Recommendation:
    """The high-level plan of care; Medicare reads it as type, amount, frequency and duration."""

    modality: str = ""  # "CBT", "ACT"
    service_type: str = ""  # Medicare "type": individual, group, family psychotherapy
    session_minutes: int | None = None  # Medicare "amount"
    frequency: str = ""  # "weekly", "every 2 weeks"
    duration: str = ""  # "6 months", "16 sessions"
    medication_evaluation: str = ""
    referrals: str = ""

    @classmethod
    def from_dict(cls, data: JsonObject, path: str = "recommendation") -> Recommendation:
        return cls(
            modality=j.text(data, "modality", path),
            service_type=j.text(data, "service_type", path),
            session_minutes=j.integer(data, "session_minutes", path),
            frequency=j.text(data, "frequency", path),
            duration=j.text(data, "duration", path),
            medication_evaluation=j.text(data, "medication_evaluation", path),
            referrals=j.text(data, "referrals", path),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "modality": self.modality,
            "service_type": self.service_type,
            "session_minutes": self.session_minutes,
            "frequency": self.frequency,
            "duration": self.duration,
            "medication_evaluation": self.medication_evaluation,
            "referrals": self.referrals,
        }


@dataclass(frozen=True, slots=True)
class MeasureBinding:
    """The standardised measure an objective is tracked with, e.g. GAD-7 from 16 to 9."""

    instrument: str
    baseline: int | None = None
    target: int | None = None  # the score to reach: at or below it counts as met

    @classmethod
    def from_dict(cls, data: JsonObject, path: str) -> MeasureBinding:
        return cls(
            instrument=j.text(data, "instrument", path),
            baseline=j.integer(data, "baseline", path),
            target=j.integer(data, "target", path),
        )

    def to_dict(self) -> dict[str, Any]:
        return {"instrument": self.instrument, "baseline": self.baseline, "target": self.target}


@dataclass(frozen=True, slots=True)
class Objective:
    id: str  # stable across plan versions, so notes cite it
    statement: str = ""
    target_date: date | None = None
    measure: MeasureBinding | None = None

    @classmethod
    def from_dict(cls, data: JsonObject, path: str) -> Objective:
        measure = j.optional_child(data, "measure", path)
        binding = None if measure is None else MeasureBinding.from_dict(measure, f"{path}.measure")
        return cls(
            id=j.text(data, "id", path),
            statement=j.text(data, "statement", path),
            target_date=j.day(data, "target_date", path),
            measure=binding,
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "statement": self.statement,
            "target_date": j.iso(self.target_date),
            "measure": None if self.measure is None else self.measure.to_dict(),
        }


@dataclass(frozen=True, slots=True)
class Goal:
    statement: str = ""
    target_date: date | None = None
    target_sessions: int | None = None  # "within 15 sessions" is as good as a date

    @classmethod
    def from_dict(cls, data: JsonObject, path: str) -> Goal:
        return cls(
            statement=j.text(data, "statement", path),
            target_date=j.day(data, "target_date", path),
            target_sessions=j.integer(data, "target_sessions", path),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "statement": self.statement,
            "target_date": j.iso(self.target_date),
            "target_sessions": self.target_sessions,
        }


@dataclass(frozen=True, slots=True)
class Intervention:
    modality: str = ""  # from the controlled list in modalities.py, e.g. "CBT"
    description: str = ""  # what the clinician does: "cognitive restructuring of work worries"
    frequency: str = ""  # "weekly"
    who: str = ""  # who delivers it: "clinician", "client with partner"

    @classmethod
    def from_dict(cls, data: JsonObject, path: str) -> Intervention:
        return cls(
            modality=j.text(data, "modality", path),
            description=j.text(data, "description", path),
            frequency=j.text(data, "frequency", path),
            who=j.text(data, "who", path),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "modality": self.modality,
            "description": self.description,
            "frequency": self.frequency,
            "who": self.who,
        }


@dataclass(frozen=True, slots=True)
class Problem:
    """One area of clinical focus: Problem N -> Goal -> Objective N -> Intervention N-M."""

    id: str
    statement: str = ""
    goal: Goal | None = None
    objectives: tuple[Objective, ...] = ()
    interventions: tuple[Intervention, ...] = ()

    @classmethod
    def from_dict(cls, data: JsonObject, path: str) -> Problem:
        goal = j.optional_child(data, "goal", path)
        return cls(
            id=j.text(data, "id", path),
            statement=j.text(data, "statement", path),
            goal=None if goal is None else Goal.from_dict(goal, f"{path}.goal"),
            objectives=tuple(
                Objective.from_dict(item, where)
                for item, where in j.objects(data, "objectives", path)
            ),
            interventions=tuple(
                Intervention.from_dict(item, where)
                for item, where in j.objects(data, "interventions", path)
            ),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "statement": self.statement,
            "goal": None if self.goal is None else self.goal.to_dict(),
            "objectives": [objective.to_dict() for objective in self.objectives],
            "interventions": [intervention.to_dict() for intervention in self.interventions],
        }


@dataclass(frozen=True, slots=True)
class PlanFacts:
    """One version of a treatment plan."""

    client: ClientFacts = field(default_factory=ClientFacts)
    clinician: ClinicianFacts = field(default_factory=ClinicianFacts)
    session: SessionDetails = field(default_factory=SessionDetails)
    diagnoses: tuple[Diagnosis, ...] = ()
    background: Background = field(default_factory=Background)
    recommendation: Recommendation = field(default_factory=Recommendation)
    problems: tuple[Problem, ...] = ()
    signatures: tuple[SignatureFacts, ...] = ()
    plan_id: str = ""
    version: int = 1
    effective_date: date | None = None  # None: the date of the session that made the plan
    end_date: date | None = None  # planned review or expiry ("valid through")
    previous_plan_date: date | None = None  # effective date of the version this one revises
    # A prescriber who sees the client for therapy without managing medication reviews twice
    # a year at least; with medication management the E/M visits carry the review.
    medication_management: bool = False

    @property
    def effective(self) -> date | None:
        return self.effective_date or self.session.date_of_service

    def signatures_by(self, role: SignerRole) -> list[SignatureFacts]:
        return [signature for signature in self.signatures if signature.role is role]

    @classmethod
    def from_dict(cls, data: JsonObject, path: str = "") -> PlanFacts:
        return cls(
            client=client_from(data, path),
            clinician=clinician_from(data, path),
            session=SessionDetails.from_dict(
                j.child(data, "session", path), j.join(path, "session")
            ),
            diagnoses=diagnoses_from(data, path),
            background=Background.from_dict(
                j.child(data, "background", path), j.join(path, "background")
            ),
            recommendation=Recommendation.from_dict(
                j.child(data, "recommendation", path), j.join(path, "recommendation")
            ),
            problems=tuple(
                Problem.from_dict(item, where) for item, where in j.objects(data, "problems", path)
            ),
            signatures=tuple(
                SignatureFacts.from_dict(item, where)
                for item, where in j.objects(data, "signatures", path)
            ),
            plan_id=j.text(data, "plan_id", path),
            version=j.integer(data, "version", path) or 1,
            effective_date=j.day(data, "effective_date", path),
            end_date=j.day(data, "end_date", path),
            previous_plan_date=j.day(data, "previous_plan_date", path),
            medication_management=j.flag(data, "medication_management", path),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            **header(DocumentKind.PLAN),
            "plan_id": self.plan_id,
            "version": self.version,
            "effective_date": j.iso(self.effective_date),
            "end_date": j.iso(self.end_date),
            "previous_plan_date": j.iso(self.previous_plan_date),
            "medication_management": self.medication_management,
            "client": self.client.to_dict(),
            "clinician": self.clinician.to_dict(),
            "session": self.session.to_dict(),
            "diagnoses": [diagnosis.to_dict() for diagnosis in self.diagnoses],
            "background": self.background.to_dict(),
            "recommendation": self.recommendation.to_dict(),
            "problems": [problem.to_dict() for problem in self.problems],
            "signatures": [signature.to_dict() for signature in self.signatures],
        }


@dataclass(frozen=True, slots=True)
class PlanReference:
    """What a note or discharge summary knows of the plan in force: its dates and objectives."""

    plan_id: str = ""
    version: int | None = None
    effective_date: date | None = None
    end_date: date | None = None
    objective_ids: tuple[str, ...] = ()  # the active objectives; empty when not known

    @classmethod
    def from_dict(cls, data: JsonObject, path: str = "plan") -> PlanReference:
        return cls(
            plan_id=j.text(data, "plan_id", path),
            version=j.integer(data, "version", path),
            effective_date=j.day(data, "effective_date", path),
            end_date=j.day(data, "end_date", path),
            objective_ids=j.texts(data, "objective_ids", path),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "plan_id": self.plan_id,
            "version": self.version,
            "effective_date": j.iso(self.effective_date),
            "end_date": j.iso(self.end_date),
            "objective_ids": list(self.objective_ids),
        }
