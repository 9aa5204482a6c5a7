from __future__ import annotations

from collections.abc import Callable

from django.urls import reverse
from django.utils import timezone

from threadline.clients.models import Client
from threadline.plans import services
from threadline.tests.access import Case


def _version_url(name: str) -> Callable[[Client], str]:
    def build(client: Client) -> str:
        version = services.start_plan(client.primary_clinician, client, today=timezone.localdate())
        return reverse(name, args=[client.pk, version.pk])

    return build


CASES = {
    "plan_home": Case(client_scoped=True, clinical=True),
    "plan_start": Case(method="post", client_scoped=True, clinical=True),
    "plan_diff": Case(client_scoped=True, clinical=True),
    **{
        name: Case(
            method="post" if name == "plan_autosave" else "get",
            client_scoped=True,
            clinical=True,
            build_url=_version_url(name),
        )
        for name in (
            "plan_version",
            "plan_edit",
            "plan_autosave",
            "plan_revise",
            "plan_json",
            "plan_pdf",
            "plan_sign",
            "plan_library",
            "plan_addendum",
        )
    },
}
