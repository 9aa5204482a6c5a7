"""A client record with something in every part the API reads, and tokens for its people."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from threadline.api import tokens
from threadline.clients.models import Client
from threadline.measures import services as measures
from threadline.measures.models import Administration
from threadline.notes import services as notes
from threadline.notes.models import Note
from threadline.notes.tests.factories import attended, signed_plan
from threadline.plans.models import PlanVersion

# Eight items at 1 and the ninth at 0: a PHQ-9 of 8, mild, with no safety alert.
PHQ9_MILD = dict.fromkeys(range(1, 9), 1) | {9: 0}


def signed_plan_for(client: Client) -> PlanVersion:
    return signed_plan(client)


def note_for(client: Client, *, days_ago: int = 1) -> Note:
    """A progress note drafted for an attended session."""
    return notes.start_note(client.primary_clinician, attended(client, days_ago=days_ago))


def measure_for(client: Client) -> Administration:
    return measures.give_in_session(client.primary_clinician, client, "phq9", PHQ9_MILD)


@dataclass(frozen=True)
class Record:
    plan: PlanVersion
    note: Note
    measure: Administration


def full_record(client: Client) -> Record:
    plan = signed_plan_for(client)
    return Record(plan=plan, note=note_for(client), measure=measure_for(client))


def bearer(user: Any) -> dict[str, str]:
    """Request headers carrying a fresh token of `user`."""
    issued = tokens.create_token(user, name="tests")
    return {"Authorization": f"Bearer {issued.secret}"}
