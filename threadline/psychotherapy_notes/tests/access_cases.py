from __future__ import annotations

from collections.abc import Callable
from datetime import date

from django.urls import reverse

from threadline.clients.models import Client
from threadline.psychotherapy_notes import services
from threadline.tests.access import Case


def _note_url(name: str) -> Callable[[Client], str]:
    def build(client: Client) -> str:
        note = services.write_note(
            client.primary_clinician,
            client,
            written_at=date(2026, 3, 2),
            body="Process notes for the access tests.",
        )
        return reverse(name, args=[client.pk, note.pk])

    return build


CASES = {
    "client_psychotherapy_notes": Case(client_scoped=True, clinical=True),
    "psychotherapy_note_new": Case(client_scoped=True, clinical=True),
    # A note's own pages are a 404 to everyone but its author, the practice admin included (not
    # the 403 `clinical` expects): that a note exists is private. tests/test_access.py checks it.
    **{
        name: Case(client_scoped=True, build_url=_note_url(name))
        for name in (
            "psychotherapy_note_view",
            "psychotherapy_note_edit",
            "psychotherapy_note_delete",
        )
    },
}
