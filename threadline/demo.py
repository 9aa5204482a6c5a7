"""A synthetic demo practice: every person and client here is invented."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from threadline.accounts import services as accounts
from threadline.accounts.models import Payer, Practice, Role, User
from threadline.appointments import services as appointments
from threadline.audit.services import record
from threadline.clients import services as clients
from threadline.lib.progress import progress
from threadline.measures.demo import load_measures
from threadline.notes.demo import load_notes
from threadline.plans import services as plans
from threadline.plans.models import RevisionReason
from threadline.plans.samples import complete_plan

# Printed by `threadline serve`; it only ever opens the invented demo practice.
DEMO_PASSWORD = "golden-thread-demo"  # noqa: S105


@dataclass(frozen=True)
class DemoPerson:
    email: str
    full_name: str
    role: str
    credentials: str = ""
    pre_licensed: bool = False


PEOPLE = [
    DemoPerson("clinician@demo.threadline.test", "Alex Rivera", Role.CLINICIAN, "LCSW"),
    DemoPerson("supervisor@demo.threadline.test", "Morgan Hale", Role.SUPERVISOR, "PhD"),
    DemoPerson("associate@demo.threadline.test", "Sam Okoro", Role.CLINICIAN, "APC", True),
    DemoPerson("prescriber@demo.threadline.test", "Priya Natesan", Role.PRESCRIBER, "PMHNP"),
    DemoPerson("admin@demo.threadline.test", "Dana Whitfield", Role.PRACTICE_ADMIN),
]

FIRST_NAMES = [
    "Avery",
    "Jordan",
    "Riley",
    "Casey",
    "Quinn",
    "Rowan",
    "Emerson",
    "Harper",
    "Sage",
    "Reese",
    "Marisol",
    "Tomasz",
    "Ngozi",
    "Kenji",
    "Ines",
    "Oskar",
    "Leilani",
    "Dmitri",
    "Amara",
    "Joaquín",
]
LAST_NAMES = [
    "Testwell",
    "Samplin",
    "Fictor",
    "Demoine",
    "Mockford",
    "Placeholt",
    "Exampleton",
    "Synthe",
    "Imaginary",
    "Notreal",
    "Madeup",
    "Pretendo",
    "Specimen",
    "Trialby",
    "Draftly",
    "Fauxley",
]
PRONOUNS = ["she/her", "he/him", "they/them", ""]


def is_loaded() -> bool:
    return Practice.objects.exists()


@transaction.atomic
def load(n_clients: int = 12, seed: int = 7, show_progress: bool = False) -> Practice:
    """Create one practice with its people, payers and `n_clients` invented clients."""
    rng = random.Random(seed)
    practice = accounts.create_practice(
        None,
        name="Riverbend Counseling (demo)",
        address="100 Example Street, Suite 2\nSpringfield, ST 00000",
        phone="555-0100",
        tax_id="00-0000000",
        default_pack="default",
    )
    payers = [
        Payer.objects.create(practice=practice, name="Evergreen Health (demo)", pack="default"),
        Payer.objects.create(practice=practice, name="Medicare (demo)", pack="medicare"),
        Payer.objects.create(practice=practice, name="State Medicaid (demo)", pack="medicaid"),
    ]
    users: dict[str, User] = {}
    for person in PEOPLE:
        profile = None
        if person.credentials:
            profile = {
                "credentials": person.credentials,
                "license_state": "NY",
                "license_number": f"DEMO-{len(users) + 1:04d}",
                "pre_licensed": person.pre_licensed,
                "supervisor": users.get("supervisor@demo.threadline.test")
                if person.pre_licensed
                else None,
            }
        users[person.email] = accounts.add_person(
            None,
            practice,
            email=person.email,
            full_name=person.full_name,
            role=person.role,
            password=DEMO_PASSWORD,
            profile=profile,
        )
    treating = [users[p.email] for p in PEOPLE if p.role != Role.PRACTICE_ADMIN]
    weights = [6, 1, 2, 2]  # the demo clinician carries most of the caseload
    today = date(2026, 11, 1)
    rows = range(1, n_clients + 1)
    for number in (
        progress(
            rows,
            n_clients,
            "Clients",
        )
        if show_progress
        else rows
    ):
        first = rng.choice(FIRST_NAMES)
        last = rng.choice(LAST_NAMES)
        primary = rng.choices(treating, weights=weights)[0]
        born = today - timedelta(days=rng.randint(18 * 365, 75 * 365))
        payer = rng.choice([*payers, None])
        clients.create_client(
            None,
            practice,
            {
                "legal_first_name": first,
                "legal_last_name": last,
                "pronouns": rng.choice(PRONOUNS),
                "date_of_birth": born,
                "record_number": f"TL-{number:05d}",
                "email": f"client{number}@example.test",
                "phone": f"555-01{number % 100:02d}",
                "payer": payer,
                "member_id": f"DM{rng.randint(100000, 999999)}" if payer else "",
                "plan_type": payer.pack.replace("default", "commercial") if payer else "self_pay",
                "primary_clinician": primary,
            },
        )
    load_plans(practice, users["clinician@demo.threadline.test"])
    load_sessions(practice, users["clinician@demo.threadline.test"], seed)
    load_notes(practice, users["clinician@demo.threadline.test"], seed=seed)
    load_measures(practice, users["clinician@demo.threadline.test"], seed=seed)
    record("demo.load", practice=practice, detail={"clients": n_clients})
    return practice


# (days before today the plan was made, whether it is signed, whether a revision is open)
PLAN_STATES = [
    (3, False, False),  # a draft still being written
    (20, True, False),  # signed and current
    (165, True, False),  # signed, review due within 30 days (default pack: 180 days)
    (200, True, False),  # signed, review overdue
    (95, True, True),  # signed, with version 2 open as a scheduled review
]


def load_plans(practice: Practice, clinician: User) -> None:
    """Give the demo clinician's first clients plans in every state the work queue shows."""
    today = timezone.localdate()
    now = timezone.now()
    their_clients = practice.clients.filter(primary_clinician=clinician).order_by("record_number")
    for client, (age, signed, revising) in zip(their_clients, PLAN_STATES, strict=False):
        made_on = today - timedelta(days=age)
        version = plans.start_plan(clinician, client, today=made_on)
        body = complete_plan(version.content, made_on) if signed else version.content
        version = plans.save_draft(clinician, version, body, lock_version=version.lock_version)
        if signed:
            version = plans.sign_version(clinician, version, stepped_up_at=now)
        if revising:
            plans.revise(
                clinician,
                version,
                reason=RevisionReason.SCHEDULED_REVIEW,
                note="Quarterly review with the client.",
            )


def load_sessions(practice: Practice, clinician: User, seed: int) -> None:
    """Weeks of past sessions and next week's schedule for the demo clinician's clients.

    A client with a plan from `PLAN_STATES` was first seen (the intake) the week before the
    plan was made, so each history starts where that client's care did."""
    today = timezone.localdate()
    their_clients = practice.clients.filter(primary_clinician=clinician).order_by("record_number")
    for slot, client in enumerate(their_clients):
        weeks = appointments.HISTORY_WEEKS
        if slot < len(PLAN_STATES):
            weeks = PLAN_STATES[slot][0] // 7 + 1
        appointments.load_demo(
            clinician, [client], seed=seed + slot, today=today, weeks=weeks, first_slot=slot
        )
