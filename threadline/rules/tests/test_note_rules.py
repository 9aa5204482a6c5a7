"""Each progress-note rule: one edit to a complete note, the exact codes it brings."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import Any

import pytest

from threadline.rules.billing import Service
from threadline.rules.facts import (
    NoteFacts,
    NoteFormat,
    NoteIntervention,
    NoteSection,
    ObjectiveProgress,
    PlanReference,
    ProgressRating,
    SignatureFacts,
    SignerRole,
    Telehealth,
)
from threadline.rules.findings import codes
from threadline.rules.note_rules import billed, check_note, encounter_place
from threadline.rules.packs import PACK_NAMES, load_pack
from threadline.rules.tests import changes as c
from threadline.rules.tests.factories import TODAY, complete_note

Edit = Callable[[NoteFacts], NoteFacts]


def _signed(year: int, month: int, day: int, hour: int, minute: int = 0) -> Edit:
    return lambda n: replace(n, signed_at=datetime(year, month, day, hour, minute, tzinfo=UTC))


def _plan(**changes: Any) -> Edit:
    return lambda n: replace(n, plan=replace(n.plan or PlanReference(), **changes))


def _signature(**changes: Any) -> Edit:
    def edit(note: NoteFacts) -> NoteFacts:
        assert note.signature is not None
        return replace(note, signed_at=None, signature=replace(note.signature, **changes))

    return edit


def _minutes(start: time, stop: time) -> Edit:
    return lambda n: c.session(n, start=start, stop=stop)


# (what changes, the edit, pack, the exact codes expected)
NOTE_CASES: list[tuple[str, Edit, str, set[str]]] = [
    (
        "no service named",
        lambda n: replace(n, service=None),
        "default",
        {"note.billing.service_missing"},
    ),
    (
        "15 minutes of psychotherapy",
        _minutes(time(14, 0), time(14, 15)),
        "default",
        {"note.billing.time_refused"},
    ),
    (
        "90837 billed for 52 minutes",
        lambda n: replace(n, billed_codes=("90837",)),
        "default",
        {"note.billing.code_mismatch"},
    ),
    (
        "90834 billed for 53 minutes",
        _minutes(time(14, 0), time(14, 53)),
        "default",
        {"note.billing.code_mismatch"},
    ),
    (
        "90832 billed for 38 minutes",
        lambda n: replace(_minutes(time(14, 0), time(14, 38))(n), billed_codes=("90832",)),
        "default",
        {"note.billing.code_mismatch"},
    ),
    (
        "the add-on 90838 billed beside an E/M for 52 minutes",
        lambda n: replace(
            n, service=Service.PSYCHOTHERAPY_WITH_EM, billed_codes=("99214", "90838")
        ),
        "default",
        {"note.billing.code_mismatch"},
    ),
    (
        "interactive complexity documented but 90785 not billed",
        lambda n: replace(n, interactive_complexity=True),
        "default",
        {"note.billing.code_mismatch"},
    ),
    (
        "family therapy for 25 minutes",
        lambda n: replace(
            _minutes(time(14, 0), time(14, 25))(n),
            service=Service.FAMILY_WITH_PATIENT,
            billed_codes=("90847",),
        ),
        "default",
        {"note.billing.time_refused"},
    ),
    (
        "E/M minutes on a group session",
        lambda n: replace(n, service=Service.GROUP, billed_codes=("90853",), em_minutes=20),
        "default",
        {"note.billing.time_refused"},
    ),
    (
        "no code billed yet",
        lambda n: replace(n, billed_codes=()),
        "default",
        {"note.billing.code_suggestion"},
    ),
    (
        "signed 29 hours after the session",
        _signed(2026, 9, 9, 19, 52),
        "default",
        {"note.timeliness.documentation_late"},
    ),
    (
        "signed four days after the session",
        _signed(2026, 9, 12, 9),
        "default",
        {"note.timeliness.documentation_overdue"},
    ),
    (
        "signed two days later, date only",
        _signature(signed_on=date(2026, 9, 10)),
        "default",
        {"note.timeliness.documentation_late"},
    ),
    (
        "still unsigned twelve days later",
        lambda n: replace(n, signature=None, signed_at=None),
        "default",
        {"note.signature.clinician_missing", "note.timeliness.documentation_overdue"},
    ),
    (
        "signed before the session ended",
        _signed(2026, 9, 8, 14, 30),
        "default",
        {"note.signature.dated_before_service"},
    ),
    (
        "no plan named",
        lambda n: replace(n, plan=None),
        "default",
        {"note.golden_thread.plan_missing"},
    ),
    (
        "a plan that starts after the session",
        _plan(effective_date=date(2026, 9, 10)),
        "default",
        {"note.golden_thread.plan_not_yet_effective"},
    ),
    (
        "a plan that ended before the session",
        _plan(end_date=date(2026, 9, 5)),
        "default",
        {"note.golden_thread.plan_ended"},
    ),
    (
        "a plan 250 days old",
        _plan(effective_date=date(2026, 1, 1)),
        "default",
        {"note.golden_thread.plan_review_overdue"},
    ),
    (
        "a plan 403 days old, for Medicare",
        _plan(effective_date=date(2025, 8, 1)),
        "medicare",
        {"note.golden_thread.plan_review_overdue", "note.golden_thread.plan_expired_medicare"},
    ),
    (
        "no objective cited",
        lambda n: replace(n, objectives_addressed=()),
        "default",
        {"note.golden_thread.no_objective_cited"},
    ),
    (
        "an objective the plan does not have",
        lambda n: replace(
            n,
            objectives_addressed=("1.1", "3.1"),
            progress=(*n.progress, ObjectiveProgress("3.1", ProgressRating.NO_CHANGE)),
        ),
        "default",
        {"note.golden_thread.objective_not_in_plan"},
    ),
    (
        "an objective cited without a progress rating",
        lambda n: replace(n, progress=()),
        "default",
        {"note.golden_thread.progress_not_rated"},
    ),
    (
        "an intervention outside the plan",
        lambda n: replace(
            n,
            interventions=(
                NoteIntervention("Cognitive restructuring"),
                NoteIntervention("Guided imagery", in_plan=False),
            ),
        ),
        "default",
        {"note.golden_thread.intervention_outside_plan"},
    ),
    (
        "a different code billed with the reason given",
        lambda n: replace(
            n,
            billed_codes=("90832",),
            billing_override_reason="The last 20 minutes were a family meeting billed apart.",
        ),
        "default",
        {"note.billing.code_overridden"},
    ),
    (
        "no therapeutic method named",
        lambda n: replace(
            n,
            sections=(
                NoteSection("data", "Talked about the week."),
                NoteSection("assessment", "Client is doing a bit better."),
                NoteSection("plan", "Meet next week."),
            ),
        ),
        "default",
        {"note.focus.modality_not_named"},
    ),
    (
        "a risk flag with nothing documented",
        lambda n: replace(n, risk_flag=True),
        "default",
        {"note.risk.not_documented"},
    ),
    (
        "no narrative at all",
        lambda n: replace(n, sections=()),
        "default",
        {"note.format.content_missing"},
    ),
    (
        "a DAP note without its Plan",
        lambda n: replace(n, sections=n.sections[:2]),
        "default",
        {"note.format.section_missing"},
    ),
    (
        "a SOAP note written as DAP",
        lambda n: replace(n, format=NoteFormat.SOAP),
        "default",
        {"note.format.section_missing"},
    ),
    (
        "a signature without credentials",
        _signature(credentials="", signed_on=date(2026, 9, 8)),
        "default",
        {"note.signature.clinician_credentials_missing"},
    ),
    (
        "a signature with neither date nor time",
        _signature(signed_on=None),
        "default",
        {"note.signature.date_missing"},
    ),
    (
        "a signature dated the day before the session",
        _signature(signed_on=date(2026, 9, 7)),
        "default",
        {"note.signature.dated_before_service"},
    ),
    (
        "a pre-licensed clinician without a co-signature",
        lambda n: c.clinician(n, pre_licensed=True),
        "default",
        {"note.signature.supervisor_missing"},
    ),
]

CLEAN_CASES: list[tuple[str, Edit]] = [
    (
        "a billed code with its telehealth modifier",
        lambda n: replace(n, billed_codes=("90834-95",)),
    ),
    (
        "video from home billed with modifier 95",
        lambda n: replace(
            c.session(
                n,
                place_of_service="telehealth",
                telehealth=Telehealth.VIDEO,
                client_location="home",
                hipaa_platform_attested=True,
            ),
            billed_codes=("90834 95",),
        ),
    ),
    (
        "an E/M chosen by decision-making with the right add-on",
        lambda n: replace(
            n, service=Service.PSYCHOTHERAPY_WITH_EM, billed_codes=("99214", "+90836")
        ),
    ),
    (
        "an E/M by its own time with the right add-on",
        lambda n: replace(
            n, service=Service.PSYCHOTHERAPY_WITH_EM, em_minutes=25, billed_codes=("99213", "90836")
        ),
    ),
    (
        "interactive complexity billed as documented",
        lambda n: replace(n, interactive_complexity=True, billed_codes=("90834", "90785")),
    ),
    (
        "an intake session before any plan",
        lambda n: replace(
            n,
            service=Service.INTAKE,
            billed_codes=("90791",),
            plan=None,
            objectives_addressed=(),
            sections=(
                NoteSection("data", "Intake interview."),
                NoteSection("assessment", "GAD."),
                NoteSection("plan", "Plan next week."),
            ),
        ),
    ),
    (
        "a crisis session of 80 minutes",
        lambda n: replace(
            _minutes(time(14, 0), time(15, 20))(n),
            service=Service.CRISIS,
            billed_codes=("90839", "90840"),
        ),
    ),
    (
        "a risk flag with its assessment",
        lambda n: replace(n, risk_flag=True, risk_assessment="Low; safety plan reviewed"),
    ),
    (
        "signed the same evening in the clinic's time zone",
        lambda n: replace(
            n, signed_at=datetime(2026, 9, 8, 20, 0, tzinfo=timezone(timedelta(hours=-5)))
        ),
    ),
    (
        "a supervisor's co-signature",
        lambda n: replace(
            c.clinician(n, pre_licensed=True),
            cosignature=SignatureFacts(SignerRole.SUPERVISOR, "Ren Case", "LCSW", date(2026, 9, 9)),
        ),
    ),
]


def test_a_complete_note_has_no_findings_under_any_pack() -> None:
    for name in PACK_NAMES:
        assert check_note(complete_note(), pack=load_pack(name), today=TODAY) == []


@pytest.mark.parametrize(
    ("edit", "pack", "expected"),
    [case[1:] for case in NOTE_CASES],
    ids=[case[0] for case in NOTE_CASES],
)
def test_each_note_rule_reports_exactly_its_code(edit: Edit, pack: str, expected: set[str]) -> None:
    findings = check_note(edit(complete_note()), pack=load_pack(pack), today=TODAY)
    assert set(codes(findings)) == expected


@pytest.mark.parametrize("edit", [case[1] for case in CLEAN_CASES], ids=[c[0] for c in CLEAN_CASES])
def test_acceptable_notes_bring_no_findings(edit: Edit) -> None:
    assert check_note(edit(complete_note()), pack=load_pack("default"), today=TODAY) == []


def test_the_time_refusal_says_how_many_minutes_were_documented() -> None:
    note = _minutes(time(14, 0), time(14, 15))(complete_note())
    (finding,) = check_note(note, pack=load_pack("default"), today=TODAY)
    assert "15 minutes" in finding.message and "16" in finding.message


@pytest.mark.parametrize(
    ("written", "code"),
    [("90834", "90834"), ("90834-95", "90834"), ("+90785", "90785"), (" g0017 ", "G0017")],
)
def test_billed_codes_are_read_without_their_modifiers(written: str, code: str) -> None:
    assert billed(written) == code


@pytest.mark.parametrize(
    ("place", "telehealth", "location", "expected"),
    [
        ("office", None, "", "office"),
        ("11", None, "", "office"),
        ("", None, "", "office"),
        ("client's home", None, "", "home"),
        ("school", None, "", "elsewhere"),
        ("telehealth", Telehealth.VIDEO, "home", "home"),
        ("telehealth", Telehealth.AUDIO, "parked car", "elsewhere"),
        ("telehealth", Telehealth.VIDEO, "work office", "office"),
    ],
)
def test_where_the_client_was_maps_to_the_billing_place(
    place: str, telehealth: Telehealth | None, location: str, expected: str
) -> None:
    note = c.session(
        complete_note(), place_of_service=place, telehealth=telehealth, client_location=location
    )
    assert encounter_place(note.session) == expected
