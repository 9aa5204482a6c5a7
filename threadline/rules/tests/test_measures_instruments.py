"""The questionnaires as data: every LOINC code and band edge pinned to the research notes.

The literal values below are copied from shared/reference/standards.md §4.1-§4.2, so a typo in
instruments.py fails here instead of reaching a FHIR export.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from threadline.rules.measures import (
    INSTRUMENTS,
    Band,
    Instrument,
    UnknownInstrument,
    instrument,
)
from threadline.rules.measures.instruments import PHQ9

SHIPPED = {"phq9", "phq2", "gad7", "pcl5", "auditc"}


def test_the_registry_ships_exactly_the_free_instruments() -> None:
    assert set(INSTRUMENTS) == SHIPPED
    for key, measure in INSTRUMENTS.items():
        assert measure.key == key
        assert instrument(key) is measure


@pytest.mark.parametrize(
    ("key", "panel", "total"),
    [
        ("phq9", "44249-1", "44261-6"),
        ("phq2", "55757-9", "55758-7"),
        ("gad7", "69737-5", "70274-6"),
        ("pcl5", "101697-1", "101698-9"),
        ("auditc", "72109-2", "75626-2"),
    ],
)
def test_panel_and_total_score_codes(key: str, panel: str, total: str) -> None:
    measure = instrument(key)
    assert measure.loinc_panel == panel
    assert measure.loinc_total == total


ITEM_CODES: dict[str, list[str | None]] = {
    "phq9": [
        "44250-9",
        "44255-8",
        "44259-0",
        "44254-1",
        "44251-7",
        "44258-2",
        "44252-5",
        "44253-3",
        "44260-8",
        "69722-7",  # item 10, functional difficulty, not scored
    ],
    "phq2": ["44250-9", "44255-8"],  # the first two PHQ-9 items
    "gad7": ["69725-0", "68509-9", "69733-4", "69734-2", "69735-9", "69689-8", "69736-7"],
    # Item 1 is the classic question, 68518-0 (the notes ask to verify it against US Core's
    # 68517-2); items 2 and 3 are US Core's.
    "auditc": ["68518-0", "68519-8", "68520-6"],
    # The notes record no PCL-5 item codes, so none are invented.
    "pcl5": [None] * 20,
}


@pytest.mark.parametrize(
    ("key", "number", "code"),
    [
        (key, number, code)
        for key, codes in ITEM_CODES.items()
        for number, code in enumerate(codes, start=1)
    ],
)
def test_item_codes(key: str, number: int, code: str | None) -> None:
    item = instrument(key).item(number)
    assert item is not None
    assert item.loinc == code


@pytest.mark.parametrize("key", sorted(ITEM_CODES))
def test_no_item_beyond_the_pinned_ones(key: str) -> None:
    assert len(instrument(key).items) == len(ITEM_CODES[key])


PHQ_ANSWERS = [
    (0, "Not at all", "LA6568-5"),
    (1, "Several days", "LA6569-3"),
    (2, "More than half the days", "LA6570-1"),
    (3, "Nearly every day", "LA6571-9"),
]


@pytest.mark.parametrize(
    ("key", "number", "value", "label", "code"),
    [
        (key, item.number, value, label, code)
        for key in ("phq9", "phq2", "gad7")
        for item in instrument(key).scored_items
        for value, label, code in PHQ_ANSWERS
    ],
)
def test_phq_and_gad_answer_codes(key: str, number: int, value: int, label: str, code: str) -> None:
    item = instrument(key).item(number)
    assert item is not None
    option = next(option for option in item.options if option.value == value)
    assert (option.label, option.loinc) == (label, code)
    assert len(item.options) == len(PHQ_ANSWERS)


@pytest.mark.parametrize(
    ("key", "number"),
    [("phq9", 10)] + [("pcl5", n) for n in range(1, 21)] + [("auditc", n) for n in (1, 2, 3)],
)
def test_no_answer_codes_where_the_notes_give_none(key: str, number: int) -> None:
    item = instrument(key).item(number)
    assert item is not None
    assert all(option.loinc is None for option in item.options)


@pytest.mark.parametrize(
    ("key", "items", "lowest", "highest", "min_total", "max_total"),
    [
        ("phq9", 9, 0, 3, 0, 27),
        ("phq2", 2, 0, 3, 0, 6),
        ("gad7", 7, 0, 3, 0, 21),
        ("pcl5", 20, 0, 4, 0, 80),
        ("auditc", 3, 0, 4, 0, 12),
    ],
)
def test_scored_items_and_total_range(
    key: str, items: int, lowest: int, highest: int, min_total: int, max_total: int
) -> None:
    measure = instrument(key)
    assert len(measure.scored_items) == items
    assert {(item.lowest, item.highest) for item in measure.scored_items} == {(lowest, highest)}
    assert (measure.min_total, measure.max_total) == (min_total, max_total)


def test_phq9_item_10_is_not_scored() -> None:
    item = PHQ9.item(10)
    assert item is not None
    assert not item.scored
    assert [o.label for o in item.options] == [
        "Not difficult at all",
        "Somewhat difficult",
        "Very difficult",
        "Extremely difficult",
    ]


def test_pcl5_answers_run_from_not_at_all_to_extremely() -> None:
    item = instrument("pcl5").item(1)
    assert item is not None
    first, *_, last = item.options
    assert (first.value, first.label) == (0, "Not at all")
    assert (last.value, last.label) == (4, "Extremely")


BAND_EDGES = [
    ("phq9", 0, 4, "Minimal"),
    ("phq9", 5, 9, "Mild"),
    ("phq9", 10, 14, "Moderate"),
    ("phq9", 15, 19, "Moderately severe"),
    ("phq9", 20, 27, "Severe"),
    ("gad7", 0, 4, "Minimal"),
    ("gad7", 5, 9, "Mild"),
    ("gad7", 10, 14, "Moderate"),
    ("gad7", 15, 21, "Severe"),
]


def test_the_bands_are_exactly_the_pinned_ones() -> None:
    for key in SHIPPED:
        expected = [Band(low, high, label) for k, low, high, label in BAND_EDGES if k == key]
        assert list(instrument(key).bands) == expected


@pytest.mark.parametrize(
    ("key", "total", "label"),
    [(key, edge, label) for key, low, high, label in BAND_EDGES for edge in (low, high)],
)
def test_band_edges(key: str, total: int, label: str) -> None:
    band = instrument(key).band_for(total)
    assert band is not None
    assert band.label == label


@pytest.mark.parametrize("key", ["phq2", "pcl5", "auditc"])
def test_no_severity_bands_where_the_notes_give_none(key: str) -> None:
    assert instrument(key).bands == ()
    assert instrument(key).band_for(3) is None


def test_pcl5_clusters_follow_dsm5() -> None:
    pcl5 = instrument("pcl5")
    assert [(c.key, c.items, c.needed) for c in pcl5.clusters] == [
        ("B", (1, 2, 3, 4, 5), 1),
        ("C", (6, 7), 1),
        ("D", (8, 9, 10, 11, 12, 13, 14), 2),
        ("E", (15, 16, 17, 18, 19, 20), 2),
    ]
    assert pcl5.cluster_rule is not None
    assert pcl5.cluster_rule.symptom_at_least == 2


def test_screening_cutoffs() -> None:
    phq2 = instrument("phq2").screen
    audit = instrument("auditc").screen
    assert phq2 is not None and audit is not None
    assert (phq2.at_least, phq2.male, phq2.female) == (3, None, None)
    assert (audit.male, audit.female) == (4, 3)
    assert audit.at_least == 3  # sex not recorded: the lower cut-off


def test_only_the_phq9_carries_a_safety_item() -> None:
    assert PHQ9.safety is not None
    assert PHQ9.safety.items == (9,)
    assert [key for key in SHIPPED if instrument(key).safety] == ["phq9"]


@pytest.mark.parametrize("key", sorted(SHIPPED))
def test_every_fact_names_a_source_and_every_item_has_words(key: str) -> None:
    measure = instrument(key)
    for source in (measure.codes_source, measure.scoring_source, measure.licence_source):
        assert source.citation
        assert str(source).endswith(f"(as of {source.effective.isoformat()})")
    assert measure.licence
    assert measure.stem
    assert all(item.text and item.options for item in measure.items)


@pytest.mark.parametrize("key", ["phq9", "phq2", "gad7"])
def test_pfizer_instruments_cite_the_2010_release(key: str) -> None:
    assert "Pfizer" in instrument(key).licence_source.citation
    assert instrument(key).licence_source.effective.year == 2010


@pytest.mark.parametrize("key", ["cssrs", "ybocs", "isi"])
def test_licensed_instruments_are_refused_with_the_reason(key: str) -> None:
    with pytest.raises(UnknownInstrument, match="is not included"):
        instrument(key)


def test_an_unknown_key_lists_the_measures() -> None:
    with pytest.raises(UnknownInstrument) as caught:
        instrument("phq10")
    assert str(caught.value) == (
        "There is no measure called 'phq10'. The measures are: AUDIT-C (auditc), GAD-7 (gad7), "
        "PCL-5 (pcl5), PHQ-2 (phq2), PHQ-9 (phq9)."
    )
    assert isinstance(caught.value, LookupError)


def test_numbering_mentions_the_unscored_item() -> None:
    assert PHQ9.numbering() == "1\N{EN DASH}9, plus item 10 (not scored)"
    assert instrument("gad7").numbering() == "1\N{EN DASH}7"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"bands": (Band(0, 4, "Minimal"), Band(6, 27, "Rest"))}, "gap or overlaps"),
        ({"bands": (Band(0, 4, "Minimal"), Band(4, 27, "Rest"))}, "gap or overlaps"),
        ({"bands": (Band(0, 4, "Minimal"), Band(5, 26, "Rest"))}, "stop at 26"),
        ({"max_total": 30}, "totals run 0\N{EN DASH}27"),
        ({"items": PHQ9.items[1:]}, "numbered 1 upwards"),
    ],
)
def test_a_mistyped_table_fails_at_import(change: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        replace(PHQ9, **change)  # type: ignore[arg-type]


def test_clusters_must_cover_every_item_once() -> None:
    pcl5 = instrument("pcl5")
    with pytest.raises(ValueError, match="exactly once"):
        replace(pcl5, clusters=pcl5.clusters[:3])
    with pytest.raises(ValueError, match="no rule"):
        replace(pcl5, cluster_rule=None)


def test_instruments_are_frozen() -> None:
    with pytest.raises(AttributeError):
        PHQ9.name = "PHQ-8"  # type: ignore[misc]
    assert isinstance(PHQ9, Instrument)
