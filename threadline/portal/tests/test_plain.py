"""The plain-language retelling of a plan: pure, so no database."""

from __future__ import annotations

from datetime import date

import pytest

from threadline.plans.samples import complete_plan
from threadline.portal.plain import (
    Step,
    measure_words,
    meeting_words,
    plain_plan,
    spelled_out,
    typed_name_matches,
)

DAY = date(2026, 3, 2)


@pytest.mark.parametrize(
    ("written", "shown"),
    [
        ("CBT", "Cognitive behavioral therapy (CBT)"),
        ("CBT-I", "Cognitive behavioral therapy for insomnia (CBT-I)"),
        ("Applied relaxation", "Applied relaxation"),
        ("cbt", "cbt"),
        ("", ""),
    ],
)
def test_abbreviated_approaches_are_spelled_out(written: str, shown: str) -> None:
    assert spelled_out(written) == shown


@pytest.mark.parametrize(
    ("measure", "words"),
    [
        (
            {"instrument": "GAD-7", "baseline": 16, "target": 9},
            "We check this with the GAD-7 anxiety questionnaire: your score was 16 at the "
            "start, and the aim is 9 or lower.",
        ),
        ({"instrument": "PHQ-9"}, "We check this with the PHQ-9 mood questionnaire."),
        (None, ""),
        ({"instrument": ""}, ""),
    ],
)
def test_a_measure_reads_as_a_sentence(measure: object, words: str) -> None:
    assert measure_words(measure) == words


@pytest.mark.parametrize(
    ("recommendation", "words"),
    [
        (
            {"frequency": "weekly", "session_minutes": 53, "duration": "4 months"},
            "We meet weekly, for 53 minutes each time, for about 4 months.",
        ),
        ({"frequency": "every two weeks"}, "We meet every two weeks."),
        (
            {"session_minutes": 45, "duration": "12 weeks"},
            "We meet for 45 minutes each time, for about 12 weeks.",
        ),
        ({}, ""),
    ],
)
def test_how_often_we_meet_reads_as_a_sentence(
    recommendation: dict[str, object], words: str
) -> None:
    assert meeting_words(recommendation) == words


@pytest.mark.parametrize(
    ("typed", "matches"),
    [
        ("Avery Testwell", True),
        ("  avery   TESTWELL ", True),
        ("Ave Testwell", True),
        ("Avery", False),
        ("Avery Testwel", False),
        ("", False),
    ],
)
def test_the_typed_name_must_be_one_of_the_clients_names(typed: str, matches: bool) -> None:
    assert typed_name_matches(typed, ("Avery Testwell", "Ave Testwell")) is matches


def test_the_plain_plan_keeps_what_the_client_agrees_to_and_drops_codes_and_times() -> None:
    plan = plain_plan(complete_plan({}, DAY))

    assert plan.plan_date == DAY
    assert plan.diagnoses == ("Generalized anxiety disorder",)
    assert plan.approach == "Individual cognitive behavioral therapy (CBT)"
    assert plan.meetings == "We meet weekly, for 53 minutes each time, for about 4 months."
    assert plan.other_care == ("Referred to primary care for a medication evaluation.",)
    first = plan.focuses[0]
    assert (first.number, first.concern) == (
        1,
        "Work worry keeps the client from finishing shifts.",
    )
    assert (first.goal_by, first.goal_sessions) == (date(2026, 6, 30), 15)
    assert [o.by for o in first.objectives] == [date(2026, 5, 1), date(2026, 5, 31)]
    assert first.you_will == (
        Step("Practised in session and daily at home.", "Applied relaxation, daily"),
    )
    assert first.clinician_will == (
        Step(
            "Cognitive restructuring of catastrophic predictions about work.",
            "Cognitive behavioral therapy (CBT), weekly",
        ),
    )
    shown = repr(plan)
    for staff_only in ("F41.1", "13:03", "13:55", "office", "DSM-5-TR"):
        assert staff_only not in shown


def test_a_met_objective_says_so_and_past_diagnoses_are_left_out() -> None:
    content = complete_plan({}, DAY)
    content["problems"][0]["objectives"][0]["status"] = "met"
    content["diagnoses"].append(
        {"code": "F32.0", "description": "Past depression", "rank": "secondary", "status": "past"}
    )
    plan = plain_plan(content)
    assert [o.status for o in plan.focuses[0].objectives] == ["Reached", ""]
    assert plan.diagnoses == ("Generalized anxiety disorder",)


def test_unreadable_parts_come_out_empty_rather_than_failing() -> None:
    plan = plain_plan({"problems": [{"goal": None, "objectives": "x"}], "session": []})
    assert plan.plan_date is None
    assert plan.focuses[0].goal == ""
    assert plan.focuses[0].objectives == ()
