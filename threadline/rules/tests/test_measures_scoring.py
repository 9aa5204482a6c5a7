"""Scoring one questionnaire: totals, bands, incomplete forms, the safety item, PCL-5, AUDIT-C."""

from __future__ import annotations

import re

import pytest

from threadline.rules.measures import AnswerError, Instrument, Score, instrument, score
from threadline.rules.measures.instruments import PCL5, PHQ9

DASH = "\N{EN DASH}"


def answers_totalling(measure: Instrument, total: int) -> dict[int, int | None]:
    """Answer every scored item, filling from item 1 up, so the answers add up to `total`."""
    answers: dict[int, int | None] = {}
    left = total
    for item in measure.scored_items:
        answers[item.number] = min(left, item.highest)
        left -= min(left, item.highest)
    assert left == 0, "the total is out of range"
    return answers


def all_at(measure: Instrument, value: int) -> dict[int, int | None]:
    return {item.number: value for item in measure.scored_items}


# --- Totals and bands ------------------------------------------------------------------------

BAND_EDGES = [
    ("phq9", 0, "Minimal"),
    ("phq9", 4, "Minimal"),
    ("phq9", 5, "Mild"),
    ("phq9", 9, "Mild"),
    ("phq9", 10, "Moderate"),
    ("phq9", 14, "Moderate"),
    ("phq9", 15, "Moderately severe"),
    ("phq9", 19, "Moderately severe"),
    ("phq9", 20, "Severe"),
    ("phq9", 27, "Severe"),
    ("gad7", 0, "Minimal"),
    ("gad7", 4, "Minimal"),
    ("gad7", 5, "Mild"),
    ("gad7", 9, "Mild"),
    ("gad7", 10, "Moderate"),
    ("gad7", 14, "Moderate"),
    ("gad7", 15, "Severe"),
    ("gad7", 21, "Severe"),
]


@pytest.mark.parametrize(("key", "total", "band"), BAND_EDGES)
def test_every_band_edge_from_real_answers(key: str, total: int, band: str) -> None:
    measure = instrument(key)
    result = score(measure, answers_totalling(measure, total))
    assert result.complete
    assert result.total == total
    assert result.band == band
    assert result.missing == ()


@pytest.mark.parametrize(
    ("key", "low", "high"),
    [("phq9", 0, 27), ("phq2", 0, 6), ("gad7", 0, 21), ("pcl5", 0, 80), ("auditc", 0, 12)],
)
def test_the_lowest_and_highest_totals(key: str, low: int, high: int) -> None:
    measure = instrument(key)
    assert score(key, all_at(measure, 0)).total == low
    highest = {item.number: item.highest for item in measure.scored_items}
    assert score(key, highest).total == high


@pytest.mark.parametrize("key", ["phq2", "pcl5", "auditc"])
def test_no_band_where_the_instrument_has_none(key: str) -> None:
    result = score(key, all_at(instrument(key), 1))
    assert result.complete
    assert result.band is None


def test_a_key_or_an_instrument_scores_the_same() -> None:
    answers = answers_totalling(PHQ9, 12)
    assert score("phq9", answers) == score(PHQ9, answers)


def test_a_complete_score_has_no_notes() -> None:
    result = score("gad7", answers_totalling(instrument("gad7"), 8))
    assert result == Score("gad7", 8, "Mild", True, ())


# --- Incomplete forms ------------------------------------------------------------------------


def test_a_missing_item_leaves_the_form_incomplete_and_unscored() -> None:
    answers = answers_totalling(PHQ9, 20)
    del answers[4]
    result = score(PHQ9, answers)
    assert not result.complete
    assert result.missing == (4,)
    assert result.total is None
    assert result.band is None
    assert result.notes == (
        "Item 4 is unanswered, so the PHQ-9 has no total; an incomplete questionnaire is not "
        "prorated.",
    )


