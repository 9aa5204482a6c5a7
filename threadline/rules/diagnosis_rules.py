"""Diagnoses: at least one current, each a billable ICD-10-CM code of the release in force."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from threadline.rules.codeset import CodeSet, normalize
from threadline.rules.facts import Diagnosis, DiagnosisRank, DiagnosisStatus
from threadline.rules.report import Report

# The characters a code can be completed with, to name billable codes under a category.
_NEXT_CHARACTERS = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"


def billable_children(codes: CodeSet, code: str, limit: int = 3) -> list[str]:
    """Up to `limit` billable codes one or two characters below a category, e.g. F32 -> F32.0."""
    found: list[str] = []
    compact = normalize(code).replace(".", "")
    for first in _NEXT_CHARACTERS:
        entry = codes.get(compact + first)
        if entry is None:
            continue
        if entry.billable:
            found.append(entry.code)
        else:
            found += [
                child.code
                for second in _NEXT_CHARACTERS
                if (child := codes.get(compact + first + second)) is not None and child.billable
            ]
        if len(found) >= limit:
            break
    return found[:limit]


def check_diagnoses(
    report: Report,
    prefix: str,
    diagnoses: Sequence[Diagnosis],
    codes: CodeSet,
    day: date | None,
) -> None:
    """Each code checked against `codes` as in force on `day`, the date of service."""
    code = f"{prefix}.diagnosis."
    current = [d for d in diagnoses if d.status is DiagnosisStatus.CURRENT]
    if not current:
        listed = " (only past diagnoses are listed)" if diagnoses else ""
        report.add(
            code + "missing",
            f"Add at least one current diagnosis with its ICD-10-CM code{listed}; the diagnosis "
            "establishes medical necessity.",
            "diagnoses",
        )
    if day is not None and diagnoses and not codes.in_force_on(day):
        report.add(
            code + "release_not_in_force",
            f"The code set here is {codes.release}, in force {codes.effective_from.isoformat()} "
            f"to {codes.effective_to.isoformat()}, not on the date of service {day.isoformat()}; "
            "check the codes against the release for that date.",
            "diagnoses",
        )
    for index, diagnosis in enumerate(diagnoses):
        _check_code(report, code, diagnosis, codes, f"diagnoses[{index}].code")
    _check_first(report, code, diagnoses, len(current))


def _check_first(report: Report, code: str, diagnoses: Sequence[Diagnosis], current: int) -> None:
    """The primary diagnosis, or the first current one listed, should not be a Z code."""
    ranked = [
        (diagnosis.rank is not DiagnosisRank.PRIMARY, index)
        for index, diagnosis in enumerate(diagnoses)
        if diagnosis.status is DiagnosisStatus.CURRENT
    ]
    if not ranked:
        return
    index = min(ranked)[1]
    first = normalize(diagnoses[index].code)
    if first.startswith("Z"):
        alone = "the only diagnosis" if current == 1 else "listed first"
        report.add(
            code + "z_code_first",
            f"{first} is a Z code {alone}; many payers deny psychotherapy without a "
            "mental-health diagnosis first. List the F code first and keep the Z code as "
            "secondary.",
            f"diagnoses[{index}].code",
        )


def _check_code(
    report: Report, code: str, diagnosis: Diagnosis, codes: CodeSet, field: str
) -> None:
    written = diagnosis.code
    if not written:
        what = f' "{diagnosis.description}"' if diagnosis.description else ""
        report.add(
            code + "code_missing",
            f"Give the diagnosis{what} its ICD-10-CM code.",
            field,
        )
        return
    entry = codes.get(written)
    if entry is None:
        report.add(
            code + "code_unknown",
            f"{normalize(written)} is not an ICD-10-CM code in {codes.release}; check the code.",
            field,
        )
        return
    if entry.billable or diagnosis.status is DiagnosisStatus.PAST:
        return
    children = billable_children(codes, entry.code)
    choose = f", such as {', '.join(children)}" if children else ""
    report.add(
        code + "not_billable",
        f"{entry.code} ({entry.description}) is a valid category in {codes.release} but not a "
        f"billable code; use a complete code under it{choose}.",
        field,
    )
