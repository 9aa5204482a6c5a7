"""Releasing psychotherapy notes under the client's written authorization (45 CFR 164.508(a)(2)).

Only the author of the notes releases them, and only their own notes about that client. The
release records the authorization as the author read it (who receives the notes, for what, when
the client signed it and how, and when it expires); from then on it does not change, and the
author may revoke it. Each download of the PDF is a disclosure in the client's accounting of
disclosures, described by the notes' dates. Audit events start with "psychotherapy_note." and
hold ids and dates, never the notes' text, nor the recipient or purpose: the practice admin, who
reads the audit log, may not read either.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from threadline.audit.models import Outcome
from threadline.audit.services import record
from threadline.clients.models import Client
from threadline.privacy.models import Disclosure, RecipientKind
from threadline.privacy.services import record_disclosure
from threadline.psychotherapy_notes.models import PsychotherapyNote, Release, ReleasedNote
from threadline.rules.measures.chart import day_label

RELEASE = Release._meta.label_lower


# What to fix, the same words from the form and from the service behind it.
NO_NOTES = "Tick at least one of your notes to release."
NOT_YOURS = "Choose only your own notes about this client."
NO_RECIPIENT = "Give the name of the person or organization the authorization names."
NO_PURPOSE = "Give the purpose of the release, as the authorization states it."
NO_AUTHORIZATION = (
    "Say how the client gave the authorization, such as the signed form and its date."
)
SIGNED_LATER = "The date the client signed the authorization cannot be in the future."
ENDED = "Choose an expiry date after today: an authorization that has ended releases nothing."


class ReleaseRefused(Exception):
    """A download the release no longer allows; the message says why and what to do."""


def releasable_notes(author: Any, client: Client) -> models.QuerySet[PsychotherapyNote]:
    """The notes the author may release about this client: their own, newest first."""
    return PsychotherapyNote.objects.filter(client=client, author_id=author.pk).select_related(
        "session"
    )


def released_notes(release: Release) -> list[PsychotherapyNote]:
    """The notes in a release, oldest first, as they print."""
    return list(
        PsychotherapyNote.objects.filter(
            pk__in=ReleasedNote.objects.filter(release=release).values("note_id")
        )
        .select_related("session")
        .order_by("written_at", "id")
    )


def _note_dates(notes: Sequence[PsychotherapyNote]) -> list[str]:
    return [note.written_at.isoformat() for note in notes]


def describe(notes: Sequence[PsychotherapyNote], release: Release) -> str:
    """What a download discloses, in words for the client's accounting: dates, never text."""
    days = sorted({note.written_at for note in notes})
    which = "; ".join(day_label(day) for day in days)
    noun = "Psychotherapy note" if len(notes) == 1 else "Psychotherapy notes"
    return (
        f"{noun} of {which}, released under the client's authorization of "
        f"{day_label(release.given_on)}"
    )


def start_release(author: Any, client: Client, offered: int) -> None:
    """The author opened the form, which lists their notes about the client by date."""
    record(
        "psychotherapy_note.release_start",
        actor=author,
        client=client,
        object_type=RELEASE,
        detail={"offered": offered},
    )


@transaction.atomic
def record_release(
    author: Any,
    client: Client,
    *,
    notes: Sequence[PsychotherapyNote],
    recipient_name: str,
    recipient_address: str = "",
    purpose: str,
    given_on: date,
    given_how: str,
    expires_on: date,
    now: datetime | None = None,
) -> Release:
    """Record the client's authorization and the notes it releases; refused with the field to
    fix if anything is missing, out of date, or not the author's own note about this client."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    problems: dict[str, str] = {}
    if not notes:
        problems["notes"] = NO_NOTES
    elif any(n.author_id != author.pk or n.client_id != client.pk for n in notes):
        problems["notes"] = NOT_YOURS
    if not recipient_name.strip():
        problems["recipient_name"] = NO_RECIPIENT
    if not purpose.strip():
        problems["purpose"] = NO_PURPOSE
    if not given_how.strip():
        problems["given_how"] = NO_AUTHORIZATION
    if given_on > today:
        problems["given_on"] = SIGNED_LATER
    if expires_on <= today:
        problems["expires_on"] = ENDED
    if problems:
        raise ValidationError(problems)
    release = Release.objects.create(
        client=client,
        author=author,
        recipient_name=recipient_name.strip(),
        recipient_address=recipient_address.strip(),
        purpose=purpose.strip(),
        given_on=given_on,
        given_how=given_how.strip(),
        expires_on=expires_on,
        recorded_at=now,
        recorded_by=author,
    )
    chosen = sorted(set(notes), key=lambda n: (n.written_at, n.pk))
    ReleasedNote.objects.bulk_create(ReleasedNote(release=release, note=n) for n in chosen)
    record(
        "psychotherapy_note.release",
        actor=author,
        client=client,
        obj=release,
        detail={
            "notes": [n.pk for n in chosen],
            "written_at": _note_dates(chosen),
            "given_on": given_on.isoformat(),
            "expires_on": expires_on.isoformat(),
        },
    )
    return release


def release_of_author(author: Any, client_id: int, release_id: int) -> Release | None:
    """The release if `author` made it for this client; otherwise None, audited as denied.

    A release names psychotherapy notes, so whether one exists is as private as the notes.
    """
    release = (
        Release.objects.select_related("client__practice", "author")
        .filter(pk=release_id, client_id=client_id, author_id=author.pk)
        .first()
    )
    if release is None:
        record(
            "psychotherapy_note.release_open",
            actor=author,
            object_type=RELEASE,
            object_id=release_id,
            outcome=Outcome.DENIED,
            detail={"reason": "not the author's release"},
        )
    return release


def own_releases(author: Any, client: Client) -> list[Release]:
    """The author's releases for this client, newest first; listing them is audited."""
    releases = list(Release.objects.filter(client=client, author_id=author.pk))
    record(
        "psychotherapy_note.release_list",
        actor=author,
        client=client,
        object_type=RELEASE,
        detail={"count": len(releases)},
    )
    return releases


