"""The shipped library content, read straight from the data files: no database."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from threadline.icd import load_default
from threadline.library.checks import ContentError, read_directory, read_entry, read_file
from threadline.library.content import INSTRUMENTS, LICENSED_SCALES, EntryContent
from threadline.library.tests.factories import entry_data
from threadline.rules import modalities, smart
from threadline.rules.facts import Goal, MeasureBinding, Objective, Problem
from threadline.rules.packs import load_pack
from threadline.rules.report import Report

SHIPPED = read_directory()


def _ids(entries: list[EntryContent]) -> list[str]:
    return [entry.slug for entry in entries]


def test_the_library_ships_at_least_25_problem_areas_with_distinct_slugs() -> None:
    slugs = _ids(SHIPPED)
    assert len(slugs) >= 25
    assert len(set(slugs)) == len(slugs)


def test_the_shipped_areas_cover_the_fact_sheet_problem_areas() -> None:
    covered = {code for entry in SHIPPED for code in entry.icd10cm}
    # One code per problem area of clinical-content.md §1.1 to §1.21.
    fact_sheet = {
        "F41.1", "F41.0", "F40.10", "F40.218", "F32.1", "F34.1", "F31.81", "F43.10", "F43.0",
        "F43.22", "F42.2", "G47.00", "F10.20", "F12.20", "F60.3", "F90.0", "F50.010", "F43.81",
        "Z63.0", "R45.851", "F20.9", "F93.0", "F91.3",
    }  # fmt: skip
    assert fact_sheet - covered == set()


@pytest.mark.parametrize("entry", SHIPPED, ids=_ids(SHIPPED))
def test_every_code_is_billable_in_the_shipped_release(entry: EntryContent) -> None:
    codes = load_default()
    for code in entry.icd10cm:
        found = codes.get(code)
        assert found is not None, f"{entry.slug}: {code} is not in {codes.release}"
        assert found.billable, f"{entry.slug}: {code} is a category"


@pytest.mark.parametrize("entry", SHIPPED, ids=_ids(SHIPPED))
def test_every_modality_is_on_the_controlled_list(entry: EntryContent) -> None:
    for item in entry.interventions:
        assert item.modality in modalities.BY_KEY
        # The name a plan receives is read back as the same modality by the plan rules.
        assert [m.key for m in modalities.find(item.modality_name, field=True)] == [item.modality]


@pytest.mark.parametrize("entry", SHIPPED, ids=_ids(SHIPPED))
def test_every_objective_has_a_target_and_every_intervention_its_evidence(
    entry: EntryContent,
) -> None:
    assert 2 <= len(entry.objectives) <= 4
    assert entry.goal.target_days or entry.goal.target_sessions
    for objective in entry.objectives:
        assert objective.target_weeks > 0
        assert objective.checked_by
    for item in entry.interventions:
        assert item.evidence and item.frequency and item.description
        assert item.evidence_check in {"checked", "partly checked", "unverified"}


@pytest.mark.parametrize("entry", SHIPPED, ids=_ids(SHIPPED))
def test_goals_and_objectives_pass_the_plan_smart_lint(entry: EntryContent) -> None:
    """Inserted into a plan, only the missing baseline (the client's own score) is reported."""
    report = Report(load_pack("default"))
    smart.lint_goal(report, Goal(entry.goal.statement), "goal")
    for index, item in enumerate(entry.objectives):
        # A baseline of 12 stands in for the client's score, which the library cannot know.
        measure = None
        if item.measure is not None:
            measure = MeasureBinding(item.measure.instrument, 12, item.measure.target)
        smart.lint_objective(report, Objective(str(index), item.statement, None, measure), "o")
    assert [(f.code, f.field) for f in report.findings] == [
        ("smart.measure_incomplete", "o.measure")
        for item in entry.objectives
        if item.measure is not None and item.measure.target is None
    ]


@pytest.mark.parametrize("entry", SHIPPED, ids=_ids(SHIPPED))
def test_measure_bindings_use_free_instruments_only(entry: EntryContent) -> None:
    for objective in entry.objectives:
        if objective.measure is not None:
            assert objective.measure.instrument in INSTRUMENTS
            assert objective.measure.instrument not in LICENSED_SCALES


def test_the_entry_becomes_a_plan_problem_that_the_plan_facts_read_back() -> None:
    entry = read_file(Path(__file__).parents[1] / "data" / "generalized-anxiety.toml")
    problem = entry.as_problem(starting=date(2026, 3, 2))
    assert Problem.from_dict(problem, "problems[0]").to_dict() == problem
    assert problem["goal"] == {
        "statement": entry.goal.statement,
        "target_date": "2026-06-30",
        "target_sessions": 15,
    }
    assert problem["objectives"][0] == {
        "id": "",
        "statement": "GAD-7 total falls from the baseline score to below 10 within 12 weeks, "
        "rated every 2 weeks.",
        "target_date": "2026-05-25",
        "measure": {"instrument": "GAD-7", "baseline": None, "target": 9},
    }
    assert [item["modality"] for item in problem["interventions"]] == [
        "Cognitive behavioral therapy",
        "Applied relaxation",
        "Cognitive behavioral therapy",
    ]


def test_without_a_start_date_the_plan_problem_has_no_target_dates() -> None:
    problem = read_entry(entry_data(slug="x"), "t", shipped=False).as_problem()
    assert problem["goal"]["target_date"] is None
    assert problem["goal"]["target_sessions"] == 8
    assert problem["objectives"][0]["target_date"] is None


def test_stored_content_reads_back_unchanged() -> None:
    for entry in SHIPPED:
        assert EntryContent.from_json(entry.to_json()) == entry


def _objective(**fields: Any) -> dict[str, Any]:
    return {
        "statement": "Panic attacks fall to 1 a week within 8 weeks.",
        "target_weeks": 8,
    } | fields


@pytest.mark.parametrize(
    ("change", "field", "problem"),
    [
        ({"icd10cm": ["F41"]}, "icd10cm[0]", "F41 is a category, not a billable code; choose one"),
        ({"icd10cm": ["X99.99"]}, "icd10cm[0]", "X99.99 is not in ICD-10-CM FY2026"),
        ({"icd10cm": []}, "icd10cm", "list at least one ICD-10-CM code"),
        ({"objectives": [_objective()]}, "objectives", "give 2 to 4 objectives"),
        (
            {"objectives": [_objective(), _objective(statement="Client will feel better.")]},
            "objectives[1].statement",
            '"feel better" cannot be observed or counted',
        ),
        (
            {"objectives": [_objective(), _objective(statement="Panic attacks fall to 1 a week.")]},
            "objectives[1].statement",
            'Say by when, in words the SMART check reads: "within 12 weeks"',
        ),
        (
            {
                "objectives": [
                    _objective(),
                    _objective(statement="Panic falls to 1 a week by <target date>."),
                ]
            },
            "objectives[1].statement",
            "Say by when",
        ),
        (
            {"objectives": [_objective(), _objective(target_weeks=None)]},
            "objectives[1].target_weeks",
            "is required: give a whole number",
        ),
        (
            {"objectives": [_objective(), _objective(measure={"instrument": "Y-BOCS"})]},
            "objectives[1].measure.instrument",
            "Y-BOCS needs a licence to be used in software",
        ),
        (
            {"objectives": [_objective(), _objective(measure={"instrument": "PHQ-9"})]},
            "objectives[1].statement",
            "name the measure (PHQ-9) it is bound to",
        ),
        (
            {
                "objectives": [
                    _objective(),
                    _objective(measure={"instrument": "GAD-7", "target": 30}),
                ]
            },
            "objectives[1].measure.instrument",
            "A GAD-7 target must be between 0 and 21",
        ),
        ({"goal": {"statement": "Sit every exam this term."}}, "goal", "give a typical target"),
        ({"objective": []}, "objective", "unknown field; the fields are cautions, goal"),
    ],
)
def test_a_bad_entry_is_refused_naming_the_file_and_the_field(
    change: dict[str, Any], field: str, problem: str
) -> None:
    data = entry_data(slug="exam-worry") | change
    data["interventions"][0] |= {"evidence": "NICE CG113", "evidence_check": "checked"}
    if "objectives" not in change:
        data["objectives"] = [*data["objectives"], _objective()]
    with pytest.raises(ContentError) as raised:
        read_entry(data, "exam-worry.toml", codes=load_default())
    assert (raised.value.source, raised.value.field) == ("exam-worry.toml", field)
    assert raised.value.problem.startswith(problem)


def test_an_unknown_modality_is_refused_with_the_list_to_use() -> None:
    data = entry_data(slug="exam-worry")
    data["interventions"][0]["modality"] = "hypnotherapy"
    with pytest.raises(ContentError, match=r"interventions\[0\]\.modality: 'hypnotherapy' is not"):
        read_entry(data, "exam-worry.toml", shipped=False)


def test_a_data_file_whose_slug_differs_from_its_name_is_refused(tmp_path: Path) -> None:
    source = Path(__file__).parents[1] / "data" / "insomnia.toml"
    (tmp_path / "sleep.toml").write_text(source.read_text())
    with pytest.raises(ContentError, match=r"^sleep\.toml: slug: must match the file name"):
        read_directory(tmp_path)


def test_a_file_that_is_not_toml_is_refused_by_name(tmp_path: Path) -> None:
    (tmp_path / "broken.toml").write_text('title = "unfinished')
    with pytest.raises(ContentError, match=r"^broken\.toml: file: is not valid TOML"):
        read_directory(tmp_path)
