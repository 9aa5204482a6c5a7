"""The ICD-10-CM code set as plain data, handed to the rules by their callers."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, slots=True)
class IcdCode:
    code: str  # with the dot, upper case: "F41.1"
    description: str
    billable: bool


def normalize(code: str) -> str:
    """Turn "f411", " F41.1 " or "F41.1" into "F41.1"."""
    compact = code.strip().upper().replace(".", "")
    return compact if len(compact) <= 3 else f"{compact[:3]}.{compact[3:]}"


@dataclass(frozen=True)
class CodeSet:
    release: str  # named wherever a code is validated, e.g. "ICD-10-CM FY2026 (April 2026)"
    effective_from: date
    effective_to: date
    codes: Mapping[str, IcdCode]

    def get(self, code: str) -> IcdCode | None:
        return self.codes.get(normalize(code))

    def in_force_on(self, day: date) -> bool:
        return self.effective_from <= day <= self.effective_to
