"""Facts round-trip through Threadline's JSON schema; findings count and sort as promised."""

from __future__ import annotations

import json
from typing import Any

import pytest

from threadline.rules.facts import (
    DocumentKind,
    NoteFacts,
    PlanFacts,
    SchemaError,
    facts_from_dict,
)
from threadline.rules.findings import (
    Category,
    Finding,
    Severity,
    blocks_signing,
    by_severity,
    count_by_severity,
)
from threadline.rules.tests.factories import (
    complete_discharge,
    complete_intake,
    complete_note,
    complete_plan,
)

DOCUMENTS = [complete_plan(), complete_note(), complete_intake(), complete_discharge()]


@pytest.mark.parametrize("facts", DOCUMENTS, ids=lambda facts: type(facts).__name__)
def test_every_document_survives_a_trip_through_json(facts: Any) -> None:
    data = json.loads(json.dumps(facts.to_dict()))
    assert facts_from_dict(data) == facts


def test_the_document_key_names_the_kind() -> None:
    assert complete_plan().to_dict()["document"] == DocumentKind.PLAN
    assert isinstance(facts_from_dict({"document": "Note"}), NoteFacts)


def test_missing_keys_become_empty_values_for_the_rules_to_report() -> None:
    plan = facts_from_dict({"document": "plan"})
    assert plan == PlanFacts()


@pytest.mark.parametrize(
    ("data", "path"),
    [
        ({}, "document"),
        ({"document": "letter"}, "document"),
        ({"document": "plan", "schema_version": 2}, "schema_version"),
        ({"document": "plan", "client": "Wren"}, "client"),
        ({"document": "plan", "client": {"name": 7}}, "client.name"),
        ({"document": "plan", "client": {"date_of_birth": "14/03/1994"}}, "client.date_of_birth"),
        ({"document": "plan", "session": {"start": "1pm"}}, "session.start"),
        ({"document": "plan", "session": {"telehealth": "fax"}}, "session.telehealth"),
        ({"document": "plan", "problems": {}}, "problems"),
        ({"document": "plan", "problems": [{"objectives": [3]}]}, "problems[0].objectives[0]"),
        (
            {"document": "plan", "problems": [{"goal": {"target_sessions": "15"}}]},
            "problems[0].goal.target_sessions",
        ),
        ({"document": "plan", "signatures": [{"name": "Sol"}]}, "signatures[0].role"),
        ({"document": "note", "billed_codes": "90834"}, "billed_codes"),
        ({"document": "note", "risk_flag": "yes"}, "risk_flag"),
        ({"document": "note", "signed_at": "yesterday"}, "signed_at"),
        ({"document": "note", "service": "massage"}, "service"),
        ({"document": "note", "em_minutes": True}, "em_minutes"),
    ],
)
def test_a_value_of_the_wrong_type_is_refused_with_its_path(
    data: dict[str, Any], path: str
) -> None:
    with pytest.raises(SchemaError) as raised:
        facts_from_dict(data)
    assert raised.value.path == path


def _finding(severity: Severity) -> Finding:
    return Finding("x.y", Category.FORMAT, severity, "m", "f", "s")


def test_findings_are_counted_by_every_severity_and_errors_block_signing() -> None:
    findings = [_finding(Severity.INFO), _finding(Severity.ERROR), _finding(Severity.WARNING)]
    assert count_by_severity(findings) == {"error": 1, "warning": 1, "info": 1}
    assert count_by_severity([]) == {"error": 0, "warning": 0, "info": 0}
    assert blocks_signing(findings)
    assert not blocks_signing(findings[::2][1:])
    assert [f.severity for f in by_severity(findings)] == [
        Severity.ERROR,
        Severity.WARNING,
        Severity.INFO,
    ]


def test_a_finding_serialises_with_the_shared_contract_keys() -> None:
    assert set(_finding(Severity.ERROR).to_dict()) == {
        "code",
        "category",
        "severity",
        "message",
        "field",
        "rule_source",
    }


def test_the_categories_are_the_fixed_list_of_the_design() -> None:
    assert [c.value for c in Category] == [
        "session_details",
        "diagnosis",
        "background",
        "recommendation",
        "clinical_focus",
        "smart",
        "signatures",
        "review",
        "billing",
        "timeliness",
        "golden_thread",
        "risk",
        "format",
    ]
