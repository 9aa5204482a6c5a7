"""Intake and discharge rules: one edit to a complete document, the exact codes it brings."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from typing import Any

import pytest

from threadline.rules.compliance import check
from threadline.rules.facts import (
    Answer,
    Diagnosis,
    DiagnosisRank,
    NoteSection,
    ObjectiveOutcome,
    PlanReference,
    RiskFacts,
)
from threadline.rules.findings import codes
from threadline.rules.intake_rules import HISTORY_AREAS, MENTAL_STATUS_DOMAINS
from threadline.rules.packs import PACK_NAMES, load_pack
from threadline.rules.tests.factories import (
    CODES,
    TODAY,
    clinician_signature,
    complete_discharge,
    complete_intake,
)

Edit = Callable[[Any], Any]

# (what changes, the edit, the code after "intake.")
INTAKE_CASES: list[tuple[str, Edit, str]] = [
    ("no diagnosis", lambda i: replace(i, diagnoses=()), "diagnosis.missing"),
    (
        "a diagnosis without its code",
        lambda i: replace(i, diagnoses=(*i.diagnoses, Diagnosis(""))),
        "diagnosis.code_missing",
    ),
    (
        "an unknown code",
        lambda i: replace(i, diagnoses=(Diagnosis("F41.11"),)),
        "diagnosis.code_unknown",
    ),
    (
        "a category code",
        lambda i: replace(i, diagnoses=(Diagnosis("F43.2"),)),
        "diagnosis.not_billable",
    ),
    (
        "a session outside the code set's year",
        lambda i: replace(
            i,
            session=replace(i.session, date_of_service=date(2025, 9, 30)),
            signature=clinician_signature(date(2025, 9, 30)),
        ),
        "diagnosis.release_not_in_force",
    ),
    (
        "a Z code ranked primary",
        lambda i: replace(
            i, diagnoses=(Diagnosis("F41.1"), Diagnosis("Z56.6", rank=DiagnosisRank.PRIMARY))
        ),
        "diagnosis.z_code_first",
    ),
    (
        "no presenting problem",
        lambda i: replace(i, presenting_problem=""),
        "background.presenting_problem_missing",
    ),
    ("no history", lambda i: replace(i, history=""), "background.history_missing"),
    (
        "no mental status",
        lambda i: replace(i, mental_status=""),
        "background.mental_status_missing",
    ),
    ("no risk assessment", lambda i: replace(i, risk_assessment=""), "risk.assessment_missing"),
    ("no recommendation", lambda i: replace(i, recommendation=""), "recommendation.missing"),
    ("no signature", lambda i: replace(i, signature=None), "signature.clinician_missing"),
    (
        "a signature without credentials",
        lambda i: replace(i, signature=replace(i.signature, credentials="")),
        "signature.clinician_credentials_missing",
    ),
    (
        "an undated signature",
        lambda i: replace(i, signature=replace(i.signature, signed_on=None)),
        "signature.date_missing",
    ),
    (
        "a signature before the session",
        lambda i: replace(i, signature=clinician_signature(date(2026, 9, 1))),
        "signature.dated_before_service",
    ),
]

# A structured intake, as Threadline's own form writes it, complete and without risk.
HISTORY = tuple(NoteSection(area, "Nothing of note reported.") for area in HISTORY_AREAS)
EXAM = tuple(NoteSection(domain, "Observed and described.") for domain in MENTAL_STATUS_DOMAINS)
NO_RISK = RiskFacts(
    ideation=Answer.NO,
    plan=Answer.NO,
    intent=Answer.NO,
    protective_factors="Close to a sister; plans for the summer",
    level="low",
)


def structured(intake: Any) -> Any:
    return replace(
        intake,
        history="",
        mental_status="",
        risk_assessment="",
        history_areas=HISTORY,
        mental_status_exam=EXAM,
        risk=NO_RISK,
    )


STRUCTURED_CASES: list[tuple[str, Edit, set[str]]] = [
    ("complete", lambda i: i, set()),
    (
        "a history area left empty",
        lambda i: replace(i, history_areas=(*HISTORY[:2], NoteSection("family", ""))),
        {"background.history_area_missing"},
    ),
    (
        "a mental status domain left empty",
        lambda i: replace(i, mental_status_exam=EXAM[1:]),
        {"background.mental_status_domain_missing"},
    ),
    (
        "the risk questions unanswered",
        lambda i: replace(i, risk=replace(NO_RISK, plan=None)),
        {"risk.question_unanswered"},
    ),
    (
        "no protective factors",
        lambda i: replace(i, risk=replace(NO_RISK, protective_factors="")),
        {"risk.protective_factors_missing"},
    ),
    (
        "ideation without a safety plan",
        lambda i: replace(i, risk=replace(NO_RISK, ideation=Answer.YES)),
        {"risk.safety_plan_missing"},
    ),
    (
        "ideation with a safety plan",
        lambda i: replace(
            i, risk=replace(NO_RISK, ideation=Answer.YES, safety_plan="Steps agreed and written")
        ),
        set(),
    ),
    (
        "moderate risk judged without a safety plan",
        lambda i: replace(i, risk=replace(NO_RISK, level="Moderate")),
        {"risk.safety_plan_missing"},
    ),
]


@pytest.mark.parametrize(
    ("edit", "expected"),
    [case[1:] for case in STRUCTURED_CASES],
    ids=[c[0] for c in STRUCTURED_CASES],
)
def test_a_structured_intake_names_each_gap(edit: Edit, expected: set[str]) -> None:
    intake = edit(structured(complete_intake()))
    assert _codes(intake) == {f"intake.{code}" for code in expected}


def test_a_structured_intake_reads_back_from_json() -> None:
    intake = structured(complete_intake())
    assert type(intake).from_dict(intake.to_dict()) == intake


# (what changes, the edit, the code after "discharge.")
DISCHARGE_CASES: list[tuple[str, Edit, str]] = [
    ("no reason", lambda d: replace(d, reason=""), "background.reason_missing"),
    ("no plan named", lambda d: replace(d, plan=None), "golden_thread.plan_missing"),
    (
        "an objective left without an outcome",
        lambda d: replace(d, outcomes=d.outcomes[:1]),
        "golden_thread.outcome_missing",
    ),
    (
        "an outcome without its status",
        lambda d: replace(d, outcomes=(d.outcomes[0], ObjectiveOutcome("2.1", "", "Some"))),
        "golden_thread.outcome_status_missing",
    ),
    ("no aftercare", lambda d: replace(d, aftercare=""), "recommendation.aftercare_missing"),
    ("no signature", lambda d: replace(d, signature=None), "signature.clinician_missing"),
    (
        "a signature without credentials",
        lambda d: replace(d, signature=replace(d.signature, credentials="")),
        "signature.clinician_credentials_missing",
    ),
    (
        "an undated signature",
        lambda d: replace(d, signature=replace(d.signature, signed_on=None)),
        "signature.date_missing",
    ),
    (
        "a signature before the discharge",
        lambda d: replace(d, signature=clinician_signature(date(2027, 1, 2))),
        "signature.dated_before_service",
    ),
]


def _codes(document: Any, pack: str = "default") -> set[str]:
    return set(codes(check(document, pack=load_pack(pack), codes=CODES, today=TODAY)))


@pytest.mark.parametrize("pack", PACK_NAMES)
def test_a_complete_intake_and_discharge_have_no_findings(pack: str) -> None:
    assert _codes(complete_intake(), pack) == set()
    assert _codes(complete_discharge(), pack) == set()


@pytest.mark.parametrize(
    ("edit", "code"), [case[1:] for case in INTAKE_CASES], ids=[c[0] for c in INTAKE_CASES]
)
def test_each_intake_rule_reports_exactly_its_code(edit: Edit, code: str) -> None:
    assert _codes(edit(complete_intake())) == {f"intake.{code}"}


@pytest.mark.parametrize(
    ("edit", "code"), [case[1:] for case in DISCHARGE_CASES], ids=[c[0] for c in DISCHARGE_CASES]
)
def test_each_discharge_rule_reports_exactly_its_code(edit: Edit, code: str) -> None:
    assert _codes(edit(complete_discharge())) == {f"discharge.{code}"}


def test_a_discharge_without_known_objectives_asks_for_no_outcomes() -> None:
    discharge = replace(complete_discharge(), plan=PlanReference(plan_id="plan-1"), outcomes=())
    assert _codes(discharge) == set()
