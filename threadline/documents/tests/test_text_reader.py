"""The labelled layout, however it is typed: kinds, fields, and format findings by line."""

from __future__ import annotations

from datetime import date, time

import pytest

from threadline.documents import read, read_text
from threadline.rules.billing import Service
from threadline.rules.facts import (
    DischargeFacts,
    DocumentKind,
    IntakeFacts,
    NoteFacts,
    NoteFormat,
    PlanFacts,
    SignerRole,
    Telehealth,
)
from threadline.rules.findings import codes

PLAN_HEADER = """Client Name: Ash Sample
DOB: 01/02/1990
Date: 09/08/2026
Time: 9:00 am - 9:53 am
"""


def _plan(text: str) -> PlanFacts:
    reading = read_text(text)
    assert isinstance(reading.facts, PlanFacts)
    return reading.facts


def _note(text: str) -> NoteFacts:
    reading = read_text(text)
    assert isinstance(reading.facts, NoteFacts)
    return reading.facts


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("TREATMENT PLAN\nClient Name: A", DocumentKind.PLAN),
        ("# Plan of Care\nClient: A", DocumentKind.PLAN),
        ("Client: A\nProblem 1: x\nGoal 1: y\nObjective 1.1: z", DocumentKind.PLAN),
        ("DAP Progress Note\nClient: A", DocumentKind.NOTE),
        ("Client: A\nData: x\nAssessment: y\nPlan: z", DocumentKind.NOTE),
        ("Client: A\nTreatment plan: 09/01/2026\nSubjective: x", DocumentKind.NOTE),
        ("Intake Assessment\nClient: A", DocumentKind.INTAKE),
        ("Discharge Summary\nClient: A", DocumentKind.DISCHARGE),
    ],
)
def test_the_kind_of_document_is_told_from_its_title_or_its_labels(
    text: str, kind: DocumentKind
) -> None:
    assert read_text(text).kind is kind


@pytest.mark.parametrize(
    "name_line",
    [
        "Client Name: Ash Sample",
        "client name: Ash Sample",
        "CLIENT NAME : Ash Sample",
        "- Client Name: Ash Sample",
        "* **Client Name:** Ash Sample",
        "\u2022 Client name \u2013 Ash Sample",
        "| Client Name | Ash Sample |",
        "> Client's name: Ash Sample",
        "  Patient Name:   Ash Sample  ",
    ],
)
def test_labels_are_read_whatever_the_case_spacing_bullets_or_dashes(name_line: str) -> None:
    assert _plan(f"Treatment Plan\n{name_line}").client.name == "Ash Sample"


def test_the_header_gives_the_client_session_and_provider() -> None:
    plan = _plan(
        "Treatment Plan\n" + PLAN_HEADER + "Record #: TL-9\nPayer: Medicaid (state plan)\n"
        "Session location: Telehealth - audio only; client is at work\n"
        "Platform: HIPAA-compliant telephone line\n"
        "Therapist: Kit Sample, LPC-A\n"
    )
    assert (plan.client.date_of_birth, plan.client.record_number, plan.client.payer_pack) == (
        date(1990, 1, 2),
        "TL-9",
        "medicaid",
    )
    session = plan.session
    assert (session.date_of_service, session.start, session.stop) == (
        date(2026, 9, 8),
        time(9, 0),
        time(9, 53),
    )
    assert (session.telehealth, session.client_location, session.hipaa_platform_attested) == (
        Telehealth.AUDIO,
        "work",
        True,
    )
    assert (plan.clinician.name, plan.clinician.credentials, plan.clinician.pre_licensed) == (
        "Kit Sample",
        "LPC-A",
        True,
    )


def test_start_and_stop_may_be_on_their_own_lines() -> None:
    plan = _plan("Treatment Plan\nStart time: 13:03\nEnd time: 13:55")
    assert (plan.session.start, plan.session.stop) == (time(13, 3), time(13, 55))


def test_items_are_placed_by_their_numbers_whatever_their_order() -> None:
    plan = _plan(
        "Treatment Plan\n"
        "Intervention 2-1: DBT - distress tolerance, weekly, by clinician\n"
        "Date: 09/08/2026\n"
        "Problem 2: Self-harm urges\n"
        "Objective 2.1: Self-harm from 4 a month to 0 within 12 weeks\n"
        "Problem 1: Low mood\n"
        "Goal: Back to part-time work, within 90 days or 12 sessions\n"
        "Objective 1: PHQ-9 from 18 to 9 in 12 weeks\n"
        "Measure: PHQ-9, baseline 18, target 9\n"
        "Intervention 1: Behavioral activation: activity scheduling twice a week\n"
        "Goal 2: No self-harm for 8 consecutive weeks\n"
        "Target: 16 sessions\n"
    )
    first, second = plan.problems
    assert (first.id, first.statement, second.id, second.statement) == (
        "1",
        "Low mood",
        "2",
        "Self-harm urges",
    )
    assert first.goal is not None and second.goal is not None
    assert (first.goal.target_date, first.goal.target_sessions) == (date(2026, 12, 7), 12)
    assert second.goal.target_sessions == 16
    assert [o.id for o in first.objectives + second.objectives] == ["1.1", "2.1"]
    assert first.objectives[0].measure is not None
    assert first.objectives[0].measure.baseline == 18
    assert [(i.modality, i.frequency) for i in first.interventions + second.interventions] == [
        ("Behavioral activation", "twice a week"),
        ("DBT", "weekly"),
    ]
    assert second.interventions[0].who == "clinician"


