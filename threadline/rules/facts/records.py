"""Progress notes, intake assessments and discharge summaries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
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
    plan: PlanReference | None = None
    risk_flag: bool = False  # a screen or the clinician raised a safety concern this session
    risk_assessment: str = ""  # what was assessed and done about it
    signature: SignatureFacts | None = None
    signed_at: datetime | None = None  # aware when known; a text import gives wall-clock time
    cosignature: SignatureFacts | None = None  # the supervisor's, for a pre-licensed clinician

    def section(self, heading: str) -> str:
        for section in self.sections:
            if section.heading == heading:
                return section.text
        return ""

    @classmethod
    def from_dict(cls, data: JsonObject, path: str = "") -> NoteFacts:
        plan = j.optional_child(data, "plan", path)
        sections = j.child(data, "sections", path)
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
            objectives_addressed=j.texts(data, "objectives_addressed", path),
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

    @classmethod
    def from_dict(cls, data: JsonObject, path: str = "") -> IntakeFacts:
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
            "reason": self.reason,
            "plan": None if self.plan is None else self.plan.to_dict(),
            "outcomes": [outcome.to_dict() for outcome in self.outcomes],
            "aftercare": self.aftercare,
            "signature": None if self.signature is None else self.signature.to_dict(),
        }
