"""The discharge summary: why the episode ends and where each plan objective stands."""

from __future__ import annotations

from datetime import date

from threadline.rules.facts import DischargeFacts
from threadline.rules.findings import Finding
from threadline.rules.packs import Pack
from threadline.rules.report import Report
from threadline.rules.session_rules import check_identity
from threadline.rules.signature_rules import check_clinician_signature


def check_discharge(discharge: DischargeFacts, *, pack: Pack, today: date) -> list[Finding]:
    """What the summary lacks to close the episode against the plan. `today` is unused for now
    but part of every check's signature."""
    del today
    report = Report(pack)
    check_identity(report, "discharge", discharge.client, discharge.clinician)
    if discharge.discharge_date is None:
        report.add("discharge.session.date_missing", "Add the date of discharge.", "discharge_date")
    if not discharge.reason:
        report.add(
            "discharge.background.reason_missing",
            "Say why treatment ends: goals met, client's choice, transfer, no contact...",
            "reason",
        )
    _check_outcomes(report, discharge)
    if not discharge.aftercare:
        report.add(
            "discharge.recommendation.aftercare_missing",
            "Record the aftercare: referrals, the relapse-prevention plan, and how to return.",
            "aftercare",
        )
    day = discharge.discharge_date
    check_clinician_signature(report, "discharge", discharge.signature, "signature", day)
    return report.findings


def _check_outcomes(report: Report, discharge: DischargeFacts) -> None:
    plan = discharge.plan
    if plan is None:
        report.add(
            "discharge.golden_thread.plan_missing",
            "Name the treatment plan this episode followed, so outcomes read against it.",
            "plan",
        )
    outcomes = {outcome.objective_id: outcome for outcome in discharge.outcomes}
    for objective_id in plan.objective_ids if plan is not None else ():
        if objective_id not in outcomes:
            report.add(
                "discharge.golden_thread.outcome_missing",
                f"Say where objective {objective_id} stands at discharge: met, partly met or "
                "not met, with the last measure.",
                "outcomes",
            )
    for index, outcome in enumerate(discharge.outcomes):
        if not outcome.status:
            report.add(
                "discharge.golden_thread.outcome_status_missing",
                f"Give objective {outcome.objective_id or index + 1} its status: met, partly "
                "met or not met.",
                f"outcomes[{index}].status",
            )