@pytest.mark.parametrize(
    ("lines", "ids"),
    [
        ("Problem 2: x\nObjective 1: a\nObjective 2: b", ["2.1", "2.2"]),
        ("Problem 1: x\nObjective 1.2: a", ["1.2"]),
        ("Objective 1a: a\nObjective 1b: b", ["1a", "1b"]),
        ("Goal 3: g\nObjective: a\nObjective: b", ["3.1", "3.2"]),
    ],
)
def test_objectives_get_the_ids_notes_will_cite(lines: str, ids: list[str]) -> None:
    plan = _plan(f"Treatment Plan\n{lines}")
    assert [o.id for p in plan.problems for o in p.objectives] == ids


def test_a_statement_continues_on_the_following_unlabelled_lines() -> None:
    plan = _plan(
        "Treatment Plan\nDate: 09/08/2026\nProblem 1: Worry\n"
        "Objective 1: Client completes 5 shifts a week within 90\ndays, by shift log.\n"
    )
    objective = plan.problems[0].objectives[0]
    assert objective.statement.endswith("within 90 days, by shift log.")
    assert objective.target_date == date(2026, 12, 7)


def test_background_and_recommendation_are_read_from_sub_labels_or_one_sentence() -> None:
    plan = _plan(
        "Treatment Plan\n## Background\nPresenting problem: Worry at work\n"
        "Symptoms: Restless,\nracing thoughts\nImpact on functioning: Misses shifts\n"
        "Recommendation: Weekly individual CBT, 53-minute sessions, for 16 weeks; "
        "refer to primary care for a medication evaluation.\n"
    )
    assert plan.background.symptoms == "Restless, racing thoughts"
    assert plan.background.functional_impact == "Misses shifts"
    rec = plan.recommendation
    assert (rec.frequency, rec.duration, rec.session_minutes, rec.service_type) == (
        "Weekly",
        "for 16 weeks",
        53,
        "individual",
    )
    assert rec.modality.startswith("Weekly individual CBT")
    assert "medication evaluation" in rec.medication_evaluation


def test_diagnoses_under_a_heading_are_read_line_by_line() -> None:
    plan = _plan("Treatment Plan\nDiagnoses:\n- F41.1 Generalized anxiety disorder\n- Z56.6 Work")
    assert [d.code for d in plan.diagnoses] == ["F41.1", "Z56.6"]


def test_signatures_are_read_by_role_and_a_blank_line_is_no_signature() -> None:
    plan = _plan(
        "Treatment Plan\n"
        "Client Signature and Date: ____________\n"
        "Telehealth attestation: Client reviewed and agreed to the plan by video.\n"
        "Clinician Signature and Date: Sol Example, LCSW 09/08/2026\n"
        "Supervisor Signature: Ren Case, LCSW 09/09/2026\n"
    )
    assert [s.role for s in plan.signatures] == [
        SignerRole.TELEHEALTH_ATTESTATION,
        SignerRole.CLINICIAN,
        SignerRole.SUPERVISOR,
    ]
    assert (plan.clinician.name, plan.clinician.credentials) == ("Sol Example", "LCSW")


def test_a_note_gives_its_service_codes_plan_link_and_narrative() -> None:
    note = _note(
        "SOAP Progress Note\nDate of service: 09/15/2026\nTime: 2:00-2:53 pm\n"
        "CPT: 90837-95, +90785\nTreatment plan: dated 09/08/2026, through 12/07/2026; "
        "objectives 1.1, 2.1\nS: Slept better.\nO: Calm, on time.\n"
        "A: Used cognitive restructuring; progress on Objective 1.1.\nP: Continue weekly.\n"
        "Risk flag: yes\nRisk: Passive thoughts of death, no plan; safety plan reviewed.\n"
        "Clinician signature: Sol Example, LCSW 09/15/2026 5:05 pm\n"
    )
    assert note.format is NoteFormat.SOAP
    assert (note.service, note.billed_codes, note.interactive_complexity) == (
        Service.PSYCHOTHERAPY,
        ("90837",),
        True,
    )
    assert note.plan is not None
    assert (note.plan.effective_date, note.plan.end_date, note.plan.objective_ids) == (
        date(2026, 9, 8),
        date(2026, 12, 7),
        ("1.1", "2.1"),
    )
    assert note.objectives_addressed == ("1.1",)
    assert [s.heading for s in note.sections] == ["subjective", "objective", "assessment", "plan"]
    assert note.risk_flag and note.risk_assessment.startswith("Passive")
    assert note.signed_at is not None and note.signed_at.hour == 17


