"""The plan as the rules read it, and the checks the editor, the signing page and the chart show.

Nothing here writes; `services` holds every write.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils import timezone

from threadline.accounts.models import ClinicianProfile, Role
from threadline.clients.models import Client
from threadline.plans.models import PlanVersion
from threadline.rules import compliance
from threadline.rules.facts import PlanFacts
from threadline.rules.findings import Category, Finding, Severity
from threadline.rules.jsonfields import SchemaError
from threadline.rules.packs import Pack, load_pack
from threadline.rules.review import next_review
from threadline.signatures.models import Meaning
from threadline.signatures.services import SignerIdentity, signatures_of


def pack_for(client: Client) -> Pack:
    return load_pack(client.rule_pack)


SIGNER_ROLES = {
    Meaning.AUTHOR: "clinician",
    Meaning.SUPERVISOR: "supervisor",
    Meaning.CLIENT_AGREEMENT: "client",
    Meaning.TELEHEALTH_ATTESTATION: "telehealth_attestation",
}
# Signatures that can only follow the clinician's own: they never block the clinician signing.
AFTER_AUTHOR = frozenset({"plan.signature.client_missing", "plan.signature.supervisor_missing"})


def signer_identity(user: Any) -> SignerIdentity:
    profile = ClinicianProfile.objects.filter(user=user).first()
    return SignerIdentity(user, user.full_name, profile.credentials if profile else "")


def _signature_facts(version: PlanVersion, prospective: Any = None) -> list[dict[str, Any]]:
    facts = [
        {
            "role": SIGNER_ROLES[Meaning(s.meaning)],
            "name": s.printed_name,
            "credentials": s.credentials,
            "signed_on": timezone.localdate(s.signed_at).isoformat(),
        }
        for s in signatures_of(version)
    ]
    if prospective is not None:
        who = signer_identity(prospective)
        facts.append(
            {
                "role": "clinician",
                "name": who.printed_name,
                "credentials": who.credentials,
                "signed_on": timezone.localdate().isoformat(),
            }
        )
    return facts


def to_facts(version: PlanVersion, *, prospective_signer: Any = None) -> PlanFacts:
    """The version as the rules read it: its content plus client, clinician and signatures.

    With `prospective_signer`, the author's signature is counted as if given now, which is
    what the clinician needs to know before signing."""
    client = version.plan.client
    author = version.author
    profile = ClinicianProfile.objects.filter(user=author).first()
    member = getattr(author, "membership", None)
    document = {
        **version.content,
        "plan_id": str(version.plan_id),
        "version": version.number,
        "client": {
            "name": client.legal_name,
            "date_of_birth": client.date_of_birth.isoformat(),
            "record_number": client.record_number,
            "payer_pack": client.rule_pack,
        },
        "clinician": {
            "name": author.full_name,
            "credentials": profile.credentials if profile else "",
            "pre_licensed": bool(profile and profile.pre_licensed),
            "prescriber": bool(member and member.role == Role.PRESCRIBER),
        },
        "signatures": _signature_facts(version, prospective_signer),
    }
    return PlanFacts.from_dict(document)


@dataclass(frozen=True)
class Checked:
    findings: list[Finding]
    # Codes that only a later signature clears; they never stop the author signing.
    after_author: frozenset[str] = AFTER_AUTHOR

    @property
    def blocking(self) -> list[Finding]:
        """The errors that stop the author signing now."""
        return [
            f
            for f in self.findings
            if f.severity is Severity.ERROR and f.code not in self.after_author
        ]

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity is Severity.ERROR)

    @property
    def warnings(self) -> int:
        return sum(1 for f in self.findings if f.severity is Severity.WARNING)

    def on(self, field: str) -> list[Finding]:
        return [f for f in self.findings if f.field == field]


def check(
    version: PlanVersion,
    *,
    today: date,
    known_texts: frozenset[str] = frozenset(),
    prospective_signer: Any = None,
) -> Checked:
    """Run the compliance engine over a version; unreadable content is itself a finding."""
    from threadline.icd import load_default

    try:
        facts = to_facts(version, prospective_signer=prospective_signer)
    except SchemaError as error:
        unreadable = Finding(
            code="plan.format.unreadable",
            category=Category.FORMAT,
            severity=Severity.ERROR,
            message=f"This value cannot be read ({error.problem}); correct it to rerun the checks.",
            field=error.path,
            rule_source="Threadline plan schema",
        )
        return Checked([unreadable])
    findings = compliance.check(
        facts,
        pack=pack_for(version.plan.client),
        codes=load_default(),
        today=today,
        known_texts=known_texts,
    )
    return Checked(findings)


def review_due(version: PlanVersion) -> date | None:
    """The next review date of a signed version, from its effective date and the client's pack."""
    content = version.content
    effective = content.get("effective_date") or content.get("session", {}).get("date_of_service")
    if not effective:
        return None
    client = version.plan.client
    prescriber = bool(
        getattr(getattr(version.author, "membership", None), "role", "") == Role.PRESCRIBER
        and not content.get("medication_management")
    )
    return next_review(
        date.fromisoformat(effective), pack_for(client), prescriber_therapy_only=prescriber
    )
