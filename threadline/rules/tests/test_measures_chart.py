"""The measure chart: a well-formed, labelled SVG that reads without colour, and its words."""

from __future__ import annotations

import dataclasses
import itertools
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from datetime import date, timedelta
from typing import Any

import pytest

from threadline.rules.measures import INSTRUMENTS, Instrument
from threadline.rules.measures.chart import ChartSpec, Point, data_table, describe, render_svg

DASH = "\N{EN DASH}"
NS = {"svg": "http://www.w3.org/2000/svg"}
GAD7 = INSTRUMENTS["gad7"]
PHQ9 = INSTRUMENTS["phq9"]
PCL5 = INSTRUMENTS["pcl5"]

JAN_5, FEB_2, MAR_3 = date(2026, 1, 5), date(2026, 2, 2), date(2026, 3, 3)
THREE = (Point(MAR_3, 9), Point(JAN_5, 16), Point(FEB_2, 12))  # deliberately out of order


BASE = ChartSpec(GAD7, THREE, baseline=16, target=9, title="GAD-7 for Rowan Fictor")


def gad7(**overrides: Any) -> ChartSpec:
    return dataclasses.replace(BASE, **overrides)


def parse(spec: ChartSpec, **size: int) -> ET.Element:
    return ET.fromstring(render_svg(spec, **size))  # noqa: S314 (our own output)  # noqa: S314 (our own output)


def by_class(root: ET.Element, tag: str, cls: str) -> list[ET.Element]:
    return [e for e in root.iterfind(f".//svg:{tag}", NS) if cls in (e.get("class") or "").split()]


def texts(root: ET.Element, cls: str) -> list[str]:
    return [e.text or "" for e in by_class(root, "text", cls)]


def tooltip(element: ET.Element) -> str:
    title = element.find("svg:title", NS)
    assert title is not None
    return title.text or ""


# --- The root element ------------------------------------------------------------------------


def test_the_root_is_an_image_with_size_and_view_box() -> None:
    root = parse(gad7(), width=600, height=240)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.get("role") == "img"
    assert (root.get("width"), root.get("height")) == ("600", "240")
    assert root.get("viewBox") == "0 0 600 240"
    assert root.get("class") == "measure-chart"


def test_the_root_is_labelled_by_its_title_and_description() -> None:
    root = parse(gad7())
    title_id, desc_id = (root.get("aria-labelledby") or "").split()
    title = root.find(f"svg:title[@id='{title_id}']", NS)
    desc = root.find(f"svg:desc[@id='{desc_id}']", NS)
    assert title is not None and title.text == "GAD-7 for Rowan Fictor"
    assert desc is not None and desc.text == describe(gad7())


def test_a_chart_without_a_title_is_named_after_its_instrument() -> None:
    root = parse(gad7(title=""))
    title = root.find("svg:title", NS)
    assert title is not None and title.text == "GAD-7 scores"


def test_different_charts_get_different_ids() -> None:
    first = parse(gad7()).get("aria-labelledby")
    second = parse(gad7(title="GAD-7 for someone else")).get("aria-labelledby")
    assert first != second


def test_a_title_with_markup_is_escaped() -> None:
    svg = render_svg(gad7(title='<script>alert("x")</script> & <b>'))
    assert "<script>" not in svg
    root = ET.fromstring(svg)  # noqa: S314 (our own output)
    title = root.find("svg:title", NS)
    assert title is not None and title.text == '<script>alert("x")</script> & <b>'


# --- Bands and the y axis --------------------------------------------------------------------


@pytest.mark.parametrize("form", [GAD7, PHQ9], ids=lambda f: f.key)
def test_one_labelled_band_per_severity_band(form: Instrument) -> None:
    root = parse(gad7(instrument=form, points=(), baseline=None, target=None))
    bands = by_class(root, "rect", "band")
    labels = [band.label for band in form.bands]
    assert [b.get("class") for b in bands] == [f"band band-{i}" for i in range(len(labels))]
    assert texts(root, "band-label") == labels
    assert all(b.get("fill", "").startswith("#") for b in bands)  # a fallback without CSS


def test_the_bands_stack_without_gaps_from_the_lowest_to_the_highest_score() -> None:
    bands = by_class(parse(gad7()), "rect", "band")
    spans = [(float(b.get("y", 0)), float(b.get("height", 0))) for b in bands]
    for (lower_top, _), (upper_top, upper_height) in itertools.pairwise(spans):
        assert upper_top + upper_height == pytest.approx(lower_top, abs=0.11)


def test_each_marker_sits_inside_its_band() -> None:
    root = parse(gad7(points=(Point(JAN_5, 4), Point(FEB_2, 5), Point(MAR_3, 15))))
    bands = by_class(root, "rect", "band")
    inside = []
    for marker in by_class(root, "circle", "marker"):
        cy = float(marker.get("cy", 0))
        inside += [
            i
            for i, b in enumerate(bands)
            if float(b.get("y", 0)) < cy < float(b.get("y", 0)) + float(b.get("height", 0))
        ]
    assert inside == [0, 1, 3]  # Minimal, Mild, Severe


