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
        if not getattr(intake, field) and not _structured(intake, field):
            report.add(code, message, field)
    _check_structured(report, intake)
    check_clinician_signature(report, "intake", intake.signature, "signature", day)
    return report.findings


# The parts of a structured intake: every one must be looked at, none assumed normal.
HISTORY_AREAS = ("psychiatric", "medical", "substance_use", "family", "social", "trauma")
MENTAL_STATUS_DOMAINS = (
    "appearance",
    "behavior",
    "speech",
    "mood",
    "affect",
    "thought_process",
    "thought_content",
    "perception",
    "cognition",
    "insight",
    "judgment",
)


def label(name: str) -> str:
    return name.replace("_", " ")


def _structured(intake: IntakeFacts, field: str) -> bool:
    """Whether the structured form of a free-text part was given (its gaps are told apart)."""
    if field == "history":
        return bool(intake.history_areas)
    if field == "mental_status":
        return bool(intake.mental_status_exam)
    if field == "risk_assessment":
        return intake.risk is not None
    return False


def _check_structured(report: Report, intake: IntakeFacts) -> None:
    if intake.history_areas:
        given = {s.heading for s in intake.history_areas if s.text.strip()}
        for area in HISTORY_AREAS:
            if area not in given:
                report.add(
                    "intake.background.history_area_missing",
                    f"Record the {label(area)} history, or that there is none to report.",
                    f"history_areas.{area}",
                )
    if intake.mental_status_exam:
        seen = {s.heading for s in intake.mental_status_exam if s.text.strip()}
        for domain in MENTAL_STATUS_DOMAINS:
            if domain not in seen:
                report.add(
                    "intake.background.mental_status_domain_missing",
                    f"Describe the client's {label(domain)} as observed; nothing in the mental "
                    "status exam is assumed normal.",
                    f"mental_status_exam.{domain}",
                )
    risk = intake.risk
    if risk is None:
        return
    for question in ("ideation", "plan", "intent"):
        if getattr(risk, question) is None:
            report.add(
                "intake.risk.question_unanswered",
                f"Record whether the client has suicidal or homicidal {question} (yes or no).",
                f"risk.{question}",
            )
    if not risk.protective_factors:
        report.add(
            "intake.risk.protective_factors_missing",
            "Record the client's protective factors (reasons for living, supports, plans).",
            "risk.protective_factors",
        )
    if risk.present and not risk.safety_plan:
        report.add(
            "intake.risk.safety_plan_missing",
            "Risk is present: write the safety plan (warning signs, coping steps, people and "
            "crisis lines to contact, means safety).",
            "risk.safety_plan",
        )
