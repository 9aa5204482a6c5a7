"""The client's privacy rights: disclosures and their accounting, copies of the record, and
requests to amend it. Every write runs in one transaction with its audit event."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.formats import date_format

from threadline.audit.services import record
from threadline.clients.models import Client
from threadline.notes.models import Kind, Note
from threadline.notes.models import Status as NoteStatus
from threadline.plans.models import PlanVersion, VersionStatus
from threadline.privacy.models import (
    AmendmentRequest,
    AmendmentStatus,
    Disclosure,
    RecordRequest,
    RecordRequestStatus,
)

# HIPAA 45 CFR 164.528: the accounting covers the six years before the request.
ACCOUNTING_PERIOD = timedelta(days=6 * 365 + 2)


def record_disclosure(
    client: Client,
    *,
    recipient: str,
    recipient_kind: str,
    purpose: str,
    description: str,
    by: Any = None,
    obj: models.Model | None = None,
    at: datetime | None = None,
) -> Disclosure:
    """Write the disclosure row and its audit event together, or neither."""
    if not recipient.strip() or not purpose.strip() or not description.strip():
        raise ValueError("A disclosure needs a recipient, a purpose and what was disclosed.")
    with transaction.atomic():
        disclosure = Disclosure.objects.create(
            practice_id=client.practice_id,
            client=client,
            disclosed_at=at or timezone.now(),
            recipient=recipient.strip(),
            recipient_kind=recipient_kind,
            purpose=purpose.strip(),
            description=description.strip(),
            by=by if getattr(by, "is_authenticated", False) else None,
            object_type=obj._meta.label_lower if obj is not None else "",
            object_id=str(obj.pk) if obj is not None else "",
        )
        record(
            "disclosure.record",
            actor=by,
            client=client,
            obj=disclosure,
            detail={"recipient_kind": recipient_kind, "about": disclosure.object_type},
        )
    return disclosure


def accounting_for(client: Client, now: datetime | None = None) -> models.QuerySet[Disclosure]:
    """The disclosures the client may ask to see: the six years before `now`, newest first."""
    now = now or timezone.now()
    return Disclosure.objects.filter(
        client=client, disclosed_at__gt=now - ACCOUNTING_PERIOD, disclosed_at__lte=now
    ).select_related("by")


class RightsRefused(Exception):
    """A request or decision that cannot go ahead, with a sentence saying why and what to do."""


def shown_day(moment: datetime) -> str:
    return date_format(timezone.localtime(moment), "F j, Y")


# --- The one extension ----------------------------------------------------------------------

# 164.524(b)(2)(ii) and 164.526(b)(2)(ii): the clinic may take no more than 30 more days, once,
# if within the original period it tells the client in writing why, and by when it will answer.
EXTENSION = timedelta(days=30)


def _extend(
    actor: Any, locked: RecordRequest | AmendmentRequest, reason: str, *, now: datetime, action: str
) -> None:
    """Move the due date of an open request 30 days on, once, with the written reason."""
    if locked.is_extended:
        raise RightsRefused(
            f"This request was already extended once, on {shown_day(locked.extended_at or now)}, "
            f"to {shown_day(locked.due_at)}. The rule allows one extension: answer it by then."
        )
    if now > locked.due_at:
        raise RightsRefused(
            f"The time to answer ran out on {shown_day(locked.due_at)}. An extension has to reach "
            "the client before the original due date, so this request can no longer be extended: "
            "answer it now."
        )
    original = locked.due_at
    locked.original_due_at, locked.due_at = original, original + EXTENSION
    locked.extended_at, locked.extended_by, locked.extension_reason = now, actor, reason
    locked.save()
    record(
        action,
        actor=actor,
        client=locked.client,
        obj=locked,
        detail={"original_due_at": original.isoformat(), "due_at": locked.due_at.isoformat()},
    )


def _extension_reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise RightsRefused("Write why more time is needed; the client reads it with the new date.")
    return reason


# --- Copies of the record (45 CFR 164.524) -------------------------------------------------

# 164.524(b)(2): act on a request for access within 30 days of receiving it.
RECORD_COPY_DUE = timedelta(days=30)


def request_record_copy(account: Any, *, now: datetime) -> RecordRequest:
    """The client asks for a copy of their record; one request is open at a time."""
    client = account.client
    try:
        with transaction.atomic():
            request = RecordRequest.objects.create(
                client=client,
                requested_by=account.user,
                requested_at=now,
                due_at=now + RECORD_COPY_DUE,
            )
            record(
                "privacy.record_copy.request",
                actor=account.user,
                client=client,
                obj=request,
                detail={"due_at": request.due_at.isoformat()},
            )
    except IntegrityError:
        raise RightsRefused(
            "You already have a request for a copy of your record waiting. We will let you "
            "know here when it is ready."
        ) from None
    return request


def _open_record_request(record_request: RecordRequest) -> RecordRequest:
    locked = RecordRequest.objects.select_for_update().get(pk=record_request.pk)
    if not locked.is_open:
        raise RightsRefused(
            f"This request was already {locked.get_status_display().lower()} on "
            f"{shown_day(locked.decided_at or locked.requested_at)}."
        )
    return locked


@transaction.atomic
def release_record_copy(
    actor: Any, record_request: RecordRequest, *, now: datetime
) -> RecordRequest:
    """Make the PDF and the FHIR bundle now and keep their exact bytes for the client.

    Both come from the exports, which read only the designated record set: signed plans and
    notes, measures; never psychotherapy notes.
    """
    from threadline.exports.fhir import check_bundle, client_bundle
    from threadline.exports.pdf import record_pdf

    locked = _open_record_request(record_request)
    client = locked.client
    bundle = client_bundle(client, now=now)
    problems = check_bundle(bundle)
    if problems:
        raise RightsRefused(
            "The FHIR copy of this record did not pass its checks, so nothing was released: "
            + "; ".join(problems)
        )
    fhir = bundle.model_dump_json(indent=2).encode()
    pdf = record_pdf(client)
    locked.pdf, locked.pdf_sha256 = pdf, hashlib.sha256(pdf).hexdigest()
    locked.fhir, locked.fhir_sha256 = fhir, hashlib.sha256(fhir).hexdigest()
    locked.status = RecordRequestStatus.RELEASED
    locked.decided_by, locked.decided_at = actor, now
    locked.save()
    record(
        "privacy.record_copy.release",
        actor=actor,
        client=client,
        obj=locked,
        detail={
            "pdf_sha256": locked.pdf_sha256,
            "pdf_bytes": len(pdf),
            "fhir_sha256": locked.fhir_sha256,
            "fhir_bytes": len(fhir),
            "late": now > locked.due_at,
        },
    )
    return locked


@transaction.atomic
def deny_record_copy(
    actor: Any, record_request: RecordRequest, reason: str, *, now: datetime
) -> RecordRequest:
    """Deny with a written reason, which the client reads in the portal."""
    reason = reason.strip()
    if not reason:
        raise RightsRefused("Write the reason for the denial; the client will read it.")
    locked = _open_record_request(record_request)
    locked.status = RecordRequestStatus.DENIED
    locked.decided_by, locked.decided_at = actor, now
    locked.denial_reason = reason
    locked.save()
    record("privacy.record_copy.deny", actor=actor, client=locked.client, obj=locked)
    return locked


@transaction.atomic
def extend_record_copy(
    actor: Any, record_request: RecordRequest, reason: str, *, now: datetime
) -> RecordRequest:
    """Take 30 more days over a copy, once, telling the client why (164.524(b)(2)(ii))."""
    reason = _extension_reason(reason)
    locked = _open_record_request(record_request)
    _extend(actor, locked, reason, now=now, action="privacy.record_copy.extend")
    return locked


@dataclass(frozen=True)
class ReleasedFile:
    content: bytes
    sha256: str
    content_type: str
    filename: str


def download_record_copy(account: Any, record_request: RecordRequest, kind: str) -> ReleasedFile:
    """The released bytes as they were released; the client's own access, not a disclosure."""
    if record_request.status != RecordRequestStatus.RELEASED:
        raise RightsRefused("This copy has not been released yet.")
    released = record_request.decided_at or record_request.requested_at
    stem = f"record-{record_request.client.record_number}-{timezone.localdate(released):%Y-%m-%d}"
    if kind == "pdf":
        file = ReleasedFile(
            bytes(record_request.pdf or b""),
            record_request.pdf_sha256,
            "application/pdf",
            f"{stem}.pdf",
        )
    elif kind == "fhir":
        file = ReleasedFile(
            bytes(record_request.fhir or b""),
            record_request.fhir_sha256,
            "application/fhir+json",
            f"{stem}-fhir.json",
        )
    else:
        raise ValueError(f"Unknown kind of copy: {kind}")
    record(
        "privacy.record_copy.download",
        actor=account.user,
        client=record_request.client,
        obj=record_request,
        detail={"kind": kind, "sha256": file.sha256},
    )
    return file


