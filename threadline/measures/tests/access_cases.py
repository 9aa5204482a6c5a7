from __future__ import annotations

from django.urls import reverse

from threadline.clients.models import Client
from threadline.measures import services
from threadline.tests.access import Case


def _alert_url(client: Client) -> str:
    given = services.give_in_session(
        client.primary_clinician, client, "phq9", dict.fromkeys(range(1, 10), 1)
    )
    return reverse("alert_clear", args=[client.pk, given.safety_alert_record.pk])


CASES = {
    # Counts only, no client named: every member of the practice may read them.
    "practice_outcomes": Case(),
    "measures_home": Case(client_scoped=True, clinical=True),
    "measure_schedule": Case(method="post", client_scoped=True, clinical=True),
    "measure_give": Case(
        client_scoped=True,
        clinical=True,
        build_url=lambda client: reverse("measure_give", args=[client.pk, "gad7"]),
    ),
    "measure_send": Case(
        method="post",
        client_scoped=True,
        clinical=True,
        build_url=lambda client: reverse("measure_send", args=[client.pk, "gad7"]),
    ),
    "alert_clear": Case(method="post", client_scoped=True, clinical=True, build_url=_alert_url),
}
