"""The client record, read through the API: clients, plans, notes, sessions and measures.

Every route asks `threadline.access` exactly as the pages do (not visible is 404, a role that
may not read clinical content gets 403) and records what it showed in the audit log. Lists load
a page in a fixed number of queries, whatever its size.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime
from typing import Annotated, Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Path, Query, Router, Schema, Status

from threadline import access
from threadline.access import Action
from threadline.api.errors import ERROR_RESPONSES, Invalid
from threadline.api.paging import paginate
from threadline.api.schemas import (
    AddendumOut,
    ClientDetailOut,
    ClientOut,
    MeasureOut,
    NoteDetailOut,
    NoteOut,
    Page,
    PageQuery,
    PlanVersionDetailOut,
    PlanVersionOut,
    SessionOut,
    SignatureOut,
)
from threadline.appointments import services as appointments
from threadline.appointments.models import (
    MAX_MINUTES,
    MIN_MINUTES,
    SERVICE_CHOICES,
    Appointment,
    Place,
    Telehealth,
)
from threadline.audit.services import record
from threadline.clients.models import Client
from threadline.lib.http import Request
from threadline.measures.models import Administration
from threadline.notes.models import Note, NoteAddendum
from threadline.plans.models import PlanAddendum, PlanVersion
from threadline.rules.measures import INSTRUMENTS
from threadline.signatures.models import Signature

router = Router(tags=["record"])

# Ids are 64-bit on every database; a larger number cannot name anything.
MAX_ID = 2**63 - 1
RecordId = Annotated[int, Path(ge=1, le=MAX_ID)]
# Sessions are scheduled within these years; the bound keeps date arithmetic in range.
FIRST_YEAR, LAST_YEAR = 1900, 2199


def _actor(request: Request) -> Any:
    return request.auth  # type: ignore[attr-defined]


# --- clients ------------------------------------------------------------------------------


def _client_out(client: Client) -> dict[str, Any]:
    return {
        "id": client.pk,
        "record_number": client.record_number,
        "legal_first_name": client.legal_first_name,
        "legal_last_name": client.legal_last_name,
        "preferred_name": client.preferred_name,
        "pronouns": client.pronouns,
        "date_of_birth": client.date_of_birth,
        "status": client.status,
        "primary_clinician": client.primary_clinician.full_name,
        "payer": client.payer.name if client.payer else None,
        "member_id": client.member_id,
        "plan_type": client.plan_type,
        "rule_pack": client.rule_pack,
    }


@router.get(
    "/clients",
    url_name="client_list",
    response={200: Page[ClientOut], **ERROR_RESPONSES},
    summary="Clients whose record you may open",
)
def client_list(
    request: Request,
    page: Query[PageQuery],
    # Names or a record number; a NUL byte is neither, and PostgreSQL refuses it.
    q: str = Query("", max_length=100, pattern=r"^[^\x00]*$", description="names or record number"),
) -> Any:
    actor = _actor(request)
    access.require(actor, Action.CLIENT_LIST)
    clients = (
        access.visible_clients(actor)
        .search(q)
        .select_related("practice", "payer", "primary_clinician")
    )
    shown, links = paginate(request, clients, page)
    record(
        "api.client.list",
        actor=actor,
        detail={"shown": [client.pk for client in shown], "searched": bool(q.strip())},
    )
    return {**links, "items": [_client_out(client) for client in shown]}


@router.get(
    "/clients/{client_id}",
    url_name="client_detail",
    response={200: ClientDetailOut, **ERROR_RESPONSES},
    summary="A client's demographics",
)
def client_detail(request: Request, client_id: RecordId) -> Any:
    actor = _actor(request)
    client = access.client_for(actor, client_id, Action.CLIENT_VIEW)
    record("api.client.view", actor=actor, client=client, obj=client)
    return {
        **_client_out(client),
        "email": client.email,
        "phone": client.phone,
        "address": client.address,
        "emergency_contact_name": client.emergency_contact_name,
        "emergency_contact_relationship": client.emergency_contact_relationship,
        "emergency_contact_phone": client.emergency_contact_phone,
        "care_team": [person.full_name for person in client.care_team.order_by("full_name")],
    }


# --- signatures and addenda -----------------------------------------------------------------


def _signatures_of(model: type[models.Model], ids: Iterable[int]) -> dict[int, list[SignatureOut]]:
    """The signatures of many documents of one kind, in one query."""
    found: dict[int, list[SignatureOut]] = defaultdict(list)
    rows = Signature.objects.filter(
        document_type=ContentType.objects.get_for_model(model), document_id__in=list(ids)
    ).order_by("signed_at", "id")
    for signature in rows:
        found[signature.document_id].append(
            SignatureOut(
                meaning=signature.meaning,
                printed_name=signature.printed_name,
                credentials=signature.credentials,
                signed_at=signature.signed_at,
                content_sha256=signature.content_sha256,
            )
        )
    return found


def _addenda_out(addenda: list[PlanAddendum] | list[NoteAddendum]) -> list[AddendumOut]:
    if not addenda:
        return []
    signatures = _signatures_of(type(addenda[0]), (addendum.pk for addendum in addenda))
    return [
        AddendumOut(
            number=addendum.number,
            text=addendum.text,
            author=addendum.author.full_name,
            created_at=addendum.created_at,
            parent_sha256=addendum.parent_sha256,
            signatures=signatures.get(addendum.pk, []),
        )
        for addendum in addenda
    ]


def _signed_by(signatures: list[SignatureOut]) -> list[str]:
    return [f"{signature.meaning}: {signature.printed_name}" for signature in signatures]


def _text(value: Any) -> str | None:
    """A value from a document's JSON that should be text; anything else reads as absent."""
    return value if isinstance(value, str) and value else None


