"""The progress note: time that supports the code, written on time, tied to a current plan."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, datetime

from threadline.rules import modalities
from threadline.rules.billing import BillingResult, Encounter, Service, code_for
from threadline.rules.facts import NoteFacts, NoteFormat, SessionDetails
from threadline.rules.findings import Finding
from threadline.rules.packs import Pack
from threadline.rules.report import Report
from threadline.rules.session_rules import check_session, clock
from threadline.rules.signature_rules import check_clinician_signature

# The parts each note format is written in.
SECTIONS: dict[NoteFormat, tuple[str, ...]] = {
    NoteFormat.SOAP: ("subjective", "objective", "assessment", "plan"),
    NoteFormat.DAP: ("data", "assessment", "plan"),
    NoteFormat.BIRP: ("behavior", "intervention", "response", "plan"),
    NoteFormat.GIRP: ("goal", "intervention", "response", "plan"),
    NoteFormat.PIRP: ("problem", "intervention", "response", "plan"),
}
# Services given before there is a plan, or that are not psychotherapy.
_NO_PLAN_YET = frozenset({Service.INTAKE, Service.INTAKE_MEDICAL})
_NO_THERAPY_METHOD = _NO_PLAN_YET | {Service.EM}
_BILLED_CODE = re.compile(r"\s*\+?([0-9A-Z]{5})")
# E/M levels may be chosen by medical decision-making, which start and stop times cannot show.
_EM_PREFIX = "992"
# With an E/M chosen by decision-making the note has no E/M minutes; the add-on is still checked
# by its own minutes, so the E/M line is computed at a stand-in time and then left out.
_STAND_IN_EM_MINUTES = 40


def check_note(note: NoteFacts, *, pack: Pack, today: date) -> list[Finding]:
    """Everything an auditor would reject in this progress note, as findings."""
    report = Report(pack)
    check_session(report, "note", note.session, note.client, note.clinician)
    _check_billing(report, note)
    _check_timeliness(report, note, today)
    _check_golden_thread(report, note)
    _check_content(report, note)
    if note.risk_flag and not note.risk_assessment:
        report.add(
            "note.risk.not_documented",
            "A safety concern was flagged this session: document the risk assessment and what "
            "was done (safety plan, means counselling, follow-up).",
            "risk_assessment",
        )
    _check_signatures(report, note)
    return report.findings


def billed(code: str) -> str:
    """The code part of a billed line: "90834-95" -> "90834"."""
    match = _BILLED_CODE.match(code.upper())
    return match.group(1) if match else code.strip().upper()


def encounter_place(session: SessionDetails) -> str:
    """Where the client was, in the billing module's words: office, home or elsewhere."""
    where = session.client_location if session.is_telehealth else session.place_of_service
    where = where.casefold()
    if not where or "office" in where or "clinic" in where or where == "11":
        return "office"
    return "home" if "home" in where or where in {"10", "12"} else "elsewhere"


def _check_billing(report: Report, note: NoteFacts) -> None:
    minutes = note.session.minutes
    if note.service is None:
        report.add(
            "note.billing.service_missing",
            "Say which service was given (e.g. individual psychotherapy) so the billed code can "
            "be checked against the time.",
            "service",
        )
        return
    if note.service is Service.EM or minutes is None or minutes <= 0:
        return  # E/M time is the day's total, not the session clock; missing times are reported
    result = _expected(note, minutes)
    session = note.session
    documented = f"{minutes} minutes"
    if session.start is not None and session.stop is not None:
        documented = f"{clock(session.start)} to {clock(session.stop)} ({minutes} minutes)"
    if isinstance(result, str):
        report.add(
            "note.billing.time_refused", f"The documented {documented}: {result}", "session.stop"
        )
        return
    expected = sorted({line.code for line in result.lines if not line.code.startswith(_EM_PREFIX)})
    claimed = sorted({billed(code) for code in note.billed_codes if code.strip()})
    claimed = [code for code in claimed if not code.startswith(_EM_PREFIX)]
    supports = " + ".join(expected)
    if not note.billed_codes:
        report.add(
            "note.billing.code_suggestion",
            f"The documented {documented} supports {supports}.",
            "billed_codes",
        )
    elif claimed != expected and note.billing_override_reason:
        # The clinician chose another code on purpose; an auditor will still compare it.
        report.add(
            "note.billing.code_overridden",
            f"Billed {' + '.join(claimed) or 'no time-based code'} where the documented "
            f"{documented} supports {supports}, because: {note.billing_override_reason}",
            "billed_codes",
        )
    elif claimed != expected:
        report.add(
            "note.billing.code_mismatch",
            f"Billed {' + '.join(claimed) or 'no time-based code'}, but the documented "
            f"{documented} supports {supports}; correct the times or the code.",
            "billed_codes",
        )


