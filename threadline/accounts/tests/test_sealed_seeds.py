"""Authenticator seeds are sealed at rest (ONC 170.315(d)(12)): the database holds ciphertext,
a missing key stops loudly, keys rotate, and codes work as before."""

from __future__ import annotations

import base64
import importlib
import secrets
from base64 import b32encode
from datetime import timedelta
from io import StringIO
from types import SimpleNamespace
from typing import Any

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone
from django_otp.oath import TOTP, hotp

from threadline.accounts import mfa, sealing
from threadline.accounts.models import Authenticator, User, authenticator_context
from threadline.audit.models import AuditEvent
from threadline.conftest import authenticator

MOVE = importlib.import_module("threadline.accounts.migrations.0004_seal_totp_devices")


def new_key() -> bytes:
    return secrets.token_bytes(32)


def code_at(seed: bytes, offset: int = 0) -> str:
    return f"{hotp(seed, TOTP(seed).t() + offset, digits=6):06d}"


def raw_row(device: Authenticator) -> list[Any]:
    """The stored row as the database hands it out, past the model."""
    table = connection.ops.quote_name(Authenticator._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table} WHERE id = %s", [device.pk])  # noqa: S608
        return list(cursor.fetchone())


def spellings(seed: bytes) -> list[str]:
    """The ways a seed is commonly written down: hex (django-otp), base32 (the QR code)."""
    return [
        seed.hex(),
        seed.hex().upper(),
        b32encode(seed).decode().rstrip("="),
        base64.b64encode(seed).decode(),
        base64.urlsafe_b64encode(seed).decode(),
    ]


# --- what is stored ---------------------------------------------------------------------------


def test_the_database_holds_no_clear_seed(owner: User) -> None:
    device = authenticator(owner)
    seed = device.seed
    assert len(seed) == 20
    stored = " ".join(str(value) for value in raw_row(device))
    assert not any(spelling in stored for spelling in spellings(seed))
    (sealed,) = Authenticator.objects.filter(pk=device.pk).values_list("sealed_seed", flat=True)
    assert sealed.startswith(sealing.PREFIX)
    assert seed not in base64.urlsafe_b64decode(sealed[len(sealing.PREFIX) :])
    # Sealing the same seed twice gives different ciphertext (a fresh nonce each time).
    device.seal(seed)
    assert device.sealed_seed != sealed and device.seed == seed


def test_an_authenticator_cannot_be_saved_without_a_sealed_seed(owner: User) -> None:
    with pytest.raises(ValueError, match=r"Authenticator\.new"):
        Authenticator.objects.create(user=owner, name="Authenticator app")


def test_a_seed_copied_onto_someone_elses_row_does_not_open(owner: User, colleague: User) -> None:
    mine, theirs = authenticator(owner), authenticator(colleague)
    theirs.sealed_seed = mine.sealed_seed
    theirs.save()
    with pytest.raises(sealing.SealError):
        theirs.seed  # noqa: B018


# --- codes ------------------------------------------------------------------------------------


def test_a_current_code_verifies_once_and_wrong_codes_are_throttled(owner: User) -> None:
    device = authenticator(owner)
    code = code_at(device.seed)
    assert mfa.check_code(owner, code, purpose="test").accepted
    again = mfa.check_code(owner, code, purpose="test")
    assert again.problem == mfa.REUSED_CODE
    device.refresh_from_db()
    assert device.throttling_failure_count == 1
    assert device.last_used_at is not None
    right_away = mfa.check_code(owner, code_at(device.seed, 1), purpose="test")
    assert right_away.problem.startswith("Too many wrong codes")


def test_the_code_of_an_app_whose_clock_is_a_step_ahead_verifies(owner: User) -> None:
    device = authenticator(owner)
    assert device.verify_token(code_at(device.seed, 1))
    device.refresh_from_db()
    assert device.drift == 1
    assert not device.verify_token("not a number")


# --- keys -------------------------------------------------------------------------------------


def test_a_seed_sealed_under_another_key_fails_loudly(owner: User, settings: Any) -> None:
    settings.FIELD_KEYS = [new_key()]
    authenticator(owner)
    settings.FIELD_KEYS = [new_key()]
    with pytest.raises(sealing.SealError, match="no key in THREADLINE_FIELD_KEYS opens"):
        mfa.check_code(owner, "123456", purpose="sign-in")


def test_without_field_keys_a_changed_secret_key_fails_loudly(owner: User, settings: Any) -> None:
    settings.FIELD_KEYS = []
    device = authenticator(owner)
    settings.SECRET_KEY = secrets.token_urlsafe(64)
    with pytest.raises(sealing.SealError, match="derived from THREADLINE_SECRET_KEY"):
        device.seed  # noqa: B018


