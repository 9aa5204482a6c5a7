"""The shipped release file is what `python -m threadline.icd.build` makes."""

from __future__ import annotations

import pytest

from threadline.icd import DEFAULT_PATH
from threadline.icd.build import main

pytest.importorskip("simple_icd_10_cm")


def test_the_shipped_file_matches_a_fresh_build_from_simple_icd_10_cm(capsys):
    assert main(["--check", "-o", str(DEFAULT_PATH)]) == 0
    assert capsys.readouterr().out == f"{DEFAULT_PATH}: up to date\n"
