"""The treatment plan: the six things payers and accreditors look for (DOMAIN.md)."""

from __future__ import annotations

from collections.abc import Set
from datetime import date

from threadline.rules import cadence, modalities, smart
from threadline.rules.codeset import CodeSet
from threadline.rules.diagnosis_rules import check_diagnoses
from threadline.rules.facts import PlanFacts, Problem, SignerRole
from threadline.rules.findings import Finding
from threadline.rules.packs import Pack
from threadline.rules.report import Report
from threadline.rules.review_rules import check_review
from threadline.rules.session_rules import check_session
from threadline.rules.signature_rules import check_clinician_signature, check_signature_date


def check_plan(
    plan: PlanFacts,
    *,
    pack: Pack,
    codes: CodeSet,
    today: date,
    known_texts: Set[str] = frozenset(),
) -> list[Finding]:
    """Everything an auditor would reject in this plan version, as findings.

    `known_texts` holds library entries and other plans' goals and objectives, normalised with
    `smart.known_set`, so text copied unchanged is reported.
    """
    report = Report(pack)
    check_session(report, "plan", plan.session, plan.client, plan.clinician)
    check_diagnoses(report, "plan", plan.diagnoses, codes, plan.session.date_of_service)
    _check_background(report, plan)
    _check_recommendation(report, plan)
    _check_focus(report, plan, frozenset(known_texts))
    _check_signatures(report, plan)
    check_review(report, plan, today)
    return report.findings


def _check_background(report: Report, plan: PlanFacts) -> None:
    background = plan.background
    if not background.presenting_problem:
        report.add(
            "plan.background.presenting_problem_missing",
            "Describe the presenting problem: what brought the client in, in brief.",
            "background.presenting_problem",
        )
    if not background.symptoms:
        report.add(
            "plan.background.symptoms_missing",
            "List the specific symptoms (against the DSM-5-TR criteria of the diagnosis).",
            "background.symptoms",
        )
    if not background.functional_impact:
        report.add(
            "plan.background.functional_impact_missing",
            "Say how the symptoms affect daily functioning: work, school, relationships, "
            "self-care.",
            "background.functional_impact",
        )


def _check_recommendation(report: Report, plan: PlanFacts) -> None:
    rec = plan.recommendation
    field = "recommendation"
    if not rec.modality:
        report.add(
            "plan.recommendation.modality_missing",
            "Name the therapeutic modality recommended (e.g. individual CBT).",
            f"{field}.modality",
        )
    if not rec.frequency:
        report.add(
            "plan.recommendation.frequency_missing",
            "Say how often sessions will be held (e.g. weekly).",
            f"{field}.frequency",
        )
    elif cadence.frequency_days(rec.frequency) is None:
        report.add(
            "plan.recommendation.frequency_not_explicit",
            f'"{rec.frequency}" is not an explicit frequency; Medicare wants one such as weekly '
            "or every 2 weeks.",
            f"{field}.frequency",
        )
    if not rec.duration and plan.end_date is None:
        report.add(
            "plan.recommendation.duration_missing",
            "Give the expected duration of treatment (e.g. 6 months or 16 sessions).",
            f"{field}.duration",
        )
    elif plan.end_date is None and cadence.duration_days(rec.duration, rec.frequency) is None:
        report.add(
            "plan.recommendation.duration_not_explicit",
            f'"{rec.duration}" is not an explicit duration; Medicare wants one such as 6 months '
            "or 16 weekly sessions.",
            f"{field}.duration",
        )
    if not rec.medication_evaluation and not rec.referrals:
        report.add(
            "plan.recommendation.medication_or_referral_missing",
            "Say whether a medication evaluation or a referral is recommended, even if none is.",
            f"{field}.medication_evaluation",
        )
    if not rec.service_type:
        report.add(
            "plan.recommendation.type_missing",
            "State the type of therapy: individual, group or family psychotherapy.",
            f"{field}.service_type",
        )
    if rec.session_minutes is None:
        report.add(
            "plan.recommendation.amount_missing",
            "State the amount: the planned length of each session in minutes.",
            f"{field}.session_minutes",
        )


def _check_focus(report: Report, plan: PlanFacts, known: frozenset[str]) -> None:
    count, pack = len(plan.problems), report.pack
    if count == 0:
        report.add(
            "plan.focus.none",
            "Add the areas of clinical focus: each a problem with its goal, objectives and "
            "interventions.",
            "problems",
        )
    elif count < pack.min_problem_areas:
        report.add(
            "plan.focus.too_few",
            f"The plan has {count} area of clinical focus; most clients need "
            f"{pack.min_problem_areas} to {pack.max_problem_areas} to cover what the assessment "
            "found.",
            "problems",
        )
    elif count > pack.max_problem_areas:
        report.add(
            "plan.focus.too_many",
            f"The plan has {count} areas of clinical focus; keep to {pack.min_problem_areas} to "
            f"{pack.max_problem_areas} and carry the rest to a later revision.",
            "problems",
        )
    seen: set[str] = set()
    for index, problem in enumerate(plan.problems):
        _check_problem(report, plan, problem, index, known, seen)