def _expected(note: NoteFacts, minutes: int) -> BillingResult | str:
    """The codes the documented minutes support, or the reason none does."""
    session = note.session
    em_minutes = note.em_minutes
    if note.service is Service.PSYCHOTHERAPY_WITH_EM and em_minutes is None:
        em_minutes = _STAND_IN_EM_MINUTES
    telehealth = None
    if session.is_telehealth:
        # The modality only changes the modifier, which is not compared; a missing one is
        # reported with the session details.
        telehealth = session.telehealth.value if session.telehealth else "video"
    try:
        result = code_for(
            Encounter(
                service=note.service or Service.PSYCHOTHERAPY,
                minutes=minutes,
                new_patient=note.new_patient,
                place=encounter_place(session),
                telehealth=telehealth,
                interactive_complexity=note.interactive_complexity,
                em_minutes=em_minutes,
            )
        )
    except ValueError as error:
        return f"the session cannot be coded as recorded ({error})."
    return result.refusal or result


def _check_timeliness(report: Report, note: NoteFacts, today: date) -> None:
    session = note.session
    day = session.date_of_service
    if day is None or session.stop is None:
        return
    signature = note.signature
    if note.signed_at is not None:
        ended = datetime.combine(day, session.stop, tzinfo=note.signed_at.tzinfo)
        hours = (note.signed_at - ended).total_seconds() / 3600
        if hours < 0 and note.signed_at.date() == day:
            report.add(
                "note.signature.dated_before_service",
                f"The note was signed at {clock(note.signed_at.time())}, before the session "
                f"ended at {clock(session.stop)}.",
                "signed_at",
            )
        when = f"signed {hours:.0f} hours after the session ended"
    elif signature is not None and signature.signed_on is not None:
        hours = (signature.signed_on - day).days * 24
        when = f"signed {hours // 24} days after the session"
    elif signature is None:
        hours = (today - day).days * 24
        when = f"still unsigned {hours // 24} days after the session"
    else:
        return  # signed without a date: reported with the signature
    pack = report.pack
    if hours > pack.documentation_error_hours:
        report.add(
            "note.timeliness.documentation_overdue",
            f"The note was {when}; this payer allows at most {pack.documentation_error_hours} "
            "hours. Mark it as a late entry and keep the original dates.",
            "signed_at",
        )
    elif hours > pack.documentation_warn_hours:
        report.add(
            "note.timeliness.documentation_late",
            f"The note was {when}; document within {pack.documentation_warn_hours} hours of the "
            "session.",
            "signed_at",
        )