# --- Amendments (45 CFR 164.526) ------------------------------------------------------------

# 164.526(b)(2): act on a request to amend within 60 days of receiving it.
AMENDMENT_DUE = timedelta(days=60)
NOTE_KINDS = (Kind.INTAKE, Kind.PROGRESS, Kind.DISCHARGE)


def describe(document: PlanVersion | Note) -> str:
    """A signed document named the way a client knows it."""
    if isinstance(document, PlanVersion):
        signed = f", signed {shown_day(document.signed_at)}" if document.signed_at else ""
        return f"Treatment plan, version {document.number}{signed}"
    if document.appointment is not None:
        session = shown_day(document.appointment.scheduled_start)
        return f"{document.get_kind_display()} for the session of {session}"
    signed = f" of {shown_day(document.signed_at)}" if document.signed_at else ""
    return f"{document.get_kind_display()}{signed}"


def amendable_documents(client: Client) -> list[tuple[str, PlanVersion | Note]]:
    """The client's signed plan versions and notes, keyed "plan:<id>" or "note:<id>".

    These are the documents a copy of the record holds; drafts are still the clinician's.
    """
    versions = PlanVersion.objects.filter(
        plan__client=client, status=VersionStatus.SIGNED
    ).order_by("-signed_at", "-id")
    notes = (
        Note.objects.filter(client=client, status=NoteStatus.SIGNED, kind__in=NOTE_KINDS)
        .select_related("appointment")
        .order_by("-signed_at", "-id")
    )
    return [(f"plan:{v.pk}", v) for v in versions] + [(f"note:{n.pk}", n) for n in notes]