def test_an_intake_is_read_from_its_labels() -> None:
    reading = read_text(
        "Intake Assessment\nClient: Ash Sample\nPresenting problem: Worry\n"
        "Psychiatric history: None\nSocial history: Lives alone\nMSE: Alert, anxious\n"
        "Risk assessment: Low\nDiagnostic impressions: F41.1 GAD\nRecommendations: Weekly CBT\n"
    )
    intake = reading.facts
    assert isinstance(intake, IntakeFacts)
    assert intake.history == "None Lives alone"
    assert [d.code for d in intake.diagnoses] == ["F41.1"]
    assert (intake.mental_status, intake.recommendation) == ("Alert, anxious", "Weekly CBT")


def test_a_discharge_summary_is_read_with_outcomes_per_objective() -> None:
    reading = read_text(
        "Discharge Summary\nClient: Ash Sample\nDischarge date: 01/12/2027\n"
        "Reason for discharge: Goals met\nTreatment plan: 09/08/2026 (objectives 1.1, 2.1)\n"
        "Outcomes:\n1.1: met - PHQ-9 18 to 6\n2.1 partly met\nAftercare: Call to return\n"
    )
    discharge = reading.facts
    assert isinstance(discharge, DischargeFacts)
    assert discharge.discharge_date == date(2027, 1, 12)
    assert [(o.objective_id, o.status) for o in discharge.outcomes] == [
        ("1.1", "met"),
        ("2.1", "partly met"),
    ]


# (what is wrong, the text, the format codes, the line they name)
FORMAT_CASES: list[tuple[str, str, list[str], str]] = [
    ("an empty file", "   \n\n", ["format.empty"], "file"),
    ("a text of no known kind", "Dear colleague,\nthanks.", ["format.kind_unknown"], "file"),
    (
        "a date it cannot read",
        "Treatment Plan\nDate: the 8th",
        ["format.date_unreadable"],
        "line 2",
    ),
    (
        "a time it cannot read",
        "Treatment Plan\nClient: A\nTime: after lunch",
        ["format.time_unreadable"],
        "line 3",
    ),
    (
        "a session length that is no number",
        "Treatment Plan\nSession length: about an hour",
        ["format.number_unreadable"],
        "line 2",
    ),
    (
        "a target before any problem",
        "Treatment Plan\nTarget: 12/01/2026",
        ["format.item_unplaced"],
        "line 2",
    ),
    (
        "a label the reader does not know",
        "Treatment Plan\nStrengths: humour",
        ["format.label_unknown"],
        "line 2",
    ),
]


@pytest.mark.parametrize(
    ("text", "expected", "field"),
    [case[1:] for case in FORMAT_CASES],
    ids=[case[0] for case in FORMAT_CASES],
)
def test_what_cannot_be_read_is_a_format_finding_naming_the_line(
    text: str, expected: list[str], field: str
) -> None:
    findings = read_text(text).findings
    assert codes(findings) == expected
    assert [f.field for f in findings] == [field]


# (what is wrong, the bytes, the file name, the format codes)
BYTES_CASES: list[tuple[str, bytes, str, list[str]]] = [
    ("bytes that are not UTF-8", b"Treatment Plan\nClient: A\xff\n", "x.txt", ["format.encoding"]),
    ("malformed JSON", b'{"document": "plan",', "x.json", ["format.json_invalid"]),
    ("JSON that is not an object", b"[1, 2]", "x.json", ["format.json_schema"]),
    (
        "JSON with a wrong type",
        b'{"document": "plan", "version": "one"}',
        "x.json",
        ["format.json_schema"],
    ),
    ("a file far too large", b"a" * 1_000_001, "x.txt", ["format.too_large"]),
]


@pytest.mark.parametrize(
    ("data", "name", "expected"),
    [case[1:] for case in BYTES_CASES],
    ids=[case[0] for case in BYTES_CASES],
)
def test_unreadable_bytes_and_json_are_format_findings(
    data: bytes, name: str, expected: list[str]
) -> None:
    assert codes(read(data, name=name).findings) == expected


def test_a_json_schema_finding_names_the_path() -> None:
    (finding,) = read(b'{"document": "plan", "client": {"name": 3}}', name="p.json").findings
    assert finding.field == "client.name"


def test_fields_read_are_reported_by_their_paths() -> None:
    reading = read_text("Treatment Plan\nClient Name: Ash Sample\nDate: 09/08/2026")
    assert reading.fields == {
        "version": "1",
        "client.name": "Ash Sample",
        "session.date_of_service": "2026-09-08",
    }
