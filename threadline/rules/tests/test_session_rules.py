"""Session details are checked alike on plans, notes and intakes; identity on discharges too."""

from __future__ import annotations

from collections.abc import Callable
from datetime import time
from typing import Any

import pytest

from threadline.rules.compliance import check
from threadline.rules.facts import Telehealth
from threadline.rules.findings import codes
from threadline.rules.packs import load_pack
from threadline.rules.tests import changes as c
from threadline.rules.tests.factories import (
    CODES,
    SESSION_DAY,
    TODAY,
    complete_discharge,
    complete_intake,
    complete_note,
    complete_plan,
)

Edit = Callable[[Any], Any]

DOCUMENTS: dict[str, Callable[[], Any]] = {
    "plan": complete_plan,
    "note": complete_note,
    "intake": complete_intake,
}

# (what changes, the edit, the code after "<document>.session.")
SESSION_CASES: list[tuple[str, Edit, str]] = [
    ("no date of service", lambda d: c.session(d, date_of_service=None), "date_missing"),
    ("no start time", lambda d: c.session(d, start=None), "start_time_missing"),
    ("no stop time", lambda d: c.session(d, stop=None), "stop_time_missing"),
    ("a stop before the start", lambda d: c.session(d, stop=time(9, 0)), "stop_before_start"),
    ("no place of service", lambda d: c.session(d, place_of_service=""), "place_missing"),
    (
        "telehealth without video or audio",
        lambda d: c.session(
            d,
            place_of_service="telehealth",
            client_location="home",
            hipaa_platform_attested=True,
        ),
        "telehealth_modality_missing",
    ),
    (
        "telehealth without the client's location",
        lambda d: c.session(
            d, place_of_service="02", telehealth=Telehealth.VIDEO, hipaa_platform_attested=True
        ),
        "telehealth_location_missing",
    ),
    (
        "telehealth without the platform statement",
        lambda d: c.session(d, telehealth=Telehealth.AUDIO, client_location="car, parked"),
        "telehealth_platform_statement_missing",
    ),
    ("no client name", lambda d: c.client(d, name=""), "client_name_missing"),
    (
        "no second identifier",
        lambda d: c.client(d, date_of_birth=None, record_number=""),
        "client_second_identifier_missing",
    ),
    ("no provider name", lambda d: c.clinician(d, name=""), "provider_name_missing"),
    (
        "no provider credentials",
        lambda d: c.clinician(d, credentials=""),
        "provider_credentials_missing",
    ),
]
IDENTITY_CASES = SESSION_CASES[-4:]


def _codes(document: Any) -> set[str]:
    findings = check(document, pack=load_pack("default"), codes=CODES, today=TODAY)
    return set(codes(findings))


@pytest.mark.parametrize("kind", sorted(DOCUMENTS))
@pytest.mark.parametrize(
    ("edit", "code"), [case[1:] for case in SESSION_CASES], ids=[c[0] for c in SESSION_CASES]
)
def test_each_session_detail_is_required_on_every_clinical_document(
    kind: str, edit: Edit, code: str
) -> None:
    document = edit(DOCUMENTS[kind]())
    found = _codes(document)
    assert f"{kind}.session.{code}" in found
    assert {f for f in found if ".session." in f} == {f"{kind}.session.{code}"}


@pytest.mark.parametrize(
    ("edit", "code"), [case[1:] for case in IDENTITY_CASES], ids=[c[0] for c in IDENTITY_CASES]
)
def test_a_discharge_summary_names_the_client_and_the_clinician(edit: Edit, code: str) -> None:
    assert _codes(edit(complete_discharge())) == {f"discharge.session.{code}"}


def test_the_discharge_date_is_required() -> None:
    from dataclasses import replace

    assert _codes(replace(complete_discharge(), discharge_date=None)) == {
        "discharge.session.date_missing"
    }


def test_session_minutes_come_from_start_and_stop() -> None:
    assert c.session(complete_plan(), start=time(13, 3), stop=time(13, 55)).session.minutes == 52
    assert c.session(complete_plan(), stop=None).session.minutes is None
    assert complete_plan().session.date_of_service == SESSION_DAY