def test_the_y_axis_runs_over_the_instrument_range_with_ticks_at_band_edges() -> None:
    assert texts(parse(gad7()), "y-label") == ["0", "5", "10", "15", "21"]
    assert texts(parse(gad7(instrument=PHQ9)), "y-label") == ["0", "5", "10", "15", "20", "27"]


def test_an_instrument_without_bands_gets_even_ticks_and_no_bands() -> None:
    spec = ChartSpec(PCL5, (Point(JAN_5, 52), Point(MAR_3, 38)), baseline=52, target=33)
    root = parse(spec)
    assert by_class(root, "rect", "band") == []
    assert texts(root, "y-label") == ["0", "20", "40", "60", "80"]
    assert [tooltip(m) for m in by_class(root, "circle", "marker")] == [
        "Jan 5, 2026: 52",
        "Mar 3, 2026: 38",
    ]


# --- Scores ----------------------------------------------------------------------------------


def test_one_marker_per_score_oldest_first_with_its_tooltip() -> None:
    root = parse(gad7())
    markers = by_class(root, "circle", "marker")
    assert [tooltip(m) for m in markers] == [
        "Jan 5, 2026: 16 (Severe)",
        "Feb 2, 2026: 12 (Moderate)",
        "Mar 3, 2026: 9 (Mild)",
    ]
    xs = [float(m.get("cx", 0)) for m in markers]
    assert xs == sorted(xs)


def test_the_score_line_joins_the_markers() -> None:
    root = parse(gad7())
    (line,) = by_class(root, "polyline", "score-line")
    markers = by_class(root, "circle", "marker")
    assert (line.get("points") or "").split() == [f"{m.get('cx')},{m.get('cy')}" for m in markers]
    assert line.get("stroke") == "#1d5c7a"


def test_a_single_score_is_a_marker_without_a_line() -> None:
    root = parse(gad7(points=(Point(MAR_3, 14),)))
    assert len(by_class(root, "circle", "marker")) == 1
    assert by_class(root, "polyline", "score-line") == []
    assert texts(root, "x-label") == ["Mar 3, 2026"]


def test_a_score_outside_the_range_is_refused() -> None:
    with pytest.raises(ValueError, match=f"A GAD-7 score must be 0{DASH}21; got 22"):
        render_svg(gad7(points=(Point(MAR_3, 22),)))
    with pytest.raises(ValueError, match=f"A GAD-7 target must be 0{DASH}21; got -1"):
        render_svg(gad7(target=-1))


def test_a_chart_too_small_to_lay_out_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 320 by 160"):
        render_svg(gad7(), width=200)


# --- Baseline and target ---------------------------------------------------------------------


def test_baseline_is_dashed_and_target_dotted_each_labelled() -> None:
    root = parse(gad7())
    (baseline,) = by_class(root, "line", "baseline")
    (target,) = by_class(root, "line", "target")
    assert baseline.get("stroke-dasharray") == "6 4"
    assert target.get("stroke-dasharray") == "0.1 4"
    assert target.get("stroke-linecap") == "round"  # a dash of almost nothing, rounded: dots
    assert texts(root, "baseline-label") == ["Baseline 16"]
    assert texts(root, "target-label") == ["Target 9"]
    assert float(baseline.get("y1", 0)) < float(target.get("y1", 0))  # 16 is higher up than 9


def test_baseline_and_target_are_optional() -> None:
    root = parse(gad7(baseline=None, target=None))
    assert by_class(root, "line", "baseline") == []
    assert by_class(root, "line", "target") == []
    assert texts(root, "baseline-label") == texts(root, "target-label") == []


def test_close_baseline_and_target_labels_do_not_overlap() -> None:
    root = parse(gad7(baseline=10, target=9))
    (baseline,) = by_class(root, "text", "baseline-label")
    (target,) = by_class(root, "text", "target-label")
    assert abs(float(baseline.get("y", 0)) - float(target.get("y", 0))) >= 11


# --- Time axis and sessions ------------------------------------------------------------------


def test_sessions_within_the_scores_are_ticks_one_a_day() -> None:
    sessions = (
        date(2025, 12, 29),  # before the first score: not drawn
        JAN_5,
        JAN_5,  # two sessions the same day: one tick
        date(2026, 1, 12),
        FEB_2,
        MAR_3,
        date(2026, 3, 10),  # after the last score: not drawn
    )
    root = parse(gad7(session_days=sessions))
    assert len(by_class(root, "line", "session")) == 4
    assert texts(root, "legend") == ["Session attended"]


def test_no_sessions_no_ticks_and_no_legend() -> None:
    root = parse(gad7())
    assert by_class(root, "line", "session") == []
    assert texts(root, "legend") == []


def test_the_time_axis_labels_the_first_and_last_day_and_some_between() -> None:
    assert texts(parse(gad7()), "x-label") == ["Jan 5, 2026", "Feb 2", "Mar 3, 2026"]