@dataclass(frozen=True)
class ReleaseView:
    release: Release
    notes: list[PsychotherapyNote]
    downloads: list[Disclosure]


def view_release(author: Any, release: Release) -> ReleaseView:
    notes = released_notes(release)
    downloads = list(
        Disclosure.objects.filter(
            client=release.client, object_type=RELEASE, object_id=str(release.pk)
        )
        .select_related("by")
        .order_by("disclosed_at", "id")
    )
    record(
        "psychotherapy_note.release_view",
        actor=author,
        client=release.client,
        obj=release,
        detail={"notes": [n.pk for n in notes], "written_at": _note_dates(notes)},
    )
    return ReleaseView(release, notes, downloads)


def refusal(release: Release, today: date) -> str:
    """Why notes cannot be downloaded under this release today, or "" if they can."""
    again = "If the client gives a new authorization, record it as a new release."
    if release.revoked_at is not None:
        revoked = day_label(timezone.localdate(release.revoked_at))
        return (
            f"This authorization was revoked on {revoked}: the notes can no longer be "
            f"downloaded under it. {again}"
        )
    if today > release.expires_on:
        return (
            f"This authorization expired on {day_label(release.expires_on)}: the notes can no "
            f"longer be downloaded under it. {again}"
        )
    return ""


def download_release(author: Any, release: Release, *, now: datetime | None = None) -> bytes:
    """The released notes as a PDF, recorded as a disclosure to the release's recipient.

    Refused (and the refusal audited) once the authorization is revoked or has expired.
    """
    from threadline.psychotherapy_notes.pdf import release_pdf  # reportlab, on first use

    now = now or timezone.now()
    release = Release.objects.select_related("client__practice", "author").get(pk=release.pk)
    problem = refusal(release, timezone.localdate(now))
    if problem:
        record(
            "psychotherapy_note.release_download",
            actor=author,
            client=release.client,
            obj=release,
            outcome=Outcome.DENIED,
            detail={"reason": "revoked" if release.revoked_at else "expired"},
        )
        raise ReleaseRefused(problem)
    notes = released_notes(release)
    data = release_pdf(release, notes)
    # The audit event and the accounting entry are written together, or neither.
    with transaction.atomic():
        record(
            "psychotherapy_note.release_download",
            actor=author,
            client=release.client,
            obj=release,
            detail={"notes": [n.pk for n in notes], "written_at": _note_dates(notes)},
        )
        record_disclosure(
            release.client,
            recipient=release.recipient,
            recipient_kind=RecipientKind.EXPORT,
            purpose=release.purpose,
            description=describe(notes, release),
            by=author,
            obj=release,
            at=now,
        )
    return data


@transaction.atomic
def revoke_release(
    author: Any, release: Release, *, reason: str = "", now: datetime | None = None
) -> Release:
    """Stop further downloads from now on; when and why are kept on the release."""
    release = Release.objects.select_for_update().get(pk=release.pk)
    if release.author_id != author.pk:
        raise PermissionError("Only the author of the notes may revoke their release.")
    if release.revoked_at is not None:
        return release
    release.revoked_at = now or timezone.now()
    release.revoke_reason = reason.strip()
    release.save(update_fields=["revoked_at", "revoke_reason"])
    record(
        "psychotherapy_note.release_revoke",
        actor=author,
        client=release.client,
        obj=release,
        # The reason stays on the release; it may say more than the admin should read.
        detail={"reason_given": bool(release.revoke_reason)},
    )
    return release