def request_amendment(
    account: Any,
    document: PlanVersion | Note,
    *,
    requested_change: str,
    reason: str,
    now: datetime,
) -> AmendmentRequest:
    """The client asks to correct one signed document of theirs."""
    client = account.client
    requested_change, reason = requested_change.strip(), reason.strip()
    if not requested_change or not reason:
        raise RightsRefused("Write what should change and why.")
    owner = document.plan.client_id if isinstance(document, PlanVersion) else document.client_id
    if owner != client.pk or document.status != "signed":
        raise RightsRefused("Choose one of your own signed documents.")
    with transaction.atomic():
        amendment = AmendmentRequest.objects.create(
            client=client,
            plan_version=document if isinstance(document, PlanVersion) else None,
            note=document if isinstance(document, Note) else None,
            requested_change=requested_change,
            reason=reason,
            requested_by=account.user,
            requested_at=now,
            due_at=now + AMENDMENT_DUE,
        )
        record(
            "privacy.amendment.request",
            actor=account.user,
            client=client,
            obj=amendment,
            detail={
                "document": document._meta.label_lower,
                "document_id": document.pk,
                "due_at": amendment.due_at.isoformat(),
            },
        )
    return amendment


def _open_amendment(amendment: AmendmentRequest) -> AmendmentRequest:
    locked = AmendmentRequest.objects.select_for_update().get(pk=amendment.pk)
    if not locked.is_open:
        raise RightsRefused(
            f"This request was already {locked.get_status_display().lower()} on "
            f"{shown_day(locked.decided_at or locked.requested_at)}."
        )
    return locked


@transaction.atomic
def extend_amendment(
    actor: Any, amendment: AmendmentRequest, reason: str, *, now: datetime
) -> AmendmentRequest:
    """Take 30 more days over an amendment, once, telling the client why (164.526(b)(2)(ii))."""
    reason = _extension_reason(reason)
    locked = _open_amendment(amendment)
    _extend(actor, locked, reason, now=now, action="privacy.amendment.extend")
    return locked


