"""A progress note in the labelled layout: header, service and codes, plan link, narrative."""

from __future__ import annotations

import re

from threadline.documents import values
from threadline.documents.lines import Labels, Line
from threadline.documents.textbase import HEADER_LABELS, TextBuilder, is_blank
from threadline.rules.billing import Service
from threadline.rules.facts import (
    NoteFacts,
    NoteFormat,
    NoteSection,
    ObjectiveProgress,
    PlanReference,
    ProgressRating,
    SignerRole,
)

NOTE_LABELS = Labels(
    [
        ("note.format", r"(?:note )?format|note type|documentation format", False),
        (
            "note.service",
            r"service(?: type| provided| rendered| description)?|session type|"
            r"type of (?:session|service)|visit type",
            False,
        ),
        (
            "note.codes",
            r"cpt(?: codes?)?|billing codes?|billed codes?|codes? billed|"
            r"procedure codes?|cpt/hcpcs|hcpcs(?: codes?)?|billing",
            False,
        ),
        ("note.new_patient", r"new patient|patient status|new or established|patient type", False),
        ("note.complexity", r"interactive complexity(?: factors?)?", False),
        ("note.em_minutes", r"e/?m (?:time|minutes)|total e/?m time", False),
        (
            "note.objectives",
            r"objectives? (?:addressed|worked on|targeted|reviewed)|"
            r"plan objectives?(?: addressed)?|goals? (?:and objectives? )?addressed|"
            r"treatment plan objectives?",
            False,
        ),
        (
            "note.plan",
            r"treatment plan(?: date| in effect| reference| dated)?|"
            r"current (?:treatment )?plan|plan in (?:effect|force)|plan date|"
            r"plan effective(?: date)?",
            False,
        ),
        (
            "note.risk_flag",
            r"risk flag|safety (?:concern|flag)|risk concern|elevated risk|"
            r"risk indicated",
            False,
        ),
        (
            "note.risk",
            r"risk(?: assessment)?|safety(?: assessment)?|risk level|"
            r"suicide risk(?: assessment)?|si/hi|risk screen(?:ing)?",
            False,
        ),
        ("section.subjective", r"subjective|s", False),
        ("section.objective", r"objective|o", False),
        ("section.assessment", r"assessment|clinical assessment|a", False),
        ("section.plan", r"plan|p|plan for next session|next steps", False),
        ("section.data", r"data|d", False),
        ("section.behavior", r"behaviou?rs?|b|presentation", False),
        (
            "section.intervention",
            r"interventions?(?: used| provided)?|i|techniques?(?: used)?|"
            r"modality|therapeutic interventions?",
            False,
        ),
        ("section.response", r"response|client response|r|response to interventions?", False),
        ("section.goal", r"goals?|g", False),
        ("section.problem", r"problems?|presenting problem", False),
        *HEADER_LABELS,
    ]
)
_FORMAT_OF = (
    (NoteFormat.SOAP, {"subjective", "objective"}),
    (NoteFormat.BIRP, {"behavior", "response"}),
    (NoteFormat.GIRP, {"goal", "response"}),
    (NoteFormat.PIRP, {"problem", "response"}),
    (NoteFormat.DAP, {"data"}),
)
OBJECTIVE_ID = re.compile(r"\b\d{1,3}\.\d{1,3}\b|\b\d{1,3}[a-z]\b")
_CITED = re.compile(r"\bobjective\s*#?\s*(\d{1,3}(?:\.\d{1,3})?[a-z]?)\b", re.IGNORECASE)
# "1.1 (some progress)", "2.1 - no change", "1.2: met": the rating written beside an objective.
_RATED = re.compile(
    r"(\b\d{1,3}(?:\.\d{1,3})?[a-z]?)\s*(?:\(|[-\u2013:]\s*)\s*"
    r"(worse|no change|some progress|significant progress|met)\b",
    re.IGNORECASE,
)
_ENDS = re.compile(
    r"(?:through|until|expires?|review(?:ed)? (?:due|by)|valid to|ends?)\s*:?\s*", re.IGNORECASE
)


def plan_reference(text: str) -> PlanReference:
    """ "Treatment plan dated 09/01/2026, through 12/01/2026; objectives 1.1, 2.1"."""
    ends = _ENDS.search(text)
    start_text = text[: ends.start()] if ends else text
    end_date = values.parse_date(text[ends.end() :]) if ends else None
    return PlanReference(
        effective_date=values.parse_date(start_text),
        end_date=end_date,
        objective_ids=tuple(dict.fromkeys(OBJECTIVE_ID.findall(values.DATE.sub(" ", text)))),
    )


