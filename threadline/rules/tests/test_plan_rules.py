"""Each plan rule: one edit to a complete plan, the exact finding codes that edit brings."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, time

import pytest

from threadline.rules.facts import (
    ClinicianFacts,
    Diagnosis,
    DiagnosisRank,
    DiagnosisStatus,
    Intervention,
    MeasureBinding,
    PlanFacts,
    SignatureFacts,
    SignerRole,
)
from threadline.rules.findings import codes
from threadline.rules.packs import PACK_NAMES, load_pack
from threadline.rules.plan_rules import check_plan
from threadline.rules.smart import known_set
from threadline.rules.tests import changes as c
from threadline.rules.tests.factories import (
    CODES,
    SESSION_DAY,
    TODAY,
    client_signature,
    clinician_signature,
    complete_plan,
    problem,
)

Edit = Callable[[PlanFacts], PlanFacts]

TELEHEALTH = SESSION_DAY


def _telehealth(**changes: object) -> Edit:
    return lambda plan: replace(plan, session=c.telehealth_session(TELEHEALTH, **changes))


def _z_first(plan: PlanFacts) -> PlanFacts:
    return replace(plan, diagnoses=(Diagnosis("Z56.6"), Diagnosis("F41.1")))


def _moved_to(day: date) -> Edit:
    def edit(plan: PlanFacts) -> PlanFacts:
        plan = c.session(plan, date_of_service=day)
        return replace(
            plan,
            effective_date=day,
            signatures=(clinician_signature(day), client_signature(day)),
        )

    return edit


# (what changes, the edit, pack, today, the exact codes expected)
PLAN_CASES: list[tuple[str, Edit, str, date, set[str]]] = [
    (
        "no current diagnosis",
        lambda p: replace(p, diagnoses=()),
        "default",
        TODAY,
        {"plan.diagnosis.missing"},
    ),
    (
        "only past diagnoses",
        lambda p: replace(p, diagnoses=(Diagnosis("F41.1", status=DiagnosisStatus.PAST),)),
        "default",
        TODAY,
        {"plan.diagnosis.missing"},
    ),
    (
        "a diagnosis without its code",
        lambda p: replace(p, diagnoses=(*p.diagnoses, Diagnosis("", "Insomnia"))),
        "default",
        TODAY,
        {"plan.diagnosis.code_missing"},
    ),
    (
        "a code the release does not have",
        lambda p: replace(p, diagnoses=(*p.diagnoses, Diagnosis("F99.99"))),
        "default",
        TODAY,
        {"plan.diagnosis.code_unknown"},
    ),
    (
        "the category F32 instead of a billable code",
        lambda p: replace(p, diagnoses=(Diagnosis("F32", rank=DiagnosisRank.PRIMARY),)),
        "default",
        TODAY,
        {"plan.diagnosis.not_billable"},
    ),
    (
        "the category F43.2 written without its dot",
        lambda p: replace(p, diagnoses=(Diagnosis("f432"),)),
        "default",
        TODAY,
        {"plan.diagnosis.not_billable"},
    ),
    (
        "a date of service after the release ends",
        _moved_to(date(2026, 10, 5)),
        "default",
        date(2026, 10, 6),
        {"plan.diagnosis.release_not_in_force"},
    ),
    ("a Z code listed first", _z_first, "default", TODAY, {"plan.diagnosis.z_code_first"}),
    (
        "a Z code alone",
        lambda p: replace(p, diagnoses=(Diagnosis("Z63.0"),)),
        "default",
        TODAY,
        {"plan.diagnosis.z_code_first"},
    ),
    (
        "no presenting problem",
        lambda p: c.background(p, presenting_problem=""),
        "default",
        TODAY,
        {"plan.background.presenting_problem_missing"},
    ),
    (
        "no symptoms",
        lambda p: c.background(p, symptoms=""),
        "default",
        TODAY,
        {"plan.background.symptoms_missing"},
    ),
    (
        "no functional impact",
        lambda p: c.background(p, functional_impact=""),
        "default",
        TODAY,
        {"plan.background.functional_impact_missing"},
    ),
    (
        "no recommended modality",
        lambda p: c.recommendation(p, modality=""),
        "default",
        TODAY,
        {"plan.recommendation.modality_missing"},
    ),
    (
        "no session frequency",
        lambda p: c.recommendation(p, frequency=""),
        "default",
        TODAY,
        {"plan.recommendation.frequency_missing"},
    ),
    (
        "no expected duration",
        lambda p: c.recommendation(p, duration=""),
        "default",
        TODAY,
        {"plan.recommendation.duration_missing"},
    ),
    (
        "neither medication evaluation nor referral",
        lambda p: c.recommendation(p, medication_evaluation="", referrals=""),
        "default",
        TODAY,
        {"plan.recommendation.medication_or_referral_missing"},
    ),
    (
        "no type of therapy, for Medicare",
        lambda p: c.recommendation(p, service_type=""),
        "medicare",
        TODAY,
        {"plan.recommendation.type_missing"},
    ),
    (
        "no session length, for Medicare",
        lambda p: c.recommendation(p, session_minutes=None),
        "medicare",
        TODAY,
        {"plan.recommendation.amount_missing"},
    ),
    (
        "a frequency of 'as needed', for Medicare",
        lambda p: c.recommendation(p, frequency="as needed"),
        "medicare",
        TODAY,
        {"plan.recommendation.frequency_not_explicit"},
    ),
    (
        "a duration of 'ongoing', for Medicare",
        lambda p: c.recommendation(p, duration="ongoing"),
        "medicare",
        TODAY,
        {"plan.recommendation.duration_not_explicit"},
    ),
    ("no problem areas", lambda p: replace(p, problems=()), "default", TODAY, {"plan.focus.none"}),
    (
        "one problem area",
        lambda p: replace(p, problems=p.problems[:1]),
        "default",
        TODAY,
        {"plan.focus.too_few"},
    ),
    (
        "four problem areas",
        lambda p: replace(p, problems=tuple(problem(n) for n in range(1, 5))),
        "default",
        TODAY,
        {"plan.focus.too_many"},
    ),
    (
        "a problem with no statement",
        lambda p: c.problem(p, statement=""),
        "default",
        TODAY,
        {"plan.focus.statement_missing"},
    ),
    (
        "a problem with no goal",
        lambda p: c.problem(p, goal=None),
        "default",
        TODAY,
        {"plan.focus.goal_missing"},
    ),
    (
        "a goal with neither target date nor sessions",
        lambda p: c.goal(p, target_date=None, target_sessions=None),
        "default",
        TODAY,
        {"plan.focus.goal_target_missing"},
    ),
    (
        "a goal dated before the plan",
        lambda p: c.goal(p, target_date=date(2026, 9, 1)),
        "default",
        TODAY,
        {"plan.focus.target_date_not_after_plan"},
    ),
    (
        "an objective dated on the plan's first day",
        lambda p: c.objective(p, target_date=SESSION_DAY),
        "default",
        TODAY,
        {"plan.focus.target_date_not_after_plan"},
    ),
    (
        "a problem with no objective",
        lambda p: c.problem(p, objectives=()),
        "default",
        TODAY,
        {"plan.focus.objective_missing"},
    ),
    (
        "an objective with no id",
        lambda p: c.objective(p, id=""),
        "default",
        TODAY,
        {"plan.golden_thread.objective_id_missing"},
    ),
    (
        "two objectives with one id",
        lambda p: c.objective(p, 1, id="1.1"),
        "default",
        TODAY,
        {"plan.golden_thread.objective_id_duplicate"},
    ),
    (
        "a problem with no intervention",
        lambda p: c.problem(p, interventions=()),
        "default",
        TODAY,
        {"plan.focus.intervention_missing"},
    ),
    (
        "interventions naming no listed modality",
        lambda p: c.problem(p, interventions=(Intervention("supportive talk", "listening"),)),
        "default",
        TODAY,
        {"plan.focus.modality_not_listed"},
    ),
    (
        "an objective to 'understand', with no measure",
        lambda p: c.objective(p, statement="Client will understand anxiety", measure=None),
        "default",
        TODAY,
        {"smart.objective_not_measurable", "smart.objective_vague"},
    ),
    (
        "an objective with no date",
        lambda p: c.objective(p, statement="GAD-7 falls from 16 to 9", target_date=None),
        "default",
        TODAY,
        {"smart.objective_not_time_bound"},
    ),
    (
        "a goal to 'feel better'",
        lambda p: c.goal(p, statement="Feel better at work"),
        "default",
        TODAY,
        {"smart.goal_vague"},
    ),
    (
        "a measure without its baseline",
        lambda p: c.objective(p, measure=MeasureBinding("GAD-7", None, 9)),
        "default",
        TODAY,
        {"smart.measure_incomplete"},
    ),
    (
        "no clinician signature",
        lambda p: c.signatures(p, client_signature()),
        "default",
        TODAY,
        {"plan.signature.clinician_missing"},
    ),
    (
        "a clinician signature without credentials",
        lambda p: c.signature(p, 0, credentials=""),
        "default",
        TODAY,
        {"plan.signature.clinician_credentials_missing"},
    ),
    (
        "an undated clinician signature",
        lambda p: c.signature(p, 0, signed_on=None),
        "default",
        TODAY,
        {"plan.signature.date_missing"},
    ),
    (
        "a clinician signature before the session",
        lambda p: c.signature(p, 0, signed_on=date(2026, 9, 7)),
        "default",
        TODAY,
        {"plan.signature.dated_before_service"},
    ),
    (
        "a client signature before the session",
        lambda p: c.signature(p, 1, signed_on=date(2026, 9, 1)),
        "default",
        TODAY,
        {"plan.signature.dated_before_service"},
    ),
    (
        "no client signature where it is best practice",
        lambda p: c.signatures(p, clinician_signature()),
        "default",
        TODAY,
        {"plan.signature.client_recommended"},
    ),
    (
        "no client signature where Medicaid requires it",
        lambda p: c.signatures(p, clinician_signature()),
        "medicaid",
        TODAY,
        {"plan.signature.client_missing"},
    ),
    (
        "a telehealth attestation Medicaid does not accept",
        lambda p: c.signatures(
            _telehealth()(p),
            clinician_signature(),
            SignatureFacts(SignerRole.TELEHEALTH_ATTESTATION, "Sol Example", "LCSW", None),
        ),
        "medicaid",
        TODAY,
        {"plan.signature.client_missing"},
    ),
    (
        "a telehealth attestation for an in-person session",
        lambda p: c.signatures(
            p,
            clinician_signature(),
            SignatureFacts(SignerRole.TELEHEALTH_ATTESTATION, "Sol Example", "LCSW", SESSION_DAY),
        ),
        "default",
        TODAY,
        {"plan.signature.client_recommended"},
    ),
    (
        "a pre-licensed clinician without a supervisor's signature",
        lambda p: c.clinician(p, pre_licensed=True),
        "default",
        TODAY,
        {"plan.signature.supervisor_missing"},
    ),
    ("a plan 205 days old", lambda p: p, "default", date(2027, 4, 1), {"plan.review.overdue"}),
    (
        "a plan 100 days old, for Medicaid",
        lambda p: p,
        "medicaid",
        date(2026, 12, 17),
        {"plan.review.overdue"},
    ),
    (
        "a prescriber's therapy-only plan 190 days old",
        lambda p: replace(p, clinician=ClinicianFacts("Ira Case", "PMHNP-BC", prescriber=True)),
        "default",
        date(2027, 3, 17),
        {"plan.review.prescriber_interval", "plan.review.overdue"},
    ),
    (
        "a revision 200 days after the previous plan",
        lambda p: replace(p, previous_plan_date=date(2026, 2, 20)),
        "default",
        TODAY,
        {"plan.review.revision_late"},
    ),
    (
        "a plan 400 days old, for Medicare",
        lambda p: p,
        "medicare",
        date(2027, 10, 13),
        {"plan.review.overdue", "plan.review.medicare_plan_expired"},
    ),
    (
        "a plan ending after a year, for Medicare",
        lambda p: replace(p, end_date=date(2027, 10, 13)),
        "medicare",
        TODAY,
        {"plan.review.medicare_duration_over_year"},
    ),
    (
        "a recommended duration of 18 months, for Medicare",
        lambda p: c.recommendation(p, duration="18 months"),
        "medicare",
        TODAY,
        {"plan.review.medicare_duration_over_year"},
    ),
    (
        "a goal 60 weekly sessions away, for Medicare",
        lambda p: c.goal(p, target_date=None, target_sessions=60),
        "medicare",
        TODAY,
        {"plan.review.medicare_duration_over_year"},
    ),
]

# Edits that a rule might wrongly object to.
CLEAN_CASES: list[tuple[str, Edit, str]] = [
    (
        "a record number instead of a date of birth",
        lambda p: c.client(p, date_of_birth=None),
        "default",
    ),
    (
        "a past diagnosis written as a category",
        lambda p: replace(
            p, diagnoses=(*p.diagnoses, Diagnosis("F32", status=DiagnosisStatus.PAST))
        ),
        "default",
    ),
    (
        "a primary F code listed after a Z code",
        lambda p: replace(
            p, diagnoses=(Diagnosis("Z56.6"), Diagnosis("F41.1", rank=DiagnosisRank.PRIMARY))
        ),
        "default",
    ),
    (
        "a plan end date instead of a written duration",
        lambda p: replace(c.recommendation(p, duration=""), end_date=date(2027, 1, 8)),
        "medicare",
    ),
    (
        "'as needed' where the payer is not Medicare",
        lambda p: c.recommendation(p, frequency="as needed"),
        "default",
    ),
    (
        "a referral instead of a medication evaluation",
        lambda p: c.recommendation(p, medication_evaluation="", referrals="Sleep clinic"),
        "default",
    ),
    (
        "a telehealth attestation in place of the client's signature",
        lambda p: c.signatures(
            _telehealth()(p),
            clinician_signature(),
            SignatureFacts(SignerRole.TELEHEALTH_ATTESTATION, "Sol Example", "LCSW", None),
        ),
        "default",
    ),
    ("a goal with sessions but no date", lambda p: c.goal(p, target_date=None), "default"),
    (
        "an objective whose text carries the deadline",
        lambda p: c.objective(p, statement="GAD-7 from 16 to 9 within 8 weeks", target_date=None),
        "default",
    ),
    (
        "a pre-licensed clinician with a supervisor's signature",
        lambda p: replace(
            c.clinician(p, pre_licensed=True),
            signatures=(
                *p.signatures,
                SignatureFacts(SignerRole.SUPERVISOR, "Ren Case", "LCSW", SESSION_DAY),
            ),
        ),
        "default",
    ),
]


def test_a_complete_plan_has_no_findings_under_any_pack() -> None:
    for name in PACK_NAMES:
        assert check_plan(complete_plan(), pack=load_pack(name), codes=CODES, today=TODAY) == []


@pytest.mark.parametrize(
    ("edit", "pack", "today", "expected"),
    [case[1:] for case in PLAN_CASES],
    ids=[case[0] for case in PLAN_CASES],
)
def test_each_plan_rule_reports_exactly_its_code(
    edit: Edit, pack: str, today: date, expected: set[str]
) -> None:
    findings = check_plan(edit(complete_plan()), pack=load_pack(pack), codes=CODES, today=today)
    assert set(codes(findings)) == expected


@pytest.mark.parametrize(
    ("edit", "pack"), [case[1:] for case in CLEAN_CASES], ids=[case[0] for case in CLEAN_CASES]
)
def test_acceptable_variations_bring_no_findings(edit: Edit, pack: str) -> None:
    assert check_plan(edit(complete_plan()), pack=load_pack(pack), codes=CODES, today=TODAY) == []


def test_a_prescriber_who_manages_medication_keeps_the_payer_review_cycle() -> None:
    plan = replace(
        complete_plan(),
        medication_management=True,
        clinician=ClinicianFacts("Ira Case", "MD", prescriber=True),
    )
    findings = check_plan(plan, pack=load_pack("medicare"), codes=CODES, today=date(2027, 3, 17))
    assert codes(findings) == ["plan.review.overdue"]


def test_text_copied_from_the_library_is_reported_wherever_it_appears() -> None:
    plan = complete_plan()
    library = known_set([plan.problems[0].objectives[0].statement.upper() + "!"])
    findings = check_plan(
        plan, pack=load_pack("default"), codes=CODES, today=TODAY, known_texts=library
    )
    assert [(f.code, f.field) for f in findings] == [
        ("smart.copied_text", "problems[0].objectives[0].statement")
    ]


def test_a_non_billable_code_message_names_the_release_and_billable_codes_under_it() -> None:
    plan = replace(complete_plan(), diagnoses=(Diagnosis("F32"),))
    (finding,) = check_plan(plan, pack=load_pack("default"), codes=CODES, today=TODAY)
    assert CODES.release in finding.message
    assert "F32.0, F32.1, F32.81" in finding.message


def test_the_z_code_finding_points_at_the_diagnosis_listed_first() -> None:
    (finding,) = check_plan(
        _z_first(complete_plan()), pack=load_pack("default"), codes=CODES, today=TODAY
    )
    assert finding.field == "diagnoses[0].code"


def test_a_stop_time_at_the_start_time_is_not_after_it() -> None:
    plan = c.session(complete_plan(), start=time(13, 0), stop=time(13, 0))
    findings = check_plan(plan, pack=load_pack("default"), codes=CODES, today=TODAY)
    assert codes(findings) == ["plan.session.stop_before_start"]