def _check_problem(
    report: Report,
    plan: PlanFacts,
    problem: Problem,
    index: int,
    known: frozenset[str],
    seen: set[str],
) -> None:
    # Numbered as the clinician sees the plan (Problem 1, 2...); stable ids are for notes.
    field = f"problems[{index}]"
    label = f"Problem {index + 1}"
    if not problem.statement:
        report.add(
            "plan.focus.statement_missing",
            f"{label} needs a short statement of the problem in the client's terms.",
            f"{field}.statement",
        )
    goal = problem.goal
    if goal is None or not goal.statement:
        report.add(
            "plan.focus.goal_missing", f"{label} needs a clearly defined goal.", f"{field}.goal"
        )
    else:
        if goal.target_date is None and goal.target_sessions is None:
            report.add(
                "plan.focus.goal_target_missing",
                f"Give the goal of {label.lower()} a target date or a number of sessions "
                "(e.g. within 120 days or 15 sessions).",
                f"{field}.goal.target_date",
            )
        _check_target_date(report, plan, goal.target_date, f"{field}.goal.target_date")
        smart.lint_goal(report, goal, f"{field}.goal", known)
    if not problem.objectives:
        report.add(
            "plan.focus.objective_missing",
            f"{label} needs at least one measurable objective.",
            f"{field}.objectives",
        )
    for number, objective in enumerate(problem.objectives):
        where = f"{field}.objectives[{number}]"
        _check_objective_id(report, objective.id, where, seen)
        _check_target_date(report, plan, objective.target_date, f"{where}.target_date")
        smart.lint_objective(report, objective, where, known)
    _check_interventions(report, problem, field, label)


def _check_objective_id(report: Report, objective_id: str, field: str, seen: set[str]) -> None:
    # Notes cite objectives by id across plan versions, so an id must exist and be unique.
    if not objective_id:
        report.add(
            "plan.golden_thread.objective_id_missing",
            "Give this objective an id so progress notes can cite it.",
            f"{field}.id",
        )
    elif objective_id in seen:
        report.add(
            "plan.golden_thread.objective_id_duplicate",
            f"Objective id {objective_id} is used twice; notes could not tell them apart.",
            f"{field}.id",
        )
    seen.add(objective_id)


def _check_target_date(report: Report, plan: PlanFacts, target: date | None, field: str) -> None:
    start = plan.effective
    if target is not None and start is not None and target <= start:
        report.add(
            "plan.focus.target_date_not_after_plan",
            f"The target date {target.isoformat()} is not after the plan's start "
            f"{start.isoformat()}; set a date ahead.",
            field,
        )


def _check_interventions(report: Report, problem: Problem, field: str, label: str) -> None:
    if not problem.interventions:
        report.add(
            "plan.focus.intervention_missing",
            f"{label} needs at least one intervention: the modality, what the clinician does and "
            "how often.",
            f"{field}.interventions",
        )
        return
    if not any(
        modalities.names_a_modality(f"{item.modality} {item.description}", field=True)
        for item in problem.interventions
    ):
        report.add(
            "plan.focus.modality_not_listed",
            f"No intervention for {label.lower()} names an evidence-based modality (e.g. CBT, "
            "ACT, DBT, behavioral activation, EMDR); name the one used.",
            f"{field}.interventions[0].modality",
        )


def _check_signatures(report: Report, plan: PlanFacts) -> None:
    day = plan.session.date_of_service
    clinicians = [
        index for index, s in enumerate(plan.signatures) if s.role is SignerRole.CLINICIAN
    ]
    if not clinicians:
        check_clinician_signature(report, "plan", None, "signatures", day)
    for index in clinicians:
        check_clinician_signature(
            report, "plan", plan.signatures[index], f"signatures[{index}]", day
        )
    for index, signature in enumerate(plan.signatures):
        if signature.role is not SignerRole.CLINICIAN:
            check_signature_date(report, "plan", signature, f"signatures[{index}]", day)
    _check_client_agreement(report, plan)
    if plan.clinician.pre_licensed and not plan.signatures_by(SignerRole.SUPERVISOR):
        report.add(
            "plan.signature.supervisor_missing",
            "The clinician is pre-licensed: their supervisor must review and co-sign the plan.",
            "signatures",
        )


def _check_client_agreement(report: Report, plan: PlanFacts) -> None:
    if plan.signatures_by(SignerRole.CLIENT):
        return
    pack = report.pack
    attested = bool(plan.signatures_by(SignerRole.TELEHEALTH_ATTESTATION))
    if attested and plan.session.is_telehealth and pack.telehealth_attestation_accepted:
        return
    if not pack.client_signature_required:
        report.add(
            "plan.signature.client_recommended",
            "Have the client sign the plan (or attest, for telehealth, that they reviewed and "
            "agreed to it); it is best practice even where the payer does not require it.",
            "signatures",
        )
        return
    why = ""
    if attested:
        why = (
            " A telehealth attestation is not accepted by this payer."
            if plan.session.is_telehealth
            else " A telehealth attestation applies only to a telehealth session."
        )
    report.add(
        "plan.signature.client_missing",
        f"This payer requires the client's (or guardian's) signature on the plan.{why}",
        "signatures",
    )
