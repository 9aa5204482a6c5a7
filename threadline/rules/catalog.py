"""Every finding code the rules can raise: its category, default severity and source.

One table, so a pack can only name codes that exist, the README can list them, and a test can
check that every code is exercised. A default severity of None means the rule is off unless a
pack turns it on (the Medicare-only rules).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from threadline.rules.findings import Category, Severity

ERR, WARN, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO
OFF = None


@dataclass(frozen=True, slots=True)
class Source:
    citation: str
    effective: date  # when the rule as encoded took effect, or the day it was last read

    def __str__(self) -> str:
        return f"{self.citation} (as of {self.effective.isoformat()})"


# Research read on 2026-11-28 (shared/reference/standards.md §2-§5, clinical-content.md §1-§4).
READ_ON = date(2026, 11, 28)

PLAN_CONTENTS = Source(
    "CMS, Medicaid and commercial reviews: the six parts of a treatment plan (DOMAIN.md)", READ_ON
)
NGS_PLAN = Source(
    "NGS Medicare psychotherapy plan: type, amount, frequency, duration; plan dated within a "
    "year of the date of service; duration under a year (LCD L33632; BPM ch. 6 §70.1)",
    READ_ON,
)
MAC_NOTE = Source(
    "First Coast and Novitas psychotherapy checklists: start and stop times, telehealth "
    "modality, signature with credentials",
    READ_ON,
)
MAC_TELEHEALTH = Source(
    "MAC telehealth documentation: modality, the client's location, a HIPAA-compliant platform",
    date(2024, 1, 1),
)
ICD_RELEASE = Source(
    "ICD-10-CM official guidelines: report a complete (billable) code from the release in force "
    "on the date of service; releases change every 1 October",
    date(2025, 10, 1),
)
PAYER_Z_CODES = Source(
    "Payer coverage articles (e.g. NGS A56937 under LCD L33632): psychotherapy with a Z code "
    "alone or first is often denied",
    READ_ON,
)
OIG_PSYCHOTHERAPY = Source(
    "OIG psychotherapy audits 2019-2023: methods not named, plans not meeting requirements, "
    "time not documented",
    date(2023, 1, 1),
)
JOINT_COMMISSION = Source(
    "Joint Commission CTS.03.01.03: individualised plans with measurable, time-bound goals; "
    "2020 survey findings on scripted goals",
    date(2017, 7, 1),
)
EVIDENCE_BASED = Source(
    "Evidence-based modality list from NICE, VA/DoD and APA guidelines (clinical-content.md)",
    READ_ON,
)
CMS_SIGNATURE = Source(
    "CMS Program Integrity Manual 100-08 ch. 3 §3.3.2.4: signature with credentials and date",
    READ_ON,
)
CMS_TIMELINESS = Source(
    "CMS PIM ch. 3 §3.3.2.5 (document at the time of service) and MAC guidance on late entries",
    READ_ON,
)
PAYER_SIGNATURE = Source(
    "Medicaid programmes and accreditors: client or guardian signature on the plan, or a "
    "telehealth attestation where accepted",
    READ_ON,
)
SUPERVISION = Source(
    "Licensing boards: a supervisor co-signs the documents of a pre-licensed clinician", READ_ON
)
REVIEW_CYCLE = Source(
    "Payer review cycles: 3-6 months by custom, 90 days for many payers, twice a year for a "
    "prescriber giving therapy alone",
    READ_ON,
)
GOLDEN_THREAD = Source(
    "Auditors' golden thread: each note cites objectives of a current plan", READ_ON
)
BILLING_TIME = Source(
    "CPT time rules as published by the MACs (threadline.rules.billing.TIME_RULES)", READ_ON
)
RISK = Source(
    "Standard of care: a raised safety concern is assessed and documented the same day", READ_ON
)
DISCHARGE = Source(
    "Joint Commission: discharge criteria and outcomes against the plan's objectives",
    date(2017, 7, 1),
)
READER = Source("Threadline document reader", READ_ON)
CLONED_NOTES = Source(
    "Medical-necessity reviews: notes copied forward nearly word for word from an earlier note "
    "do not show the session's own service and are a red flag (mission-anchors.md §5.8, §6)",
    READ_ON,
)


@dataclass(frozen=True, slots=True)
class RuleSpec:
    code: str
    category: Category
    severity: Severity | None
    source: Source


def _session(prefix: str) -> list[RuleSpec]:
    s = Category.SESSION_DETAILS
    rows = [
        ("date_missing", MAC_NOTE),
        ("start_time_missing", MAC_NOTE),
        ("stop_time_missing", MAC_NOTE),
        ("stop_before_start", MAC_NOTE),
        ("place_missing", PLAN_CONTENTS),
        ("telehealth_modality_missing", MAC_TELEHEALTH),
        ("telehealth_location_missing", MAC_TELEHEALTH),
        ("telehealth_platform_statement_missing", MAC_TELEHEALTH),
    ]
    return [RuleSpec(f"{prefix}.session.{name}", s, ERR, src) for name, src in rows] + _identity(
        prefix
    )


def _identity(prefix: str) -> list[RuleSpec]:
    s = Category.SESSION_DETAILS
    return [
        RuleSpec(f"{prefix}.session.client_name_missing", s, ERR, PLAN_CONTENTS),
        RuleSpec(f"{prefix}.session.client_second_identifier_missing", s, ERR, PLAN_CONTENTS),
        RuleSpec(f"{prefix}.session.provider_name_missing", s, ERR, PLAN_CONTENTS),
        RuleSpec(f"{prefix}.session.provider_credentials_missing", s, ERR, CMS_SIGNATURE),
    ]


def _diagnosis(prefix: str) -> list[RuleSpec]:
    d = Category.DIAGNOSIS
    return [
        RuleSpec(f"{prefix}.diagnosis.missing", d, ERR, PLAN_CONTENTS),
        RuleSpec(f"{prefix}.diagnosis.code_missing", d, ERR, ICD_RELEASE),
        RuleSpec(f"{prefix}.diagnosis.code_unknown", d, ERR, ICD_RELEASE),
        RuleSpec(f"{prefix}.diagnosis.not_billable", d, ERR, ICD_RELEASE),
        RuleSpec(f"{prefix}.diagnosis.release_not_in_force", d, WARN, ICD_RELEASE),
        RuleSpec(f"{prefix}.diagnosis.z_code_first", d, WARN, PAYER_Z_CODES),
    ]


def _signature(prefix: str) -> list[RuleSpec]:
    g = Category.SIGNATURES
    return [
        RuleSpec(f"{prefix}.signature.clinician_missing", g, ERR, CMS_SIGNATURE),
        RuleSpec(f"{prefix}.signature.clinician_credentials_missing", g, ERR, CMS_SIGNATURE),
        RuleSpec(f"{prefix}.signature.date_missing", g, ERR, CMS_SIGNATURE),
        RuleSpec(f"{prefix}.signature.dated_before_service", g, ERR, CMS_SIGNATURE),
    ]


C = Category
_PLAN = [
    *_session("plan"),
    *_diagnosis("plan"),
    RuleSpec("plan.background.presenting_problem_missing", C.BACKGROUND, ERR, PLAN_CONTENTS),
    RuleSpec("plan.background.symptoms_missing", C.BACKGROUND, ERR, PLAN_CONTENTS),
    RuleSpec("plan.background.functional_impact_missing", C.BACKGROUND, ERR, PLAN_CONTENTS),
    RuleSpec("plan.recommendation.modality_missing", C.RECOMMENDATION, ERR, PLAN_CONTENTS),
    RuleSpec("plan.recommendation.frequency_missing", C.RECOMMENDATION, ERR, PLAN_CONTENTS),
    RuleSpec("plan.recommendation.duration_missing", C.RECOMMENDATION, ERR, PLAN_CONTENTS),
    RuleSpec(
        "plan.recommendation.medication_or_referral_missing", C.RECOMMENDATION, INFO, PLAN_CONTENTS
    ),
    RuleSpec("plan.recommendation.type_missing", C.RECOMMENDATION, OFF, NGS_PLAN),
    RuleSpec("plan.recommendation.amount_missing", C.RECOMMENDATION, OFF, NGS_PLAN),
    RuleSpec("plan.recommendation.frequency_not_explicit", C.RECOMMENDATION, OFF, NGS_PLAN),
    RuleSpec("plan.recommendation.duration_not_explicit", C.RECOMMENDATION, OFF, NGS_PLAN),
    RuleSpec("plan.focus.none", C.CLINICAL_FOCUS, ERR, PLAN_CONTENTS),
    RuleSpec("plan.focus.too_few", C.CLINICAL_FOCUS, WARN, PLAN_CONTENTS),
    RuleSpec("plan.focus.too_many", C.CLINICAL_FOCUS, WARN, PLAN_CONTENTS),
    RuleSpec("plan.focus.statement_missing", C.CLINICAL_FOCUS, WARN, PLAN_CONTENTS),
    RuleSpec("plan.focus.goal_missing", C.CLINICAL_FOCUS, ERR, PLAN_CONTENTS),
    RuleSpec("plan.focus.goal_target_missing", C.CLINICAL_FOCUS, ERR, PLAN_CONTENTS),
    RuleSpec("plan.focus.target_date_not_after_plan", C.CLINICAL_FOCUS, WARN, PLAN_CONTENTS),
    RuleSpec("plan.focus.objective_missing", C.CLINICAL_FOCUS, ERR, PLAN_CONTENTS),
    RuleSpec("plan.focus.intervention_missing", C.CLINICAL_FOCUS, ERR, OIG_PSYCHOTHERAPY),
    RuleSpec("plan.focus.modality_not_listed", C.CLINICAL_FOCUS, WARN, EVIDENCE_BASED),
    RuleSpec("plan.golden_thread.objective_id_missing", C.GOLDEN_THREAD, ERR, GOLDEN_THREAD),
    RuleSpec("plan.golden_thread.objective_id_duplicate", C.GOLDEN_THREAD, ERR, GOLDEN_THREAD),
    *_signature("plan"),
    RuleSpec("plan.signature.client_missing", C.SIGNATURES, ERR, PAYER_SIGNATURE),
    RuleSpec("plan.signature.client_recommended", C.SIGNATURES, INFO, PAYER_SIGNATURE),
    RuleSpec("plan.signature.supervisor_missing", C.SIGNATURES, WARN, SUPERVISION),
    RuleSpec("plan.review.overdue", C.REVIEW, WARN, REVIEW_CYCLE),
    RuleSpec("plan.review.prescriber_interval", C.REVIEW, WARN, REVIEW_CYCLE),
    RuleSpec("plan.review.revision_late", C.REVIEW, WARN, REVIEW_CYCLE),
    RuleSpec("plan.review.medicare_plan_expired", C.REVIEW, OFF, NGS_PLAN),
    RuleSpec("plan.review.medicare_duration_over_year", C.REVIEW, OFF, NGS_PLAN),
]

_SMART = [
    RuleSpec("smart.objective_not_measurable", C.SMART, WARN, JOINT_COMMISSION),
    RuleSpec("smart.objective_not_time_bound", C.SMART, WARN, JOINT_COMMISSION),
    RuleSpec("smart.objective_vague", C.SMART, WARN, JOINT_COMMISSION),
    RuleSpec("smart.goal_vague", C.SMART, INFO, JOINT_COMMISSION),
    RuleSpec("smart.copied_text", C.SMART, WARN, JOINT_COMMISSION),
    RuleSpec("smart.measure_incomplete", C.SMART, WARN, JOINT_COMMISSION),
]

_NOTE = [
    *_session("note"),
    RuleSpec("note.billing.service_missing", C.BILLING, WARN, BILLING_TIME),
    RuleSpec("note.billing.time_refused", C.BILLING, ERR, BILLING_TIME),
    RuleSpec("note.billing.code_mismatch", C.BILLING, ERR, BILLING_TIME),
    RuleSpec("note.billing.code_suggestion", C.BILLING, INFO, BILLING_TIME),
    RuleSpec("note.billing.code_overridden", C.BILLING, WARN, BILLING_TIME),
    RuleSpec("note.timeliness.documentation_late", C.TIMELINESS, WARN, CMS_TIMELINESS),
    RuleSpec("note.timeliness.documentation_overdue", C.TIMELINESS, ERR, CMS_TIMELINESS),
    RuleSpec("note.golden_thread.plan_missing", C.GOLDEN_THREAD, ERR, GOLDEN_THREAD),
    RuleSpec("note.golden_thread.plan_not_yet_effective", C.GOLDEN_THREAD, ERR, GOLDEN_THREAD),
    RuleSpec("note.golden_thread.plan_ended", C.GOLDEN_THREAD, ERR, GOLDEN_THREAD),
    RuleSpec("note.golden_thread.plan_review_overdue", C.GOLDEN_THREAD, WARN, REVIEW_CYCLE),
    RuleSpec("note.golden_thread.plan_expired_medicare", C.GOLDEN_THREAD, OFF, NGS_PLAN),
    RuleSpec("note.golden_thread.no_objective_cited", C.GOLDEN_THREAD, ERR, GOLDEN_THREAD),
    RuleSpec("note.golden_thread.objective_not_in_plan", C.GOLDEN_THREAD, ERR, GOLDEN_THREAD),
    RuleSpec("note.golden_thread.progress_not_rated", C.GOLDEN_THREAD, WARN, GOLDEN_THREAD),
    RuleSpec("note.golden_thread.intervention_outside_plan", C.GOLDEN_THREAD, INFO, GOLDEN_THREAD),
    RuleSpec("note.focus.modality_not_named", C.CLINICAL_FOCUS, WARN, OIG_PSYCHOTHERAPY),
    RuleSpec("note.risk.not_documented", C.RISK, ERR, RISK),
    RuleSpec("note.format.content_missing", C.FORMAT, ERR, MAC_NOTE),
    RuleSpec("note.format.section_missing", C.FORMAT, WARN, MAC_NOTE),
    *_signature("note"),
    RuleSpec("note.signature.supervisor_missing", C.SIGNATURES, WARN, SUPERVISION),
]

_INTAKE = [
    *_session("intake"),
    *_diagnosis("intake"),
    RuleSpec("intake.background.presenting_problem_missing", C.BACKGROUND, ERR, PLAN_CONTENTS),
    RuleSpec("intake.background.history_missing", C.BACKGROUND, ERR, PLAN_CONTENTS),
    RuleSpec("intake.background.mental_status_missing", C.BACKGROUND, ERR, PLAN_CONTENTS),
    RuleSpec("intake.background.history_area_missing", C.BACKGROUND, WARN, PLAN_CONTENTS),
    RuleSpec("intake.background.mental_status_domain_missing", C.BACKGROUND, ERR, PLAN_CONTENTS),
    RuleSpec("intake.risk.assessment_missing", C.RISK, ERR, RISK),
    RuleSpec("intake.risk.question_unanswered", C.RISK, ERR, RISK),
    RuleSpec("intake.risk.protective_factors_missing", C.RISK, WARN, RISK),
    RuleSpec("intake.risk.safety_plan_missing", C.RISK, ERR, RISK),
    RuleSpec("intake.recommendation.missing", C.RECOMMENDATION, ERR, PLAN_CONTENTS),
    *_signature("intake"),
]

_DISCHARGE = [
    *_identity("discharge"),
    RuleSpec("discharge.session.date_missing", C.SESSION_DETAILS, ERR, DISCHARGE),
    RuleSpec("discharge.background.reason_missing", C.BACKGROUND, ERR, DISCHARGE),
    RuleSpec("discharge.golden_thread.plan_missing", C.GOLDEN_THREAD, WARN, DISCHARGE),
    RuleSpec("discharge.golden_thread.outcome_missing", C.GOLDEN_THREAD, ERR, DISCHARGE),
    RuleSpec("discharge.golden_thread.outcome_status_missing", C.GOLDEN_THREAD, WARN, DISCHARGE),
    RuleSpec("discharge.recommendation.aftercare_missing", C.RECOMMENDATION, WARN, DISCHARGE),
    *_signature("discharge"),
]

_FORMAT = [
    RuleSpec("format.empty", C.FORMAT, ERR, READER),
    RuleSpec("format.too_large", C.FORMAT, ERR, READER),
    RuleSpec("format.encoding", C.FORMAT, WARN, READER),
    RuleSpec("format.json_invalid", C.FORMAT, ERR, READER),
    RuleSpec("format.json_schema", C.FORMAT, ERR, READER),
    RuleSpec("format.kind_unknown", C.FORMAT, ERR, READER),
    RuleSpec("format.date_unreadable", C.FORMAT, WARN, READER),
    RuleSpec("format.time_unreadable", C.FORMAT, WARN, READER),
    RuleSpec("format.number_unreadable", C.FORMAT, WARN, READER),
    RuleSpec("format.item_unplaced", C.FORMAT, WARN, READER),
    RuleSpec("format.label_unknown", C.FORMAT, INFO, READER),
]

# The golden-thread report across a client's notes (thread.py)
_THREAD = [
    RuleSpec("thread.objective_never_addressed", C.GOLDEN_THREAD, ERR, GOLDEN_THREAD),
    RuleSpec("thread.objective_not_recent", C.GOLDEN_THREAD, WARN, GOLDEN_THREAD),
    RuleSpec("thread.note_cites_nothing", C.GOLDEN_THREAD, ERR, GOLDEN_THREAD),
    RuleSpec("thread.session_without_note", C.GOLDEN_THREAD, WARN, CMS_TIMELINESS),
    RuleSpec("thread.intervention_outside_plan", C.GOLDEN_THREAD, WARN, GOLDEN_THREAD),
    RuleSpec("thread.notes_nearly_identical", C.GOLDEN_THREAD, WARN, CLONED_NOTES),
    RuleSpec("thread.plan_expired_at_service", C.GOLDEN_THREAD, ERR, GOLDEN_THREAD),
    RuleSpec("thread.no_plan_at_service", C.GOLDEN_THREAD, ERR, GOLDEN_THREAD),
]

CATALOG: dict[str, RuleSpec] = {
    spec.code: spec for spec in (*_PLAN, *_SMART, *_NOTE, *_INTAKE, *_DISCHARGE, *_FORMAT, *_THREAD)
}
