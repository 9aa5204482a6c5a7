"""Small, named edits to the complete documents in factories.py, for table-driven rule tests."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from threadline.rules.facts import PlanFacts, Problem, SessionDetails, SignatureFacts


def days(number: int) -> timedelta:
    return timedelta(days=number)


def session(facts: Any, **changes: Any) -> Any:
    """Change the session of any document that has one."""
    return replace(facts, session=replace(facts.session, **changes))


def client(facts: Any, **changes: Any) -> Any:
    return replace(facts, client=replace(facts.client, **changes))


def clinician(facts: Any, **changes: Any) -> Any:
    return replace(facts, clinician=replace(facts.clinician, **changes))


def background(plan: PlanFacts, **changes: Any) -> PlanFacts:
    return replace(plan, background=replace(plan.background, **changes))


def recommendation(plan: PlanFacts, **changes: Any) -> PlanFacts:
    return replace(plan, recommendation=replace(plan.recommendation, **changes))


def problem(plan: PlanFacts, index: int = 0, **changes: Any) -> PlanFacts:
    problems = list(plan.problems)
    problems[index] = replace(problems[index], **changes)
    return replace(plan, problems=tuple(problems))


def goal(plan: PlanFacts, index: int = 0, **changes: Any) -> PlanFacts:
    current = plan.problems[index].goal
    assert current is not None
    return problem(plan, index, goal=replace(current, **changes))


def objective(plan: PlanFacts, index: int = 0, **changes: Any) -> PlanFacts:
    first: Problem = plan.problems[index]
    objectives = (replace(first.objectives[0], **changes), *first.objectives[1:])
    return problem(plan, index, objectives=objectives)


def intervention(plan: PlanFacts, index: int = 0, **changes: Any) -> PlanFacts:
    first = plan.problems[index]
    interventions = (replace(first.interventions[0], **changes), *first.interventions[1:])
    return problem(plan, index, interventions=interventions)


def signatures(plan: PlanFacts, *kept: SignatureFacts) -> PlanFacts:
    return replace(plan, signatures=kept)


def signature(plan: PlanFacts, index: int, **changes: Any) -> PlanFacts:
    changed = list(plan.signatures)
    changed[index] = replace(changed[index], **changes)
    return replace(plan, signatures=tuple(changed))


def telehealth_session(day: date, **changes: Any) -> SessionDetails:
    from threadline.rules.tests.factories import VIDEO_FROM_HOME

    return replace(VIDEO_FROM_HOME, date_of_service=day, **changes)
