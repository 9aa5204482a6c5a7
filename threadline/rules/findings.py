"""Findings: what a rule says about a document, in the contract the editor, API and CLI share."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"  # blocks signing
    WARNING = "warning"
    INFO = "info"


class Category(StrEnum):
    """The fixed list of DESIGN.md; the editor groups findings by it."""

    SESSION_DETAILS = "session_details"
    DIAGNOSIS = "diagnosis"
    BACKGROUND = "background"
    RECOMMENDATION = "recommendation"
    CLINICAL_FOCUS = "clinical_focus"
    SMART = "smart"
    SIGNATURES = "signatures"
    REVIEW = "review"
    BILLING = "billing"
    TIMELINESS = "timeliness"
    GOLDEN_THREAD = "golden_thread"
    RISK = "risk"
    FORMAT = "format"


SEVERITY_ORDER: dict[Severity, int] = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


@dataclass(frozen=True, slots=True)
class Finding:
    code: str  # stable dotted id, e.g. "plan.session.stop_time_missing"
    category: Category
    severity: Severity
    message: str  # one sentence saying what to add or fix
    field: str  # path of the offending part, e.g. "problems[1].objectives[0].target_date"
    rule_source: str  # where the rule comes from: citation and the pack that ran it

    @property
    def blocks_signing(self) -> bool:
        return self.severity is Severity.ERROR

    def to_dict(self) -> dict[str, str]:
        return {
            "code": self.code,
            "category": self.category.value,
            "severity": self.severity.value,
            "message": self.message,
            "field": self.field,
            "rule_source": self.rule_source,
        }


def count_by_severity(findings: Iterable[Finding]) -> dict[str, int]:
    """Counts for every severity, zeros included, so summaries always have the same keys."""
    counts = {severity.value: 0 for severity in Severity}
    for finding in findings:
        counts[finding.severity.value] += 1
    return counts


def blocks_signing(findings: Iterable[Finding]) -> bool:
    return any(finding.severity is Severity.ERROR for finding in findings)


def codes(findings: Iterable[Finding]) -> list[str]:
    return [finding.code for finding in findings]


def by_severity(findings: Iterable[Finding]) -> list[Finding]:
    """Errors first, then warnings, then information; stable within a severity."""
    return sorted(findings, key=lambda finding: SEVERITY_ORDER[finding.severity])
