"""Intake assessments and discharge summaries in the labelled layout."""

from __future__ import annotations

import re
from datetime import date

from threadline.documents import values
from threadline.documents.lines import Labels, Line
from threadline.documents.notetext import OBJECTIVE_ID, plan_reference
from threadline.documents.textbase import HEADER_LABELS, TextBuilder, is_blank
from threadline.rules.facts import (
    Diagnosis,
    DischargeFacts,
    IntakeFacts,
    ObjectiveOutcome,
    PlanReference,
    SignerRole,
)

INTAKE_LABELS = Labels(
    [
        (
            "intake.presenting",
            r"presenting (?:problem|issue|concern)s?|reason for (?:referral|visit|evaluation)|"
            r"chief complaint",
            False,
        ),
        (
            "intake.history",
            r"(?:psychiatric |psychosocial |social |medical |family |developmental |"
            r"substance use |trauma |treatment )?history(?: of present(?:ing)? "
            r"(?:illness|problem))?|hpi|background",
            False,
        ),
        ("intake.mse", r"mental status(?: exam(?:ination)?)?|mse", False),
        (
            "intake.risk",
            r"risk(?: assessment)?|suicide risk(?: assessment)?|safety assessment|"
            r"risk screen(?:ing)?",
            False,
        ),
        (
            "diagnosis",
            r"diagnos[ie]s|dx|diagnostic impressions?|impressions?|icd-?10(?:-cm)?(?: codes?)?",
            True,
        ),
        (
            "intake.recommendation",
            r"recommendations?|plan|treatment recommendations?|disposition",
            False,
        ),
        *HEADER_LABELS,
    ]
)

DISCHARGE_LABELS = Labels(
    [
        (
            "discharge.date",
            r"(?:date of )?discharge(?: date)?|closing date|date of (?:closing|termination)",
            False,
        ),
        (
            "discharge.reason",
            r"reason for (?:discharge|termination|closing)|discharge reason|reason",
            False,
        ),
        (
            "discharge.plan",
            r"treatment plan(?: date| dated)?|plan date|plan in (?:effect|force)|current plan",
            False,
        ),
        ("discharge.outcome", r"(?:objective|goal)(?: outcome)?", True),
        (
            "discharge.outcomes",
            r"outcomes?|progress toward (?:goals|objectives)|objectives? status|goal status",
            False,
        ),
        (
            "discharge.aftercare",
            r"after-?care(?: plan)?|follow-?up(?: plan)?|recommendations?|referrals?|"
            r"relapse prevention(?: plan)?",
            False,
        ),
        *HEADER_LABELS,
    ]
)
_STATUS = re.compile(
    r"\b(not met|partially met|partly met|met|not achieved|achieved|ongoing|discontinued)\b",
    re.IGNORECASE,
)


class IntakeBuilder(TextBuilder):
    labels = INTAKE_LABELS
    sections = frozenset({"diagnosis"})

    def __init__(self) -> None:
        super().__init__()
        self.text: dict[str, str] = {}
        self.diagnoses: list[Diagnosis] = []
        self.in_diagnoses = False

    def handle(self, key: str, number: str, line: Line) -> None:
        self.in_diagnoses = key == "diagnosis"
        if key == "diagnosis":
            self.diagnoses += values.diagnoses(line.value) if not is_blank(line.value) else []
        elif key.startswith("intake."):
            part = key.split(".")[1]
            self.text[part] = f"{self.text.get(part, '')} {line.value}".strip()
            self.appender(
                lambda: self.text.get(part, ""), lambda more: self.text.__setitem__(part, more)
            )
        else:
            super().handle(key, number, line)

    def take_loose(self, line: Line) -> bool:
        if self.in_diagnoses and values.ICD_CODE.search(line.text):
            self.diagnoses += values.diagnoses(line.text)
            return True
        return False

    def build(self) -> IntakeFacts:
        return IntakeFacts(
            client=self.client_facts(),
            clinician=self.clinician,
            session=self.session_facts(),
            presenting_problem=self.text.get("presenting", ""),
            history=self.text.get("history", ""),
            mental_status=self.text.get("mse", ""),
            risk_assessment=self.text.get("risk", ""),
            diagnoses=tuple(self.diagnoses),
            recommendation=self.text.get("recommendation", ""),
            signature=self.signature_of(SignerRole.CLINICIAN),
        )


class DischargeBuilder(TextBuilder):
    labels = DISCHARGE_LABELS
    sections = frozenset({"discharge.outcomes"})

    def __init__(self) -> None:
        super().__init__()
        self.discharged: date | None = None
        self.reason = ""
        self.aftercare = ""
        self.plan: PlanReference | None = None
        self.outcomes: list[ObjectiveOutcome] = []
        self.in_outcomes = False

    def handle(self, key: str, number: str, line: Line) -> None:
        self.in_outcomes = key == "discharge.outcomes"
        value = line.value
        if key == "discharge.date":
            self.discharged = self.date(line)
        elif key == "discharge.reason":
            self.reason = value
            self.appender(lambda: self.reason, lambda more: setattr(self, "reason", more))
        elif key == "discharge.aftercare":
            self.aftercare = f"{self.aftercare} {value}".strip()
            self.appender(lambda: self.aftercare, lambda more: setattr(self, "aftercare", more))
        elif key == "discharge.plan":
            self.plan = plan_reference(value)
        elif key == "discharge.outcome":
            self.outcomes.append(_outcome(number, value))
        else:
            super().handle(key, number, line)

    def take_loose(self, line: Line) -> bool:
        ident = OBJECTIVE_ID.match(line.text)
        if self.in_outcomes and ident:
            self.outcomes.append(_outcome(ident.group(0), line.text[ident.end() :]))
            return True
        return False

    def build(self) -> DischargeFacts:
        return DischargeFacts(
            client=self.client_facts(),
            clinician=self.clinician,
            discharge_date=self.discharged or self.day,
            reason=self.reason,
            plan=self.plan,
            outcomes=tuple(self.outcomes),
            aftercare=self.aftercare,
            signature=self.signature_of(SignerRole.CLINICIAN),
        )


def _outcome(ident: str, text: str) -> ObjectiveOutcome:
    status = _STATUS.search(text)
    summary = _STATUS.sub(" ", text, count=1) if status else text
    return ObjectiveOutcome(
        objective_id=ident,
        status=status.group(1).lower() if status else "",
        summary=" ".join(summary.split()).strip(" :-,;\u2013\u2014"),
    )
