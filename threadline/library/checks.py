"""The checks a library entry must pass, from a shipped data file or from a practice's form.

Plain Python, no Django: the shipped TOML files, a practice's own entries and the tests all go
through `read_entry`, so a shipped file and a form are held to the same standard. An error names
the file (or "form") and the field, such as `depression.toml: objectives[1].statement: ...`.

Objectives must read as SMART on their own, by the same tests the plan's SMART lint applies
(`threadline.rules.smart`): something to count, a deadline in the words ("within 12 weeks",
"by week 10"), and none of the phrases reviewers reject. A `<target date>` placeholder is not
accepted: the lint does not read it as a deadline.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from threadline.library.content import (
    EVIDENCE_CHECKS,
    INSTRUMENTS,
    LICENSED_SCALES,
    MAX_INTERVENTIONS,
    MAX_OBJECTIVES,
    EntryContent,
    GoalTemplate,
    InterventionTemplate,
    MeasureTarget,
    ObjectiveTemplate,
)
from threadline.rules import modalities, smart
from threadline.rules.codeset import CodeSet, normalize

DATA_DIR = Path(__file__).parent / "data"
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")

_ENTRY_KEYS = {
    "slug",
    "title",
    "summary",
    "population",
    "icd10cm",
    "keywords",
    "cautions",
    "goal",
    "objectives",
    "interventions",
}
_GOAL_KEYS = {"statement", "target_days", "target_sessions"}
_OBJECTIVE_KEYS = {"statement", "target_weeks", "checked_by", "measure"}
_MEASURE_KEYS = {"instrument", "target", "threshold"}
_INTERVENTION_KEYS = {
    "modality",
    "description",
    "frequency",
    "who",
    "evidence",
    "evidence_check",
    "licence_note",
}


class ContentError(ValueError):
    """A library entry is malformed; `source` is the file (or "form") and `field` the part."""

    def __init__(self, source: str, field: str, problem: str) -> None:
        super().__init__(f"{source}: {field}: {problem}")
        self.source = source
        self.field = field
        self.problem = problem


def statement_problem(text: str, *, objective: bool) -> str | None:
    """What keeps a goal or objective statement from passing a SMART reading, if anything."""
    if not text.strip():
        return "Write the statement."
    phrase = smart.vague_phrase(text)
    if phrase:
        return (
            f'"{phrase}" cannot be observed or counted; say what the client will do, how often '
            "or on which measure."
        )
    if objective and not smart.is_measurable(text):
        return (
            "Name something to count: a number, a frequency, or a score on a named measure, "
            'such as "GAD-7 falls from the baseline score to below 10 within 12 weeks".'
        )
    if objective and not smart.is_time_bound(text):
        return 'Say by when, in words the SMART check reads: "within 12 weeks" or "by week 10".'
    return None


def code_problem(code: str, codes: CodeSet) -> str | None:
    """Why a code cannot be suggested for a plan, if it cannot: unknown or not billable."""
    found = codes.get(code)
    if found is None:
        return f"{normalize(code)} is not in {codes.release}."
    if not found.billable:
        below = ", ".join(child.code for child in codes.children(found.code)[:8])
        return f"{found.code} is a category, not a billable code; choose one of {below}."
    return None


def measure_problem(instrument: str, target: int | None) -> str | None:
    if instrument.upper() in LICENSED_SCALES:
        return (
            f"{instrument} needs a licence to be used in software, so Threadline does not track "
            "it; choose one of " + ", ".join(INSTRUMENTS) + " or describe the measure in words."
        )
    if instrument not in INSTRUMENTS:
        return "Choose one of " + ", ".join(INSTRUMENTS) + "."
    scores = INSTRUMENTS[instrument]
    if target is not None and target not in scores:
        return f"A {instrument} target must be between {scores.start} and {scores.stop - 1}."
    return None


class _Reader:
    """Typed reads from one entry's data, raising ContentError with the field's path."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, field: str, problem: str) -> ContentError:
        return ContentError(self.source, field, problem)

    def table(self, value: object, field: str, keys: set[str]) -> Mapping[str, Any]:
        if not isinstance(value, Mapping):
            raise self.fail(field, "expected a table of fields")
        unknown = sorted(set(value) - keys)
        if unknown:
            raise self.fail(
                f"{field}.{unknown[0]}" if field else unknown[0],
                "unknown field; the fields are " + ", ".join(sorted(keys)),
            )
        return value

    def text(self, data: Mapping[str, Any], key: str, field: str, *, required: bool) -> str:
        value = data.get(key, "")
        if value is None:
            value = ""
        if not isinstance(value, str):
            raise self.fail(field, "expected text")
        value = " ".join(value.split())
        if required and not value:
            raise self.fail(field, "is required")
        return value

    def texts(self, data: Mapping[str, Any], key: str, field: str) -> tuple[str, ...]:
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise self.fail(field, "expected a list of text")
        return tuple(" ".join(item.split()) for item in value if item.strip())

    def number(
        self, data: Mapping[str, Any], key: str, field: str, *, most: int, required: bool = False
    ) -> int | None:
        value = data.get(key)
        if value is None:
            if required:
                raise self.fail(field, "is required: give a whole number")
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(field, "expected a whole number")
        if not 0 < value <= most:
            raise self.fail(field, f"must be between 1 and {most}")
        return value

    def items(self, data: Mapping[str, Any], key: str) -> list[object]:
        value = data.get(key, [])
        if not isinstance(value, list):
            raise self.fail(key, "expected a list")
        return value


