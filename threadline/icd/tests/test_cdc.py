"""Building a release file from CDC/NCHS files, by both routes, and reading it back."""

from __future__ import annotations

import gzip
from datetime import date
from pathlib import Path

import pytest

from threadline.cli import main
from threadline.icd import cdc, load_release
from threadline.icd.datafile import Release, write_release
from threadline.rules.codeset import CodeTable, IcdCode

FIXTURES = Path(__file__).parent / "fixtures"
ORDER = FIXTURES / "icd10cm_order_2099.txt"
CODES = FIXTURES / "icd10cm_codes_2099.txt"
TABULAR = FIXTURES / "icd10cm_tabular_2099.xml"
RELEASE = ["--release", "ICD-10-CM FY2099", "--effective-from", "2098-10-01"]
RELEASE += ["--effective-to", "2099-09-30"]


def test_the_order_file_gives_code_billable_flag_and_long_title():
    codes = {code.code: code for code in cdc.read_order(ORDER)}
    assert codes["F32"] == IcdCode("F32", "Depressive episode", False)
    assert codes["F32.0"] == IcdCode(
        "F32.0", "Major depressive disorder, single episode, mild", True
    )
    assert codes["T14.91XA"].billable
    assert len(codes) == 10


def test_the_codes_file_holds_only_billable_codes():
    codes = cdc.read_codes(CODES)
    assert all(code.billable for code in codes)
    assert [code.code for code in codes][:3] == ["F32.0", "F32.81", "F32.A"]


def test_the_tabular_file_gives_every_diag_as_a_header():
    codes = {code.code: code for code in cdc.read_tabular(TABULAR)}
    assert set(codes) == {"F32", "F32.0", "F32.8", "F32.81", "F32.A", "F41", "F41.1", "T14.91"}
    assert not any(code.billable for code in codes.values())
    assert codes["F32.8"].description == "Other depressive episodes"


def test_both_routes_give_the_same_table():
    by_order = CodeTable.from_codes(cdc.read_order(ORDER)).text()
    by_codes = CodeTable.from_codes(
        cdc.codes_with_headers(cdc.read_codes(CODES), cdc.read_tabular(TABULAR))
    ).text()
    assert by_order == by_codes


def test_a_line_that_is_not_in_the_order_layout_is_refused(tmp_path):
    bad = tmp_path / "order.txt"
    bad.write_text("F32 0 Depressive episode\n")
    with pytest.raises(ValueError, match=r"order\.txt:1: not an order-file line"):
        cdc.read_order(bad)


def test_a_release_file_reads_back_what_was_written(tmp_path):
    release = Release("ICD-10-CM FY2099", date(2098, 10, 1), date(2099, 9, 30), "fixtures")
    path = tmp_path / "release.tsv.gz"
    assert write_release(path, release, cdc.read_order(ORDER)) == 10
    loaded = load_release(path)
    assert loaded.release == "ICD-10-CM FY2099"
    assert loaded.effective_from == date(2098, 10, 1)
    assert loaded.get("f32a") == IcdCode("F32.A", "Depression, unspecified", True)


def test_writing_the_same_codes_twice_gives_the_same_bytes(tmp_path):
    release = Release("ICD-10-CM FY2099", date(2098, 10, 1), date(2099, 9, 30), "fixtures")
    first, second = tmp_path / "first.tsv.gz", tmp_path / "second.tsv.gz"
    write_release(first, release, cdc.read_order(ORDER))
    write_release(second, release, reversed(cdc.read_order(ORDER)))
    assert first.read_bytes() == second.read_bytes()


def test_a_file_without_the_header_is_not_a_release(tmp_path):
    path = tmp_path / "codes.tsv.gz"
    path.write_bytes(gzip.compress(b"F41\t0\tOther anxiety disorders\n"))
    with pytest.raises(ValueError, match="not an ICD-10-CM release file"):
        load_release(path)


def test_a_release_cannot_end_before_it_starts():
    with pytest.raises(ValueError, match="before effective_from"):
        Release("ICD-10-CM FY2099", date(2099, 10, 1), date(2099, 9, 30), "fixtures")


def test_icd_load_from_the_order_file_writes_a_release_the_other_commands_read(tmp_path, capsys):
    out = tmp_path / "fy2099.tsv.gz"
    assert main(["icd", "load", "--order", str(ORDER), *RELEASE, "-o", str(out)]) == 0
    assert capsys.readouterr().out == f"{out}: 10 codes (6 billable), ICD-10-CM FY2099\n"
    assert main(["icd", "show", "--data", str(out), "F32.8"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "F32.8  Other depressive episodes",
        "under F32  Depressive episode",
        "not billable: pick a more specific code such as:",
        "  F32.81    Premenstrual dysphoric disorder",
        "release: ICD-10-CM FY2099, dates of service 2098-10-01 to 2099-09-30",
    ]


def test_icd_load_from_codes_and_tabular_matches_the_order_file(tmp_path):
    by_order, by_codes = tmp_path / "order.tsv.gz", tmp_path / "codes.tsv.gz"
    assert main(["icd", "load", "--order", str(ORDER), *RELEASE, "-o", str(by_order)]) == 0
    argv = ["--codes", str(CODES), "--tabular", str(TABULAR), *RELEASE, "-o", str(by_codes)]
    assert main(["icd", "load", *argv]) == 0
    assert load_release(by_order).codes == load_release(by_codes).codes


@pytest.mark.parametrize(
    "files",
    [[], ["--codes", str(CODES)], ["--order", str(ORDER), "--codes", str(CODES)]],
)
def test_icd_load_needs_the_order_file_or_codes_with_tabular(tmp_path, capsys, files):
    assert main(["icd", "load", *files, *RELEASE, "-o", str(tmp_path / "x.tsv.gz")]) == 2
    assert "give either --order, or --codes and --tabular together" in capsys.readouterr().err
