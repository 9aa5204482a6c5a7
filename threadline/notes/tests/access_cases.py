from __future__ import annotations

from collections.abc import Callable

from django.urls import reverse

from threadline.clients.models import Client
from threadline.notes import services
from threadline.notes.tests.factories import attended
from threadline.tests.access import Case


def _note_url(name: str, service: str = "psychotherapy") -> Callable[[Client], str]:
    def build(client: Client) -> str:
        note = services.start_note(client.primary_clinician, attended(client, service=service))
        return reverse(name, args=[client.pk, note.pk])

    return build


def _session_url(client: Client) -> str:
    return reverse("session_note", args=[client.pk, attended(client).pk])


CASES = {
    # Every member has a queue of their own (maybe empty); a practice admin gets counts only.
    "work_queue": Case(),
    "client_notes": Case(client_scoped=True, clinical=True),
    "thread_report": Case(client_scoped=True, clinical=True),
    "discharge_start": Case(method="post", client_scoped=True, clinical=True),
    "session_note": Case(method="post", client_scoped=True, clinical=True, build_url=_session_url),
    "intake_plan": Case(
        method="post",
        client_scoped=True,
        clinical=True,
        build_url=_note_url("intake_plan", "intake"),
    ),
    **{
        name: Case(
            method="post" if name == "note_autosave" else "get",
            client_scoped=True,
            clinical=True,
            build_url=_note_url(name),
        )
        for name in ("note_view", "note_autosave", "note_sign", "note_addendum", "note_pdf")
    },
}
