"""`threadline check` on the example files: what it reports, in text and JSON, and its exit."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from threadline.cli import main

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"
TODAY = ["--today", "2026-09-20"]

# Everything the incomplete example plan lacks, and nothing it has.
INCOMPLETE_PLAN_CODES = {
    "plan.session.start_time_missing",
    "plan.session.stop_time_missing",
    "plan.session.telehealth_modality_missing",
    "plan.session.telehealth_location_missing",
    "plan.session.telehealth_platform_statement_missing",
    "plan.session.client_second_identifier_missing",
    "plan.session.provider_credentials_missing",
    "plan.diagnosis.not_billable",
    "plan.background.presenting_problem_missing",
    "plan.background.symptoms_missing",
    "plan.background.functional_impact_missing",
    "plan.recommendation.modality_missing",
    "plan.recommendation.frequency_missing",
    "plan.recommendation.duration_missing",
    "plan.recommendation.medication_or_referral_missing",
    "plan.focus.too_few",
    "plan.focus.goal_target_missing",
    "plan.focus.intervention_missing",
    "smart.goal_vague",
    "smart.objective_not_measurable",
    "smart.objective_not_time_bound",
    "smart.objective_vague",
    "plan.signature.clinician_credentials_missing",
    "plan.signature.date_missing",
    "plan.signature.client_recommended",
}
LATE_NOTE_CODES = {
    "note.billing.code_mismatch",
    "note.timeliness.documentation_overdue",
    "note.golden_thread.no_objective_cited",
    "note.risk.not_documented",
    "note.signature.supervisor_missing",
}


def _json(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[dict]]:
    status = main(["check", "--format", "json", *TODAY, *args])
    return status, json.loads(capsys.readouterr().out)


def _codes(result: dict) -> set[str]:
    return {finding["code"] for finding in result["findings"]}


@pytest.mark.parametrize("name", ["plan-complete.txt", "plan.json", "note-complete.txt"])
def test_the_complete_examples_have_no_findings_and_exit_0(
    capsys: pytest.CaptureFixture[str], name: str
) -> None:
    status, (result,) = _json(capsys, str(EXAMPLES / name))
    assert status == 0
    assert result["findings"] == []
    assert result["summary"] == {"error": 0, "warning": 0, "info": 0}


def test_the_incomplete_example_plan_reports_every_missing_part(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, (result,) = _json(capsys, str(EXAMPLES / "plan-incomplete.md"))
    assert status == 1
    assert result["document"] == "plan"
    assert _codes(result) == INCOMPLETE_PLAN_CODES


def test_the_late_example_note_reports_its_problems(capsys: pytest.CaptureFixture[str]) -> None:
    status, (result,) = _json(capsys, str(EXAMPLES / "note-late.txt"))
    assert status == 1
    assert _codes(result) == LATE_NOTE_CODES


def test_json_output_gives_per_file_its_kind_fields_findings_and_summary(
    capsys: pytest.CaptureFixture[str],
) -> None:
    _, results = _json(capsys, str(EXAMPLES / "plan-complete.txt"), str(EXAMPLES / "note-late.txt"))
    assert [r["document"] for r in results] == ["plan", "note"]
    plan, note = results
    assert {"file", "document", "pack", "fields", "findings", "summary"} <= set(plan)
    assert plan["fields"]["client.name"] == "Wren Q. Placeholder"
    assert note["summary"] == {"error": 4, "warning": 1, "info": 0}
    assert set(note["findings"][0]) == {
        "code",
        "category",
        "severity",
        "message",
        "field",
        "rule_source",
    }


def test_the_payer_named_in_the_document_chooses_the_pack_unless_one_is_given(
    capsys: pytest.CaptureFixture[str],
) -> None:
    _, (named,) = _json(capsys, str(EXAMPLES / "plan.json"))
    _, (given,) = _json(capsys, "--pack", "medicaid", str(EXAMPLES / "plan.json"))
    assert (named["pack"], given["pack"]) == ("medicare", "medicaid")


def test_a_file_that_cannot_be_read_exits_2_even_beside_errors(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    status = main(
        ["check", *TODAY, str(EXAMPLES / "plan-incomplete.md"), str(tmp_path / "missing.txt")]
    )
    out = capsys.readouterr().out
    assert status == 2
    assert "missing.txt: cannot read" in out
    assert out.rstrip().endswith("2 files checked: 1 with errors, 1 unreadable")


def test_text_output_shows_severity_field_message_and_code(
    capsys: pytest.CaptureFixture[str],
) -> None:
    main(["check", *TODAY, str(EXAMPLES / "note-late.txt")])
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].endswith("note-late.txt: progress note, pack default")
    assert lines[1].startswith("  error    billed_codes: Billed 90837")
    assert lines[1].endswith("[note.billing.code_mismatch]")
    assert "  4 errors, 1 warning, 0 information" in lines


def test_the_console_script_starts_without_django() -> None:
    script = (
        "import sys\n"
        "from threadline.cli import main\n"
        f"status = main(['check', '--today', '2026-09-20', {str(EXAMPLES / 'plan.json')!r}])\n"
        "assert not any(m.split('.')[0] == 'django' for m in sys.modules), 'django imported'\n"
        "sys.exit(status)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
