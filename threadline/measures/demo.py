"""Synthetic questionnaire histories for the demo practice.

The clients whose signed plan binds an objective to the GAD-7 (the sample plan: from 16 to 9 or
below) answer it every other session, falling over the months until the target is reached, so
the chart, the objective's progress and the outcomes page all have something true to show.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from threadline.accounts.models import Practice
from threadline.appointments.models import Status as SessionStatus
from threadline.measures import services
from threadline.measures.progress import bound_objectives
from threadline.notes.services import plan_in_force
from threadline.rules.measures import INSTRUMENTS


def answers_for(key: str, total: int, rng: random.Random) -> dict[int, int | None]:
    """Answers adding up to `total`, spread over the items as a real form would be."""
    items = [item for item in INSTRUMENTS[key].items if item.scored]
    values = {item.number: 0 for item in items}
    left = total
    while left:
        item = rng.choice(items)
        if values[item.number] < item.highest:
            values[item.number] += 1
            left -= 1
    if key == "phq9":
        values[9] = 0  # the demo's self-harm answers stay at 0; a live alert comes from the tests
    return dict(values)


def load_measures(practice: Practice, clinician: Any, *, seed: int) -> int:
    rng = random.Random(seed)
    given = 0
    for client in practice.clients.filter(primary_clinician=clinician).order_by("record_number"):
        bound = [b for b in bound_objectives(client, plan_in_force(client, None)) if b.target]
        if not bound:
            continue
        objective = bound[0]
        services.set_schedule(
            clinician, client, objective.instrument, cadence="every_n_sessions", every=2
        )
        sessions = list(
            client.appointments.filter(status=SessionStatus.ATTENDED).order_by("scheduled_start")
        )[::2]
        start = objective.baseline or 16
        goal = (objective.target or 9) - 1  # ends just under the target: reached, not grazed
        for step, session in enumerate(sessions):
            fraction = step / max(len(sessions) - 1, 1)
            total = round(start - (start - goal) * fraction) + rng.choice((-1, 0, 0, 1))
            total = max(0, min(INSTRUMENTS[objective.instrument].max_total, total))
            if step == len(sessions) - 1:
                total = goal
            at: datetime = session.scheduled_start - timedelta(minutes=10)
            services.give_in_session(
                clinician,
                client,
                objective.instrument,
                answers_for(objective.instrument, total, rng),
                appointment=session,
                at=min(at, timezone.now()),
            )
            given += 1
    return given
