"""The intake assessment: history, mental status, risk, impressions and a recommendation."""

from __future__ import annotations

from datetime import date

from threadline.rules.codeset import CodeSet
from threadline.rules.diagnosis_rules import check_diagnoses
from threadline.rules.facts import IntakeFacts
from threadline.rules.findings import Finding
from threadline.rules.packs import Pack
from threadline.rules.report import Report
from threadline.rules.session_rules import check_session
from threadline.rules.signature_rules import check_clinician_signature


def check_intake(intake: IntakeFacts, *, pack: Pack, codes: CodeSet, today: date) -> list[Finding]:
    """What the intake lacks for the plan to build on it. `today` is unused for now but part of
    every check's signature, so callers need not know which rules read it."""
    del today
    report = Report(pack)
    day = intake.session.date_of_service
    check_session(report, "intake", intake.session, intake.client, intake.clinician)
    check_diagnoses(report, "intake", intake.diagnoses, codes, day)
    required = (
        (
            "presenting_problem",
            "intake.background.presenting_problem_missing",
            "Describe the presenting problem in the client's words and yours.",
        ),
        (
            "history",
            "intake.background.history_missing",
            "Record the history: how the problem developed, past treatment, medical, family and "
            "social history.",
        ),
        (
            "mental_status",
            "intake.background.mental_status_missing",
            "Record the mental status examination.",
        ),
        (
            "risk_assessment",
            "intake.risk.assessment_missing",
            "Record the risk assessment: suicidal and homicidal ideation, self-harm, history, "
            "protective factors, and the level of risk judged.",
        ),
        (
            "recommendation",
            "intake.recommendation.missing",
            "End with a recommendation: the treatment proposed, its cadence, any referral.",
        ),
    )
    for field, code, message in required:
        if not getattr(intake, field):
            report.add(code, message, field)
    check_clinician_signature(report, "intake", intake.signature, "signature", day)
    return report.findings
