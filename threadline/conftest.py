"""Personas shared by the test suite: an owning clinician, a colleague, a supervisor, a practice
admin, and someone from another practice. Each test gets fresh ones."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client as HttpClient
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP, hotp

from threadline.accounts.mfa import AUTHENTICATOR_NAME, requires_mfa
from threadline.accounts.models import (
    Authenticator,
    ClinicianProfile,
    Membership,
    Payer,
    Practice,
    Role,
    User,
)
from threadline.clients.models import Client

PASSWORD = "a long enough passphrase"


def make_person(
    practice: Practice, email: str, role: str, credentials: str = "LCSW", **profile: Any
) -> User:
    user = User.objects.create_user(email, PASSWORD, full_name=email.split("@")[0].title())
    Membership.objects.create(user=user, practice=practice, role=role)
    if role != Role.PRACTICE_ADMIN:
        ClinicianProfile.objects.create(user=user, credentials=credentials, **profile)
    return user


def make_client(practice: Practice, clinician: User, number: str, **fields: Any) -> Client:
    values: dict[str, Any] = {
        "legal_first_name": "Avery",
        "legal_last_name": "Testwell",
        "date_of_birth": date(1990, 4, 2),
        "record_number": number,
    }
    values.update(fields)
    return Client.objects.create(practice=practice, primary_clinician=clinician, **values)


@pytest.fixture
def practice(db: None) -> Practice:
    return Practice.objects.create(name="Riverbend Counseling")


@pytest.fixture
def other_practice(db: None) -> Practice:
    return Practice.objects.create(name="Hilltop Therapy")


@pytest.fixture
def supervisor(practice: Practice) -> User:
    return make_person(practice, "sup@riverbend.test", Role.SUPERVISOR, "PhD")


@pytest.fixture
def owner(practice: Practice, supervisor: User) -> User:
    """A pre-licensed clinician, supervised, who is the primary clinician of `client`."""
    return make_person(
        practice,
        "owner@riverbend.test",
        Role.CLINICIAN,
        "APC",
        pre_licensed=True,
        supervisor=supervisor,
    )


@pytest.fixture
def colleague(practice: Practice) -> User:
    return make_person(practice, "colleague@riverbend.test", Role.CLINICIAN, "LMFT")


@pytest.fixture
def admin(practice: Practice) -> User:
    return make_person(practice, "admin@riverbend.test", Role.PRACTICE_ADMIN)


@pytest.fixture
def outsider(other_practice: Practice) -> User:
    return make_person(other_practice, "someone@hilltop.test", Role.CLINICIAN, "LPC")


@pytest.fixture
def outsider_admin(other_practice: Practice) -> User:
    return make_person(other_practice, "admin@hilltop.test", Role.PRACTICE_ADMIN)


@pytest.fixture
def payer(practice: Practice) -> Payer:
    return Payer.objects.create(practice=practice, name="Medicare", pack="medicare")


@pytest.fixture
def client_record(practice: Practice, owner: User) -> Client:
    return make_client(practice, owner, "TL-00001")


def authenticator(user: User) -> Authenticator:
    """The person's confirmed authenticator app, set up here if they have none."""
    device = Authenticator.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = Authenticator.new(user, name=AUTHENTICATOR_NAME, confirmed=True)
    return device


def current_code(user: User) -> str:
    """A code the person's authenticator app would show now, that their device will accept.

    Codes are single-use per 30-second step and tests sign faster than that, so a second code
    in the same step comes from the next step (the device allows one step of clock drift);
    past that, the device forgets its last step, as if the clock had moved on.
    """
    device = authenticator(user)
    seed = device.seed
    now_t = TOTP(seed, device.step, device.t0, device.digits, device.drift).t()
    step = max(now_t, device.last_t + 1)
    if step > now_t + device.tolerance:
        device.last_t = now_t - 1
        device.save(update_fields=["last_t"])
        step = now_t
    return f"{hotp(seed, step, digits=device.digits):0{device.digits}d}"


def signed_in(user: User) -> HttpClient:
    """A test client signed in as `user`, past the second factor for those who need one."""
    http = HttpClient()
    http.force_login(user)
    if requires_mfa(user):
        session = http.session
        session[DEVICE_ID_SESSION_KEY] = authenticator(user).persistent_id
        session.save()
    return http