def test_none_means_unanswered() -> None:
    answers = all_at(instrument("gad7"), 2)
    answers[3] = None
    answers[7] = None
    result = score("gad7", answers)
    assert result.missing == (3, 7)
    assert result.total is None
    assert result.notes[0].startswith("Items 3 and 7 are unanswered")


def test_an_empty_form_misses_every_item() -> None:
    result = score("phq9", {})
    assert result.missing == tuple(range(1, 10))
    assert not result.complete
    assert result.total is None
    assert not result.safety_alert


def test_phq9_item_10_is_optional_and_never_counted() -> None:
    answers = answers_totalling(PHQ9, 7)
    without = score(PHQ9, answers)
    with_difficulty = score(PHQ9, {**answers, 10: 3})
    assert without.complete and with_difficulty.complete
    assert without.total == with_difficulty.total == 7


# --- Answers the form does not allow ---------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "item", "value", "message"),
    [
        ("phq9", 3, 5, f"Item 3 must be 0{DASH}3; got 5."),
        ("phq9", 3, 4, f"Item 3 must be 0{DASH}3; got 4."),
        ("phq9", 1, -1, f"Item 1 must be 0{DASH}3; got -1."),
        ("phq9", 10, 4, f"Item 10 must be 0{DASH}3; got 4."),
        ("gad7", 7, 4, f"Item 7 must be 0{DASH}3; got 4."),
        ("pcl5", 20, 5, f"Item 20 must be 0{DASH}4; got 5."),
        ("auditc", 2, 5, f"Item 2 must be 0{DASH}4; got 5."),
        ("phq2", 2, 9, f"Item 2 must be 0{DASH}3; got 9."),
    ],
)
def test_an_out_of_range_answer_is_refused(key: str, item: int, value: int, message: str) -> None:
    answers = all_at(instrument(key), 0)
    answers[item] = value
    with pytest.raises(AnswerError) as caught:
        score(key, answers)
    assert caught.value.item == item
    assert str(caught.value) == message
    assert isinstance(caught.value, ValueError)


@pytest.mark.parametrize(("item", "value"), [(1, True), (2, "2"), (3, 1.0)])
def test_an_answer_that_is_not_a_whole_number_is_refused(item: int, value: object) -> None:
    with pytest.raises(AnswerError) as caught:
        score("phq9", {item: value})  # type: ignore[dict-item]
    assert caught.value.item == item
    assert str(caught.value) == f"Item {item} must be a whole number from 0{DASH}3; got {value!r}."


@pytest.mark.parametrize(
    ("key", "item", "message"),
    [
        ("phq9", 0, f"Item 0 does not exist on the PHQ-9; its items are numbered 1{DASH}9, plus "),
        ("phq9", 11, f"Item 11 does not exist on the PHQ-9; its items are numbered 1{DASH}9, "),
        ("phq2", 3, f"Item 3 does not exist on the PHQ-2; its items are numbered 1{DASH}2."),
        ("gad7", 8, f"Item 8 does not exist on the GAD-7; its items are numbered 1{DASH}7."),
        ("pcl5", 21, f"Item 21 does not exist on the PCL-5; its items are numbered 1{DASH}20."),
        ("auditc", 4, f"Item 4 does not exist on the AUDIT-C; its items are numbered 1{DASH}3."),
    ],
)
def test_an_unknown_item_is_refused(key: str, item: int, message: str) -> None:
    with pytest.raises(AnswerError) as caught:
        score(key, {item: 0})
    assert caught.value.item == item
    assert str(caught.value).startswith(message)


def test_an_unknown_item_is_refused_even_when_unanswered() -> None:
    with pytest.raises(AnswerError):
        score("gad7", {8: None})


def test_the_first_bad_item_is_reported() -> None:
    with pytest.raises(AnswerError) as caught:
        score("phq9", {7: 9, 2: 9, 5: 9})
    assert caught.value.item == 2


def test_an_item_number_that_is_not_a_number_is_a_programming_error() -> None:
    with pytest.raises(TypeError, match=re.escape("Item numbers must be whole numbers; got 'q1'.")):
        score("phq9", {"q1": 1})  # type: ignore[dict-item]


