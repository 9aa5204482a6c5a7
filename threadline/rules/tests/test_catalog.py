"""The catalog of finding codes: well formed, and every code exercised by some rule test."""

from __future__ import annotations

import re

from threadline.documents.tests import test_text_reader as reader_tests
from threadline.rules.catalog import CATALOG
from threadline.rules.findings import Category
from threadline.rules.tests import (
    test_intake_discharge_rules,
    test_note_rules,
    test_plan_rules,
    test_session_rules,
    test_smart,
    test_thread,
)

# Codes asserted by single tests rather than the tables below.
ASSERTED_ELSEWHERE = {
    "smart.copied_text",  # test_plan_rules and test_smart: copied text
    "discharge.session.date_missing",  # test_session_rules: the discharge date is required
}


def _tested_codes() -> set[str]:
    found = set(ASSERTED_ELSEWHERE)
    for plan_case in test_plan_rules.PLAN_CASES:
        found |= plan_case[-1]
    for note_case in test_note_rules.NOTE_CASES:
        found |= note_case[-1]
    for kind in test_session_rules.DOCUMENTS:
        found |= {f"{kind}.session.{case[-1]}" for case in test_session_rules.SESSION_CASES}
    found |= {f"discharge.session.{case[-1]}" for case in test_session_rules.IDENTITY_CASES}
    found |= {f"intake.{case[-1]}" for case in test_intake_discharge_rules.INTAKE_CASES}
    found |= {f"discharge.{case[-1]}" for case in test_intake_discharge_rules.DISCHARGE_CASES}
    for structured in test_intake_discharge_rules.STRUCTURED_CASES:
        found |= {f"intake.{code}" for code in structured[-1]}
    for thread_case in test_thread.THREAD_CASES:
        found |= thread_case[-1]
    for smart_case in test_smart.OBJECTIVE_CASES:
        found |= set(smart_case[-1])
    for reader_case in reader_tests.FORMAT_CASES:
        found |= set(reader_case[2])
    for bytes_case in reader_tests.BYTES_CASES:
        found |= set(bytes_case[-1])
    return found


def test_every_code_in_the_catalog_is_exercised_by_a_rule_test() -> None:
    assert set(CATALOG) - _tested_codes() == set()


def test_every_tested_code_is_in_the_catalog() -> None:
    assert _tested_codes() - set(CATALOG) == set()


def test_codes_are_dotted_lower_case_and_carry_a_category_and_a_dated_source() -> None:
    for code, spec in CATALOG.items():
        assert re.fullmatch(r"[a-z]+(\.[a-z_]+)+", code), code
        assert spec.code == code
        assert isinstance(spec.category, Category)
        assert spec.source.citation and spec.source.effective.year >= 2013
