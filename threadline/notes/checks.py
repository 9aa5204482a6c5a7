"""Documents as the rules read them, the plan they cite, and the code the times support.

Nothing here writes; `services` holds every write.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils import timezone

from threadline.accounts.models import ClinicianProfile, Role
from threadline.notes.models import Kind, Note
from threadline.plans.checks import Checked, pack_for, review_due, signer_identity
from threadline.plans.models import PlanVersion
from threadline.rules import compliance
from threadline.rules.billing import BillingResult, Encounter, code_for
from threadline.rules.facts import Facts, SessionDetails, facts_from_dict
from threadline.rules.findings import Category, Finding, Severity
from threadline.rules.jsonfields import SchemaError
from threadline.rules.note_rules import encounter_place
from threadline.signatures.models import Meaning
from threadline.signatures.services import signatures_of


@dataclass(frozen=True)
class PlanObjective:
    """An active objective of the plan in force, as a note offers it."""

    id: str
    number: str  # "1.2": problem 1, objective 2, as the plan shows it
    statement: str
    problem: str
    interventions: tuple[str, ...]

    @property
    def label(self) -> str:
        return f"{self.number} {self.statement}".strip()


def plan_objectives(version: PlanVersion | None) -> list[PlanObjective]:
    if version is None:
        return []
    found = []
    for p, problem in enumerate(version.content.get("problems") or [], start=1):
        interventions = tuple(
            _intervention_text(i)
            for i in problem.get("interventions") or []
            if _intervention_text(i)
        )
        for o, objective in enumerate(problem.get("objectives") or [], start=1):
            if objective.get("status", "active") != "active" or not objective.get("id"):
                continue
            found.append(
                PlanObjective(
                    id=objective["id"],
                    number=f"{p}.{o}",
                    statement=objective.get("statement", ""),
                    problem=problem.get("statement", ""),
                    interventions=interventions,
                )
            )
    return found


def _intervention_text(intervention: dict[str, Any]) -> str:
    modality = intervention.get("modality", "").strip()
    description = intervention.get("description", "").strip()
    return f"{modality}: {description}" if modality and description else modality or description


def plan_reference(version: PlanVersion) -> dict[str, Any]:
    content = version.content
    effective = content.get("effective_date") or content.get("session", {}).get("date_of_service")
    due = review_due(version)
    return {
        "plan_id": str(version.plan_id),
        "version": version.number,
        "effective_date": effective,
        "end_date": content.get("end_date") or (due.isoformat() if due else None),
        "objective_ids": [o.id for o in plan_objectives(version)],
    }


def _client(note: Note) -> dict[str, Any]:
    client = note.client
    return {
        "name": client.legal_name,
        "date_of_birth": client.date_of_birth.isoformat(),
        "record_number": client.record_number,
        "payer_pack": client.rule_pack,
    }


def _clinician(user: Any) -> dict[str, Any]:
    profile = ClinicianProfile.objects.filter(user=user).first()
    member = getattr(user, "membership", None)
    return {
        "name": user.full_name,
        "credentials": profile.credentials if profile else "",
        "pre_licensed": bool(profile and profile.pre_licensed),
        "prescriber": bool(member and member.role == Role.PRESCRIBER),
    }


def _signature(name: str, credentials: str, day: date, role: str) -> dict[str, Any]:
    return {"role": role, "name": name, "credentials": credentials, "signed_on": day.isoformat()}


def to_facts(note: Note, *, prospective_signer: Any = None, signing_at: Any = None) -> Facts:
    """The document as the rules read it: content plus client, clinician, plan and signatures.

    With `prospective_signer`, the author's signature is counted as if given now."""
    content = dict(note.content)
    document: dict[str, Any] = {
        **content,
        "document": facts_kind(note),
        "client": _client(note),
        "clinician": _clinician(note.author),
    }
    if note.kind == Kind.PROGRESS:
        objectives = content.get("objectives") or []
        document["objectives_addressed"] = [o["objective_id"] for o in objectives]
        document["progress"] = objectives
        document["new_patient"] = False
    if note.kind == Kind.INTAKE:
        recommendation = content.get("recommendation") or {}
        document["recommendation"] = _recommendation_text(recommendation)
    if note.kind != Kind.INTAKE:
        document["plan"] = plan_reference(note.plan_version) if note.plan_version else None
    signatures = {s.meaning: s for s in signatures_of(note)}
    author = signatures.get(Meaning.AUTHOR)
    if author is not None:
        document["signature"] = _signature(
            author.printed_name,
            author.credentials,
            timezone.localdate(author.signed_at),
            "clinician",
        )
        # In the practice's zone: the rules compare it with the session's wall-clock stop time.
        document["signed_at"] = timezone.localtime(author.signed_at).isoformat()
    elif prospective_signer is not None:
        who = signer_identity(prospective_signer)
        now = signing_at or timezone.now()
        document["signature"] = _signature(
            who.printed_name, who.credentials, timezone.localdate(now), "clinician"
        )
        document["signed_at"] = timezone.localtime(now).isoformat()
    supervisor = signatures.get(Meaning.SUPERVISOR)
    if supervisor is not None:
        document["cosignature"] = _signature(
            supervisor.printed_name,
            supervisor.credentials,
            timezone.localdate(supervisor.signed_at),
            "supervisor",
        )
    return facts_from_dict(document)


