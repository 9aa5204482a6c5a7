"""Every write to intakes, progress notes and discharge summaries."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from threadline.accounts.models import ClinicianProfile
from threadline.appointments.models import Appointment
from threadline.appointments.models import Status as SessionStatus
from threadline.audit.services import record
from threadline.clients.models import Client, ClientStatus
from threadline.notes import content as note_content
from threadline.notes import history
from threadline.notes.checks import billed_lines, check, suggested_billing
from threadline.notes.models import Kind, Note, NoteAddendum, Status
from threadline.plans import services as plan_services
from threadline.plans.checks import signer_identity
from threadline.plans.models import PlanVersion, VersionStatus
from threadline.plans.services import DraftConflict, NotADraft
from threadline.rules.billing import Service
from threadline.rules.facts import NoteFormat
from threadline.signatures.models import Meaning
from threadline.signatures.services import SigningRefused, sign, step_up_method
from threadline.signatures.services import add_addendum as signed_addendum

INTAKE_SERVICES = frozenset({Service.INTAKE.value, Service.INTAKE_MEDICAL.value})

__all__ = ["DraftConflict", "NotADraft", "SigningRefused"]


class NotAvailable(Exception):
    """The action does not apply here; the message says why, in words."""


def plan_in_force(client: Client, day: date | None) -> PlanVersion | None:
    """The newest signed plan version in effect on `day` (or the newest signed one)."""
    signed = list(
        PlanVersion.objects.filter(plan__client=client, status=VersionStatus.SIGNED)
        .select_related("plan__client__payer", "plan__client__practice", "author")
        .order_by("-signed_at")
    )
    if day is not None:
        for version in signed:
            effective = note_content.parse_day(
                version.content.get("effective_date")
                or version.content.get("session", {}).get("date_of_service")
            )
            if effective is not None and effective <= day:
                return version
    return signed[0] if signed else None


def preferred_format(clinician: Any) -> NoteFormat:
    """The format this clinician wrote their last progress note in (DAP to begin with)."""
    last = (
        Note.objects.filter(author=clinician, kind=Kind.PROGRESS)
        .order_by("-created_at")
        .values_list("content__format", flat=True)
        .first()
    )
    formats = {f.value for f in note_content.FORMATS}
    return NoteFormat(last) if last in formats else NoteFormat.DAP


@transaction.atomic
def start_note(actor: Any, appointment: Appointment, *, note_format: str | None = None) -> Note:
    """Open the session's note as a draft, pre-filled from the plan (or return the one there)."""
    appointment = (
        Appointment.objects.select_for_update().select_related("client").get(pk=appointment.pk)
    )
    existing = Note.objects.filter(appointment=appointment).first()
    if existing is not None:
        return existing
    if appointment.status != SessionStatus.ATTENDED:
        raise NotAvailable(
            "A note documents a session that took place: mark the session attended first."
        )
    client = appointment.client
    if appointment.service in INTAKE_SERVICES:
        kind, plan, body = Kind.INTAKE, None, note_content.blank_intake(appointment)
        if client.status == ClientStatus.DISCHARGED:
            _reopen_episode(actor, client)
    else:
        kind = Kind.PROGRESS
        chosen = NoteFormat(note_format) if note_format else preferred_format(actor)
        day = timezone.localdate(appointment.scheduled_start)
        plan = plan_in_force(client, day)
        body = note_content.blank_progress(appointment, chosen)
        body.update(history.draft_from_plan(client, plan, before=day))
    note = Note.objects.create(
        client=client,
        kind=kind,
        appointment=appointment,
        plan_version=plan,
        content=body,
        author=actor,
        updated_by=actor,
    )
    record(
        f"note.{kind}.create",
        actor=actor,
        client=client,
        obj=note,
        detail={"session": appointment.pk, "plan_version": plan.pk if plan else None},
    )
    return note


def _reopen_episode(actor: Any, client: Client) -> None:
    """A discharged client's new intake starts a new episode of care."""
    Client.objects.filter(pk=client.pk).update(status=ClientStatus.ACTIVE)
    client.status = ClientStatus.ACTIVE
    record("client.episode.open", actor=actor, client=client, obj=client)


