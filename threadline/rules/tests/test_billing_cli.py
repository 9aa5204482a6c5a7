"""`threadline billing-code` from the command line."""

from __future__ import annotations

import json

import pytest

from threadline.cli import main


def test_a_52_minute_session_prints_only_90834(capsys):
    assert main(["billing-code", "--service", "psychotherapy", "--minutes", "52"]) == 0
    out, err = capsys.readouterr()
    assert out == "90834\n"
    assert err == ""


def test_the_service_defaults_to_psychotherapy(capsys):
    assert main(["billing-code", "--minutes", "16"]) == 0
    assert capsys.readouterr().out == "90832\n"


@pytest.mark.parametrize(
    ("argv", "line"),
    [
        (
            ["--service", "psychotherapy_with_em", "--minutes", "40", "--em-minutes", "25"],
            "99213 + 90836",
        ),
        (["--service", "crisis", "--minutes", "105"], "90839 + 90840 x2"),
        (["--minutes", "45", "--telehealth", "video", "--place", "home"], "90834-95 POS 10"),
        (["--minutes", "45", "--telehealth", "audio"], "90834-93 POS 02"),
        (["--service", "intake", "--minutes", "60", "--interactive-complexity"], "90791 + 90785"),
        (["--service", "em", "--minutes", "45", "--new-patient"], "99204"),
    ],
)
def test_add_ons_units_modifiers_and_place_share_the_first_line(capsys, argv, line):
    assert main(["billing-code", *argv]) == 0
    assert capsys.readouterr().out == line + "\n"


def test_explain_prints_the_reasons_under_the_codes(capsys):
    assert main(["billing-code", "--minutes", "52", "--explain"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "90834",
        "  52 minutes of psychotherapy falls in the 38\u201352 minute band (90834).",
    ]


def test_json_prints_the_whole_result(capsys):
    assert main(["billing-code", "--minutes", "53", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["primary"] == "90837"
    assert data["lines"] == [{"code": "90837", "units": 1, "modifiers": [], "add_on": False}]
    assert data["place_of_service"] == "11"
    assert data["refusal"] is None


def test_a_refusal_prints_its_reason_on_stderr_and_exits_1(capsys):
    assert main(["billing-code", "--minutes", "15"]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err == "15 minutes of psychotherapy is under the 16-minute minimum for 90832.\n"


def test_a_refusal_in_json_still_prints_the_result_and_exits_1(capsys):
    argv = ["--service", "family_with_patient", "--minutes", "25", "--format", "json"]
    assert main(["billing-code", *argv]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["lines"] == []
    assert "26-minute minimum" in data["refusal"]


def test_impossible_facts_exit_2_with_the_message(capsys):
    assert main(["billing-code", "--minutes", "-5"]) == 2
    assert "minutes must be between 0 and 1440" in capsys.readouterr().err


def test_minutes_are_required(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["billing-code", "--service", "crisis"])
    assert exit_.value.code == 2
    assert "--minutes" in capsys.readouterr().err
