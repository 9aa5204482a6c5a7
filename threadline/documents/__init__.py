"""Read plans and notes written anywhere into Threadline's facts (plain Python, no Django).

`read(data)` takes the bytes of a file: JSON in Threadline's schema (see
`threadline/rules/README.md`) or plain text and Markdown in the labelled layout clinicians use.
It never raises on the content: what it cannot read becomes a finding in category "format" that
names the line (or the JSON path).
"""

from __future__ import annotations

import json
from datetime import date

from threadline.documents.lines import detect_kind, split
from threadline.documents.notetext import NoteBuilder
from threadline.documents.othertext import DischargeBuilder, IntakeBuilder
from threadline.documents.plantext import PlanBuilder
from threadline.documents.reading import Reading, flatten, format_finding
from threadline.documents.textbase import TextBuilder
from threadline.rules.facts import DocumentKind, Facts, SchemaError, facts_from_dict
from threadline.rules.findings import Finding

# A plan or note is a few pages; anything far larger is not one, and is not worth reading.
MAX_BYTES = 1_000_000

_BUILDERS: dict[DocumentKind, type[TextBuilder]] = {
    DocumentKind.PLAN: PlanBuilder,
    DocumentKind.NOTE: NoteBuilder,
    DocumentKind.INTAKE: IntakeBuilder,
    DocumentKind.DISCHARGE: DischargeBuilder,
}


def read(data: bytes, *, name: str = "") -> Reading:
    """Read a document's bytes; JSON when the name ends in .json or the text starts with "{"."""
    if len(data) > MAX_BYTES:
        return _failed(
            "format.too_large",
            f"The file is {len(data):,} bytes; a plan or note is far smaller, so it was not read.",
        )
    findings: list[Finding] = []
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        text = data.decode("utf-8", errors="replace")
        findings.append(
            format_finding(
                "format.encoding",
                f"The file is not valid UTF-8 (byte {error.start}); unreadable characters were "
                "replaced. Save it as UTF-8.",
                "file",
            )
        )
    if name.lower().endswith(".json") or text.lstrip().startswith("{"):
        reading = read_json(text)
    else:
        reading = read_text(text)
    return Reading(reading.kind, reading.facts, reading.fields, (*findings, *reading.findings))


def read_json(text: str) -> Reading:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        return _failed(
            "format.json_invalid",
            f"The JSON is malformed at line {error.lineno}, column {error.colno}: {error.msg}.",
            f"line {error.lineno}",
        )
    except RecursionError:
        return _failed("format.json_invalid", "The JSON is nested too deeply to read.")
    if not isinstance(data, dict):
        return _failed("format.json_schema", 'The JSON must be an object with a "document" key.')
    try:
        facts = facts_from_dict(data)
    except SchemaError as error:
        return _failed("format.json_schema", f"{error.path}: {error.problem}.", error.path)
    return Reading(DocumentKind(data["document"].strip().lower()), facts, _fields(facts), ())


def read_text(text: str, *, today: date | None = None) -> Reading:
    """Read the labelled layout. `today` is unused: two-digit years pivot as strptime's do."""
    del today
    if not text.strip():
        return _failed("format.empty", "The file is empty.")
    lines = split(text.splitlines())
    kind = detect_kind(lines)
    if kind is None:
        return _failed(
            "format.kind_unknown",
            "Could not tell whether this is a treatment plan or a progress note: give it a title "
            '("Treatment Plan", "Progress Note") or the usual labels (Problem 1:, Goal:, '
            "Objective 1:, or Data:, Assessment:, Plan:).",
        )
    builder = _BUILDERS[kind]()
    builder.read(lines)
    facts = builder.build()
    return Reading(kind, facts, _fields(facts), tuple(builder.findings))


def _fields(facts: Facts) -> dict[str, str]:
    return flatten(facts.to_dict())


def _failed(code: str, message: str, field: str = "file") -> Reading:
    return Reading(None, None, {}, (format_finding(code, message, field),))


__all__ = ["MAX_BYTES", "Reading", "read", "read_json", "read_text"]