@transaction.atomic
def start_discharge(actor: Any, client: Client, *, today: date) -> Note:
    """Open the discharge summary (or return the draft already open)."""
    draft = Note.objects.filter(client=client, kind=Kind.DISCHARGE, status=Status.DRAFT).first()
    if draft is not None:
        return draft
    if client.status == ClientStatus.DISCHARGED:
        raise NotAvailable("This client is discharged; a new intake opens a new episode.")
    attended = client.appointments.filter(status=SessionStatus.ATTENDED).order_by("scheduled_start")
    first, last = attended.first(), attended.last()
    body = note_content.blank_discharge(
        today,
        timezone.localdate(first.scheduled_start) if first else None,
        timezone.localdate(last.scheduled_start) if last else None,
    )
    plan = plan_in_force(client, None)
    body["outcomes"] = history.proposed_outcomes(client, plan)
    body["measures"] = history.first_and_last_scores(client)
    note = Note.objects.create(
        client=client,
        kind=Kind.DISCHARGE,
        plan_version=plan,
        content=body,
        author=actor,
        updated_by=actor,
    )
    record("note.discharge.create", actor=actor, client=client, obj=note)
    return note


def _with_suggested_code(body: dict[str, Any]) -> dict[str, Any]:
    """Without an override reason, the billed code is what the times and service support."""
    if body.get("billing_override_reason"):
        return body
    result = suggested_billing(body)
    codes = billed_lines(result) if result is not None and not result.refusal else []
    return {**body, "billed_codes": codes}


@transaction.atomic
def save_draft(actor: Any, note: Note, body: dict[str, Any], *, lock_version: int) -> Note:
    """Save the form; refuse (keeping both) when someone else saved meanwhile."""
    if not note.is_draft:
        raise NotADraft
    if note.kind == Kind.PROGRESS:
        body = _with_suggested_code(body)
        body["measures_given"] = history.measures_given(note.client, body)

    def write(expected: int) -> int:
        return Note.objects.filter(pk=note.pk, status=Status.DRAFT, lock_version=expected).update(
            content=body,
            lock_version=F("lock_version") + 1,
            updated_at=timezone.now(),
            updated_by=actor,
        )

    updated = write(lock_version)
    note.refresh_from_db()
    if not updated and note.updated_by_id == actor.pk and note.lock_version == lock_version + 1:
        # Their own autosave landed while they pressed a button on the same page.
        updated = write(note.lock_version)
        note.refresh_from_db()
    if not updated:
        raise DraftConflict(note)
    record(
        f"note.{note.kind}.save",
        actor=actor,
        client=note.client,
        obj=note,
        detail={"lock_version": note.lock_version},
    )
    return note


@transaction.atomic
def sign_note(
    actor: Any,
    note: Note,
    *,
    stepped_up_at: datetime | None,
    shown_lock: int | None = None,
    ip: str | None = None,
    user_agent: str = "",
    now: datetime | None = None,
) -> Note:
    """The author signs: blocked while errors remain; then frozen. A discharge summary closes
    the episode.

    `now` is the moment of signing; only the demo loader passes one, to build a history whose
    notes were signed on their own days."""
    note = Note.objects.select_for_update().select_related("client").get(pk=note.pk)
    if not note.is_draft:
        raise SigningRefused("This document is already signed.")
    if shown_lock is not None and shown_lock != note.lock_version:
        raise SigningRefused(
            "The draft changed after this page was shown. Review it again, then sign."
        )
    if note.author_id != actor.pk:
        raise SigningRefused("Only the author of a draft signs it as its author.")
    now = now or timezone.now()
    checked = check(note, today=timezone.localdate(now), prospective_signer=actor, signing_at=now)
    if checked.blocking:
        count = len(checked.blocking)
        raise SigningRefused(f"Fix the {count} error{'s' if count != 1 else ''} listed first.")
    sign(
        note,
        signer=signer_identity(actor),
        meaning=Meaning.AUTHOR,
        method=step_up_method(actor),
        now=now,
        stepped_up_at=stepped_up_at,
        ip=ip,
        user_agent=user_agent,
        client=note.client,
    )
    note.status = Status.SIGNED
    note.signed_at = now
    note.save(update_fields=["status", "signed_at"])
    late = [f.code for f in checked.findings if f.code.startswith("note.timeliness.")]
    record(
        f"note.{note.kind}.sign",
        actor=actor,
        client=note.client,
        obj=note,
        detail={"late_entry": bool(late)},
    )
    if note.kind == Kind.DISCHARGE:
        Client.objects.filter(pk=note.client_id).update(
            status=ClientStatus.DISCHARGED, updated_at=now
        )
        record("client.episode.close", actor=actor, client=note.client, obj=note.client)
    return note