def read_entry(
    data: Mapping[str, Any], source: str, *, codes: CodeSet | None = None, shipped: bool = True
) -> EntryContent:
    """Check one entry and return its content; raise ContentError naming the first problem.

    Shipped entries carry 2 to 4 objectives and an evidence source for every intervention; a
    practice's own entry may start from one objective and cite its evidence as it sees fit.
    With `codes` every ICD-10-CM code must be in that release and billable.
    """
    read = _Reader(source)
    data = read.table(data, "", _ENTRY_KEYS)
    slug = read.text(data, "slug", "slug", required=shipped)
    if slug and not SLUG.fullmatch(slug):
        raise read.fail("slug", "use lower-case letters, digits and single hyphens")
    icd10cm = tuple(normalize(code) for code in read.texts(data, "icd10cm", "icd10cm"))
    if not icd10cm:
        raise read.fail("icd10cm", "list at least one ICD-10-CM code")
    for index, code in enumerate(icd10cm):
        problem = code_problem(code, codes) if codes is not None else None
        if problem:
            raise read.fail(f"icd10cm[{index}]", problem)
    if len(set(icd10cm)) != len(icd10cm):
        raise read.fail("icd10cm", "a code is listed twice")
    entry = EntryContent(
        slug=slug,
        title=read.text(data, "title", "title", required=True),
        summary=read.text(data, "summary", "summary", required=True),
        population=read.text(data, "population", "population", required=False),
        icd10cm=icd10cm,
        keywords=read.texts(data, "keywords", "keywords"),
        cautions=read.texts(data, "cautions", "cautions"),
        goal=_goal(read, data.get("goal")),
        objectives=tuple(
            _objective(read, item, f"objectives[{index}]")
            for index, item in enumerate(read.items(data, "objectives"))
        ),
        interventions=tuple(
            _intervention(read, item, f"interventions[{index}]", shipped=shipped)
            for index, item in enumerate(read.items(data, "interventions"))
        ),
    )
    least = 2 if shipped else 1
    if not least <= len(entry.objectives) <= MAX_OBJECTIVES:
        raise read.fail("objectives", f"give {least} to {MAX_OBJECTIVES} objectives")
    if not 1 <= len(entry.interventions) <= MAX_INTERVENTIONS:
        raise read.fail("interventions", f"give 1 to {MAX_INTERVENTIONS} interventions")
    return entry