def _check_golden_thread(report: Report, note: NoteFacts) -> None:
    if note.service in _NO_PLAN_YET:
        return
    plan, day, pack = note.plan, note.session.date_of_service, report.pack
    if plan is None or plan.effective_date is None:
        report.add(
            "note.golden_thread.plan_missing",
            "Name the treatment plan in force (its date) that this session works on.",
            "plan",
        )
    elif day is not None:
        start = plan.effective_date
        age = (day - start).days
        if start > day:
            report.add(
                "note.golden_thread.plan_not_yet_effective",
                f"The plan cited takes effect {start.isoformat()}, after this session on "
                f"{day.isoformat()}; cite the plan that was in force.",
                "plan.effective_date",
            )
        elif plan.end_date is not None and day > plan.end_date:
            report.add(
                "note.golden_thread.plan_ended",
                f"The plan cited ended {plan.end_date.isoformat()}, before this session on "
                f"{day.isoformat()}; review and renew the plan.",
                "plan.end_date",
            )
        else:
            if age > pack.review_interval_days:
                report.add(
                    "note.golden_thread.plan_review_overdue",
                    f"On the date of service the plan was {age} days old, past this payer's "
                    f"{pack.review_interval_days}-day review.",
                    "plan.effective_date",
                )
            if pack.max_plan_age_days is not None and age > pack.max_plan_age_days:
                report.add(
                    "note.golden_thread.plan_expired_medicare",
                    f"On the date of service the plan was {age} days old; Medicare needs a plan "
                    f"dated within {pack.max_plan_age_days} days before the session.",
                    "plan.effective_date",
                )
    _check_objectives_cited(report, note)


def _check_objectives_cited(report: Report, note: NoteFacts) -> None:
    if not note.objectives_addressed:
        report.add(
            "note.golden_thread.no_objective_cited",
            "Cite at least one plan objective this session worked on (e.g. Objective 1.1) and "
            "the client's progress toward it.",
            "objectives_addressed",
        )
        return
    for index, cited in enumerate(note.objectives_addressed):
        if note.rating_of(cited) is None:
            report.add(
                "note.golden_thread.progress_not_rated",
                f"Rate the client's progress on objective {cited} this session (worse, no "
                "change, some progress, significant progress, met).",
                f"progress[{index}].rating",
            )
    for index, intervention in enumerate(note.interventions):
        if not intervention.in_plan:
            report.add(
                "note.golden_thread.intervention_outside_plan",
                f"“{intervention.description}” is not in the plan; if it continues, add it at "
                "the next revision.",
                f"interventions[{index}]",
            )
    active = note.plan.objective_ids if note.plan is not None else ()
    if not active:
        return
    for index, cited in enumerate(note.objectives_addressed):
        if cited not in active:
            report.add(
                "note.golden_thread.objective_not_in_plan",
                f"Objective {cited} is not an active objective of the plan cited "
                f"({', '.join(active)}).",
                f"objectives_addressed[{index}]",
            )


def _check_content(report: Report, note: NoteFacts) -> None:
    text = " ".join(section.text for section in note.sections if section.text)
    if not text:
        report.add(
            "note.format.content_missing",
            "The note has no narrative: write what happened, what was done and how the client "
            "responded (SOAP, DAP or BIRP).",
            "sections",
        )
        return
    if note.format is not None:
        for heading in SECTIONS[note.format]:
            if not note.section(heading):
                report.add(
                    "note.format.section_missing",
                    f"A {note.format.value.upper()} note needs its {heading.title()} section.",
                    f"sections.{heading}",
                )
    if note.service not in _NO_THERAPY_METHOD and not modalities.find(text):
        report.add(
            "note.focus.modality_not_named",
            "Name the therapeutic method used this session (e.g. CBT cognitive restructuring, "
            "DBT distress tolerance, behavioral activation scheduling).",
            "sections",
        )


def _check_signatures(report: Report, note: NoteFacts) -> None:
    signature = note.signature
    if signature is not None and signature.signed_on is None and note.signed_at is not None:
        signature = replace(signature, signed_on=note.signed_at.date())
    day = note.session.date_of_service
    check_clinician_signature(report, "note", signature, "signature", day)
    if note.clinician.pre_licensed and note.cosignature is None:
        report.add(
            "note.signature.supervisor_missing",
            "The clinician is pre-licensed: their supervisor must review and co-sign the note.",
            "cosignature",
        )
