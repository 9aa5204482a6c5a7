"""Searching a release by code prefix and by words; the release for a date of service."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from threadline.diagnoses import search as icd
from threadline.diagnoses.indexing import query_words
from threadline.diagnoses.models import IcdRelease
from threadline.diagnoses.search import Node, lookup, release_for, search
from threadline.diagnoses.services import load_release
from threadline.diagnoses.tests.codesets import FY2026, FY2027, Scan, crowded, fy2027


def outline(nodes: list[Node], depth: int = 0) -> list[str]:
    """The results as the picker shows them: '# ' for a heading, '- ' for a choice."""
    lines = []
    for node in nodes:
        mark = "# " if node.is_heading else "- "
        lines.append("  " * depth + mark + node.code.code)
        lines += outline(node.items, depth + 1)
    return lines


def codes_for(query: str, release: IcdRelease, limit: int = 20) -> list[str]:
    return [code.code for code in search(query, release=release, limit=limit).choices]


@pytest.mark.parametrize("query", ["F41", "f41", "F41.", " f41 "])
def test_a_code_prefix_finds_the_billable_codes_under_their_header(
    release: IcdRelease, query: str
) -> None:
    result = search(query, release=release)
    assert result.by_code
    assert outline(result.nodes) == ["# F41", "  - F41.0", "  - F41.1", "  - F41.9"]


@pytest.mark.parametrize("query", ["F41.1", "f41.1", "F411", "f411"])
def test_a_whole_code_dotted_or_not_finds_that_code(release: IcdRelease, query: str) -> None:
    assert outline(search(query, release=release).nodes) == ["# F41", "  - F41.1"]


def test_an_exact_code_comes_first_then_the_codes_under_it(release: IcdRelease) -> None:
    result = search("F43.1", release=release)
    assert outline(result.nodes) == ["# F43.1", "  - F43.10", "  - F43.11", "  - F43.12"]


def test_a_header_shows_under_the_header_above_it(release: IcdRelease) -> None:
    assert outline(search("Z63", release=release).nodes) == [
        "# Z63",
        "  # Z63.3",
        "    - Z63.31",
        "    - Z63.32",
        "  - Z63.4",
    ]


def test_a_code_found_through_placeholder_x_shows_under_its_x_header(
    release: IcdRelease,
) -> None:
    assert outline(search("T40.1", release=release).nodes) == ["# T40.1X1", "  - T40.1X1A"]


def test_a_billable_category_is_a_choice_without_a_heading(release: IcdRelease) -> None:
    assert outline(search("F99", release=release).nodes) == ["- F99"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("generalized anxiety", ["F41.1"]),
        ("generaliz anx", ["F41.1"]),
        ("ANX GENERAL", ["F41.1"]),
        ("anxiety", ["F41.0", "F41.1", "F41.9"]),
        ("major depressive", ["F32.0", "F32.9"]),
        ("major depressive mild", ["F32.0"]),
        ("absence of family", ["Z63.31", "Z63.32"]),  # "of" is dropped: it is in every other
        ("heroin", ["T40.1X1A"]),
        ("post traumatic chronic", ["F43.12"]),
        ("posttraumatic", []),
        ("anxiety xyz", []),
    ],
)
def test_every_word_must_start_a_word_of_the_description(
    release: IcdRelease, query: str, expected: list[str]
) -> None:
    assert codes_for(query, release) == expected


def test_words_never_match_inside_a_word(release: IcdRelease) -> None:
    assert codes_for("xiety", release) == []
    assert codes_for("order", release) == []


def test_a_header_found_by_its_words_brings_the_codes_under_it(release: IcdRelease) -> None:
    result = search("ptsd", release=release)
    assert not result.by_code
    assert outline(result.nodes) == ["# F43.1", "  - F43.10", "  - F43.11", "  - F43.12"]


def test_headers_found_by_words_are_headings_never_choices(release: IcdRelease) -> None:
    result = search("anxiety", release=release)
    assert outline(result.nodes) == ["# F41", "  - F41.0", "  - F41.1", "  - F41.9"]
    assert [code.code for code in result.choices] == ["F41.0", "F41.1", "F41.9"]


def test_a_code_like_query_with_no_code_is_searched_as_words(release: IcdRelease) -> None:
    # "F41.7" is not a code; as words it matches nothing, and the answer says so.
    result = search("F41.7", release=release)
    assert (result.by_code, result.nodes) == (False, [])


def test_stop_words_alone_are_searched_as_word_starts() -> None:
    assert query_words("history of") == ["history"]
    assert query_words("in") == ["in"]
    assert query_words("Post-traumatic  post") == ["post", "traumatic"]


def test_a_query_of_one_character_asks_for_more(release: IcdRelease) -> None:
    result = search("F", release=release)
    assert (result.too_short, result.nodes) == (True, [])


def test_the_limit_counts_the_codes_found_and_says_there_is_more(release: IcdRelease) -> None:
    # "disorder" begins "disorders" too, so the header F41 is the third code found; the codes
    # under it are one more search away.
    result = search("disorder", release=release, limit=3)
    assert outline(result.nodes) == ["# F32", "  - F32.0", "  - F32.9", "# F41"]
    assert result.more
    assert not search("disorder", release=release, limit=50).more


def test_the_limit_is_kept_within_what_the_heads_can_answer(release: IcdRelease) -> None:
    assert len(search("disorder", release=release, limit=10_000).choices) == 9
    assert codes_for("disorder", release, limit=0) == ["F32.0"]


def test_search_without_a_release_uses_the_one_in_force_on_the_date(
    release: IcdRelease,
) -> None:
    newer = load_release(fy2027())
    assert search("F41", on=date(2026, 5, 1)).release == release
    result = search("F41", on=date(2026, 10, 1))
    assert (result.release, result.in_force) == (newer, True)
    assert "F41.A" in [code.code for code in result.choices]


def test_search_with_no_release_loaded_says_so(db: None) -> None:
    result = search("F41", on=date(2026, 5, 1))
    assert (result.release, result.nodes) == (None, [])


def test_the_release_in_force_on_a_date_of_service_is_chosen(release: IcdRelease) -> None:
    newer = load_release(fy2027())
    assert release_for(date(2026, 4, 1)) == icd.ReleaseFor(release, in_force=True)
    assert release_for(date(2026, 9, 30)) == icd.ReleaseFor(release, in_force=True)
    assert release_for(date(2026, 10, 1)) == icd.ReleaseFor(newer, in_force=True)


def test_without_a_release_in_force_the_newest_is_used_and_flagged(
    release: IcdRelease,
) -> None:
    newer = load_release(fy2027())
    assert release_for(date(2025, 1, 1)) == icd.ReleaseFor(newer, in_force=False)
    assert release_for(date(2028, 1, 1)) == icd.ReleaseFor(newer, in_force=False)
    assert search("F41", on=date(2028, 1, 1)).in_force is False


def test_no_release_loaded_means_no_release_for_any_date(db: None) -> None:
    assert release_for(date(2026, 5, 1)) is None


@pytest.mark.parametrize("written", ["F41.1", "f41.1", "F411", " f411 "])
def test_lookup_reads_a_code_however_it_is_written(release: IcdRelease, written: str) -> None:
    code = lookup(written, release)
    assert code is not None
    assert (code.code, code.description, code.billable) == (
        "F41.1",
        "Generalized anxiety disorder",
        True,
    )


def test_lookup_of_an_unknown_code_is_none(release: IcdRelease) -> None:
    assert lookup("F41.7", release) is None


def test_lookup_brings_the_header_above_a_code(release: IcdRelease) -> None:
    ptsd = lookup("F43.10", release)
    category = lookup("F43", release)
    assert ptsd is not None and ptsd.parent is not None and category is not None
    assert (ptsd.parent.code, category.parent) == ("F43.1", None)


def test_a_header_lists_the_codes_directly_under_it(release: IcdRelease) -> None:
    z63 = lookup("Z63", release)
    assert z63 is not None
    assert [code.code for code in z63.children.all()] == ["Z63.3", "Z63.4"]


CROWDED_WORDS = ["alpha", "beta", "delta", "omega", "rare", "item1", "item7", "item19", "it", "xyz"]


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    words=st.lists(st.sampled_from(CROWDED_WORDS), min_size=1, max_size=3),
    cut=st.integers(min_value=1, max_value=5),
    limit=st.integers(min_value=1, max_value=30),
)
def test_searching_through_the_heads_finds_what_a_scan_finds(
    db: None, monkeypatch: pytest.MonkeyPatch, words: list[str], cut: int, limit: int
) -> None:
    # Read the heads for every word, however rare, so the small release takes the paths the
    # full one takes for "sub" or "fracture".
    monkeypatch.setattr(icd, "READ_WHOLE_UP_TO", 0)
    codeset = crowded()
    release = IcdRelease.objects.filter(name=codeset.release).first() or load_release(codeset)
    query = " ".join(word[: max(2, len(word) - cut)] for word in words)
    expected = Scan(codeset).search(query)
    result = search(query, release=release, limit=limit)
    assert [code.code for code in result.choices] == expected[:limit]
    assert result.more == (len(expected) > limit)


def test_a_page_the_heads_cannot_fill_is_read_from_every_code(
    db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(icd, "READ_WHOLE_UP_TO", 0)
    release = load_release(crowded())
    # delta's 64th code is A63, before omega's first (A70): the heads hold no answer.
    assert codes_for("delta omega", release) == [f"A{n}" for n in range(70, 80)]
    assert codes_for("alpha beta", release, limit=3) == ["B00", "B01", "B02"]


def test_release_names_in_the_hand_made_sets_are_the_real_ones() -> None:
    assert FY2026 == "ICD-10-CM FY2026 (April 1, 2026 update)"
    assert FY2027.startswith("ICD-10-CM FY2027")
