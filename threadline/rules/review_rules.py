"""Plan review: its age against the pack's interval, the prescriber cycle, Medicare's year."""

from __future__ import annotations

from datetime import date

from threadline.rules import cadence
from threadline.rules.facts import PlanFacts
from threadline.rules.report import Report


def check_review(report: Report, plan: PlanFacts, today: date) -> None:
    """Judged on `today`, the day the plan would support a session."""
    start = plan.effective
    if start is None:
        return  # the missing date of service is already reported
    pack = report.pack
    age = (today - start).days
    if age > pack.review_interval_days:
        report.add(
            "plan.review.overdue",
            f"This plan took effect {start.isoformat()}, {age} days ago; this payer expects a "
            f"review every {pack.review_interval_days} days. Review it with the client and sign "
            "a new version.",
            "effective_date",
        )
    prescriber_interval = pack.prescriber_review_interval_days
    # Reported beside an overdue review, not instead of it: the two come from different sources.
    if plan.clinician.prescriber and not plan.medication_management and age > prescriber_interval:
        report.add(
            "plan.review.prescriber_interval",
            f"A prescriber seeing the client for therapy alone needs a plan at least twice a "
            f"year; this one is {age} days old.",
            "effective_date",
        )
    if plan.previous_plan_date is not None:
        gap = (start - plan.previous_plan_date).days
        if gap > pack.review_interval_days:
            report.add(
                "plan.review.revision_late",
                f"This version came {gap} days after the previous one "
                f"({plan.previous_plan_date.isoformat()}); reviews are due every "
                f"{pack.review_interval_days} days, so services in between lacked a current plan.",
                "previous_plan_date",
            )
    _check_medicare_year(report, plan, start, age)


def _check_medicare_year(report: Report, plan: PlanFacts, start: date, age: int) -> None:
    pack = report.pack
    if pack.max_plan_age_days is not None and age > pack.max_plan_age_days:
        report.add(
            "plan.review.medicare_plan_expired",
            f"This plan is {age} days old; Medicare pays for psychotherapy only under a plan "
            f"dated within {pack.max_plan_age_days} days before the date of service. Make a new "
            "plan.",
            "effective_date",
        )
    limit = pack.max_plan_duration_days
    if limit is None:
        return
    for days, what, field in _durations(plan, start):
        if days > limit:
            report.add(
                "plan.review.medicare_duration_over_year",
                f"The {what} runs {days} days; Medicare wants a plan's duration and target dates "
                "within a year.",
                field,
            )


def _durations(plan: PlanFacts, start: date) -> list[tuple[int, str, str]]:
    """How long each part of the plan says it runs, in days from its start."""
    rec = plan.recommendation
    found: list[tuple[int, str, str]] = []
    if plan.end_date is not None:
        found.append(((plan.end_date - start).days, "plan", "end_date"))
    elif (days := cadence.duration_days(rec.duration, rec.frequency)) is not None:
        found.append((days, "recommended duration", "recommendation.duration"))
    between = cadence.frequency_days(rec.frequency)
    for index, problem in enumerate(plan.problems):
        goal = problem.goal
        if goal is None:
            continue
        field = f"problems[{index}].goal"
        if goal.target_date is not None:
            found.append(((goal.target_date - start).days, "goal", f"{field}.target_date"))
        elif goal.target_sessions is not None and between is not None:
            days = round(goal.target_sessions * between)
            found.append((days, "goal", f"{field}.target_sessions"))
        for number, objective in enumerate(problem.objectives):
            if objective.target_date is not None:
                found.append(
                    (
                        (objective.target_date - start).days,
                        "objective",
                        f"problems[{index}].objectives[{number}].target_date",
                    )
                )
    return found