# --- PHQ-9 item 9 ----------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "alert"), [(0, False), (1, True), (2, True), (3, True)])
def test_item_9_above_zero_raises_the_safety_alert(value: int, alert: bool) -> None:
    answers = all_at(PHQ9, 0)
    answers[9] = value
    result = score(PHQ9, answers)
    assert result.safety_alert is alert
    assert result.total == value
    assert any("same-day safety assessment" in note for note in result.notes) is alert


def test_the_safety_alert_is_raised_on_an_incomplete_form() -> None:
    result = score(PHQ9, {9: 1})
    assert not result.complete
    assert result.total is None
    assert result.safety_alert
    assert result.notes[-1] == (
        "Item 9 (thoughts that you would be better off dead, or of hurting yourself in some "
        "way) was answered \N{LEFT DOUBLE QUOTATION MARK}Several days"
        "\N{RIGHT DOUBLE QUOTATION MARK}: a same-day safety assessment is needed."
    )


def test_no_safety_alert_when_item_9_is_blank() -> None:
    answers = all_at(PHQ9, 3)
    answers[9] = None
    result = score(PHQ9, answers)
    assert not result.safety_alert
    assert result.missing == (9,)


@pytest.mark.parametrize("key", ["phq2", "gad7", "pcl5", "auditc"])
def test_other_instruments_raise_no_safety_alert(key: str) -> None:
    measure = instrument(key)
    highest = {item.number: item.highest for item in measure.scored_items}
    assert not score(key, highest).safety_alert


# --- PCL-5 -----------------------------------------------------------------------------------


def pcl5_with(symptoms: dict[str, int], rating: int = 2, rest: int = 1) -> dict[int, int | None]:
    """Rate the first `symptoms[key]` items of each cluster at `rating`, the others at `rest`."""
    answers: dict[int, int | None] = {}
    for cluster in PCL5.clusters:
        for position, number in enumerate(cluster.items):
            answers[number] = rating if position < symptoms.get(cluster.key, 0) else rest
    return answers


MINIMUM = {"B": 1, "C": 1, "D": 2, "E": 2}


def test_pcl5_cluster_sums() -> None:
    answers = dict.fromkeys(range(1, 21), 0) | {1: 4, 5: 3, 6: 2, 8: 1, 14: 4, 15: 3, 20: 4}
    result = score(PCL5, answers)
    assert result.cluster_totals == {"B": 7, "C": 2, "D": 5, "E": 7}
    assert result.total == 21
    assert result.cluster("D").label == "Negative alterations in cognitions and mood"
    with pytest.raises(KeyError):
        result.cluster("A")


def test_pcl5_provisional_ptsd_at_the_minimum_dsm5_pattern() -> None:
    result = score(PCL5, pcl5_with(MINIMUM))
    assert result.provisional_ptsd is True
    assert [c.met for c in result.clusters] == [True, True, True, True]
    assert [c.symptoms for c in result.clusters] == [1, 1, 2, 2]


@pytest.mark.parametrize("short", ["B", "C", "D", "E"])
def test_pcl5_one_symptom_short_in_any_cluster_is_not_provisional(short: str) -> None:
    counts = dict(MINIMUM)
    counts[short] -= 1
    result = score(PCL5, pcl5_with(counts))
    assert result.provisional_ptsd is False
    assert result.cluster(short).met is False
    assert all(c.met for c in result.clusters if c.key != short)


def test_pcl5_an_item_rated_1_is_not_a_symptom() -> None:
    result = score(PCL5, pcl5_with(MINIMUM, rating=1, rest=0))
    assert result.provisional_ptsd is False
    assert [c.symptoms for c in result.clusters] == [0, 0, 0, 0]


