"""Personas shared by the test suite: an owning clinician, a colleague, a supervisor, a practice
admin, and someone from another practice. Each test gets fresh ones."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client as HttpClient

from threadline.accounts.models import (
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


def signed_in(user: User) -> HttpClient:
    http = HttpClient()
    http.force_login(user)
    return http
