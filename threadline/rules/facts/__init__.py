"""The frozen facts the rules read: one dataclass per part of the clinical record.

The web models (`to_facts()`), the API and the document reader all build these, so every caller
runs the same rules. Empty text is "" and an unknown date is None: the rules turn absence into a
finding instead of the reader refusing the document. `from_dict`/`to_dict` are Threadline's JSON
schema, described in `threadline/rules/README.md`.
"""

from __future__ import annotations

from threadline.rules import jsonfields as j
from threadline.rules.facts.parts import (
    SCHEMA_VERSION,
    TELEHEALTH_PLACES,
    ClientFacts,
    ClinicianFacts,
    Diagnosis,
    DiagnosisRank,
    DiagnosisStatus,
    DocumentKind,
    NoteFormat,
    SessionDetails,
    SignatureFacts,
    SignerRole,
    Telehealth,
)
from threadline.rules.facts.plan import (
    Background,
    Goal,
    Intervention,
    MeasureBinding,
    Objective,
    PlanFacts,
    PlanReference,
    Problem,
    Recommendation,
)
from threadline.rules.facts.records import (
    Answer,
    DischargeFacts,
    IntakeFacts,
    NoteFacts,
    NoteIntervention,
    NoteSection,
    ObjectiveOutcome,
    ObjectiveProgress,
    ProgressRating,
    RiskFacts,
)
from threadline.rules.jsonfields import JsonObject, SchemaError

Facts = PlanFacts | NoteFacts | IntakeFacts | DischargeFacts

FACTS_BY_KIND: dict[DocumentKind, type[Facts]] = {
    DocumentKind.PLAN: PlanFacts,
    DocumentKind.NOTE: NoteFacts,
    DocumentKind.INTAKE: IntakeFacts,
    DocumentKind.DISCHARGE: DischargeFacts,
}


def facts_from_dict(data: JsonObject) -> Facts:
    """Read any Threadline JSON document; its "document" key says which kind it is."""
    kind = j.choice(data, "document", "", DocumentKind)
    if kind is None:
        raise SchemaError("document", "say which document this is: plan, note, intake, discharge")
    version = j.integer(data, "schema_version", "")
    if version is not None and version != SCHEMA_VERSION:
        raise SchemaError("schema_version", f"this Threadline reads version {SCHEMA_VERSION}")
    return FACTS_BY_KIND[kind].from_dict(data)


__all__ = [
    "FACTS_BY_KIND",
    "SCHEMA_VERSION",
    "TELEHEALTH_PLACES",
    "Answer",
    "Background",
    "ClientFacts",
    "ClinicianFacts",
    "Diagnosis",
    "DiagnosisRank",
    "DiagnosisStatus",
    "DischargeFacts",
    "DocumentKind",
    "Facts",
    "Goal",
    "IntakeFacts",
    "Intervention",
    "MeasureBinding",
    "NoteFacts",
    "NoteFormat",
    "NoteIntervention",
    "NoteSection",
    "Objective",
    "ObjectiveOutcome",
    "ObjectiveProgress",
    "PlanFacts",
    "PlanReference",
    "Problem",
    "ProgressRating",
    "Recommendation",
    "RiskFacts",
    "SchemaError",
    "SessionDetails",
    "SignatureFacts",
    "SignerRole",
    "Telehealth",
    "facts_from_dict",
]