def test_pcl5_a_high_total_without_the_pattern_is_not_provisional() -> None:
    # 51 points, all in B, C and D: no arousal symptoms, so the DSM-5 rule is not met.
    answers = pcl5_with({"B": 5, "C": 2, "D": 7}, rating=4, rest=1)
    result = score(PCL5, answers)
    assert result.total is not None and result.total > 33
    assert result.provisional_ptsd is False


def test_pcl5_incomplete_gives_no_provisional_result_but_keeps_whole_clusters() -> None:
    answers = pcl5_with({"B": 5, "C": 2, "D": 7, "E": 6}, rating=4)
    answers[19] = None
    result = score(PCL5, answers)
    assert result.provisional_ptsd is None
    assert result.total is None
    assert result.missing == (19,)
    assert result.cluster_totals == {"B": 20, "C": 8, "D": 28, "E": None}
    assert result.cluster("E").met is None
    assert result.cluster("B").met is True


@pytest.mark.parametrize("key", ["phq9", "phq2", "gad7", "auditc"])
def test_other_instruments_have_no_clusters(key: str) -> None:
    result = score(key, all_at(instrument(key), 2))
    assert result.clusters == ()
    assert result.provisional_ptsd is None


# --- Screens: AUDIT-C and PHQ-2 --------------------------------------------------------------


@pytest.mark.parametrize(
    ("sex", "total", "positive", "cutoff"),
    [
        ("male", 3, False, 4),
        ("male", 4, True, 4),
        ("female", 2, False, 3),
        ("female", 3, True, 3),
        ("Female", 3, True, 3),
        (" MALE ", 3, False, 4),
        (None, 2, False, 3),
        (None, 3, True, 3),
        ("unknown", 3, True, 3),
        ("other", 3, True, 3),
        ("", 3, True, 3),
    ],
)
def test_auditc_cutoff_by_sex(sex: str | None, total: int, positive: bool, cutoff: int) -> None:
    audit = instrument("auditc")
    result = score(audit, answers_totalling(audit, total), sex=sex)
    assert result.positive is positive
    assert result.cutoff == cutoff
    assert result.band is None


@pytest.mark.parametrize(
    ("sex", "note"),
    [
        (None, "Sex is not recorded, so the lower cut-off of 3 was used."),
        ("unknown", "Sex is not recorded, so the lower cut-off of 3 was used."),
        ("other", "No sex-specific cut-off applies, so the lower cut-off of 3 was used."),
        ("male", None),
        ("female", None),
    ],
)
def test_auditc_says_when_it_fell_back_to_the_lower_cutoff(sex: str | None, note: str) -> None:
    result = score("auditc", {1: 1, 2: 1, 3: 1}, sex=sex)
    assert result.notes == ((note,) if note else ())


def test_auditc_incomplete_has_no_screen_result() -> None:
    result = score("auditc", {1: 4, 2: 4}, sex="male")
    assert result.positive is None
    assert result.cutoff == 4
    assert result.missing == (3,)


def test_an_unrecognised_sex_is_refused() -> None:
    with pytest.raises(ValueError, match="Sex must be one of 'male', 'female', 'other', 'unknown'"):
        score("auditc", {1: 0, 2: 0, 3: 0}, sex="M")


@pytest.mark.parametrize(("total", "positive"), [(0, False), (2, False), (3, True), (6, True)])
def test_phq2_positive_at_3(total: int, positive: bool) -> None:
    phq2 = instrument("phq2")
    result = score(phq2, answers_totalling(phq2, total), sex="male")
    assert result.positive is positive
    assert result.cutoff == 3
    assert result.notes == ()  # one cut-off for everyone, so sex is not mentioned


@pytest.mark.parametrize("key", ["phq9", "gad7", "pcl5"])
def test_instruments_without_a_screen_have_no_positive(key: str) -> None:
    result = score(key, all_at(instrument(key), 3))
    assert result.positive is None
    assert result.cutoff is None


def test_scores_are_frozen() -> None:
    result = score("phq2", {1: 1, 2: 1})
    with pytest.raises(AttributeError):
        result.total = 5  # type: ignore[misc]
