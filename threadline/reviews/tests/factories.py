"""Plain factories for outside readers, review cases, authorizations and signed documents.

Signed notes are stored directly as signed rows (as a signed note is kept), without walking the
editor, so these tests stay fast; the PDF and page code read them like any other signed note.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from threadline.accounts.models import Payer, User
from threadline.appointments.models import Appointment
from threadline.appointments.models import Status as SessionStatus
from threadline.clients.models import Client
from threadline.conftest import PASSWORD
from threadline.notes.models import Kind, Note, Status
from threadline.plans.models import PlanVersion, TreatmentPlan, VersionStatus
from threadline.plans.samples import complete_plan
from threadline.reviews.models import (
    CaseDocument,
    ClientAuthorization,
    OutsideReader,
    ReaderKind,
    ReviewCase,
    Scope,
)

NARRATIVE = "Client practised the breathing exercise twice daily and slept better."


def payer_of(client: Client, name: str = "Blue Valley Health") -> Payer:
    payer, _ = Payer.objects.get_or_create(practice=client.practice, name=name)
    return payer


def outside_reader(
    client: Client,
    email: str,
    *,
    kind: str = ReaderKind.REVIEWER,
    organization: str = "Blue Valley Health",
    payer: Payer | None = None,
) -> OutsideReader:
    """An outside reader of the client's practice who has set a password (PASSWORD)."""
    found = OutsideReader.objects.filter(user__email=email).first()
    if found is not None:
        return found
    name = email.split("@")[0].replace(".", " ").title()
    user = User.objects.create_user(email, PASSWORD, full_name=name)
    if kind == ReaderKind.REVIEWER and payer is None:
        payer = payer_of(client)
    return OutsideReader.objects.create(
        user=user,
        kind=kind,
        organization=organization,
        practice=client.practice,
        payer=payer if kind == ReaderKind.REVIEWER else None,
        invited_by=client.primary_clinician,
    )


def collaborator(client: Client, email: str = "dr.rivera@eastside.test") -> OutsideReader:
    return outside_reader(
        client, email, kind=ReaderKind.COLLABORATOR, organization="Eastside Psychiatry"
    )


def signed_plan_version(client: Client, day: date | None = None) -> PlanVersion:
    """A complete plan version stored as signed, effective `day` (default: 30 days ago)."""
    clinician = client.primary_clinician
    day = day or timezone.localdate() - timedelta(days=30)
    plan = TreatmentPlan.objects.create(client=client, created_by=clinician)
    number = PlanVersion.objects.filter(plan__client=client).count() + 1
    return PlanVersion.objects.create(
        plan=plan,
        number=number,
        status=VersionStatus.SIGNED,
        content=complete_plan({}, day),
        author=clinician,
        updated_by=clinician,
        signed_at=timezone.make_aware(datetime.combine(day, time(15))),
    )


def signed_note(
    client: Client,
    day: date,
    *,
    kind: str = Kind.PROGRESS,
    plan_version: PlanVersion | None = None,
    text: str = NARRATIVE,
) -> Note:
    """A signed note with its session on `day` (a discharge summary has no session)."""
    clinician = client.primary_clinician
    start = timezone.make_aware(datetime.combine(day, time(10)))
    appointment = None
    if kind != Kind.DISCHARGE:
        appointment = Appointment.objects.create(
            client=client,
            clinician=clinician,
            scheduled_start=start,
            status=SessionStatus.ATTENDED,
            created_by=clinician,
        )
    content: dict[str, Any] = {
        "session": {
            "date_of_service": day.isoformat(),
            "start": "10:02",
            "stop": "10:50",
            "place_of_service": "office",
        },
        "format": "dap",
        "sections": {"data": text, "assessment": "Progress toward the sleep objective."},
        "risk_assessment": "Denies suicidal ideation; low risk.",
    }
    if kind == Kind.INTAKE:
        content["presenting_problem"] = text
    if kind == Kind.DISCHARGE:
        content = {"discharge_date": day.isoformat(), "reason": "goals_met", "aftercare": text}
    return Note.objects.create(
        client=client,
        kind=kind,
        appointment=appointment,
        plan_version=plan_version,
        status=Status.SIGNED,
        content=content,
        author=clinician,
        updated_by=clinician,
        signed_at=start + timedelta(hours=2),
    )


def review_case(
    client: Client,
    reviewer: OutsideReader | None = None,
    *,
    documents: list[PlanVersion | Note] | None = None,
    opened_at: datetime | None = None,
    expires_in: timedelta = timedelta(days=14),
    purpose: str = "Medical necessity review for continued sessions",
) -> ReviewCase:
    reviewer = reviewer or outside_reader(client, "casey.reviewer@bluevalley.test")
    opened_at = opened_at or timezone.now()
    case = ReviewCase.objects.create(
        practice=client.practice,
        client=client,
        payer=reviewer.payer or payer_of(client),
        reviewer=reviewer,
        purpose=purpose,
        opened_by=client.primary_clinician,
        opened_at=opened_at,
        expires_at=opened_at + expires_in,
    )
    for document in documents or []:
        if isinstance(document, PlanVersion):
            CaseDocument.objects.create(case=case, plan_version=document)
        else:
            CaseDocument.objects.create(case=case, note=document)
    return case


def authorization(
    client: Client,
    reader: OutsideReader | None = None,
    *,
    scope: list[str] | None = None,
    recorded_at: datetime | None = None,
    expires_in: timedelta = timedelta(days=90),
) -> ClientAuthorization:
    reader = reader or collaborator(client)
    recorded_at = recorded_at or timezone.now()
    return ClientAuthorization.objects.create(
        practice=client.practice,
        client=client,
        collaborator=reader,
        scope=scope if scope is not None else [Scope.PLANS.value, Scope.PROGRESS.value],
        purpose="Coordination of care with the client's psychiatrist",
        given_on=timezone.localdate(recorded_at),
        given_how="Signed release form, scanned to the chart",
        expires_at=recorded_at + expires_in,
        recorded_by=client.primary_clinician,
        recorded_at=recorded_at,
    )
