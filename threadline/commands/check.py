"""`threadline check FILE...`: check plans and notes written anywhere, as an auditor would.

Reads Threadline JSON or the labelled text and Markdown clinicians write, runs the same rules
as the editor, and prints the findings per file. Exit status: 0 when no file has an error, 1
when any has, 2 when a file cannot be read. Imports no Django, so it starts quickly.
"""

from __future__ import annotations

import argparse
import json
import sys
import traceback
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from threadline.documents import read
from threadline.rules.codeset import CodeSet
from threadline.rules.compliance import check
from threadline.rules.facts import DischargeFacts, Facts, NoteFacts
from threadline.rules.findings import Finding, by_severity, count_by_severity
from threadline.rules.packs import DEFAULT_PACK, PACK_NAMES, load_pack

HELP = "check plans and notes written anywhere; exit 1 when any has an error"

OK, HAS_ERRORS, UNREADABLE = 0, 1, 2
_KIND_WORDS = {
    "plan": "treatment plan",
    "note": "progress note",
    "intake": "intake assessment",
    "discharge": "discharge summary",
}


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="+", metavar="FILE", help="plan or note: .json, .txt, .md")
    parser.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        dest="output",
        help="text for people (default); json: a list with one object per file",
    )
    parser.add_argument(
        "--pack",
        choices=PACK_NAMES,
        help="payer rule pack; default: the pack the document's payer names, else 'default'",
    )
    parser.add_argument(
        "--today",
        type=date.fromisoformat,
        help="the day to judge plan age and overdue notes on (YYYY-MM-DD); default: today",
    )


@dataclass
class FileResult:
    file: str
    document: str | None = None
    pack: str | None = None
    fields: dict[str, str] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    error: str | None = None  # why the file could not be read

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "file": self.file,
            "document": self.document,
            "pack": self.pack,
            "fields": self.fields,
            "findings": [finding.to_dict() for finding in self.findings],
            "summary": count_by_severity(self.findings),
        }
        if self.error is not None:
            data["error"] = self.error
        return data


class _Codes:
    """The ICD-10-CM release, loaded only when a document has diagnoses to check."""

    def __init__(self) -> None:
        self._codes: CodeSet | None = None

    def get(self) -> CodeSet:
        if self._codes is None:
            from threadline.icd import load_default

            self._codes = load_default()
        return self._codes


_EMPTY_CODES = CodeSet("no code set loaded", date.min, date.max, {})


def run(args: argparse.Namespace) -> int:
    # The command reads the clock, once; the rules never do.
    today: date = args.today or date.today()  # noqa: DTZ011 - a calendar day, not an instant
    codes = _Codes()
    results = [
        check_file(Path(name), pack=args.pack, today=today, codes=codes) for name in args.files
    ]
    if args.output == "json":
        # One file's object per line: valid JSON, readable line by line, and written by the
        # C encoder (an indent would fall back to the pure-Python one, several times slower).
        objects = ",\n".join(json.dumps(result.to_dict()) for result in results)
        sys.stdout.write(f"[\n{objects}\n]\n")
    else:
        sys.stdout.write(render_text(results))
    if any(result.error is not None for result in results):
        return UNREADABLE
    if any(f.blocks_signing for result in results for f in result.findings):
        return HAS_ERRORS
    return OK


def check_file(path: Path, *, pack: str | None, today: date, codes: _Codes) -> FileResult:
    result = FileResult(str(path))
    try:
        data = path.read_bytes()
    except OSError as error:
        result.error = f"cannot read: {error.strerror or error}"
        return result
    try:
        _read_and_check(result, data, pack=pack, today=today, codes=codes)
    except Exception as error:  # a bug must not hide the other files' findings
        traceback.print_exc(file=sys.stderr)
        result.error = f"could not be checked: internal error {type(error).__name__}"
    return result


def _read_and_check(
    result: FileResult, data: bytes, *, pack: str | None, today: date, codes: _Codes
) -> None:
    reading = read(data, name=Path(result.file).name)
    result.document = None if reading.kind is None else reading.kind.value
    result.fields = reading.fields
    result.findings = list(reading.findings)
    facts = reading.facts
    if facts is None:
        return
    chosen = pack or _pack_named_by(facts)
    result.pack = chosen
    result.findings += check(
        facts, pack=load_pack(chosen), codes=_codes_for(facts, codes), today=today
    )
    result.findings = by_severity(result.findings)


def _pack_named_by(facts: Facts) -> str:
    payer = facts.client.payer_pack
    return payer if payer in PACK_NAMES else DEFAULT_PACK


def _codes_for(facts: Facts, codes: _Codes) -> CodeSet:
    # Notes and discharge summaries carry no diagnoses here, so they need no code set.
    return _EMPTY_CODES if isinstance(facts, NoteFacts | DischargeFacts) else codes.get()


def render_text(results: list[FileResult]) -> str:
    out: list[str] = []
    for result in results:
        if result.error is not None:
            out.append(f"{result.file}: {result.error}\n\n")
            continue
        kind = _KIND_WORDS.get(result.document or "", "unknown document")
        pack = f", pack {result.pack}" if result.pack else ""
        out.append(f"{result.file}: {kind}{pack}\n")
        for finding in result.findings:
            where = f"{finding.field}: " if finding.field else ""
            out.append(
                f"  {finding.severity.value:<7}  {where}{finding.message}  [{finding.code}]\n"
            )
        counts = count_by_severity(result.findings)
        out.append(
            f"  {_count(counts['error'], 'error')}, {_count(counts['warning'], 'warning')}, "
            f"{counts['info']} information\n\n"
        )
    with_errors = sum(
        1 for r in results if r.error is None and any(f.blocks_signing for f in r.findings)
    )
    unreadable = sum(1 for r in results if r.error is not None)
    summary = (
        f"{len(results)} file{'s' if len(results) != 1 else ''} checked: {with_errors} with errors"
    )
    if unreadable:
        summary += f", {unreadable} unreadable"
    return "".join(out) + summary + "\n"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"
