"""Progress notes, intake assessments and discharge summaries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from threadline.rules import jsonfields as j
from threadline.rules.billing import Service
from threadline.rules.facts.parts import (
    ClientFacts,
    ClinicianFacts,
    Diagnosis,
    DocumentKind,
    NoteFormat,
    SessionDetails,
    SignatureFacts,
    client_from,
    clinician_from,
    diagnoses_from,
    header,
    signature_from,
)
from threadline.rules.facts.plan import PlanReference
from threadline.rules.jsonfields import JsonObject


@dataclass(frozen=True, slots=True)
class NoteSection:
    heading: str  # "data", "assessment", "plan", "behavior", ...
    text: str = ""


class ProgressRating(StrEnum):
    """How the client moved toward one objective this session, as the clinician judged it."""

    WORSE = "worse"
    NO_CHANGE = "no_change"
    SOME_PROGRESS = "some_progress"
    SIGNIFICANT_PROGRESS = "significant_progress"
    MET = "met"


@dataclass(frozen=True, slots=True)
class ObjectiveProgress:
    objective_id: str
    rating: ProgressRating | None = None
    comment: str = ""

    @classmethod
    def from_dict(cls, data: JsonObject, path: str) -> ObjectiveProgress:
        return cls(
            objective_id=j.text(data, "objective_id", path),
            rating=j.choice(data, "rating", path, ProgressRating),
            comment=j.text(data, "comment", path),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "objective_id": self.objective_id,
            "rating": None if self.rating is None else self.rating.value,
            "comment": self.comment,
        }


@dataclass(frozen=True, slots=True)
class NoteIntervention:
    """An intervention used this session: one the plan lists, or one outside it."""

    description: str
    in_plan: bool = True

    @classmethod
    def from_dict(cls, data: JsonObject, path: str) -> NoteIntervention:
        return cls(
            description=j.text(data, "description", path),
            # Listed interventions come from the plan unless the note says otherwise.
            in_plan=j.flag(data, "in_plan", path) if "in_plan" in data else True,
        )

    def to_dict(self) -> dict[str, Any]:
        return {"description": self.description, "in_plan": self.in_plan}


@dataclass(frozen=True, slots=True)
class NoteFacts:
    """A progress note for one session."""

    client: ClientFacts = field(default_factory=ClientFacts)
    clinician: ClinicianFacts = field(default_factory=ClinicianFacts)
    session: SessionDetails = field(default_factory=SessionDetails)
    format: NoteFormat | None = None
    sections: tuple[NoteSection, ...] = ()
    service: Service | None = None
    billed_codes: tuple[str, ...] = ()  # CPT/HCPCS as billed, e.g. ("99214", "90836")
    new_patient: bool = False
    interactive_complexity: bool = False
    em_minutes: int | None = None  # E/M time, counted apart from psychotherapy minutes
    objectives_addressed: tuple[str, ...] = ()  # stable objective ids from the plan
    progress: tuple[ObjectiveProgress, ...] = ()  # the rating of each objective addressed
    interventions: tuple[NoteIntervention, ...] = ()
    participants: str = ""  # who attended besides the clinician: "client", "client and partner"
    billing_override_reason: str = ""  # why the billed code differs from what the times support
    plan: PlanReference | None = None
    risk_flag: bool = False  # a screen or the clinician raised a safety concern this session
    risk_assessment: str = ""  # what was assessed and done about it
    signature: SignatureFacts | None = None
    signed_at: datetime | None = None  # aware when known; a text import gives wall-clock time
    cosignature: SignatureFacts | None = None  # the supervisor's, for a pre-licensed clinician

    def rating_of(self, objective_id: str) -> ProgressRating | None:
        for item in self.progress:
            if item.objective_id == objective_id:
                return item.rating
        return None

    def section(self, heading: str) -> str:
        for section in self.sections:
            if section.heading == heading:
                return section.text
        return ""

    @classmethod
    def from_dict(cls, data: JsonObject, path: str = "") -> NoteFacts:
        plan = j.optional_child(data, "plan", path)
        sections = j.child(data, "sections", path)
        progress = tuple(
            ObjectiveProgress.from_dict(item, where)
            for item, where in j.objects(data, "progress", path)
        )
        # The ratings name the objectives too; a document may give only them.
        cited = j.texts(data, "objectives_addressed", path) or tuple(
            item.objective_id for item in progress if item.objective_id
        )
        return cls(
            client=client_from(data, path),
            clinician=clinician_from(data, path),
            session=SessionDetails.from_dict(
                j.child(data, "session", path), j.join(path, "session")
            ),
            format=j.choice(data, "format", path, NoteFormat),
            sections=tuple(
                NoteSection(heading.lower(), j.text(sections, heading, j.join(path, "sections")))
                for heading in sections
            ),
            service=j.choice(data, "service", path, Service),
            billed_codes=j.texts(data, "billed_codes", path),
            new_patient=j.flag(data, "new_patient", path),
            interactive_complexity=j.flag(data, "interactive_complexity", path),
            em_minutes=j.integer(data, "em_minutes", path),
            objectives_addressed=cited,
            progress=progress,
            interventions=tuple(
                NoteIntervention.from_dict(item, where)
                for item, where in j.objects(data, "interventions", path)
            ),
            participants=j.text(data, "participants", path),
            billing_override_reason=j.text(data, "billing_override_reason", path),
            plan=None if plan is None else PlanReference.from_dict(plan, j.join(path, "plan")),
            risk_flag=j.flag(data, "risk_flag", path),
            risk_assessment=j.text(data, "risk_assessment", path),
            signature=signature_from(data, "signature", path),
            signed_at=j.moment(data, "signed_at", path),
            cosignature=signature_from(data, "cosignature", path),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            **header(DocumentKind.NOTE),
            "client": self.client.to_dict(),
            "clinician": self.clinician.to_dict(),
            "session": self.session.to_dict(),
            "format": None if self.format is None else self.format.value,
            "sections": {section.heading: section.text for section in self.sections},
            "service": None if self.service is None else self.service.value,
            "billed_codes": list(self.billed_codes),
            "new_patient": self.new_patient,
            "interactive_complexity": self.interactive_complexity,
            "em_minutes": self.em_minutes,
            "objectives_addressed": list(self.objectives_addressed),
            "progress": [item.to_dict() for item in self.progress],
            "interventions": [item.to_dict() for item in self.interventions],
            "participants": self.participants,
            "billing_override_reason": self.billing_override_reason,
            "plan": None if self.plan is None else self.plan.to_dict(),
            "risk_flag": self.risk_flag,
            "risk_assessment": self.risk_assessment,
            "signature": None if self.signature is None else self.signature.to_dict(),
            "signed_at": j.iso(self.signed_at),
            "cosignature": None if self.cosignature is None else self.cosignature.to_dict(),
        }


@dataclass(frozen=True, slots=True)
class IntakeFacts:
    """The intake assessment: where the client is today, ending in impressions and a plan."""

    client: ClientFacts = field(default_factory=ClientFacts)
    clinician: ClinicianFacts = field(default_factory=ClinicianFacts)
    session: SessionDetails = field(default_factory=SessionDetails)
    presenting_problem: str = ""
    history: str = ""
    mental_status: str = ""
    risk_assessment: str = ""
    diagnoses: tuple[Diagnosis, ...] = ()
    recommendation: str = ""
    signature: SignatureFacts | None = None
    # The structured parts a Threadline intake records; a document from elsewhere may give only
    # the free text above, and the rules read whichever is there.
    history_areas: tuple[NoteSection, ...] = ()  # psychiatric, medical, substance_use, ...
    mental_status_exam: tuple[NoteSection, ...] = ()  # appearance, behavior, speech, ...
    risk: RiskFacts | None = None

    @classmethod
    def from_dict(cls, data: JsonObject, path: str = "") -> IntakeFacts:
        risk = j.optional_child(data, "risk", path)
        return cls(
            client=client_from(data, path),
            clinician=clinician_from(data, path),
            session=SessionDetails.from_dict(
                j.child(data, "session", path), j.join(path, "session")
            ),
            presenting_problem=j.text(data, "presenting_problem", path),
            history=j.text(data, "history", path),
            mental_status=j.text(data, "mental_status", path),
            risk_assessment=j.text(data, "risk_assessment", path),
            diagnoses=diagnoses_from(data, path),
            recommendation=j.text(data, "recommendation", path),
            signature=signature_from(data, "signature", path),
            history_areas=_sections(data, "history_areas", path),
            mental_status_exam=_sections(data, "mental_status_exam", path),
            risk=None if risk is None else RiskFacts.from_dict(risk, j.join(path, "risk")),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            **header(DocumentKind.INTAKE),
            "client": self.client.to_dict(),
            "clinician": self.clinician.to_dict(),
            "session": self.session.to_dict(),
            "presenting_problem": self.presenting_problem,
            "history": self.history,
            "mental_status": self.mental_status,
            "risk_assessment": self.risk_assessment,
            "diagnoses": [diagnosis.to_dict() for diagnosis in self.diagnoses],
            "recommendation": self.recommendation,
            "signature": None if self.signature is None else self.signature.to_dict(),
            "history_areas": {s.heading: s.text for s in self.history_areas},
            "mental_status_exam": {s.heading: s.text for s in self.mental_status_exam},
            "risk": None if self.risk is None else self.risk.to_dict(),
        }


def _sections(data: JsonObject, key: str, path: str) -> tuple[NoteSection, ...]:
    """A {heading: text} object as sections, in the order written."""
    value = j.optional_child(data, key, path)
    if value is None:
        return ()
    where = j.join(path, key)
    return tuple(NoteSection(heading.lower(), j.text(value, heading, where)) for heading in value)


class Answer(StrEnum):
    YES = "yes"
    NO = "no"


@dataclass(frozen=True, slots=True)
class RiskFacts:
    """The intake's structured suicide and violence risk assessment."""

    ideation: Answer | None = None  # None: the question was not asked or not recorded
    plan: Answer | None = None
    intent: Answer | None = None
    history: str = ""  # past attempts, self-harm, violence
    protective_factors: str = ""
    level: str = ""  # the clinician's judgement: "low", "moderate", "high"
    safety_plan: str = ""

    @property
    def present(self) -> bool:
        """Risk the safety plan must answer: any yes, or a level judged above low."""
        answers = (self.ideation, self.plan, self.intent)
        return Answer.YES in answers or self.level.casefold() in {"moderate", "high"}

    @classmethod
    def from_dict(cls, data: JsonObject, path: str = "risk") -> RiskFacts:
        return cls(
            ideation=j.choice(data, "ideation", path, Answer),
            plan=j.choice(data, "plan", path, Answer),
            intent=j.choice(data, "intent", path, Answer),
            history=j.text(data, "history", path),
            protective_factors=j.text(data, "protective_factors", path),
            level=j.text(data, "level", path),
            safety_plan=j.text(data, "safety_plan", path),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "ideation": None if self.ideation is None else self.ideation.value,
            "plan": None if self.plan is None else self.plan.value,
            "intent": None if self.intent is None else self.intent.value,
            "history": self.history,
            "protective_factors": self.protective_factors,
            "level": self.level,
            "safety_plan": self.safety_plan,
        }


