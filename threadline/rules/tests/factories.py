"""Complete, valid documents for rule tests; each test changes one thing and looks for its code.

Every person here is invented. The code set is a hand-made handful, not the real release.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from threadline.rules.billing import Service
from threadline.rules.codeset import CodeSet, IcdCode
from threadline.rules.facts import (
    Background,
    ClientFacts,
    ClinicianFacts,
    Diagnosis,
    DiagnosisRank,
    DischargeFacts,
    Goal,
    IntakeFacts,
    Intervention,
    MeasureBinding,
    NoteFacts,
    NoteFormat,
    NoteSection,
    Objective,
    ObjectiveOutcome,
    ObjectiveProgress,
    PlanFacts,
    PlanReference,
    Problem,
    ProgressRating,
    Recommendation,
    SessionDetails,
    SignatureFacts,
    SignerRole,
    Telehealth,
)

SESSION_DAY = date(2026, 9, 8)
TODAY = date(2026, 9, 20)

CODES = CodeSet(
    release="ICD-10-CM test release",
    effective_from=date(2025, 10, 1),
    effective_to=date(2026, 9, 30),
    codes={
        code.code: code
        for code in (
            IcdCode("F32", "Depressive episode", billable=False),
            IcdCode("F32.0", "Major depressive disorder, single episode, mild", billable=True),
            IcdCode("F32.1", "Major depressive disorder, single episode, moderate", billable=True),
            IcdCode("F32.8", "Other depressive episodes", billable=False),
            IcdCode("F32.81", "Premenstrual dysphoric disorder", billable=True),
            IcdCode("F32.A", "Depression, unspecified", billable=True),
            IcdCode("F33.1", "Major depressive disorder, recurrent, moderate", billable=True),
            IcdCode("F41.1", "Generalized anxiety disorder", billable=True),
            IcdCode("F43.2", "Adjustment disorders", billable=False),
            IcdCode("F43.20", "Adjustment disorder, unspecified", billable=True),
            IcdCode("F43.23", "Adjustment disorder with mixed anxiety and depressed mood", True),
            IcdCode("F51.01", "Primary insomnia", billable=True),
            IcdCode("Z56.6", "Other physical and mental strain related to work", billable=True),
            IcdCode("Z63.0", "Problems in relationship with spouse or partner", billable=True),
        )
    },
)

CLIENT = ClientFacts(
    name="Wren Q. Placeholder", date_of_birth=date(1994, 3, 14), record_number="TL-0001"
)
CLINICIAN = ClinicianFacts(name="Sol Example", credentials="LCSW")
OFFICE = SessionDetails(
    date_of_service=SESSION_DAY, start=time(13, 3), stop=time(13, 55), place_of_service="office"
)
VIDEO_FROM_HOME = SessionDetails(
    date_of_service=SESSION_DAY,
    start=time(13, 3),
    stop=time(13, 55),
    place_of_service="telehealth",
    telehealth=Telehealth.VIDEO,
    client_location="home",
    hipaa_platform_attested=True,
)


def clinician_signature(day: date = SESSION_DAY) -> SignatureFacts:
    return SignatureFacts(SignerRole.CLINICIAN, "Sol Example", "LCSW", day)


def client_signature(day: date = SESSION_DAY) -> SignatureFacts:
    return SignatureFacts(SignerRole.CLIENT, "Wren Q. Placeholder", "", day)


def problem(number: int) -> Problem:
    return Problem(
        id=str(number),
        statement=f"Work worry keeps the client from finishing shifts (area {number})",
        goal=Goal(
            statement=f"Work full shifts again without leaving early, area {number}",
            target_date=date(2027, 1, 6),
            target_sessions=15,
        ),
        objectives=(
            Objective(
                id=f"{number}.1",
                statement=f"GAD-7 falls from 16 to 9 or below within 60 days (area {number})",
                target_date=date(2026, 11, 7),
                measure=MeasureBinding("GAD-7", baseline=16, target=9),
            ),
        ),
        interventions=(
            Intervention(
                modality="CBT",
                description="cognitive restructuring of catastrophic work predictions",
                frequency="weekly",
                who="clinician",
            ),
        ),
    )


def complete_plan() -> PlanFacts:
    return PlanFacts(
        client=CLIENT,
        clinician=CLINICIAN,
        session=OFFICE,
        diagnoses=(
            Diagnosis("F41.1", "Generalized anxiety disorder", DiagnosisRank.PRIMARY),
            Diagnosis("Z56.6", "Strain related to work"),
        ),
        background=Background(
            presenting_problem="Worry about work since a reorganisation in spring",
            symptoms="Racing thoughts, restlessness, poor sleep most nights for 8 months",
            functional_impact="Left four shifts early last month; avoids team meetings",
        ),
        recommendation=Recommendation(
            modality="Individual CBT",
            service_type="individual psychotherapy",
            session_minutes=53,
            frequency="weekly",
            duration="4 months",
            medication_evaluation="Referred to primary care for a medication evaluation",
        ),
        problems=(problem(1), problem(2)),
        signatures=(clinician_signature(), client_signature()),
        plan_id="plan-1",
        version=1,
        effective_date=SESSION_DAY,
    )


def complete_note() -> NoteFacts:
    return NoteFacts(
        client=CLIENT,
        clinician=CLINICIAN,
        session=SessionDetails(
            date_of_service=SESSION_DAY,
            start=time(14, 0),
            stop=time(14, 52),
            place_of_service="office",
        ),
        format=NoteFormat.DAP,
        sections=(
            NoteSection("data", "Client reported two early departures from work; GAD-7 is 14."),
            NoteSection("assessment", "Practised cognitive restructuring; progress on 1.1."),
            NoteSection("plan", "Thought record daily; next session in one week."),
        ),
        service=Service.PSYCHOTHERAPY,
        billed_codes=("90834",),
        objectives_addressed=("1.1",),
        progress=(ObjectiveProgress("1.1", ProgressRating.SOME_PROGRESS),),
        plan=PlanReference(
            plan_id="plan-1",
            version=1,
            effective_date=date(2026, 9, 1),
            objective_ids=("1.1", "2.1"),
        ),
        signature=clinician_signature(),
        signed_at=datetime(2026, 9, 8, 16, 30, tzinfo=UTC),
    )


def complete_intake() -> IntakeFacts:
    return IntakeFacts(
        client=CLIENT,
        clinician=CLINICIAN,
        session=OFFICE,
        presenting_problem="Worry about work that keeps the client from finishing shifts",
        history="First episode of anxiety; no prior treatment; no medical concerns",
        mental_status="Alert and oriented; anxious mood; thought process goal-directed",
        risk_assessment="Denies suicidal or homicidal ideation; no self-harm history; low risk",
        diagnoses=(Diagnosis("F41.1", "Generalized anxiety disorder", DiagnosisRank.PRIMARY),),
        recommendation="Weekly individual CBT for about 4 months; primary care referral",
        signature=clinician_signature(),
    )


def complete_discharge() -> DischargeFacts:
    return DischargeFacts(
        client=CLIENT,
        clinician=CLINICIAN,
        discharge_date=date(2027, 1, 12),
        reason="Goals met; client chose to end treatment",
        plan=PlanReference(plan_id="plan-1", objective_ids=("1.1", "2.1")),
        outcomes=(
            ObjectiveOutcome("1.1", "met", "GAD-7 went from 16 to 7"),
            ObjectiveOutcome("2.1", "partly met", "Attends most team meetings"),
        ),
        aftercare="Relapse-prevention plan given; may return by calling the front desk",
        signature=clinician_signature(date(2027, 1, 12)),
    )