def _section(content: dict[str, Any], key: str) -> dict[str, Any]:
    value = content.get(key)
    return value if isinstance(value, dict) else {}


# --- plans --------------------------------------------------------------------------------


def _version_out(version: PlanVersion, signatures: list[SignatureOut]) -> dict[str, Any]:
    content = version.content if isinstance(version.content, dict) else {}
    effective = _text(content.get("effective_date")) or _text(
        _section(content, "session").get("date_of_service")
    )
    return {
        "id": version.pk,
        "plan_id": version.plan_id,
        "number": version.number,
        "status": version.status,
        "author": version.author.full_name,
        "created_at": version.created_at,
        "updated_at": version.updated_at,
        "signed_at": version.signed_at,
        "effective_date": effective,
        "revision_reason": version.revision_reason,
        "signed_by": _signed_by(signatures),
    }


@router.get(
    "/clients/{client_id}/plans",
    url_name="plan_list",
    response={200: Page[PlanVersionOut], **ERROR_RESPONSES},
    summary="Every version of the client's treatment plans, newest first",
)
def plan_list(request: Request, client_id: RecordId, page: Query[PageQuery]) -> Any:
    actor = _actor(request)
    client = access.client_for(actor, client_id, Action.CLINICAL_VIEW)
    versions = (
        PlanVersion.objects.filter(plan__client=client)
        .select_related("author")
        .order_by("-plan__created_at", "-plan_id", "-number")
    )
    shown, links = paginate(request, versions, page)
    signatures = _signatures_of(PlanVersion, (version.pk for version in shown))
    record(
        "api.plan.list",
        actor=actor,
        client=client,
        detail={"shown": [version.pk for version in shown]},
    )
    return {
        **links,
        "items": [_version_out(v, signatures.get(v.pk, [])) for v in shown],
    }


@router.get(
    "/clients/{client_id}/plans/{version_id}",
    url_name="plan_detail",
    response={200: PlanVersionDetailOut, **ERROR_RESPONSES},
    summary="One plan version: its content, signatures and addenda",
)
def plan_detail(request: Request, client_id: RecordId, version_id: RecordId) -> Any:
    actor = _actor(request)
    client = access.client_for(actor, client_id, Action.CLINICAL_VIEW)
    version = get_object_or_404(
        PlanVersion.objects.select_related("author"), pk=version_id, plan__client=client
    )
    signatures = _signatures_of(PlanVersion, [version.pk]).get(version.pk, [])
    addenda = list(version.addenda.select_related("author").order_by("number"))
    record(
        "api.plan.view",
        actor=actor,
        client=client,
        obj=version,
        detail={"version": version.number},
    )
    return {
        **_version_out(version, signatures),
        "content": version.content,
        "revision_note": version.revision_note,
        "based_on": version.based_on_id,
        "signatures": signatures,
        "addenda": _addenda_out(addenda),
    }


