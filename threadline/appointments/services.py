"""Every write to a session, and the audited reads of session lists."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from threadline.appointments.models import Appointment, Place, Status, Telehealth
from threadline.audit.services import record
from threadline.clients.models import Client
from threadline.rules.billing import Service

EDITABLE_FIELDS = (
    "clinician",
    "scheduled_start",
    "duration_minutes",
    "service",
    "place",
    "telehealth",
)
# A session cannot be marked as having happened before it starts.
NEEDS_STARTED = frozenset({Status.ATTENDED, Status.NO_SHOW})


def _check_fields(data: dict[str, Any]) -> None:
    unknown = sorted(set(data) - set(EDITABLE_FIELDS))
    if unknown:
        raise ValidationError(f"These fields cannot be set here: {', '.join(unknown)}.")


@transaction.atomic
def schedule(actor: Any, client: Client, data: dict[str, Any]) -> Appointment:
    _check_fields(data)
    appointment = Appointment(client=client, created_by=actor, **data)
    appointment.full_clean()
    appointment.save()
    record(
        "appointment.create",
        actor=actor,
        client=client,
        obj=appointment,
        detail={"status": appointment.status},
    )
    return appointment


@transaction.atomic
def update(actor: Any, appointment: Appointment, data: dict[str, Any]) -> Appointment:
    _check_fields(data)
    # Compare with the stored row: a bound ModelForm has already copied its data onto the object.
    stored = Appointment.objects.select_for_update().get(pk=appointment.pk)
    changed = sorted(name for name, value in data.items() if getattr(stored, name) != value)
    for name, value in data.items():
        setattr(appointment, name, value)
    appointment.updated_at = timezone.now()
    appointment.full_clean()
    appointment.save()
    record(
        "appointment.update",
        actor=actor,
        client=appointment.client,
        obj=appointment,
        detail={"fields": changed},
    )
    return appointment


@transaction.atomic
def set_status(
    actor: Any, appointment: Appointment, status: str, *, now: datetime | None = None
) -> Appointment:
    if status not in Status.values:
        raise ValidationError(f"{status!r} is not a session status.")
    now = now or timezone.now()
    if status in NEEDS_STARTED and appointment.scheduled_start > now:
        label = Status(status).label.lower()
        raise ValidationError(f"A session that has not started yet cannot be marked {label}.")
    stored = Appointment.objects.select_for_update().get(pk=appointment.pk)
    appointment.status = status
    appointment.updated_at = now
    appointment.save(update_fields=["status", "updated_at"])
    record(
        "appointment.status",
        actor=actor,
        client=appointment.client,
        obj=appointment,
        detail={"from": stored.status, "to": status},
    )
    return appointment


def list_viewed(
    actor: Any, appointments: list[Appointment], *, client: Client | None = None, view: str
) -> None:
    """Record which sessions (and so which clients' names) a list or schedule showed."""
    record(
        "appointment.list.view",
        actor=actor,
        client=client,
        detail={"view": view, "shown": [appointment.pk for appointment in appointments]},
    )


def day_bounds(first: date, days: int) -> tuple[datetime, datetime]:
    """Aware start and end (exclusive) of `days` local days from `first`."""
    start = timezone.make_aware(datetime.combine(first, time.min))
    end = timezone.make_aware(datetime.combine(first + timedelta(days=days), time.min))
    return start, end


def schedule_of(clinician: Any, first: date, days: int) -> list[Appointment]:
    start, end = day_bounds(first, days)
    return list(
        Appointment.objects.filter(
            clinician=clinician,
            client__practice_id=clinician.membership.practice_id,
            scheduled_start__gte=start,
            scheduled_start__lt=end,
        ).select_related("client")
    )


DEMO_HOURS = (9, 10, 11, 13, 14, 15, 16)
# Past weeks of demo sessions, the intake first: about four months, enough for a plan review and
# a long run of notes on the golden thread.
HISTORY_WEEKS = 16


def load_demo(
    clinician: Any,
    clients: list[Client],
    *,
    seed: int,
    today: date,
    weeks: int = HISTORY_WEEKS,
    upcoming: bool = True,
    first_slot: int = 0,
) -> int:
    """Weekly sessions for each client: `weeks` past weeks (the intake first, then mostly
    attended) and, with `upcoming`, next week's. The current week is left empty, so every past
    session has started whatever the day.

    Each client keeps one weekly slot (weekday and hour) by its position in `clients`, counted
    from `first_slot`, so a later call can add clients without double-booking the first ones.
    Synthetic and deterministic for a given seed and day.
    """
    rng = random.Random(seed)
    made = 0
    next_monday = today + timedelta(days=7 - today.weekday())
    first_week = -(weeks + 1)  # relative to next week's Monday; -2 is last week
    for index, client in enumerate(clients, start=first_slot):
        weekday = index % 5
        hour = DEMO_HOURS[index % len(DEMO_HOURS)]
        telehealth = rng.choice([Telehealth.IN_PERSON, Telehealth.IN_PERSON, Telehealth.VIDEO])
        place = Place.HOME if telehealth else Place.OFFICE
        for week in (*range(first_week, -1), *((0,) if upcoming else ())):
            day = next_monday + timedelta(days=7 * week + weekday)
            start = timezone.make_aware(datetime.combine(day, time(hour)))
            intake = week == first_week
            service = Service.INTAKE if intake else Service.PSYCHOTHERAPY
            appointment = schedule(
                clinician,
                client,
                {
                    "clinician": clinician,
                    "scheduled_start": start,
                    "duration_minutes": 60 if intake else 53,
                    "service": service.value,
                    "place": place,
                    "telehealth": telehealth,
                },
            )
            made += 1
            if week < 0:
                outcome = rng.choices(
                    [Status.ATTENDED, Status.NO_SHOW, Status.CANCELLED], weights=[8, 1, 1]
                )[0]
                if intake:
                    outcome = Status.ATTENDED
                set_status(clinician, appointment, outcome)
    return made


CHART_SESSIONS = 5


def recent_for_chart(client: Client) -> list[Appointment]:
    """The latest few sessions, newest first, for the chart's card (the chart read is audited)."""
    return list(client.appointments.order_by("-scheduled_start", "-id")[:CHART_SESSIONS])
