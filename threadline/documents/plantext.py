"""A treatment plan in the labelled layout: Problem N -> Goal -> Objective N -> Intervention N-M.

Numbers place items, so order does not matter: "Intervention 2-1" belongs to problem 2 wherever
it appears, and a problem first named by its intervention is filled in when its own line comes.
Unnumbered items belong to the problem being read. Targets written in a statement ("within 60
days", "15 sessions") are kept and turned into dates from the plan's date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from threadline.documents import values
from threadline.documents.lines import Labels, Line
from threadline.documents.reading import format_finding
from threadline.documents.textbase import HEADER_LABELS, TextBuilder, is_blank
from threadline.rules import modalities
from threadline.rules.facts import (
    Background,
    Diagnosis,
    Goal,
    Intervention,
    MeasureBinding,
    Objective,
    PlanFacts,
    Problem,
    Recommendation,
)

PLAN_LABELS = Labels(
    [
        (
            "plan.effective",
            r"plan date|effective date|date of plan|plan effective(?: date)?|"
            r"date established|date (?:plan )?(?:created|written)",
            False,
        ),
        (
            "plan.end",
            r"review date|next review(?: date)?|plan end(?: date)?|valid through|"
            r"expires|expiration date|end date|plan review date",
            False,
        ),
        (
            "plan.previous",
            r"previous plan(?: date)?|prior plan(?: date)?|last review(?: date)?|"
            r"replaces plan(?: dated)?",
            False,
        ),
        ("plan.version", r"(?:plan )?version|revision", False),
        (
            "diagnosis",
            r"diagnos[ie]s|dx|diagnos[ie]s \(icd-?10(?:-cm)?\)|icd-?10(?:-cm)?(?: codes?)?|"
            r"diagnostic impressions?|(?:primary|secondary|current|past) diagnos[ie]s",
            True,
        ),
        ("background", r"(?:brief |clinical )?background|clinical summary|summary", False),
        (
            "background.presenting",
            r"presenting (?:problem|issue|concern)s?|reason for "
            r"(?:referral|visit|treatment)|chief complaint",
            False,
        ),
        (
            "background.symptoms",
            r"(?:current |specific |presenting )?symptoms?|"
            r"symptoms? \(dsm-5(?:-tr)?\)|dsm-5(?:-tr)? (?:symptoms|criteria)",
            False,
        ),
        (
            "background.impact",
            r"functional (?:impact|impairment|status|limitations?)|impact on "
            r"(?:daily )?functioning|(?:daily )?functioning|impairment",
            False,
        ),
        (
            "recommendation",
            r"recommendations?|plan of care|treatment recommendations?|"
            r"recommended treatment|level of care",
            False,
        ),
        (
            "rec.modality",
            r"(?:treatment |therapeutic |therapy )?modality|(?:treatment )?approach|"
            r"therapy model",
            False,
        ),
        (
            "rec.type",
            r"type(?: of (?:therapy|service|treatment))?|service type|therapy type",
            False,
        ),
        (
            "rec.amount",
            r"amount|session length|length of sessions?|session duration|"
            r"minutes per session",
            False,
        ),
        ("rec.frequency", r"(?:session )?frequency|cadence|how often", False),
        (
            "rec.duration",
            r"(?:expected |treatment |estimated |anticipated )?duration"
            r"(?: of treatment)?|length of treatment|expected length",
            False,
        ),
        (
            "rec.medication",
            r"medication(?: evaluation| referral| management)?|"
            r"med(?:ication)? eval(?:uation)?|psychiatric (?:evaluation|referral)",
            False,
        ),
        ("rec.referrals", r"referrals?", False),
        (
            "problem",
            r"problem(?: area| statement)?|area of (?:clinical )?focus|focus area|"
            r"clinical focus|issue",
            True,
        ),
        ("goal", r"(?:long[- ]term )?goal", True),
        ("objective", r"(?:short[- ]term )?objective|sto", True),
        ("intervention", r"interventions?|strategy|treatment intervention", True),
        (
            "target",
            r"target(?: date)?|goal target|target sessions|time ?frame|"
            r"(?:estimated )?completion(?: date)?|due(?: date)?|by",
            False,
        ),
        (
            "measure",
            r"measure(?:ment)?|instrument|tracked (?:by|with)|measured by|"
            r"outcome measure|baseline",
            False,
        ),
        *HEADER_LABELS,
    ]
)
_WITHIN = re.compile(
    r"\b(?:within|in|over|by)\s+(?:the\s+next\s+)?(\d{1,3})\s*(day|week|month)s?\b", re.I
)
_BARE_SPAN = re.compile(r"\b(\d{1,3})\s*(day|week|month)s?\b", re.I)
_SESSIONS = re.compile(r"\b(\d{1,3})\s*(?:sessions|visits)\b", re.I)
_MINUTES = re.compile(r"\b(\d{2,3})\s*-?\s*min", re.I)
_FREQUENCY_PHRASE = re.compile(
    r"\b(?:weekly|bi-?weekly|fortnightly|monthly|daily|twice (?:a|per) week|"
    r"(?:once|\d+\s*(?:x|times?)) (?:a|per|every|each) (?:week|month|day)|"
    r"every (?:other |\d+ )?(?:week|month|day)s?)\b",
    re.I,
)
_DURATION_PHRASE = re.compile(r"\b(?:for |over )?(\d{1,3})\s*(?:weeks?|months?|sessions?)\b", re.I)
_TYPE = re.compile(r"\b(individual|group|family|couples?)\b", re.I)
_WHO = re.compile(
    r"\bby (?:the )?(clinician|therapist|counsel+or|client|client and [a-z]+)\b", re.I
)
_UNITS = {"day": 1, "week": 7, "month": 30}


@dataclass
class _ObjectiveDraft:
    id: str
    statement: str = ""
    target: date | None = None
    measure: MeasureBinding | None = None


@dataclass
class _ProblemDraft:
    number: int
    statement: str = ""
    goal: str | None = None
    goal_target: date | None = None
    goal_sessions: int | None = None
    goal_within_days: int | None = None
    objectives: list[_ObjectiveDraft] = field(default_factory=list)
    interventions: list[list[str]] = field(default_factory=list)  # each: its text, continued


class PlanBuilder(TextBuilder):
    labels = PLAN_LABELS
    sections = frozenset({"background", "recommendation", "diagnosis", "problem", "goal"})

    def __init__(self) -> None:
        super().__init__()
        self.effective: date | None = None
        self.end: date | None = None
        self.previous: date | None = None
        self.version = 1
        self.diagnoses: list[Diagnosis] = []
        self.background: dict[str, str] = {"presenting": "", "symptoms": "", "impact": ""}
        self.rec: dict[str, str] = {
            "modality": "",
            "type": "",
            "frequency": "",
            "duration": "",
            "medication": "",
            "referrals": "",
        }
        self.minutes: int | None = None
        self.problems: dict[int, _ProblemDraft] = {}
        self.current: _ProblemDraft | None = None
        self.objective: _ObjectiveDraft | None = None
        self.in_diagnoses = False
        self.last_target_of = "goal"  # what a bare "Target:" line belongs to

    def handle(self, key: str, number: str, line: Line) -> None:
        self.in_diagnoses = key == "diagnosis"
        value = line.value
        if key == "plan.effective":
            self.effective = self.date(line)
        elif key == "plan.end":
            self.end = self.date(line)
        elif key == "plan.previous":
            self.previous = self.date(line)
        elif key == "plan.version":
            self.version = values.parse_int(value) or 1
        elif key == "diagnosis":
            self.diagnoses += values.diagnoses(value) if not is_blank(value) else []
        elif key == "background" or key.startswith("background."):
            part = "presenting" if key == "background" else key.split(".")[1]
            if value:
                self.background[part] = f"{self.background[part]} {value}".strip()
            self.appender(lambda: self.background[part], lambda text: self._set_bg(part, text))
        elif key == "recommendation" or key.startswith("rec."):
            self.handle_recommendation(key, line)
        elif key in {"problem", "goal", "objective", "intervention", "target", "measure"}:
            self.handle_focus(key, number, line)
        else:
            super().handle(key, number, line)

    def _set_bg(self, part: str, text: str) -> None:
        self.background[part] = text

    def handle_recommendation(self, key: str, line: Line) -> None:
        value = line.value
        if key == "rec.amount":
            self.minutes = values.parse_int(value)
            if self.minutes is None and not is_blank(value):
                self.unreadable("format.number_unreadable", line, "the minutes, e.g. 53 minutes")
            return
        if key == "recommendation":
            self._read_recommendation(value)
            return
        part = key.split(".")[1]
        self.rec[part] = value
        self.appender(lambda: self.rec[part], lambda text: self.rec.__setitem__(part, text))

    def _read_recommendation(self, text: str) -> None:
        """Pick the plan of care's parts out of one sentence, without overwriting labelled ones."""
        if not text:
            return
        found = {
            "modality": text if modalities.names_a_modality(text, field=True) else "",
            "frequency": _first(_FREQUENCY_PHRASE, text),
            "duration": _first(_DURATION_PHRASE, text),
            "type": _first(_TYPE, text),
            "medication": _clause(text, r"medicat|psychiatr"),
            "referrals": _clause(text, r"refer"),
        }
        for part, value in found.items():
            self.rec[part] = self.rec[part] or value
        match = _MINUTES.search(text)
        if match and self.minutes is None:
            self.minutes = int(match.group(1))

    def handle_focus(self, key: str, number: str, line: Line) -> None:
        value = line.value
        if key == "problem":
            problem = self._problem(number, new=True)
            problem.statement = value or problem.statement
            self.objective = None
            self.appender(
                lambda: problem.statement, lambda text: setattr(problem, "statement", text)
            )
        elif key == "goal":
            problem = self._problem(number if "-" not in number else number.split("-")[0])
            problem.goal = value
            self.last_target_of = "goal"
            self.appender(lambda: problem.goal or "", lambda text: setattr(problem, "goal", text))
        elif key == "objective":
            self._objective(number, line)
        elif key == "intervention":
            self._intervention(number, line)
        elif key == "target":
            self._target(line)
        elif key == "measure":
            self._measure(line)

    def _problem(self, number: str, *, new: bool = False) -> _ProblemDraft:
        head = re.match(r"\d+", number)
        if head is None:
            if self.current is not None and not new:
                return self.current
            index = max(self.problems, default=0) + 1
        else:
            index = int(head.group(0))
        problem = self.problems.setdefault(index, _ProblemDraft(index))
        self.current = problem
        return problem

    def _objective(self, number: str, line: Line) -> None:
        parts = re.findall(r"\d+|[a-z]", number)
        if len(parts) >= 2:
            problem = self._problem(parts[0])
            # "Objective 1.2" is 1.2; "Objective 1a" keeps its letter, as notes will cite it.
            joint = "" if parts[1].isalpha() else "."
            ident = f"{problem.number}{joint}{parts[1]}"
        else:
            problem = self._problem("")
            ident = f"{problem.number}.{parts[0] if parts else len(problem.objectives) + 1}"
        objective = next((o for o in problem.objectives if o.id == ident), None)
        if objective is None:
            objective = _ObjectiveDraft(ident)
            problem.objectives.append(objective)
        objective.statement = line.value
        inline = re.search(r"\(?\btarget(?: date)?\s*[:\-]?\s*([^)]*)\)?", line.value, re.I)
        if inline:
            objective.target = values.parse_date(inline.group(1)) or objective.target
        self.objective = objective
        self.last_target_of = "objective"
        self.appender(
            lambda: objective.statement, lambda text: setattr(objective, "statement", text)
        )

    def _intervention(self, number: str, line: Line) -> None:
        parts = re.findall(r"\d+", number)
        problem = self._problem(parts[0] if len(parts) >= 2 else "")
        text = [line.value]
        problem.interventions.append(text)
        self.appender(lambda: text[0], lambda more: text.__setitem__(0, more))

    def _target(self, line: Line) -> None:
        problem = self.current
        if problem is None:
            self._unplaced(line, "a target")
            return
        if self.last_target_of == "objective" and self.objective is not None:
            self.objective.target = self.date(line) or self.objective.target
            return
        when = values.parse_date(line.value)
        sessions = _SESSIONS.search(line.value)
        within = _WITHIN.search(line.value) or _BARE_SPAN.search(line.value)
        if when is None and sessions is None and within is None and not is_blank(line.value):
            self.unreadable("format.date_unreadable", line, "a date or a number of sessions")
        problem.goal_target = when or problem.goal_target
        problem.goal_sessions = int(sessions.group(1)) if sessions else problem.goal_sessions
        if within:
            problem.goal_within_days = int(within.group(1)) * _UNITS[within.group(2).lower()]

    def _measure(self, line: Line) -> None:
        if self.objective is None:
            self._unplaced(line, "a measure")
            return
        text = line.value
        instrument = re.split(r"[,;(]|\bbaseline\b", text, maxsplit=1, flags=re.I)[0].strip()
        baseline = re.search(r"baseline\s*(?:of|=|:|is)?\s*(\d{1,4})", text, re.I)
        target = re.search(
            r"target\s*(?:of|=|:|is|<|<=|below|under|at or below)?\s*(\d{1,4})", text, re.I
        )
        self.objective.measure = MeasureBinding(
            instrument,
            int(baseline.group(1)) if baseline else None,
            int(target.group(1)) if target else None,
        )

    def _unplaced(self, line: Line, what: str) -> None:
        self.findings.append(
            format_finding(
                "format.item_unplaced",
                f"Line {line.number}: {what} before any problem, goal or objective; put it under "
                "the item it belongs to.",
                f"line {line.number}",
            )
        )

    def take_loose(self, line: Line) -> bool:
        if self.in_diagnoses and values.ICD_CODE.search(line.text):
            self.diagnoses += values.diagnoses(line.text)
            return True
        return False

    def build(self) -> PlanFacts:
        session = self.session_facts()
        start = self.effective or session.date_of_service
        return PlanFacts(
            client=self.client_facts(),
            clinician=self.clinician,
            session=session,
            diagnoses=tuple(self.diagnoses),
            background=Background(
                self.background["presenting"],
                self.background["symptoms"],
                self.background["impact"],
            ),
            recommendation=Recommendation(
                modality=self.rec["modality"],
                service_type=self.rec["type"],
                session_minutes=self.minutes,
                frequency=self.rec["frequency"],
                duration=self.rec["duration"],
                medication_evaluation=self.rec["medication"],
                referrals=self.rec["referrals"],
            ),
            problems=tuple(_problem(self.problems[n], start) for n in sorted(self.problems)),
            signatures=tuple(self.signatures),
            version=self.version,
            effective_date=self.effective,
            end_date=self.end,
            previous_plan_date=self.previous,
        )


