"""Objectives bound to a measure, read against the scores: where each one stands."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from threadline.clients.models import Client
from threadline.measures.models import Administration, State
from threadline.notes.checks import plan_objectives
from threadline.plans.models import PlanVersion
from threadline.rules.measures import INSTRUMENTS, target_reached

# Plans name instruments as clinicians write them ("GAD-7"); scores are stored by key ("gad7").
KEY_BY_NAME = {form.name.casefold(): key for key, form in INSTRUMENTS.items()}


def key_of(name: str) -> str | None:
    return KEY_BY_NAME.get(name.strip().casefold()) or (name if name in INSTRUMENTS else None)


@dataclass(frozen=True)
class BoundObjective:
    objective_id: str
    label: str
    instrument: str  # the key
    baseline: int | None
    target: int | None
    latest: int | None
    latest_on: date | None
    reached_on: date | None  # the first complete score at or below the target

    @property
    def status(self) -> str:
        if self.latest is None:
            return "no score yet"
        if self.reached_on is not None:
            return "target reached"
        return "working toward the target"

    @property
    def proposes_met(self) -> bool:
        """Reaching the target proposes "met"; the clinician confirms it in a note."""
        return self.reached_on is not None


def _meets(key: str, administration: Administration, target: int | None) -> bool:
    if target is None or administration.total is None:
        return False
    try:
        return bool(target_reached(key, administration.total, target))
    except ValueError:
        return False  # a target outside the instrument's range; the plan's SMART lint says so


def bound_objectives(client: Client, plan: PlanVersion | None) -> list[BoundObjective]:
    if plan is None:
        return []
    measures = {}
    for problem in plan.content.get("problems") or []:
        for objective in problem.get("objectives") or []:
            binding = objective.get("measure")
            if isinstance(binding, dict) and binding.get("instrument"):
                measures[objective.get("id")] = binding
    scores = list(
        Administration.objects.filter(client=client, state=State.COMPLETE).order_by("answered_at")
    )
    found = []
    for objective in plan_objectives(plan):
        binding = measures.get(objective.id)
        key = key_of(binding["instrument"]) if binding else None
        if binding is None or key is None:
            continue
        own = [s for s in scores if s.instrument == key]
        target = binding.get("target") if isinstance(binding.get("target"), int) else None
        reached = next((s for s in own if _meets(key, s, target)), None)
        latest = own[-1] if own else None
        found.append(
            BoundObjective(
                objective_id=objective.id,
                label=objective.label,
                instrument=key,
                baseline=binding.get("baseline")
                if isinstance(binding.get("baseline"), int)
                else None,
                target=target,
                latest=latest.total if latest else None,
                latest_on=latest.answered_on if latest else None,
                reached_on=reached.answered_on if reached else None,
            )
        )
    return found
