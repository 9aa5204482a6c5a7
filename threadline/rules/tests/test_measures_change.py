"""Change from baseline (response, remission, reliable change) and targets, at their edges."""

from __future__ import annotations

import re

import pytest

from threadline.rules.measures import (
    INSTRUMENTS,
    OUTCOME_RULES,
    Direction,
    change,
    instrument,
    score,
    target_reached,
)
from threadline.rules.measures.instruments import GAD7, PHQ9

DASH = "\N{EN DASH}"


def test_every_instrument_has_an_outcome_row() -> None:
    assert set(OUTCOME_RULES) == set(INSTRUMENTS)


@pytest.mark.parametrize(
    ("key", "response", "remission_below", "reliable_points"),
    [
        ("phq9", 50, 5, 6),
        ("gad7", 50, 5, 4),
        ("pcl5", None, 31, 10),
        ("phq2", None, None, None),
        ("auditc", None, None, None),
    ],
)
def test_the_definitions(
    key: str, response: int | None, remission_below: int | None, reliable_points: int | None
) -> None:
    rules = OUTCOME_RULES[key]
    assert (rules.response.reduction_percent if rules.response else None) == response
    assert (rules.remission.below if rules.remission else None) == remission_below
    assert (rules.reliable_change.points if rules.reliable_change else None) == reliable_points
    for rule in (rules.response, rules.remission, rules.reliable_change):
        if rule is not None:
            assert rule.source.citation


def test_the_flags_come_with_their_rules_in_words() -> None:
    assert OUTCOME_RULES["phq9"].describe() == (
        "Response: at least 50% below the baseline score.",
        "Remission: a score below 5.",
        "Reliable change: a change of 6 points or more (a fall is improvement, a rise is "
        "deterioration).",
    )
    assert OUTCOME_RULES["auditc"].describe() == ()


# --- Response --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "baseline", "latest", "response"),
    [
        ("phq9", 20, 10, True),  # exactly 50%
        ("phq9", 20, 11, False),  # 45%
        ("phq9", 15, 7, True),  # 53%
        ("phq9", 15, 8, False),  # 47%
        ("phq9", 1, 0, True),
        ("phq9", 10, 15, False),
        ("gad7", 14, 7, True),
        ("gad7", 14, 8, False),
    ],
)
def test_response_at_half_the_baseline(
    key: str, baseline: int, latest: int, response: bool
) -> None:
    assert change(key, baseline, latest).response is response


def test_response_is_undefined_from_a_baseline_of_zero() -> None:
    result = change("phq9", 0, 0)
    assert result.response is None
    assert result.percent_change is None
    assert result.remission is True


@pytest.mark.parametrize("key", ["pcl5", "phq2", "auditc"])
def test_no_response_where_the_notes_define_none(key: str) -> None:
    measure = instrument(key)
    result = change(key, measure.max_total, 0)
    assert result.response is None
    assert result.percent_change == -100.0


def test_percent_change_and_difference() -> None:
    result = change("phq9", 18, 12)
    assert result.difference == -6
    assert result.percent_change == -33.3
    assert (result.baseline, result.latest, result.instrument) == (18, 12, "phq9")


# --- Remission -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "latest", "remission"),
    [
        ("phq9", 4, True),
        ("phq9", 5, False),
        ("gad7", 4, True),
        ("gad7", 5, False),
        ("pcl5", 30, True),
        ("pcl5", 31, False),
    ],
)
def test_remission_is_strictly_below_the_threshold(key: str, latest: int, remission: bool) -> None:
    assert change(key, 40 if key == "pcl5" else 20, latest).remission is remission


@pytest.mark.parametrize("key", ["phq2", "auditc"])
def test_no_remission_for_screens(key: str) -> None:
    assert change(key, 6, 0).remission is None


