"""Every read and write of a psychotherapy note, each audited in its own transaction.

Audit events name the note and its date but never hold its text: the audit log is read by the
practice admin, who may not read the note itself. The action codes all start with
"psychotherapy_note." so a read of one stands out in the log (ONC 170.315(d)(2) guidance on
specially protected records). Releasing notes under the client's authorization is in
`releases`; a released note can no longer be changed or deleted.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from threadline.appointments.models import Appointment
from threadline.audit.models import Outcome
from threadline.audit.services import record
from threadline.clients.models import Client
from threadline.psychotherapy_notes.models import PsychotherapyNote, ReleasedNote


class KeptAsReleased(Exception):
    """The note was released under an authorization, so it stays as it was released."""


KEPT_AS_RELEASED = (
    "This note was released under the client's authorization, so it stays as it was "
    "released: it can no longer be changed or deleted. Write a new note instead."
)


def is_released(note: PsychotherapyNote) -> bool:
    return ReleasedNote.objects.filter(note=note).exists()


def _detail(note: PsychotherapyNote) -> dict[str, Any]:
    return {"written_at": note.written_at.isoformat(), "session": note.session_id}


def _check(client: Client, session: Appointment | None, body: str) -> str:
    body = body.strip()
    if not body:
        raise ValidationError({"body": "Write the note before saving it."})
    if session is not None and session.client_id != client.pk:
        raise ValidationError({"session": "Choose one of this client's sessions."})
    return body


def own_notes(author: Any, client: Client) -> list[PsychotherapyNote]:
    """The notes this clinician wrote about this client, newest first; the list is audited."""
    notes = list(
        PsychotherapyNote.objects.filter(client=client, author=author).select_related("session")
    )
    record(
        "psychotherapy_note.list",
        actor=author,
        client=client,
        object_type=PsychotherapyNote._meta.label_lower,
        detail={"count": len(notes)},
    )
    return notes


def note_of_author(author: Any, client_id: int, note_id: int) -> PsychotherapyNote | None:
    """The note if `author` wrote it about this client; otherwise None, audited as denied.

    Whether a note exists at all is private to its author, so anyone else learns nothing.
    """
    note = (
        PsychotherapyNote.objects.select_related("client__practice", "session")
        .filter(pk=note_id, client_id=client_id, author_id=author.pk)
        .first()
    )
    if note is None:
        record(
            "psychotherapy_note.open",
            actor=author,
            object_type=PsychotherapyNote._meta.label_lower,
            object_id=note_id,
            outcome=Outcome.DENIED,
            detail={"reason": "not the author's note"},
        )
    return note


def read_note(author: Any, note: PsychotherapyNote, how: str = "view") -> None:
    record(
        f"psychotherapy_note.{how}",
        actor=author,
        client=note.client,
        obj=note,
        detail=_detail(note),
    )


@transaction.atomic
def write_note(
    author: Any,
    client: Client,
    *,
    written_at: date,
    body: str,
    session: Appointment | None = None,
) -> PsychotherapyNote:
    now = timezone.now()
    note = PsychotherapyNote.objects.create(
        client=client,
        author=author,
        written_at=written_at,
        session=session,
        body=_check(client, session, body),
        created_at=now,
        updated_at=now,
    )
    record("psychotherapy_note.create", actor=author, client=client, obj=note, detail=_detail(note))
    return note


@transaction.atomic
def revise_note(
    author: Any,
    note: PsychotherapyNote,
    *,
    written_at: date,
    body: str,
    session: Appointment | None = None,
) -> PsychotherapyNote:
    if note.author_id != author.pk:
        raise PermissionError("Only the author of a psychotherapy note may change it.")
    if is_released(note):
        raise KeptAsReleased(KEPT_AS_RELEASED)
    body = _check(note.client, session, body)
    changed = [
        name
        for name, value in (("written_at", written_at), ("session", session), ("body", body))
        if getattr(note, name) != value
    ]
    note.written_at, note.session, note.body = written_at, session, body
    note.updated_at = timezone.now()
    note.save(update_fields=["written_at", "session", "body", "updated_at"])
    record(
        "psychotherapy_note.edit",
        actor=author,
        client=note.client,
        obj=note,
        detail={**_detail(note), "changed": changed},
    )
    return note


@transaction.atomic
def delete_note(author: Any, note: PsychotherapyNote) -> None:
    if note.author_id != author.pk:
        raise PermissionError("Only the author of a psychotherapy note may delete it.")
    if is_released(note):
        raise KeptAsReleased(KEPT_AS_RELEASED)
    detail = _detail(note)
    note_id = note.pk
    note.delete()
    record(
        "psychotherapy_note.delete",
        actor=author,
        client=note.client,
        object_type=PsychotherapyNote._meta.label_lower,
        object_id=note_id,
        detail=detail,
    )
