"""What an outside reader may read, asked afresh on every request.

An insurance reviewer reads exactly the documents attached to one of their review cases while
it is open (not closed, not expired); one attached later is readable, and one detached is not,
from the next request. A collaborating clinician reads the record types a live
client authorization covers (not revoked, not expired). Nothing is cached, so a closure, an
expiry or a revocation takes effect at the next request.

Every lookup is scoped to the reader: a case, an authorization or a document that is not
theirs is the same 404 as one that does not exist, and the attempt is audited as denied.
Only signed documents are ever shown; psychotherapy notes are a separate record type that none
of these queries can reach.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, NoReturn

from django.db.models import QuerySet
from django.http import Http404

from threadline.audit.models import Outcome
from threadline.audit.services import record
from threadline.exports.pdf import note_day, plan_day
from threadline.measures.models import Administration, State
from threadline.notes.models import Kind, Note
from threadline.notes.models import Status as NoteStatus
from threadline.plans.models import PlanVersion, VersionStatus
from threadline.reviews.models import (
    NOTE_SCOPES,
    CaseDocument,
    ClientAuthorization,
    OutsideReader,
    ReviewCase,
    Scope,
)
from threadline.rules.measures.chart import day_label


def reader_of(user: Any) -> OutsideReader | None:
    """The outside reader signed in, or None for staff, clients and the signed-out."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    try:
        reader: OutsideReader = user.outside_reader
    except OutsideReader.DoesNotExist:
        return None
    return reader


def _not_found(reader: OutsideReader, what: str, ident: Any, **detail: Any) -> NoReturn:
    record(
        f"reviewer.{what}.view",
        actor=reader.user,
        practice=reader.practice,
        object_type=f"reviews.{what}",
        object_id=ident,
        outcome=Outcome.DENIED,
        detail={"reason": "not open to this reader", **detail},
    )
    raise Http404("Nothing here.")


# --- documents, as the reader's pages name them ------------------------------------------------


@dataclass(frozen=True)
class Document:
    """A signed plan version or note, with the words the pages and the disclosures use."""

    plan_version: PlanVersion | None
    note: Note | None

    @property
    def obj(self) -> PlanVersion | Note:
        found = self.plan_version or self.note
        assert found is not None
        return found

    @property
    def kind(self) -> str:
        return "plan" if self.plan_version is not None else "note"

    @property
    def day(self) -> date | None:
        if self.plan_version is not None:
            return plan_day(self.plan_version)
        assert self.note is not None
        return note_day(self.note)

    @property
    def title(self) -> str:
        if self.plan_version is not None:
            return f"Treatment plan, version {self.plan_version.number}"
        assert self.note is not None
        return self.note.get_kind_display()

    def describe(self) -> str:
        """ "Progress note of Mar 3, 2025": what the accounting of disclosures says was read."""
        day = self.day
        if self.plan_version is not None:
            return f"{self.title}, effective {day_label(day)}" if day else self.title
        return f"{self.title} of {day_label(day)}" if day else self.title


def _plans() -> QuerySet[PlanVersion]:
    return PlanVersion.objects.filter(status=VersionStatus.SIGNED).select_related(
        "plan__client", "author__clinician_profile", "based_on"
    )


def _notes() -> QuerySet[Note]:
    return Note.objects.filter(
        status=NoteStatus.SIGNED, kind__in=[Kind.INTAKE, Kind.PROGRESS, Kind.DISCHARGE]
    ).select_related("client", "appointment", "plan_version__plan", "author__clinician_profile")


def reading_key(document: Document) -> tuple[bool, date, int]:
    """Plans first, then notes, each by date of service."""
    return (document.kind != "plan", document.day or date.min, document.obj.pk)


def in_reading_order(documents: list[Document]) -> list[Document]:
    return sorted(documents, key=reading_key)


# --- staff choosing what a case attaches -----------------------------------------------------


def signed_plan_versions(client: Any) -> QuerySet[PlanVersion]:
    return _plans().filter(plan__client=client).order_by("-signed_at", "-id")


def signed_notes(client: Any) -> QuerySet[Note]:
    """The client's signed notes a case may attach (never psychotherapy notes)."""
    return _notes().filter(client=client)


def attached(case: ReviewCase) -> QuerySet[CaseDocument]:
    """The documents the reviewer may read now: attached, and not detached since."""
    return CaseDocument.objects.filter(case=case, detached_at__isnull=True)


def signed_notes_between(
    client: Any, kinds: list[str], start: date | None, end: date | None
) -> list[Note]:
    """The client's signed notes of these kinds whose date of service is in [start, end]."""
    if start is None or end is None or not kinds:
        return []
    notes = _notes().filter(client=client, kind__in=kinds).order_by("id")
    return [n for n in notes if (day := note_day(n)) is not None and start <= day <= end]