def _recommendation_text(recommendation: dict[str, Any]) -> str:
    parts = [
        recommendation.get("summary", ""),
        recommendation.get("modality", ""),
        recommendation.get("frequency", ""),
        recommendation.get("duration", ""),
        recommendation.get("referrals", ""),
    ]
    return "; ".join(part for part in parts if part)


# Errors that never stop the author signing: the supervisor's co-signature can only follow,
# and a note past the payer's deadline must still be signed, as a late entry with its delay
# shown (refusing it would leave the session undocumented for good).
NOT_BLOCKING = frozenset(
    {"note.signature.supervisor_missing", "note.timeliness.documentation_overdue"}
)


def check(
    note: Note,
    *,
    today: date | None = None,
    prospective_signer: Any = None,
    signing_at: Any = None,
) -> Checked:
    """The findings on the document, as the editor, the signing page and the chart show them."""
    from threadline.icd import load_default

    try:
        facts = to_facts(note, prospective_signer=prospective_signer, signing_at=signing_at)
    except SchemaError as error:
        unreadable = Finding(
            code=f"{facts_kind(note)}.format.unreadable",
            category=Category.FORMAT,
            severity=Severity.ERROR,
            message=f"This value cannot be read ({error.problem}); correct it to rerun the checks.",
            field=error.path,
            rule_source="Threadline document schema",
        )
        return Checked([unreadable], after_author=NOT_BLOCKING)
    findings = compliance.check(
        facts,
        pack=pack_for(note.client),
        codes=load_default(),
        today=today or timezone.localdate(),
    )
    return Checked(findings, after_author=NOT_BLOCKING)


def facts_kind(note: Note) -> str:
    """The document's name in the rules' schema and finding codes."""
    return "note" if note.kind == Kind.PROGRESS else note.kind


def suggested_billing(content: dict[str, Any]) -> BillingResult | None:
    """The codes the note's service and clock times support, with the reasons; None when the
    times or the service are not there yet (the findings say what is missing)."""
    session = SessionDetails.from_dict(content.get("session") or {})
    minutes = session.minutes
    service = content.get("service")
    if minutes is None or minutes <= 0 or not service:
        return None
    telehealth = session.telehealth.value if session.telehealth else None
    if session.is_telehealth and telehealth is None:
        telehealth = "video"
    try:
        return code_for(
            Encounter(
                service=service,
                minutes=minutes,
                place=encounter_place(session),
                telehealth=telehealth,
                interactive_complexity=bool(content.get("interactive_complexity")),
            )
        )
    except ValueError:
        return None


def billed_lines(result: BillingResult) -> list[str]:
    """The billed lines as written on a claim: "90834-95", "+90785"."""
    lines = []
    for line in result.lines:
        code = f"+{line.code}" if line.add_on else line.code
        lines.append("-".join([code, *line.modifiers]))
    return lines