# --- notes --------------------------------------------------------------------------------


def _note_out(note: Note) -> dict[str, Any]:
    content = note.content if isinstance(note.content, dict) else {}
    codes = content.get("billed_codes")
    return {
        "id": note.pk,
        "kind": note.kind,
        "format": _text(content.get("format")),
        "status": note.status,
        "date_of_service": _text(_section(content, "session").get("date_of_service")),
        "session_id": note.appointment_id,
        "plan_version_id": note.plan_version_id,
        "billed_codes": [code for code in codes if isinstance(code, str)]
        if isinstance(codes, list)
        else [],
        "author": note.author.full_name,
        "created_at": note.created_at,
        "signed_at": note.signed_at,
    }


@router.get(
    "/clients/{client_id}/notes",
    url_name="note_list",
    response={200: Page[NoteOut], **ERROR_RESPONSES},
    summary="The client's intake assessments, progress notes and discharge summaries",
)
def note_list(request: Request, client_id: RecordId, page: Query[PageQuery]) -> Any:
    actor = _actor(request)
    client = access.client_for(actor, client_id, Action.CLINICAL_VIEW)
    notes = (
        Note.objects.filter(client=client).select_related("author").order_by("-created_at", "-id")
    )
    shown, links = paginate(request, notes, page)
    record("api.note.list", actor=actor, client=client, detail={"shown": [n.pk for n in shown]})
    return {**links, "items": [_note_out(note) for note in shown]}


@router.get(
    "/clients/{client_id}/notes/{note_id}",
    url_name="note_detail",
    response={200: NoteDetailOut, **ERROR_RESPONSES},
    summary="One note: its content, billed codes, signatures and addenda",
)
def note_detail(request: Request, client_id: RecordId, note_id: RecordId) -> Any:
    actor = _actor(request)
    client = access.client_for(actor, client_id, Action.CLINICAL_VIEW)
    note = get_object_or_404(Note.objects.select_related("author"), pk=note_id, client=client)
    addenda = list(note.addenda.select_related("author").order_by("number"))
    record(f"api.note.{note.kind}.view", actor=actor, client=client, obj=note)
    return {
        **_note_out(note),
        "content": note.content,
        "signatures": _signatures_of(Note, [note.pk]).get(note.pk, []),
        "addenda": _addenda_out(addenda),
    }


# --- sessions -----------------------------------------------------------------------------


def _session_out(appointment: Appointment) -> dict[str, Any]:
    note = getattr(appointment, "note", None)
    return {
        "id": appointment.pk,
        "clinician": appointment.clinician.full_name,
        "scheduled_start": appointment.scheduled_start,
        "duration_minutes": appointment.duration_minutes,
        "service": appointment.service,
        "place": appointment.place,
        "telehealth": appointment.telehealth,
        "status": appointment.status,
        "note_id": note.pk if note is not None else None,
    }


class SessionRange(Schema):
    # Named "from" and "to" in the query string; both days are included.
    starts_from: date | None = Field(None, alias="from", description="first day (YYYY-MM-DD)")
    starts_to: date | None = Field(None, alias="to", description="last day (YYYY-MM-DD)")


@router.get(
    "/clients/{client_id}/sessions",
    url_name="session_list",
    response={200: Page[SessionOut], **ERROR_RESPONSES},
    summary="The client's sessions, newest first, optionally between two days",
)
def session_list(
    request: Request, client_id: RecordId, page: Query[PageQuery], within: Query[SessionRange]
) -> Any:
    actor = _actor(request)
    client = access.client_for(actor, client_id, Action.CLINICAL_VIEW)
    if within.starts_from and within.starts_to and within.starts_from > within.starts_to:
        raise Invalid(
            "The first day comes after the last: swap 'from' and 'to'.",
            [{"field": "query.from", "message": "must not be after 'to'"}],
        )
    sessions = client.appointments.select_related("clinician", "note").order_by(
        "-scheduled_start", "-id"
    )
    if within.starts_from:
        sessions = sessions.filter(scheduled_start__date__gte=within.starts_from)
    if within.starts_to:
        sessions = sessions.filter(scheduled_start__date__lte=within.starts_to)
    shown, links = paginate(request, sessions, page)
    appointments.list_viewed(actor, shown, client=client, view="api")
    return {**links, "items": [_session_out(session) for session in shown]}


