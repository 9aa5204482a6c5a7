"""The compliance checks, one per document, in one place for callers.

Each takes frozen facts, the payer pack and `today` (rules never read the clock) and returns
findings; plans and intakes also take the ICD-10-CM code set. `check` picks the right one.
"""

from __future__ import annotations

from collections.abc import Set
from datetime import date

from threadline.rules.codeset import CodeSet
from threadline.rules.discharge_rules import check_discharge
from threadline.rules.facts import DischargeFacts, Facts, IntakeFacts, NoteFacts, PlanFacts
from threadline.rules.findings import Finding
from threadline.rules.intake_rules import check_intake
from threadline.rules.note_rules import check_note
from threadline.rules.packs import Pack
from threadline.rules.plan_rules import check_plan


def check(
    facts: Facts,
    *,
    pack: Pack,
    codes: CodeSet,
    today: date,
    known_texts: Set[str] = frozenset(),
) -> list[Finding]:
    """Run the checks for whichever document `facts` is."""
    if isinstance(facts, PlanFacts):
        return check_plan(facts, pack=pack, codes=codes, today=today, known_texts=known_texts)
    if isinstance(facts, NoteFacts):
        return check_note(facts, pack=pack, today=today)
    if isinstance(facts, IntakeFacts):
        return check_intake(facts, pack=pack, codes=codes, today=today)
    if isinstance(facts, DischargeFacts):
        return check_discharge(facts, pack=pack, today=today)
    raise TypeError(f"no checks for {type(facts).__name__}")


__all__ = ["check", "check_discharge", "check_intake", "check_note", "check_plan"]