@dataclass(frozen=True, slots=True)
class ObjectiveOutcome:
    objective_id: str
    status: str = ""  # "met", "partly met", "not met"
    summary: str = ""

    @classmethod
    def from_dict(cls, data: JsonObject, path: str) -> ObjectiveOutcome:
        return cls(
            objective_id=j.text(data, "objective_id", path),
            status=j.text(data, "status", path),
            summary=j.text(data, "summary", path),
        )

    def to_dict(self) -> dict[str, Any]:
        return {"objective_id": self.objective_id, "status": self.status, "summary": self.summary}


@dataclass(frozen=True, slots=True)
class DischargeFacts:
    """The discharge summary, which closes the episode against the plan's objectives."""

    client: ClientFacts = field(default_factory=ClientFacts)
    clinician: ClinicianFacts = field(default_factory=ClinicianFacts)
    discharge_date: date | None = None
    first_session: date | None = None  # the episode's first and last dates of service
    last_session: date | None = None
    reason: str = ""
    plan: PlanReference | None = None
    outcomes: tuple[ObjectiveOutcome, ...] = ()
    aftercare: str = ""  # referrals, relapse-prevention plan, how to come back
    signature: SignatureFacts | None = None

    @classmethod
    def from_dict(cls, data: JsonObject, path: str = "") -> DischargeFacts:
        plan = j.optional_child(data, "plan", path)
        return cls(
            client=client_from(data, path),
            clinician=clinician_from(data, path),
            discharge_date=j.day(data, "discharge_date", path),
            first_session=j.day(data, "first_session", path),
            last_session=j.day(data, "last_session", path),
            reason=j.text(data, "reason", path),
            plan=None if plan is None else PlanReference.from_dict(plan, j.join(path, "plan")),
            outcomes=tuple(
                ObjectiveOutcome.from_dict(item, where)
                for item, where in j.objects(data, "outcomes", path)
            ),
            aftercare=j.text(data, "aftercare", path),
            signature=signature_from(data, "signature", path),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            **header(DocumentKind.DISCHARGE),
            "client": self.client.to_dict(),
            "clinician": self.clinician.to_dict(),
            "discharge_date": j.iso(self.discharge_date),
            "first_session": j.iso(self.first_session),
            "last_session": j.iso(self.last_session),
            "reason": self.reason,
            "plan": None if self.plan is None else self.plan.to_dict(),
            "outcomes": [outcome.to_dict() for outcome in self.outcomes],
            "aftercare": self.aftercare,
            "signature": None if self.signature is None else self.signature.to_dict(),
        }