class SessionIn(Schema):
    scheduled_start: datetime = Field(description="ISO 8601 with its UTC offset")
    duration_minutes: int = Field(53, ge=MIN_MINUTES, le=MAX_MINUTES)
    service: str = Field(
        "psychotherapy",
        description="one of: " + ", ".join(value for value, _ in SERVICE_CHOICES),
    )
    place: str = Field(Place.OFFICE.value, description="office, home or elsewhere")
    telehealth: str = Field(
        Telehealth.IN_PERSON.value, description='"" in person, "video" or "audio"'
    )


@router.post(
    "/clients/{client_id}/sessions",
    url_name="session_create",
    response={201: SessionOut, **ERROR_RESPONSES},
    summary="Schedule a session with you as its clinician",
)
def session_create(request: Request, client_id: RecordId, session: SessionIn) -> Any:
    actor = _actor(request)
    client = access.client_for(actor, client_id, Action.CLINICAL_EDIT)
    start = session.scheduled_start
    if timezone.is_naive(start):
        raise Invalid(
            "Give the start time with its UTC offset, such as 2026-09-08T13:00:00-05:00.",
            [{"field": "body.scheduled_start", "message": "needs a UTC offset"}],
        )
    if not FIRST_YEAR <= start.year <= LAST_YEAR:
        raise Invalid(
            f"Schedule the session between {FIRST_YEAR} and {LAST_YEAR}.",
            [{"field": "body.scheduled_start", "message": "year out of range"}],
        )
    try:
        appointment = appointments.schedule(
            actor,
            client,
            {
                "clinician": actor,
                "scheduled_start": start,
                "duration_minutes": session.duration_minutes,
                "service": session.service,
                "place": session.place,
                "telehealth": session.telehealth,
            },
        )
    except ValidationError as error:
        raise Invalid(
            "The session cannot be scheduled as given; see details.", _form_details(error)
        ) from error
    return Status(201, _session_out(appointment))


def _form_details(error: ValidationError) -> list[dict[str, str]]:
    if hasattr(error, "error_dict"):
        return [
            {"field": f"body.{name}" if name != "__all__" else "body", "message": message}
            for name, messages in error.message_dict.items()
            for message in messages
        ]
    return [{"field": "body", "message": message} for message in error.messages]


# --- measures -----------------------------------------------------------------------------


def _measure_out(administration: Administration) -> dict[str, Any]:
    form = INSTRUMENTS.get(administration.instrument)
    return {
        "id": administration.pk,
        "instrument": administration.instrument,
        "instrument_name": form.name if form else administration.instrument,
        "channel": administration.channel,
        "state": administration.state,
        "answered_on": administration.answered_on,
        "score": administration.total,
        "band": administration.band,
        "safety_alert": administration.safety_alert,
        "session_id": administration.appointment_id,
    }


@router.get(
    "/clients/{client_id}/measures",
    url_name="measure_list",
    response={200: Page[MeasureOut], **ERROR_RESPONSES},
    summary="Questionnaires given to the client, newest first, with scores and bands",
)
def measure_list(request: Request, client_id: RecordId, page: Query[PageQuery]) -> Any:
    actor = _actor(request)
    client = access.client_for(actor, client_id, Action.CLINICAL_VIEW)
    given: QuerySet[Administration] = Administration.objects.filter(client=client).order_by(
        models.F("answered_at").desc(nulls_first=True), "-created_at", "-id"
    )
    shown, links = paginate(request, given, page)
    record(
        "api.measure.list",
        actor=actor,
        client=client,
        detail={"shown": [a.pk for a in shown]},
    )
    return {**links, "items": [_measure_out(administration) for administration in shown]}