# --- Reliable change -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "baseline", "latest", "improvement", "deterioration"),
    [
        ("phq9", 16, 10, True, False),  # 6 down
        ("phq9", 16, 11, False, False),  # 5 down
        ("phq9", 10, 16, False, True),  # 6 up
        ("phq9", 10, 15, False, False),  # 5 up
        ("phq9", 12, 12, False, False),
        ("gad7", 12, 8, True, False),  # 4 down
        ("gad7", 12, 9, False, False),  # 3 down
        ("gad7", 8, 12, False, True),  # 4 up
        ("gad7", 8, 11, False, False),  # 3 up
        ("pcl5", 50, 40, True, False),  # 10 down
        ("pcl5", 50, 41, False, False),  # 9 down
        ("pcl5", 40, 50, False, True),  # 10 up
        ("pcl5", 40, 49, False, False),  # 9 up
    ],
)
def test_reliable_change_at_its_threshold(
    key: str, baseline: int, latest: int, improvement: bool, deterioration: bool
) -> None:
    result = change(key, baseline, latest)
    assert result.reliable_improvement is improvement
    assert result.reliable_deterioration is deterioration


@pytest.mark.parametrize("key", ["phq2", "auditc"])
def test_no_reliable_change_for_screens(key: str) -> None:
    result = change(key, 6, 0)
    assert result.reliable_improvement is None
    assert result.reliable_deterioration is None
    assert result.difference == -6


# --- Scores as input -------------------------------------------------------------------------


def full(value: int) -> dict[int, int | None]:
    return dict.fromkeys(range(1, 10), value)


def test_change_between_two_scores() -> None:
    result = change(PHQ9, score(PHQ9, full(2)), score(PHQ9, full(1)))
    assert (result.baseline, result.latest) == (18, 9)
    assert result.response is True
    assert result.reliable_improvement is True
    assert result.remission is False


def test_an_incomplete_score_cannot_measure_change() -> None:
    partial = full(1)
    partial[3] = partial[8] = None
    with pytest.raises(ValueError) as caught:
        change("phq9", score(PHQ9, full(2)), score(PHQ9, partial))
    assert str(caught.value) == (
        "The latest PHQ-9 is incomplete (items 3, 8 unanswered), so change from baseline "
        "cannot be measured."
    )


def test_a_score_of_another_instrument_is_refused() -> None:
    gad = score(GAD7, dict.fromkeys(range(1, 8), 1))
    message = "The baseline score is for GAD-7, not the PHQ-9."
    with pytest.raises(ValueError, match=re.escape(message)):
        change("phq9", gad, 5)


@pytest.mark.parametrize(("baseline", "latest"), [(28, 5), (5, -1)])
def test_a_total_out_of_range_is_refused(baseline: int, latest: int) -> None:
    with pytest.raises(ValueError, match=f"total must be 0{DASH}27; got"):
        change("phq9", baseline, latest)


def test_a_total_that_is_not_a_whole_number_is_refused() -> None:
    with pytest.raises(TypeError, match="must be a whole number"):
        change("phq9", 10.0, 5)  # type: ignore[arg-type]


# --- Targets ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("total", "direction", "reached"),
    [
        (9, "below", True),
        (10, "below", False),
        (10, "at_or_below", True),
        (11, "at_or_below", False),
        (0, Direction.BELOW, True),
    ],
)
def test_gad7_below_10(total: int, direction: str, reached: bool) -> None:
    assert target_reached("gad7", total, 10, direction) is reached


def test_the_default_direction_is_at_or_below() -> None:
    assert target_reached("phq9", 5, 5) is True


def test_a_target_takes_a_score() -> None:
    answers: dict[int, int | None] = dict.fromkeys(range(1, 8), 1)
    assert target_reached("gad7", score(GAD7, answers), 7) is True
    answers[2] = None
    assert target_reached("gad7", score(GAD7, answers), 7) is None


def test_a_target_outside_the_range_is_refused() -> None:
    with pytest.raises(ValueError, match=re.escape(f"A GAD-7 target must be 0{DASH}21; got 30.")):
        target_reached("gad7", 5, 30)


def test_an_unknown_direction_is_refused() -> None:
    with pytest.raises(ValueError, match="The direction must be 'below' or 'at_or_below'"):
        target_reached("gad7", 5, 10, "above")


def test_a_target_on_the_wrong_measure_is_refused() -> None:
    with pytest.raises(ValueError, match="is for PHQ-9, not the GAD-7"):
        target_reached("gad7", score(PHQ9, full(0)), 10)