@transaction.atomic
def cosign_note(
    actor: Any,
    note: Note,
    *,
    stepped_up_at: datetime | None,
    ip: str | None = None,
    user_agent: str = "",
) -> None:
    note = Note.objects.select_for_update().select_related("client").get(pk=note.pk)
    if note.is_draft:
        raise SigningRefused("The author signs the document first.")
    profile = ClinicianProfile.objects.filter(user_id=note.author_id).first()
    if profile is None or profile.supervisor_id != actor.pk:
        raise SigningRefused("Only the author's supervisor co-signs this document.")
    sign(
        note,
        signer=signer_identity(actor),
        meaning=Meaning.SUPERVISOR,
        method=step_up_method(actor),
        now=timezone.now(),
        stepped_up_at=stepped_up_at,
        ip=ip,
        user_agent=user_agent,
        client=note.client,
    )


@transaction.atomic
def add_addendum(
    actor: Any,
    note: Note,
    text: str,
    *,
    stepped_up_at: datetime | None,
    ip: str | None = None,
    user_agent: str = "",
) -> NoteAddendum:
    """A signed addendum; the document it adds to stays exactly as signed."""
    note = Note.objects.select_for_update().select_related("client").get(pk=note.pk)
    if note.is_draft:
        raise SigningRefused("A draft is edited, not amended; addenda follow signing.")
    addendum: NoteAddendum = signed_addendum(
        note,
        text,
        signer=signer_identity(actor),
        now=timezone.now(),
        stepped_up_at=stepped_up_at,
        ip=ip,
        user_agent=user_agent,
        client=note.client,
    )
    record(
        f"note.{note.kind}.addendum",
        actor=actor,
        client=note.client,
        obj=addendum,
        detail={"note": note.pk, "addendum": addendum.number},
    )
    return addendum


@transaction.atomic
def start_plan_from_intake(actor: Any, intake: Note) -> PlanVersion:
    """A plan draft carrying the intake's diagnoses, presenting problem and recommendation.

    A plan draft already open is returned as it is rather than forked."""
    if intake.kind != Kind.INTAKE:
        raise NotAvailable("Only an intake assessment starts a treatment plan.")
    current = plan_services.current_version(intake.client)
    if current is not None and current.is_draft:
        return current
    content = intake.content
    recommendation = content.get("recommendation") or {}
    seed = {
        "diagnoses": [
            {key: d.get(key, "") for key in ("code", "description", "release", "rank", "status")}
            for d in content.get("diagnoses") or []
        ],
        "background": {
            "presenting_problem": content.get("presenting_problem", ""),
            "symptoms": "",
            "functional_impact": "",
        },
        "recommendation": {
            "modality": recommendation.get("modality", ""),
            "service_type": "individual psychotherapy",
            "session_minutes": None,
            "frequency": recommendation.get("frequency", ""),
            "duration": recommendation.get("duration", ""),
            "medication_evaluation": "",
            "referrals": recommendation.get("referrals", ""),
        },
    }
    version = plan_services.start_plan(actor, intake.client, today=timezone.localdate(), seed=seed)
    record(
        "plan.seed_from_intake",
        actor=actor,
        client=intake.client,
        obj=version,
        detail={"intake": intake.pk},
    )
    return version


def view_note(actor: Any, note: Note, how: str = "view") -> None:
    record(f"note.{note.kind}.{how}", actor=actor, client=note.client, obj=note)