def test_crowded_date_labels_are_thinned_so_they_do_not_overlap() -> None:
    days = [JAN_5 + timedelta(days=n) for n in range(60)]
    root = parse(gad7(points=tuple(Point(day, 10) for day in days)))
    labels = by_class(root, "text", "x-label")
    assert labels[0].text == "Jan 5, 2026" and labels[-1].text == "Mar 5, 2026"
    assert 3 <= len(labels) <= 8
    # A generous width for 11 px sans-serif text: about 6.4 px a character.
    boxes = [(float(label.get("x", 0)), 6.4 * len(label.text or "") / 2) for label in labels]
    for (left, left_half), (right, right_half) in itertools.pairwise(boxes):
        assert right - right_half >= left + left_half + 4


def test_a_label_in_a_new_year_carries_its_year() -> None:
    points = (
        Point(date(2025, 11, 20), 22),
        Point(date(2025, 12, 18), 19),
        Point(date(2026, 1, 15), 14),
        Point(date(2026, 2, 12), 8),
    )
    root = parse(ChartSpec(PHQ9, points))
    assert texts(root, "x-label") == ["Nov 20, 2025", "Dec 18", "Jan 15, 2026", "Feb 12, 2026"]


# --- Empty chart -----------------------------------------------------------------------------


def test_no_scores_still_draws_axes_bands_and_says_so() -> None:
    root = parse(gad7(points=(), session_days=(JAN_5,)))
    assert len(by_class(root, "rect", "band")) == 4
    assert len(by_class(root, "line", "axis")) >= 2
    assert texts(root, "empty-label") == ["No scores yet"]
    assert by_class(root, "circle", "marker") == []
    assert by_class(root, "polyline", "score-line") == []
    assert by_class(root, "line", "session") == []
    assert texts(root, "target-label") == ["Target 9"]


# --- Words -----------------------------------------------------------------------------------


def test_the_description_states_the_data() -> None:
    assert describe(gad7()) == (
        "3 scores from Jan 5 to Mar 3, 2026: 16, 12, 9; baseline 16; "
        "target 9, reached on Mar 3, 2026."
    )


@pytest.mark.parametrize(
    ("overrides", "words"),
    [
        ({"points": ()}, "No scores yet; baseline 16; target 9."),
        ({"points": (), "baseline": None, "target": None}, "No scores yet."),
        (
            {"points": (Point(MAR_3, 14),), "baseline": None},
            "1 score on Mar 3, 2026: 14; target 9, not yet reached.",
        ),
        (
            {"points": (Point(date(2025, 12, 1), 16), Point(JAN_5, 8)), "target": None},
            "2 scores from Dec 1, 2025 to Jan 5, 2026: 16, 8; baseline 16.",
        ),
        (
            {"points": (Point(JAN_5, 12), Point(FEB_2, 9), Point(MAR_3, 7))},
            "3 scores from Jan 5 to Mar 3, 2026: 12, 9, 7; baseline 16; "
            "target 9, reached on Feb 2, 2026.",
        ),
        (
            {"session_days": (JAN_5, FEB_2, date(2026, 4, 1))},
            "3 scores from Jan 5 to Mar 3, 2026: 16, 12, 9; baseline 16; "
            "target 9, reached on Mar 3, 2026; 2 sessions attended in this period.",
        ),
    ],
)
def test_the_description_in_other_cases(overrides: dict[str, Any], words: str) -> None:
    assert describe(gad7(**overrides)) == words


def test_the_data_table_lists_each_score_with_its_band() -> None:
    assert data_table(gad7()) == [
        (JAN_5, 16, "Severe"),
        (FEB_2, 12, "Moderate"),
        (MAR_3, 9, "Mild"),
    ]
    assert data_table(ChartSpec(PCL5, (Point(JAN_5, 40),))) == [(JAN_5, 40, "")]


# --- Output ----------------------------------------------------------------------------------


def test_the_same_chart_gives_the_same_string_whatever_the_order_of_points() -> None:
    sessions = (MAR_3, JAN_5, FEB_2)
    first = render_svg(gad7(session_days=sessions))
    assert render_svg(gad7(session_days=sessions)) == first
    assert render_svg(gad7(points=THREE[::-1], session_days=sessions[::-1])) == first


def test_coordinates_carry_at_most_one_decimal() -> None:
    svg = render_svg(gad7(session_days=(JAN_5, FEB_2)), width=613, height=247)
    numbers = re.findall(r'\s(?:x|y|x1|x2|y1|y2|cx|cy|r|rx|width|height)="([^"]+)"', svg)
    numbers += re.findall(r"(-?\d+(?:\.\d+)?)", " ".join(re.findall(r'points="([^"]+)"', svg)))
    assert numbers
    assert all(re.fullmatch(r"-?\d+(\.\d)?", n) for n in numbers)


def test_every_coloured_element_has_a_class_and_a_fallback_colour() -> None:
    root = parse(gad7(session_days=(FEB_2,)))
    for element in root.iter():
        tag = element.tag.split("}")[1]
        if tag in {"rect", "line", "polyline", "circle", "text"}:
            assert element.get("class")
            assert element.get("fill") or element.get("stroke"), ET.tostring(element)


def test_the_chart_module_imports_no_django() -> None:
    script = (
        "import sys, threadline.rules.measures.chart\n"
        "print(sorted(name for name in sys.modules if name.split('.')[0] == 'django'))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "[]"
