"""Dates, clock times, names with credentials and diagnoses, as clinicians write them."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from threadline.documents import values
from threadline.rules.billing import Service
from threadline.rules.facts import DiagnosisRank, DiagnosisStatus, SignerRole, Telehealth


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("09/08/2026", date(2026, 9, 8)),
        ("9/8/26", date(2026, 9, 8)),
        ("9-8-2026", date(2026, 9, 8)),
        ("2026-09-08", date(2026, 9, 8)),
        ("September 8, 2026", date(2026, 9, 8)),
        ("Sept. 8th, 2026", date(2026, 9, 8)),
        ("8 September 2026", date(2026, 9, 8)),
        ("signed on 09/08/2026 at 4 pm", date(2026, 9, 8)),
        ("3/14/94", date(1994, 3, 14)),
        ("13/45/2026", None),
        ("2026-02-30", None),
        ("next Tuesday", None),
    ],
)
def test_dates_are_read_in_the_usual_us_forms(text: str, expected: date | None) -> None:
    assert values.parse_date(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1:03 pm\u20131:55 pm", (time(13, 3), time(13, 55))),
        ("13:03-13:55", (time(13, 3), time(13, 55))),
        ("1:03 - 1:55 pm", (time(13, 3), time(13, 55))),
        ("11:30 - 12:20 pm", (time(11, 30), time(12, 20))),
        ("11:30 am - 12:20", (time(11, 30), time(12, 20))),
        ("1:03PM to 1:55PM", (time(13, 3), time(13, 55))),
        ("1:03 p.m. \u2014 1:55 p.m.", (time(13, 3), time(13, 55))),
        ("9:00-9:53", (time(9, 0), time(9, 53))),
        ("1 to 2 pm", (time(13, 0), time(14, 0))),
        ("10 am until noon", None),
        ("25:00-26:00", None),
        ("about an hour", None),
    ],
)
def test_session_times_are_read_from_a_range_in_any_dash_or_case(
    text: str, expected: tuple[time, time] | None
) -> None:
    assert values.parse_time_range(text) == expected


@pytest.mark.parametrize(
    ("text", "name", "credentials", "pre_licensed", "prescriber"),
    [
        ("Sol Example, LCSW", "Sol Example", "LCSW", False, False),
        ("/s/ Kit Sample, LPC-A", "Kit Sample", "LPC-A", True, False),
        ("Ira Case PMHNP-BC", "Ira Case", "PMHNP-BC", False, True),
        ("Dr. Ren Case, Ph.D.", "Dr. Ren Case", "PhD", False, False),
        (
            "Electronically signed by Lee Doe, LMFT (NPI 0000000000)",
            "Lee Doe",
            "LMFT",
            False,
            False,
        ),
        ("Mo Test", "Mo Test", "", False, False),
    ],
)
def test_a_name_and_its_credentials_are_told_apart(
    text: str, name: str, credentials: str, pre_licensed: bool, prescriber: bool
) -> None:
    found_name, found = values.person(text)
    assert (found_name, found.text, found.pre_licensed, found.prescriber) == (
        name,
        credentials,
        pre_licensed,
        prescriber,
    )


def test_a_signature_line_gives_the_signer_the_date_and_the_time() -> None:
    signature, signed_at = values.signature(
        SignerRole.CLINICIAN, "Sol Example, LCSW 09/08/2026 4:30 pm"
    )
    assert signature is not None
    assert (signature.name, signature.credentials, signature.signed_on) == (
        "Sol Example",
        "LCSW",
        date(2026, 9, 8),
    )
    assert signed_at == datetime(2026, 9, 8, 16, 30)  # noqa: DTZ001 - the clinic's wall clock


@pytest.mark.parametrize("text", ["", "____________", "__________  Date: ______", "N/A", "pending"])
def test_a_blank_signature_line_is_no_signature(text: str) -> None:
    assert values.signature(SignerRole.CLIENT, text) == (None, None)


def test_diagnoses_are_read_with_code_rank_and_status() -> None:
    found = values.diagnoses("(F41.1) Generalized anxiety disorder - primary; past: f32.1 MDD")
    assert [(d.code, d.description, d.rank, d.status) for d in found] == [
        ("F41.1", "Generalized anxiety disorder", DiagnosisRank.PRIMARY, DiagnosisStatus.CURRENT),
        ("F32.1", "past: MDD", DiagnosisRank.SECONDARY, DiagnosisStatus.PAST),
    ]
    assert [d.code for d in values.diagnoses("Generalized anxiety disorder")] == [""]


@pytest.mark.parametrize(
    ("text", "service"),
    [
        ("Individual psychotherapy", Service.PSYCHOTHERAPY),
        ("Psychotherapy with risk assessment", Service.PSYCHOTHERAPY),
        ("Intake / diagnostic evaluation", Service.INTAKE),
        ("Psychiatric evaluation with medical services", Service.INTAKE_MEDICAL),
        ("Crisis session", Service.CRISIS),
        ("Family therapy without the client", Service.FAMILY_WITHOUT_PATIENT),
        ("Couples session", Service.FAMILY_WITH_PATIENT),
        ("Group", Service.GROUP),
        ("Medication management with psychotherapy", Service.PSYCHOTHERAPY_WITH_EM),
        ("E/M only", Service.EM),
        ("Phone call", None),
    ],
)
def test_the_service_is_read_from_how_a_note_names_it(text: str, service: Service | None) -> None:
    assert values.service(text) is service


@pytest.mark.parametrize(
    ("text", "telehealth", "location"),
    [
        ("Telehealth (video); client at home", Telehealth.VIDEO, "home"),
        ("Telephone, audio only; client located in their car", Telehealth.AUDIO, "car"),
        ("Virtual visit", None, ""),
    ],
)
def test_telehealth_modality_and_client_location_are_read_from_the_location_line(
    text: str, telehealth: Telehealth | None, location: str
) -> None:
    assert values.is_telehealth(text)
    assert values.telehealth(text) is telehealth
    assert values.client_location(text) == location