def amendment_heading(amendment: AmendmentRequest) -> str:
    """The first line of the addendum, so every later copy shows where it came from."""
    return f"Amended at the client's request of {shown_day(amendment.requested_at)}."


@transaction.atomic
def accept_amendment(
    actor: Any,
    amendment: AmendmentRequest,
    text: str,
    *,
    now: datetime,
    stepped_up_at: datetime | None,
    ip: str | None = None,
    user_agent: str = "",
) -> AmendmentRequest:
    """Append the amendment to the exact version as a signed addendum; the version stays."""
    from threadline.notes import services as note_services
    from threadline.plans import services as plan_services

    text = text.strip()
    if not text:
        raise RightsRefused("Write the amendment as it should be added to the document.")
    locked = _open_amendment(amendment)
    body = f"{amendment_heading(locked)}\n\n{text}"
    if locked.plan_version is not None:
        locked.plan_addendum = plan_services.add_addendum(
            actor,
            locked.plan_version,
            body,
            stepped_up_at=stepped_up_at,
            ip=ip,
            user_agent=user_agent,
        )
    else:
        assert locked.note is not None
        locked.note_addendum = note_services.add_addendum(
            actor, locked.note, body, stepped_up_at=stepped_up_at, ip=ip, user_agent=user_agent
        )
    locked.status = AmendmentStatus.ACCEPTED
    locked.decided_by, locked.decided_at = actor, now
    locked.save()
    addendum = locked.addendum
    record(
        "privacy.amendment.accept",
        actor=actor,
        client=locked.client,
        obj=locked,
        detail={"addendum": addendum._meta.label_lower, "addendum_id": addendum.pk}
        if addendum is not None
        else {},
    )
    return locked


@transaction.atomic
def deny_amendment(
    actor: Any, amendment: AmendmentRequest, reason: str, *, now: datetime
) -> AmendmentRequest:
    reason = reason.strip()
    if not reason:
        raise RightsRefused("Write the reason for the denial; the client will read it.")
    locked = _open_amendment(amendment)
    locked.status = AmendmentStatus.DENIED
    locked.decided_by, locked.decided_at = actor, now
    locked.denial_reason = reason
    locked.save()
    record("privacy.amendment.deny", actor=actor, client=locked.client, obj=locked)
    return locked


@transaction.atomic
def file_disagreement(
    account: Any, amendment: AmendmentRequest, statement: str, *, now: datetime
) -> AmendmentRequest:
    """The client's statement of disagreement with a denial, kept with the document."""
    statement = statement.strip()
    if not statement:
        raise RightsRefused("Write your statement before sending it.")
    locked = AmendmentRequest.objects.select_for_update().get(pk=amendment.pk)
    if locked.status != AmendmentStatus.DENIED:
        raise RightsRefused("A statement of disagreement answers a denied request.")
    if locked.disagreement:
        raise RightsRefused("Your statement for this request is already on file.")
    locked.disagreement, locked.disagreement_at = statement, now
    locked.save()
    record("privacy.amendment.disagree", actor=account.user, client=locked.client, obj=locked)
    return locked


@transaction.atomic
def add_rebuttal(
    actor: Any, amendment: AmendmentRequest, text: str, *, now: datetime
) -> AmendmentRequest:
    """The clinician's answer to the client's statement; the client gets to read it too."""
    text = text.strip()
    if not text:
        raise RightsRefused("Write the rebuttal before saving it.")
    locked = AmendmentRequest.objects.select_for_update().get(pk=amendment.pk)
    if not locked.disagreement:
        raise RightsRefused("A rebuttal answers the client's statement of disagreement.")
    if locked.rebuttal:
        raise RightsRefused("A rebuttal to this statement is already on file.")
    locked.rebuttal, locked.rebuttal_by, locked.rebuttal_at = text, actor, now
    locked.save()
    record("privacy.amendment.rebut", actor=actor, client=locked.client, obj=locked)
    return locked


# --- Reading the rights pages -----------------------------------------------------------------


def view_rights(actor: Any, client: Client, what: str) -> None:
    """A look at the client's requests or accounting, by the client or by their clinician."""
    record(f"privacy.{what}.view", actor=actor, client=client)