def _after(start: date | None, days: int | None) -> date | None:
    return None if start is None or days is None else start + timedelta(days=days)


def _problem(draft: _ProblemDraft, start: date | None) -> Problem:
    goal = None
    if draft.goal is not None:
        sessions = _SESSIONS.search(draft.goal)
        target = draft.goal_target or values.parse_date(draft.goal)
        target = target or _after(start, draft.goal_within_days or _within(draft.goal))
        goal = Goal(
            draft.goal,
            target,
            draft.goal_sessions or (int(sessions.group(1)) if sessions else None),
        )
    return Problem(
        id=str(draft.number),
        statement=draft.statement,
        goal=goal,
        objectives=tuple(
            Objective(o.id, o.statement, o.target or _after(start, _within(o.statement)), o.measure)
            for o in draft.objectives
        ),
        interventions=tuple(_intervention(text) for (text,) in draft.interventions),
    )


def _within(text: str) -> int | None:
    """Days in "within 60 days", "in 8 weeks", "over 3 months"."""
    match = _WITHIN.search(text)
    return None if match is None else int(match.group(1)) * _UNITS[match.group(2).lower()]


def _intervention(text: str) -> Intervention:
    """ "CBT - cognitive restructuring of work worries, weekly, by clinician"."""
    pieces = re.split(r"\s[-\u2013\u2014:]\s|:\s|;\s", text, maxsplit=1)
    modality, description = (pieces[0], pieces[1]) if len(pieces) == 2 else ("", text)
    if not modalities.names_a_modality(modality, field=True):
        modality, description = "", text
    who = _WHO.search(text)
    return Intervention(
        modality=modality.strip(),
        description=description.strip(),
        frequency=_first(_FREQUENCY_PHRASE, text),
        who=who.group(1) if who else "",
    )


def _first(pattern: re.Pattern[str], text: str) -> str:
    match = pattern.search(text)
    return match.group(0) if match else ""


def _clause(text: str, word: str) -> str:
    for clause in re.split(r"[;.]\s*", text):
        if re.search(word, clause, re.I):
            return clause.strip()
    return ""