def _goal(read: _Reader, value: object) -> GoalTemplate:
    data = read.table(value if value is not None else {}, "goal", _GOAL_KEYS)
    statement = read.text(data, "statement", "goal.statement", required=True)
    problem = statement_problem(statement, objective=False)
    if problem:
        raise read.fail("goal.statement", problem)
    goal = GoalTemplate(
        statement=statement,
        target_days=read.number(data, "target_days", "goal.target_days", most=730),
        target_sessions=read.number(data, "target_sessions", "goal.target_sessions", most=100),
    )
    if goal.target_days is None and goal.target_sessions is None:
        raise read.fail("goal", "give a typical target: target_days, target_sessions or both")
    return goal


def _objective(read: _Reader, value: object, field: str) -> ObjectiveTemplate:
    data = read.table(value, field, _OBJECTIVE_KEYS)
    statement = read.text(data, "statement", f"{field}.statement", required=True)
    problem = statement_problem(statement, objective=True)
    if problem:
        raise read.fail(f"{field}.statement", problem)
    measure = None
    if data.get("measure") is not None:
        where = f"{field}.measure"
        raw = read.table(data["measure"], where, _MEASURE_KEYS)
        instrument = read.text(raw, "instrument", f"{where}.instrument", required=True)
        target = raw.get("target")
        if target is not None and (isinstance(target, bool) or not isinstance(target, int)):
            raise read.fail(f"{where}.target", "expected a whole number")
        problem = measure_problem(instrument, target)
        if problem:
            raise read.fail(f"{where}.instrument", problem)
        if instrument.casefold() not in statement.casefold():
            raise read.fail(f"{field}.statement", f"name the measure ({instrument}) it is bound to")
        measure = MeasureTarget(
            instrument, target, read.text(raw, "threshold", f"{where}.threshold", required=False)
        )
    return ObjectiveTemplate(
        statement=statement,
        target_weeks=read.number(
            data, "target_weeks", f"{field}.target_weeks", most=104, required=True
        )
        or 0,
        measure=measure,
        checked_by=read.text(data, "checked_by", f"{field}.checked_by", required=False),
    )


def _intervention(
    read: _Reader, value: object, field: str, *, shipped: bool
) -> InterventionTemplate:
    data = read.table(value, field, _INTERVENTION_KEYS)
    modality = read.text(data, "modality", f"{field}.modality", required=True)
    if modality not in modalities.BY_KEY:
        raise read.fail(
            f"{field}.modality",
            f"{modality!r} is not on the controlled list; use a key of "
            "threadline/rules/modalities.py such as cbt, ba, exposure",
        )
    evidence_check = read.text(data, "evidence_check", f"{field}.evidence_check", required=shipped)
    if evidence_check and evidence_check not in EVIDENCE_CHECKS:
        raise read.fail(f"{field}.evidence_check", "use one of: " + ", ".join(EVIDENCE_CHECKS))
    return InterventionTemplate(
        modality=modality,
        description=read.text(data, "description", f"{field}.description", required=True),
        frequency=read.text(data, "frequency", f"{field}.frequency", required=True),
        who=read.text(data, "who", f"{field}.who", required=False) or "clinician",
        evidence=read.text(data, "evidence", f"{field}.evidence", required=shipped),
        evidence_check=evidence_check,
        licence_note=read.text(data, "licence_note", f"{field}.licence_note", required=False),
    )


def read_file(path: Path, codes: CodeSet | None = None) -> EntryContent:
    """Read one data file; its slug must be its file name, so files and entries match up."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise ContentError(path.name, "file", f"is not valid TOML ({error})") from None
    entry = read_entry(data, path.name, codes=codes)
    if entry.slug != path.stem:
        raise ContentError(path.name, "slug", f"must match the file name ({path.stem!r})")
    return entry


def read_directory(directory: Path = DATA_DIR, codes: CodeSet | None = None) -> list[EntryContent]:
    """Read and check every data file, in file-name order."""
    entries = [read_file(path, codes) for path in sorted(directory.glob("*.toml"))]
    _no_duplicates(entries)
    return entries


def _no_duplicates(entries: Iterable[EntryContent]) -> None:
    seen: set[str] = set()
    for entry in entries:
        if entry.slug in seen:
            raise ContentError(f"{entry.slug}.toml", "slug", "is used by another file")
        seen.add(entry.slug)