def test_a_new_key_in_front_seals_and_the_old_one_still_opens(owner: User, settings: Any) -> None:
    old, new = new_key(), new_key()
    settings.FIELD_KEYS = [old]
    device = authenticator(owner)
    seed = device.seed
    settings.FIELD_KEYS = [new, old]
    assert mfa.check_code(owner, code_at(seed), purpose="test").accepted
    context = authenticator_context(owner.pk)
    assert sealing.unseal_with_key_number(device.sealed_seed, context) == (seed, 1)
    # Set up after the change, this one is sealed under the new key already.
    second = Authenticator.new(owner, name="Second phone", confirmed=False)
    assert sealing.unseal_with_key_number(second.sealed_seed, context)[1] == 0

    output = StringIO()
    call_command("reseal_authenticators", stdout=output)
    assert "1 resealed" in output.getvalue()
    assert AuditEvent.objects.get(action="mfa.reseal").detail == {"resealed": 1}
    settings.FIELD_KEYS = [new]
    device.refresh_from_db()
    assert device.seed == seed
    assert mfa.reseal_authenticators() == 0


def test_resealing_with_a_missing_key_changes_nothing(owner: User, settings: Any) -> None:
    settings.FIELD_KEYS = [new_key()]
    authenticator(owner)
    sealed_before = list(Authenticator.objects.values_list("sealed_seed", flat=True))
    settings.FIELD_KEYS = [new_key()]
    with pytest.raises(CommandError, match="THREADLINE_FIELD_KEYS"):
        call_command("reseal_authenticators", stdout=StringIO())
    assert list(Authenticator.objects.values_list("sealed_seed", flat=True)) == sealed_before


# --- moving django-otp's clear seeds ----------------------------------------------------------

OLD_TABLE = """CREATE TABLE otp_totp_totpdevice (
    id integer PRIMARY KEY, user_id bigint NOT NULL, name varchar(64) NOT NULL,
    confirmed boolean NOT NULL, "key" varchar(80) NOT NULL, step smallint NOT NULL,
    t0 bigint NOT NULL, digits smallint NOT NULL, tolerance smallint NOT NULL,
    drift smallint NOT NULL, last_t bigint NOT NULL,
    throttling_failure_timestamp timestamp with time zone NULL,
    throttling_failure_count integer NOT NULL,
    created_at timestamp with time zone NULL, last_used_at timestamp with time zone NULL)"""


def test_the_migration_seals_django_otp_devices_and_blanks_the_old_rows(
    owner: User, colleague: User
) -> None:
    seed = secrets.token_bytes(20)
    created = (timezone.now() - timedelta(days=30)).replace(microsecond=0)
    now_t = TOTP(seed).t()
    stamp = connection.ops.adapt_datetimefield_value
    with connection.cursor() as cursor:
        cursor.execute(OLD_TABLE)
        cursor.execute(
            'INSERT INTO otp_totp_totpdevice (id, user_id, name, confirmed, "key", step, t0, '
            "digits, tolerance, drift, last_t, throttling_failure_timestamp, "
            "throttling_failure_count, created_at, last_used_at) "
            "VALUES (%s, %s, %s, %s, %s, 30, 0, 6, 1, 0, %s, NULL, 0, %s, NULL)",
            [41, owner.pk, "Authenticator app", True, seed.hex(), now_t, stamp(created)],
        )

    MOVE.seal_totp_devices(apps, SimpleNamespace(connection=connection))

    device = Authenticator.objects.get(user=owner)
    assert (device.pk, device.name, device.confirmed, device.last_t) == (
        41,
        "Authenticator app",
        True,
        now_t,
    )
    assert device.created_at == created
    assert device.seed == seed
    stored = " ".join(str(value) for value in raw_row(device))
    assert not any(spelling in stored for spelling in spellings(seed))
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM otp_totp_totpdevice")
        assert cursor.fetchone() == (0,)
    # The moved device still refuses the code of the step it last accepted, takes the next.
    assert mfa.check_code(owner, code_at(seed), purpose="test").problem == mfa.REUSED_CODE
    Authenticator.objects.filter(pk=41).update(throttling_failure_count=0)
    assert mfa.check_code(owner, code_at(seed, 1), purpose="test").accepted
    # New devices get new ids past the moved ones.
    assert authenticator(colleague).pk > 41


def test_the_migration_passes_over_a_database_without_django_otp_devices(db: None) -> None:
    MOVE.seal_totp_devices(apps, SimpleNamespace(connection=connection))
    assert not Authenticator.objects.exists()
