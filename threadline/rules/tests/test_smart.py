"""SMART lint: what reads as measurable, time-bound and concrete, and what does not."""

from __future__ import annotations

from datetime import date

import pytest

from threadline.rules import smart
from threadline.rules.facts import Goal, MeasureBinding, Objective
from threadline.rules.findings import codes
from threadline.rules.packs import load_pack
from threadline.rules.report import Report


@pytest.mark.parametrize(
    ("statement", "measurable"),
    [
        ("GAD-7 falls from 16 to 9 or below", True),
        ("Panic attacks drop from 4 a week to 1 or fewer", True),
        ("Client walks twice a week", True),
        ("Sleep efficiency reaches 85%", True),
        ("Client completes a safety plan with all 6 steps", True),
        ("Client will apply ACT skills to reduce work anxiety within 60 days", False),
        ("Client will feel less anxious by 12/01/2026", False),
        ("Client will gain insight into patterns", False),
        ("", False),
    ],
)
def test_a_statement_is_measurable_when_it_names_a_count_score_or_rating(
    statement: str, measurable: bool
) -> None:
    assert smart.is_measurable(statement) is measurable


@pytest.mark.parametrize(
    ("statement", "bound"),
    [
        ("within 60 days", True),
        ("in 8 weeks", True),
        ("by week 10", True),
        ("by session 12", True),
        ("by 12/01/2026", True),
        ("by December", True),
        ("within a month", True),
        ("by the next review", True),
        ("3 times a week", False),
        ("GAD-7 below 10", False),
    ],
)
def test_a_statement_is_time_bound_when_it_names_a_deadline(statement: str, bound: bool) -> None:
    assert smart.is_time_bound(statement) is bound


@pytest.mark.parametrize(
    ("statement", "phrase"),
    [
        ("Client will feel better", "feel better"),
        ("Client will understand the panic cycle", "understand"),
        ("Client will gain insight", "gain insight"),
        ("Improve mood", "Improve"),
        ("Improve sleep from 5 to 7 hours a night", None),
        ("Reduce panic attacks from 4 a week to 1", None),
        ("Client will learn coping skills", "learn coping skills"),
    ],
)
def test_vague_wording_is_found_and_soft_verbs_only_without_a_number(
    statement: str, phrase: str | None
) -> None:
    assert smart.vague_phrase(statement) == phrase


def _lint_objective(objective: Objective, known: frozenset[str] = frozenset()) -> list[str]:
    report = Report(load_pack("default"))
    smart.lint_objective(report, objective, "objective", known)
    return codes(report.findings)


# (what is wrong, the objective, the exact codes)
OBJECTIVE_CASES: list[tuple[str, Objective, list[str]]] = [
    ("nothing wrong", Objective("1.1", "GAD-7 from 16 to 9 within 60 days"), []),
    (
        "nothing to count",
        Objective("1.1", "Client will use ACT skills", date(2026, 11, 1)),
        ["smart.objective_not_measurable"],
    ),
    (
        "no deadline",
        Objective("1.1", "Panic attacks from 4 a week to 1"),
        ["smart.objective_not_time_bound"],
    ),
    (
        "vague and uncountable",
        Objective("1.1", "Client will feel better", date(2026, 11, 1)),
        ["smart.objective_not_measurable", "smart.objective_vague"],
    ),
    (
        "a measure stands in for numbers in the text",
        Objective("1.1", "Worry eases", date(2026, 11, 1), MeasureBinding("GAD-7", 16, 9)),
        [],
    ),
    (
        "a measure without a target",
        Objective("1.1", "GAD-7 falls within 60 days", None, MeasureBinding("GAD-7", 16, None)),
        ["smart.measure_incomplete"],
    ),
    ("an empty objective is the plan rules' concern", Objective("1.1", ""), []),
]


@pytest.mark.parametrize(
    ("objective", "expected"),
    [case[1:] for case in OBJECTIVE_CASES],
    ids=[case[0] for case in OBJECTIVE_CASES],
)
def test_objective_lint_reports_exactly_what_is_missing(
    objective: Objective, expected: list[str]
) -> None:
    assert _lint_objective(objective) == expected


def test_copied_text_is_found_whatever_its_case_spacing_or_punctuation() -> None:
    known = smart.known_set(["Panic attacks from 4 a week to 1, within 60 days.", "  "])
    copy = Objective("1.1", "panic attacks  from 4 a week to 1 within 60 days")
    assert _lint_objective(copy, known) == ["smart.copied_text"]


def test_a_goal_in_the_clients_words_is_only_flagged_as_information_when_vague() -> None:
    report = Report(load_pack("default"))
    smart.lint_goal(report, Goal("I want to feel better", date(2027, 1, 1)), "goal")
    (finding,) = report.findings
    assert (finding.code, finding.severity.value) == ("smart.goal_vague", "info")


def test_every_smart_message_offers_a_stronger_pattern_with_the_target_date() -> None:
    report = Report(load_pack("default"))
    smart.lint_objective(report, Objective("1.1", "Client will understand", date(2026, 12, 1)), "o")
    assert all("2026-12-01" in finding.message for finding in report.findings)
