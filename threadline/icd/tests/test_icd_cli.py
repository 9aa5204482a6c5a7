"""`threadline icd search` and `threadline icd show` over the shipped release."""

from __future__ import annotations

import json

from threadline.cli import main


def test_search_by_words_prints_code_and_description(capsys):
    assert main(["icd", "search", "generalized", "anxiety"]) == 0
    assert capsys.readouterr().out == "F41.1     Generalized anxiety disorder\n"


def test_search_marks_headers_as_not_billable(capsys):
    assert main(["icd", "search", "F43.2", "--limit", "2"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "F43.2     Adjustment disorders  [not billable]",
        "F43.20    Adjustment disorder, unspecified",
    ]


def test_search_as_json(capsys):
    assert main(["icd", "search", "f32a", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == [
        {"code": "F32.A", "description": "Depression, unspecified", "billable": True}
    ]


def test_search_without_a_match_says_so_and_exits_1(capsys):
    assert main(["icd", "search", "zzzz"]) == 1
    assert "matches 'zzzz'" in capsys.readouterr().err


def test_show_a_billable_code(capsys):
    assert main(["icd", "show", "f4323"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "F43.23  Adjustment disorder with mixed anxiety and depressed mood",
        "under F43.2  Adjustment disorders",
        "billable",
        "release: ICD-10-CM FY2026 (April 1, 2026 update), "
        "dates of service 2026-04-01 to 2026-09-30",
    ]


def test_show_a_header_lists_the_codes_to_pick_from(capsys):
    assert main(["icd", "show", "F32"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[:3] == [
        "F32  Depressive episode",
        "not billable: pick a more specific code such as:",
        "  F32.0     Major depressive disorder, single episode, mild",
    ]
    assert "  F32.A     Depression, unspecified" in lines


def test_show_as_json_names_the_release_and_children(capsys):
    assert main(["icd", "show", "T14.91", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["billable"] is False
    assert data["release"] == "ICD-10-CM FY2026 (April 1, 2026 update)"
    assert [child["code"] for child in data["children"]] == ["T14.91XA", "T14.91XD", "T14.91XS"]


def test_show_an_unknown_code_exits_1(capsys):
    assert main(["icd", "show", "F99.99"]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err == "'F99.99' is not a code in ICD-10-CM FY2026 (April 1, 2026 update)\n"