# --- insurance reviewers ---------------------------------------------------------------------


def open_cases(reader: OutsideReader, now: datetime) -> QuerySet[ReviewCase]:
    return ReviewCase.objects.filter(
        reviewer=reader, closed_at__isnull=True, expires_at__gt=now
    ).select_related("client", "payer", "practice")


def case_for(reader: OutsideReader, case_id: int, now: datetime) -> ReviewCase:
    case = open_cases(reader, now).filter(pk=case_id).first()
    if case is None:
        _not_found(reader, "case", case_id)
    return case


def case_documents_for(
    reader: OutsideReader, case_id: int, now: datetime
) -> tuple[ReviewCase, list[Document]]:
    """An open case of this reader and exactly the documents attached to it."""
    case = case_for(reader, case_id, now)
    rows = attached(case).select_related("plan_version__plan", "note__appointment")
    documents = [Document(a.plan_version, a.note) for a in rows]
    return case, in_reading_order(documents)


def case_plan_for(
    reader: OutsideReader, case_id: int, version_id: int, now: datetime
) -> tuple[ReviewCase, PlanVersion]:
    case = case_for(reader, case_id, now)
    version = (
        _plans()
        .filter(pk=version_id, plan__client=case.client, pk__in=_attached(case, "plan_version"))
        .first()
    )
    if version is None:
        _not_found(reader, "plan", version_id, case=case.pk)
    return case, version


def case_note_for(
    reader: OutsideReader, case_id: int, note_id: int, now: datetime
) -> tuple[ReviewCase, Note]:
    case = case_for(reader, case_id, now)
    note = _notes().filter(pk=note_id, client=case.client, pk__in=_attached(case, "note")).first()
    if note is None:
        _not_found(reader, "note", note_id, case=case.pk)
    return case, note


def _attached(case: ReviewCase, field: str) -> QuerySet[CaseDocument, Any]:
    return attached(case).filter(**{f"{field}__isnull": False}).values(field)


# --- collaborating clinicians ----------------------------------------------------------------


def live_authorizations(reader: OutsideReader, now: datetime) -> QuerySet[ClientAuthorization]:
    return ClientAuthorization.objects.filter(
        collaborator=reader, revoked_at__isnull=True, expires_at__gt=now
    ).select_related("client", "practice")


def authorization_for(
    reader: OutsideReader, authorization_id: int, now: datetime
) -> ClientAuthorization:
    authorization = live_authorizations(reader, now).filter(pk=authorization_id).first()
    if authorization is None:
        _not_found(reader, "authorization", authorization_id)
    return authorization


def covered_documents(authorization: ClientAuthorization) -> list[Document]:
    """The client's signed documents of the record types the authorization covers."""
    documents: list[Document] = []
    if authorization.covers(Scope.PLANS):
        plans = _plans().filter(plan__client=authorization.client).order_by("id")
        documents += [Document(v, None) for v in plans]
    kinds = [s for s in authorization.scope if s in NOTE_SCOPES]
    if kinds:
        notes = _notes().filter(client=authorization.client, kind__in=kinds).order_by("id")
        documents += [Document(None, n) for n in notes]
    return in_reading_order(documents)


def authorized_plan_for(
    reader: OutsideReader, authorization_id: int, version_id: int, now: datetime
) -> tuple[ClientAuthorization, PlanVersion]:
    authorization = authorization_for(reader, authorization_id, now)
    version = None
    if authorization.covers(Scope.PLANS):
        version = _plans().filter(pk=version_id, plan__client=authorization.client).first()
    if version is None:
        _not_found(reader, "plan", version_id, authorization=authorization.pk)
    return authorization, version


def authorized_note_for(
    reader: OutsideReader, authorization_id: int, note_id: int, now: datetime
) -> tuple[ClientAuthorization, Note]:
    authorization = authorization_for(reader, authorization_id, now)
    kinds = [s for s in authorization.scope if s in NOTE_SCOPES]
    note = _notes().filter(pk=note_id, client=authorization.client, kind__in=kinds).first()
    if note is None:
        _not_found(reader, "note", note_id, authorization=authorization.pk)
    return authorization, note


def authorized_measures_for(
    reader: OutsideReader, authorization_id: int, now: datetime
) -> tuple[ClientAuthorization, QuerySet[Administration]]:
    authorization = authorization_for(reader, authorization_id, now)
    if not authorization.covers(Scope.MEASURES):
        _not_found(reader, "measures", authorization_id, authorization=authorization.pk)
    given = Administration.objects.filter(
        client=authorization.client, state=State.COMPLETE
    ).order_by("-answered_at", "-id")
    return authorization, given
