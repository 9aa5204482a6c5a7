"""The ICD-10-CM code set: normalizing, looking up, billable flags and search."""

from __future__ import annotations

import subprocess
import sys
from datetime import date

import pytest

from threadline.icd import load_default
from threadline.rules.codeset import CodeSet, CodeTable, IcdCode, normalize, words


@pytest.fixture(scope="module")
def icd() -> CodeSet:
    return load_default()


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("F41.1", "F41.1"),
        ("f411", "F41.1"),
        (" F41.1 ", "F41.1"),
        ("f32a", "F32.A"),
        ("F32", "F32"),
        ("F32.", "F32"),
        ("t1491xa", "T14.91XA"),
    ],
)
def test_normalize_writes_codes_upper_case_with_the_dot(written, expected):
    assert normalize(written) == expected


@pytest.mark.parametrize(
    ("code", "billable"),
    [
        ("F41.1", True),
        ("F32", False),
        ("F43.2", False),
        ("F43.23", True),
        ("F32.A", True),
        ("F43.8", False),
        ("F50.2", False),
        ("Z91.A", False),
        ("Z63.0", True),
        ("T14.91XA", True),
    ],
)
def test_the_shipped_release_knows_which_codes_are_billable(icd, code, billable):
    found = icd.get(code)
    assert found is not None
    assert found.billable is billable


def test_get_accepts_any_spelling_and_returns_the_description(icd):
    assert icd.get("f411") == IcdCode("F41.1", "Generalized anxiety disorder", True)


@pytest.mark.parametrize("code", ["F99.99", "F41.12", "", "F40-F48", "5"])
def test_get_returns_none_for_what_is_not_a_code(icd, code):
    assert icd.get(code) is None


def test_the_shipped_release_holds_headers_and_billable_codes_but_no_chapters(icd):
    assert len(icd.codes) == 98_186
    assert sum(code.billable for code in icd.codes.values()) == 74_719


def test_the_shipped_release_is_the_april_2026_update(icd):
    assert icd.release == "ICD-10-CM FY2026 (April 1, 2026 update)"
    assert icd.in_force_on(date(2026, 4, 1))
    assert icd.in_force_on(date(2026, 9, 30))
    assert not icd.in_force_on(date(2026, 3, 31))
    assert not icd.in_force_on(date(2026, 10, 1))


def test_search_by_code_prefix_lists_the_header_and_what_is_under_it(icd):
    found = icd.search("f41")
    assert [code.code for code in found] == ["F41", "F41.0", "F41.1", "F41.3", "F41.8", "F41.9"]


def test_search_by_full_code_finds_it(icd):
    assert [code.code for code in icd.search("F41.1")] == ["F41.1"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("generalized anxiety", ["F41.1"]),
        ("GENERALIZED ANXIETY", ["F41.1"]),
        ("gen anx dis", ["F41.1"]),
        ("adjustment mixed anxiety depressed", ["F43.23"]),
        ("prolonged grief", ["F43.81"]),
        ("sezary disease unspecified", ["C84.10"]),
        ("sézary disease unspecified", ["C84.10"]),
    ],
)
def test_search_by_words_needs_every_word_to_begin_a_word(icd, query, expected):
    assert [code.code for code in icd.search(query)] == expected


def test_search_does_not_match_inside_a_word(icd):
    assert icd.search("eralized anxiety") == []


def test_a_code_like_word_that_is_no_code_is_searched_as_a_word(icd):
    found = icd.search("b12", limit=3)
    assert [code.code for code in found] == ["D51", "D51.0", "D51.1"]


def test_search_lists_in_code_order_up_to_the_limit(icd):
    found = icd.search("depress", limit=5)
    assert len(found) == 5
    assert [code.code for code in found] == sorted(code.code for code in found)


@pytest.mark.parametrize("query", ["", "   ", "--"])
def test_an_empty_search_finds_nothing(icd, query):
    assert icd.search(query) == []


def test_children_are_the_codes_directly_under_a_header(icd):
    assert [code.code for code in icd.children("F43.2")] == [
        "F43.20",
        "F43.21",
        "F43.22",
        "F43.23",
        "F43.24",
        "F43.25",
        "F43.29",
    ]
    assert [code.code for code in icd.children("T14.91")] == ["T14.91XA", "T14.91XD", "T14.91XS"]


def test_the_parent_skips_placeholder_positions(icd):
    parent = icd.parent("T14.91XA")
    assert parent is not None
    assert parent.code == "T14.91"
    assert icd.parent("F41") is None


def test_words_fold_case_accents_and_punctuation():
    assert words("Post-traumatic Stress, Sézary") == ["post", "traumatic", "stress", "sezary"]


def test_a_code_set_built_from_a_plain_dict_searches_the_same_way():
    codes = {
        "F41": IcdCode("F41", "Other anxiety disorders", False),
        "F41.1": IcdCode("F41.1", "Generalized anxiety disorder", True),
    }
    small = CodeSet("test", date(2099, 10, 1), date(2100, 9, 30), codes)
    assert small.search("anxiety") == [codes["F41"], codes["F41.1"]]
    assert small.search("F41") == [codes["F41"], codes["F41.1"]]
    assert small.children("F41") == [codes["F41.1"]]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("F41.1\t1\tGeneralized\nF41\t0\tOther\n", "code order"),
        ("F41\t0\tOther\nF41\t0\tOther\n", "each once"),
        ("F41\t2\tOther\n", "0 or 1"),
        ("F41\t0\tOther\tmore\n", "separated by tabs"),
        ("F41 0 Other\n", "separated by tabs"),
    ],
)
def test_a_malformed_code_table_is_refused(text, message):
    with pytest.raises(ValueError, match=message):
        CodeTable(text)


def test_loading_the_default_release_does_not_import_simple_icd_10_cm():
    script = (
        "import sys, threadline.icd as icd; icd.load_default().search('anxiety'); "
        "sys.exit('simple_icd_10_cm' in sys.modules)"
    )
    assert subprocess.run([sys.executable, "-c", script], check=False).returncode == 0
