"""Sessions, plans and notes for the notes tests: synthetic, relative to today."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from django.utils import timezone

from threadline.appointments import services as appointments
from threadline.appointments.models import Appointment, Status
from threadline.clients.models import Client
from threadline.plans import services as plans
from threadline.plans.models import PlanVersion
from threadline.plans.samples import complete_plan


def attended(
    client: Client,
    *,
    days_ago: int = 1,
    service: str = "psychotherapy",
    start: datetime | None = None,
) -> Appointment:
    """A session at 10 am `days_ago` days back (or at `start`), marked attended."""
    clinician = client.primary_clinician
    day = timezone.localdate() - timedelta(days=days_ago)
    appointment = appointments.schedule(
        clinician,
        client,
        {
            "clinician": clinician,
            "scheduled_start": start or timezone.make_aware(datetime.combine(day, time(10))),
            "service": service,
        },
    )
    return appointments.set_status(clinician, appointment, Status.ATTENDED)


def signed_plan(client: Client, *, days_ago: int = 30) -> PlanVersion:
    """A complete plan signed by the client's clinician, in force from `days_ago`."""
    clinician = client.primary_clinician
    day = timezone.localdate() - timedelta(days=days_ago)
    version = plans.start_plan(clinician, client, today=day)
    version.content = complete_plan(version.content, day)
    version.save()
    return plans.sign_version(clinician, version, stepped_up_at=timezone.now())


def progress_form(
    note_content: dict[str, Any], objective_ids: list[str], **extra: str
) -> dict[str, str]:
    """A complete DAP note's form, citing `objective_ids` with some progress."""
    session = note_content["session"]
    form = {
        "lock_version": "0",
        "session.date_of_service": session["date_of_service"],
        "session.start": "10:02",
        "session.stop": "10:50",
        "session.place_of_service": "office",
        "participants": "client",
        "format": "dap",
        "sections.data": "Client reports leaving work early once this week, down from three.",
        "sections.assessment": (
            "Practised CBT cognitive restructuring of the worry that one mistake means being "
            "let go; client produced two balanced thoughts."
        ),
        "sections.plan": "Daily thought record; next session in one week.",
        "service": "psychotherapy",
        "risk_assessment": "Denies suicidal or homicidal ideation; low risk.",
    }
    for objective_id in objective_ids:
        form[f"objective.{objective_id}"] = "on"
        form[f"rating.{objective_id}"] = "some_progress"
        form[f"comment.{objective_id}"] = "Moving the right way."
    form.update(extra)
    return form
