from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from django.urls import reverse
from django.utils import timezone

from threadline.clients.models import Client
from threadline.psychotherapy_notes import releases, services
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


def _release_url(name: str) -> Callable[[Client], str]:
    """A live release of one of the primary clinician's notes, made for each URL built."""

    def build(client: Client) -> str:
        author = client.primary_clinician
        today = timezone.localdate()
        note = services.write_note(
            author, client, written_at=date(2026, 3, 2), body="Process notes for the access tests."
        )
        release = releases.record_release(
            author,
            client,
            notes=[note],
            recipient_name="Dr. Quinn Access",
            purpose="At the client's request",
            given_on=today,
            given_how="Signed authorization form for psychotherapy notes",
            expires_on=today + timedelta(days=30),
        )
        return reverse(name, args=[client.pk, release.pk])

    return build


CASES = {
    "client_psychotherapy_notes": Case(client_scoped=True, clinical=True),
    "psychotherapy_note_new": Case(client_scoped=True, clinical=True),
    # Releasing starts like writing: a treating clinician, about their own notes.
    "psychotherapy_note_release_new": Case(client_scoped=True, clinical=True),
    # A note's own pages are a 404 to everyone but its author, the practice admin included (not
    # the 403 `clinical` expects): that a note exists is private. The permission matrix and
    # test_psychotherapy_notes.py check it.
    # A release's pages name notes, so they are as private.
    **{
        name: Case(client_scoped=True, build_url=_note_url(name))
        for name in (
            "psychotherapy_note_view",
            "psychotherapy_note_edit",
            "psychotherapy_note_delete",
        )
    },
    **{
        name: Case(client_scoped=True, build_url=_release_url(name))
        for name in ("psychotherapy_note_release_view", "psychotherapy_note_release_pdf")
    },
    "psychotherapy_note_release_revoke": Case(
        method="post",
        client_scoped=True,
        build_url=_release_url("psychotherapy_note_release_revoke"),
    ),
}
