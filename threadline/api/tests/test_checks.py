"""Checking a document through the API gives exactly what the rules give; bad input is a 422."""

from __future__ import annotations

import copy
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from threadline.accounts.models import User
from threadline.api.tests.factories import bearer
from threadline.documents import read_text
from threadline.icd import load_default
from threadline.rules.billing import Encounter, Service, code_for
from threadline.rules.codeset import CodeSet
from threadline.rules.compliance import check
from threadline.rules.facts import facts_from_dict
from threadline.rules.findings import by_severity
from threadline.rules.packs import load_pack

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"
TODAY = date(2026, 9, 20)


def _example_plan() -> dict[str, Any]:
    plan: dict[str, Any] = json.loads((EXAMPLES / "plan.json").read_text())
    return plan


def _post(name: str, body: Any, headers: dict[str, str], **query: str) -> Any:
    url = reverse(name)
    if query:
        url += "?" + "&".join(f"{key}={value}" for key, value in query.items())
    return HttpClient().post(
        url, json.dumps(body), content_type="application/json", headers=headers
    )


def test_a_plan_gets_the_findings_the_rules_give(owner: User) -> None:
    plan = _example_plan()
    del plan["session"]["stop"]
    plan["problems"][0]["objectives"][0]["statement"] = "Client will feel better about work."
    response = _post("api:findings_plan", plan, bearer(owner), today=TODAY.isoformat())
    assert response.status_code == 200
    expected = by_severity(
        check(facts_from_dict(plan), pack=load_pack("medicare"), codes=load_default(), today=TODAY)
    )
    answer = response.json()
    assert answer["findings"] == [finding.to_dict() for finding in expected]
    assert {"plan.session.stop_time_missing", "smart.objective_vague"} <= {
        f["code"] for f in answer["findings"]
    }
    assert (answer["document"], answer["pack"], answer["blocks_signing"]) == (
        "plan",
        "medicare",
        True,
    )
    assert answer["summary"]["error"] == sum(1 for f in expected if f.severity == "error")


def test_the_pack_can_be_chosen(owner: User) -> None:
    plan = _example_plan()
    response = _post("api:findings_plan", plan, bearer(owner), pack="medicaid", today="2026-09-20")
    expected = by_severity(
        check(facts_from_dict(plan), pack=load_pack("medicaid"), codes=load_default(), today=TODAY)
    )
    assert response.json()["pack"] == "medicaid"
    assert response.json()["findings"] == [finding.to_dict() for finding in expected]


def test_the_document_key_may_be_left_out(owner: User) -> None:
    plan = _example_plan()
    without = {key: value for key, value in plan.items() if key != "document"}
    headers = bearer(owner)
    assert (
        _post("api:findings_plan", without, headers, today="2026-09-20").json()
        == _post("api:findings_plan", plan, headers, today="2026-09-20").json()
    )


def test_a_note_gets_the_findings_the_rules_give(owner: User) -> None:
    facts = read_text((EXAMPLES / "note-late.txt").read_text()).facts
    assert facts is not None
    body = facts.to_dict()
    response = _post("api:findings_note", body, bearer(owner), today="2026-09-20")
    assert response.status_code == 200
    expected = by_severity(
        check(
            facts_from_dict(copy.deepcopy(body)),
            pack=load_pack("default"),
            codes=CodeSet("none", date.min, date.max, {}),
            today=TODAY,
        )
    )
    assert response.json()["document"] == "note"
    assert response.json()["findings"] == [finding.to_dict() for finding in expected]
    assert any(f.code.startswith("note.timeliness.") for f in expected)


@pytest.mark.parametrize(
    ("name", "body", "query", "field"),
    [
        (
            "api:findings_plan",
            {"problems": [{"goal": {"target_sessions": "many"}}]},
            {},
            "body.problems[0].goal.target_sessions",
        ),
        ("api:findings_plan", {"document": "note"}, {}, "body.document"),
        ("api:findings_note", {"document": "plan"}, {}, "body.document"),
        ("api:findings_plan", {"document": "letter"}, {}, "body.document"),
        ("api:findings_plan", {}, {"pack": "nowhere"}, "query.pack"),
        ("api:findings_plan", {}, {"today": "1800-01-01"}, "query.today"),
        ("api:findings_plan", [1, 2], {}, "body"),
        ("api:findings_note", "a note", {}, "body"),
    ],
)
def test_a_document_that_cannot_be_checked_is_a_422_naming_the_field(
    owner: User, name: str, body: Any, query: dict[str, str], field: str
) -> None:
    response = _post(name, body, bearer(owner), **query)
    assert response.status_code == 422, response.content
    error = response.json()["error"]
    assert (error["status"], error["code"]) == (422, "invalid")
    assert error["message"]
    assert field in [detail["field"] for detail in error["details"]]


def test_a_billing_code_comes_with_its_reasons(owner: User) -> None:
    response = HttpClient().get(
        reverse("api:billing_codes"),
        {"service": "psychotherapy", "minutes": "53", "place": "home", "telehealth": "video"},
        headers=bearer(owner),
    )
    assert response.status_code == 200
    expected = code_for(
        Encounter(service=Service.PSYCHOTHERAPY, minutes=53, place="home", telehealth="video")
    )
    assert response.json() == expected.to_dict()
    assert response.json()["primary"] == "90837"


def test_a_session_too_short_for_any_code_is_answered_with_the_refusal(owner: User) -> None:
    response = HttpClient().get(
        reverse("api:billing_codes"),
        {"service": "psychotherapy", "minutes": "5"},
        headers=bearer(owner),
    )
    assert response.status_code == 200
    assert response.json()["primary"] is None
    assert response.json()["refusal"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"service": "massage", "minutes": "53"}, "query.service"),
        ({"service": "psychotherapy", "minutes": "-1"}, "query.minutes"),
        ({"service": "psychotherapy", "minutes": "lots"}, "query.minutes"),
        ({"service": "psychotherapy"}, "query.minutes"),
    ],
)
def test_an_unknown_service_or_bad_minutes_is_a_422(
    owner: User, query: dict[str, str], field: str
) -> None:
    response = HttpClient().get(reverse("api:billing_codes"), query, headers=bearer(owner))
    assert response.status_code == 422
    assert [detail["field"] for detail in response.json()["error"]["details"]] == [field]


def test_session_facts_that_cannot_go_together_are_a_422_with_the_reason(owner: User) -> None:
    response = HttpClient().get(
        reverse("api:billing_codes"),
        {"service": "em", "minutes": "30", "em_minutes": "30"},
        headers=bearer(owner),
    )
    assert response.status_code == 422
    assert "em_minutes" in response.json()["error"]["message"]
