from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from threadline.appointments import services
from threadline.clients.models import Client
from threadline.tests.access import Case


def _appointment_url(name: str) -> Callable[[Client], str]:
    def build(client: Client) -> str:
        clinician = client.primary_clinician
        appointment = services.schedule(
            clinician,
            client,
            {
                "clinician": clinician,
                "scheduled_start": timezone.now() - timedelta(hours=2),
                "service": "psychotherapy",
            },
        )
        return reverse(name, args=[client.pk, appointment.pk])

    return build


CASES = {
    "appointment_list": Case(client_scoped=True, clinical=True),
    "appointment_new": Case(client_scoped=True, clinical=True),
    "appointment_edit": Case(
        client_scoped=True, clinical=True, build_url=_appointment_url("appointment_edit")
    ),
    "appointment_status": Case(
        method="post",
        client_scoped=True,
        clinical=True,
        build_url=_appointment_url("appointment_status"),
    ),
    # Not client scoped: every clinical member has a schedule of their own (maybe empty).
    "schedule_day": Case(clinical=True),
    "schedule_week": Case(clinical=True),
}
