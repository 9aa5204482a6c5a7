"""Whatever it is fed, the reader returns a reading and the rules run on what it read."""

from __future__ import annotations

import json
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from threadline.documents import Reading, read, read_text
from threadline.rules.compliance import check
from threadline.rules.packs import PACK_NAMES, load_pack
from threadline.rules.tests.factories import CODES

LABELS = [
    "Treatment Plan",
    "Progress Note",
    "Intake Assessment",
    "Discharge Summary",
    "Client Name",
    "DOB",
    "Date",
    "Time",
    "Start time",
    "Session location",
    "Platform",
    "Provider",
    "Diagnosis",
    "Background",
    "Symptoms",
    "Recommendation",
    "Frequency",
    "Duration",
    "Session length",
    "Problem 1",
    "Problem 99",
    "Goal",
    "Goal 3",
    "Target",
    "Objective 1.2",
    "Objective 7a",
    "Measure",
    "Intervention 1-1",
    "Intervention 4-2",
    "Client Signature and Date",
    "Clinician Signature and Date",
    "Telehealth attestation",
    "Supervisor signature",
    "CPT",
    "Service",
    "Treatment plan",
    "Objectives addressed",
    "Risk flag",
    "Risk",
    "Data",
    "S",
    "Discharge date",
    "Outcomes",
]
VALUES = st.one_of(
    st.text(max_size=80),
    st.sampled_from(
        [
            "1:03 pm\u20131:55 pm",
            "13:03-13:55",
            "99:99-00:00",
            "09/08/2026",
            "02/30/2026",
            "(F41.1) GAD; Z56.6",
            "F32",
            "90837-95, +90785",
            "Sol Example, LCSW 09/08/2026 4:30 pm",
            "____",
            "within 60 days or 15 sessions",
            "GAD-7, baseline 16, target 9",
            "CBT - cognitive restructuring, weekly",
            "Telehealth (audio); client at home; HIPAA-compliant platform",
            "yes",
            "1.1, 2.1",
        ]
    ),
)
SEPARATORS = st.sampled_from([": ", ":", " - ", " \u2013 ", "", " : ", ":: "])
DECORATIONS = st.sampled_from(["", "- ", "* ", "**", "## ", "> ", "| ", "1. ", "\u2022 ", "   "])


@st.composite
def labelled_documents(draw: st.DrawFn) -> str:
    lines = draw(
        st.lists(st.tuples(DECORATIONS, st.sampled_from(LABELS), SEPARATORS, VALUES), max_size=40)
    )
    return "\n".join(f"{lead}{label}{sep}{value}" for lead, label, sep, value in lines)


def _check_everything(reading: Reading) -> None:
    assert isinstance(reading, Reading)
    if reading.facts is None:
        assert reading.findings
        return
    for name in PACK_NAMES:
        check(reading.facts, pack=load_pack(name), codes=CODES, today=date(2026, 9, 20))


FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(st.text())
def test_any_text_reads_without_raising(text: str) -> None:
    _check_everything(read_text(text))


@FAST
@given(st.binary(max_size=2000))
def test_any_bytes_read_without_raising(data: bytes) -> None:
    _check_everything(read(data))
    _check_everything(read(data, name="file.json"))


@FAST
@given(labelled_documents())
def test_hostile_labelled_documents_read_and_check_without_raising(text: str) -> None:
    _check_everything(read_text(text))


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=20,
)
KEYS = st.sampled_from(
    [
        "client",
        "session",
        "diagnoses",
        "problems",
        "signatures",
        "plan",
        "sections",
        "billed_codes",
        "signed_at",
        "effective_date",
        "outcomes",
        "service",
        "em_minutes",
        "recommendation",
    ]
)


@FAST
@given(
    st.sampled_from(["plan", "note", "intake", "discharge", "PLAN", "memo"]),
    st.dictionaries(KEYS, JSON_VALUES, max_size=6),
)
def test_json_documents_with_any_values_read_without_raising(kind: str, body: dict) -> None:
    data = json.dumps({"document": kind, **body}).encode()
    _check_everything(read(data, name="fuzz.json"))


def test_a_very_long_line_of_colons_and_digits_reads_quickly_enough_to_finish() -> None:
    text = "Treatment Plan\nTime: " + "1:0" * 200_000 + "\nClient Name:" + ":" * 100_000
    _check_everything(read_text(text))