class NoteBuilder(TextBuilder):
    labels = NOTE_LABELS
    sections = frozenset(
        {
            "section.subjective",
            "section.objective",
            "section.assessment",
            "section.plan",
            "section.data",
            "section.behavior",
            "section.intervention",
            "section.response",
            "section.goal",
            "section.problem",
        }
    )

    def __init__(self) -> None:
        super().__init__()
        self.format: NoteFormat | None = None
        self.narrative: dict[str, str] = {}
        self.service: Service | None = None
        self.codes: list[str] = []
        self.complexity = False
        self.new_patient = False
        self.em_minutes: int | None = None
        self.cited: list[str] = []
        self.ratings: dict[str, ProgressRating] = {}
        self.plan: PlanReference | None = None
        self.risk = ""
        self.risk_flag = False

    def read(self, lines: list[Line]) -> None:
        self.format = title_format(lines)  # a "Format:" line, if any, overrides the title
        super().read(lines)

    def handle(self, key: str, number: str, line: Line) -> None:
        value = line.value
        if key.startswith("section."):
            heading = key.split(".")[1]
            self._add(heading, value)
            self.appender(lambda: self.narrative.get(heading, ""), lambda t: self._set(heading, t))
        elif key == "note.format":
            self.format = _format(value) or self.format
        elif key == "note.service":
            self.service = values.service(value) or self.service
        elif key == "note.codes":
            for code, _modifier in values.CPT_CODE.findall(value):
                if code == "90785":
                    self.complexity = True
                else:
                    self.codes.append(code)
        elif key == "note.new_patient":
            self.new_patient = values.is_yes(value) or value.lower().startswith("new")
        elif key == "note.complexity":
            self.complexity = values.is_yes(value)
        elif key == "note.em_minutes":
            self.em_minutes = values.parse_int(value)
        elif key == "note.objectives":
            self.cited += OBJECTIVE_ID.findall(value) or re.findall(r"\b\d{1,3}\b", value)
            for cited, rating in _RATED.findall(value):
                self.ratings[cited] = ProgressRating(rating.lower().replace(" ", "_"))
        elif key == "note.plan":
            self.plan = plan_reference(value) if not is_blank(value) else None
            if self.plan is not None and self.plan.effective_date is None:
                self.date(line)
        elif key == "note.risk":
            self.risk = value
            self.appender(lambda: self.risk, lambda text: setattr(self, "risk", text))
        elif key == "note.risk_flag":
            self.risk_flag = values.is_yes(value)
        else:
            super().handle(key, number, line)

    def _add(self, heading: str, text: str) -> None:
        self._set(heading, f"{self.narrative.get(heading, '')} {text}".strip())

    def _set(self, heading: str, text: str) -> None:
        self.narrative[heading] = text

    def build(self) -> NoteFacts:
        text = " ".join(self.narrative.values())
        cited = self.cited or _CITED.findall(text)
        service = self.service or values.service_of_codes(self.codes)
        headings = set(self.narrative)
        note_format = self.format or next(
            (kind for kind, marks in _FORMAT_OF if marks <= headings), None
        )
        signature = self.signature_of(SignerRole.CLINICIAN)
        return NoteFacts(
            client=self.client_facts(),
            clinician=self.clinician,
            session=self.session_facts(),
            format=note_format,
            sections=tuple(NoteSection(h, t) for h, t in self.narrative.items()),
            service=service,
            billed_codes=tuple(self.codes),
            new_patient=self.new_patient,
            interactive_complexity=self.complexity,
            em_minutes=self.em_minutes,
            objectives_addressed=tuple(dict.fromkeys(cited)),
            progress=tuple(
                ObjectiveProgress(i, self.ratings[i])
                for i in dict.fromkeys(cited)
                if i in self.ratings
            ),
            plan=self.plan,
            risk_flag=self.risk_flag,
            risk_assessment=self.risk,
            signature=signature,
            signed_at=self.signed_at if signature is not None else None,
            cosignature=self.signature_of(SignerRole.SUPERVISOR),
        )


def _format(text: str) -> NoteFormat | None:
    for note_format in NoteFormat:
        if re.search(rf"\b{note_format.value}\b", text, re.IGNORECASE):
            return note_format
    return None


def title_format(lines: list[Line]) -> NoteFormat | None:
    """The format a title names: "DAP Progress Note"."""
    for line in lines[:5]:
        if line.label is None:
            found = _format(line.text)
            if found:
                return found
    return None
