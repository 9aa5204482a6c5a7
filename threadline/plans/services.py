"""Every write to treatment plans, and the checks the editor shows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from threadline.accounts.models import ClinicianProfile, Role
from threadline.audit.services import record
from threadline.clients.models import Client
from threadline.plans import content as plan_content
from threadline.plans.models import PlanVersion, TreatmentPlan, VersionStatus
from threadline.rules import compliance
from threadline.rules.facts import PlanFacts
from threadline.rules.findings import Category, Finding, Severity
from threadline.rules.jsonfields import SchemaError
from threadline.rules.packs import Pack, load_pack
from threadline.rules.review import next_review, review_state
from threadline.signatures.models import Meaning, Method
from threadline.signatures.services import (
    SignerIdentity,
    SigningRefused,
    check_signature,
    sign,
    signatures_of,
)


class DraftConflict(Exception):
    """Someone else saved this draft since the page was loaded."""

    def __init__(self, current: PlanVersion) -> None:
        super().__init__("The draft was changed by someone else.")
        self.current = current


class NotADraft(Exception):
    pass


def current_version(client: Client) -> PlanVersion | None:
    """The newest version of the client's newest plan, draft or signed."""
    return (
        PlanVersion.objects.filter(plan__client=client)
        .select_related("plan", "author", "updated_by")
        .order_by("-plan__created_at", "-number")
        .first()
    )


def signed_version_in_force(client: Client) -> PlanVersion | None:
    return (
        PlanVersion.objects.filter(plan__client=client, status=VersionStatus.SIGNED)
        .order_by("-plan__created_at", "-number")
        .first()
    )


@transaction.atomic
def start_plan(
    actor: Any, client: Client, *, today: date, seed: dict[str, Any] | None = None
) -> PlanVersion:
    """Open a client's first (or a fresh) plan as a draft version 1."""
    plan = TreatmentPlan.objects.create(client=client, created_by=actor)
    body = plan_content.blank_content(today)
    if seed:
        body.update(seed)
    version = PlanVersion.objects.create(
        plan=plan,
        number=1,
        status=VersionStatus.DRAFT,
        content=body,
        author=actor,
        updated_by=actor,
    )
    record("plan.create", actor=actor, client=client, obj=version, detail={"version": 1})
    return version


@transaction.atomic
def save_draft(
    actor: Any, version: PlanVersion, body: dict[str, Any], *, lock_version: int
) -> PlanVersion:
    """Save the editor's content; refuse (keeping both) when the draft moved on meanwhile."""
    if not version.is_draft:
        raise NotADraft
    updated = PlanVersion.objects.filter(
        pk=version.pk, status=VersionStatus.DRAFT, lock_version=lock_version
    ).update(
        content=body,
        lock_version=F("lock_version") + 1,
        updated_at=timezone.now(),
        updated_by=actor,
    )
    version.refresh_from_db()
    if not updated:
        raise DraftConflict(version)
    record(
        "plan.draft.save",
        actor=actor,
        client=version.plan.client,
        obj=version,
        detail={"version": version.number, "lock_version": version.lock_version},
    )
    return version


@transaction.atomic
def revise(actor: Any, version: PlanVersion, *, reason: str, note: str) -> PlanVersion:
    """Start the next version as a draft copy of a signed one; ids of problems and objectives
    carry over, so notes citing them follow the thread."""
    if version.is_draft:
        raise NotADraft
    newest = version.plan.versions.order_by("-number").first()
    assert newest is not None
    if newest.is_draft:
        return newest  # a revision is already open; edit it rather than fork a second one
    body = dict(version.content)
    body["previous_plan_date"] = (version.content.get("effective_date")) or (
        version.content.get("session", {}).get("date_of_service")
    )
    body["effective_date"] = None
    body["session"] = {
        **body.get("session", {}),
        "date_of_service": timezone.localdate().isoformat(),
    }
    draft = PlanVersion.objects.create(
        plan=version.plan,
        number=newest.number + 1,
        status=VersionStatus.DRAFT,
        content=body,
        based_on=version,
        revision_reason=reason,
        revision_note=note,
        author=actor,
        updated_by=actor,
    )
    record(
        "plan.revise",
        actor=actor,
        client=version.plan.client,
        obj=draft,
        detail={"version": draft.number, "from": version.number, "reason": reason},
    )
    return draft


def view_version(actor: Any, version: PlanVersion, how: str = "view") -> None:
    record(
        f"plan.version.{how}",
        actor=actor,
        client=version.plan.client,
        obj=version,
        detail={"version": version.number},
    )


def view_list(actor: Any, client: Client) -> None:
    record("plan.list.view", actor=actor, client=client)


def view_diff(actor: Any, client: Client, older: PlanVersion, newer: PlanVersion) -> None:
    record(
        "plan.version.diff",
        actor=actor,
        client=client,
        detail={"versions": [older.number, newer.number]},
    )


# --- checks -------------------------------------------------------------------------------


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

    @property
    def blocking(self) -> list[Finding]:
        """The errors that stop the author signing now."""
        return [
            f for f in self.findings if f.severity is Severity.ERROR and f.code not in AFTER_AUTHOR
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


def chart_summary(client: Client, today: date) -> dict[str, Any]:
    """What the client's chart shows of the plan: the newest version and when review is due."""
    signed = signed_version_in_force(client)
    due = review_due(signed) if signed else None
    return {
        "plan": current_version(client),
        "review_due": due,
        "review_state": review_state(due, today) if due else None,
    }


# --- signing ------------------------------------------------------------------------------


@transaction.atomic
def sign_version(
    actor: Any,
    version: PlanVersion,
    *,
    stepped_up_at: datetime | None,
    ip: str | None = None,
    user_agent: str = "",
    known_texts: frozenset[str] = frozenset(),
) -> PlanVersion:
    """The author signs a draft: blocked while the rules report errors; then frozen."""
    version = (
        PlanVersion.objects.select_for_update().select_related("plan__client").get(pk=version.pk)
    )
    if not version.is_draft:
        raise SigningRefused(f"Version {version.number} is already signed.")
    if version.author_id != actor.pk:
        raise SigningRefused("Only the author of a draft signs it as its author.")
    now = timezone.now()
    blocking = check(
        version, today=timezone.localdate(now), known_texts=known_texts, prospective_signer=actor
    ).blocking
    if blocking:
        plural = "s" if len(blocking) != 1 else ""
        raise SigningRefused(f"Fix the {len(blocking)} error{plural} listed before signing.")
    sign(
        version,
        signer=signer_identity(actor),
        meaning=Meaning.AUTHOR,
        method=Method.PASSWORD,
        now=now,
        stepped_up_at=stepped_up_at,
        ip=ip,
        user_agent=user_agent,
        client=version.plan.client,
    )
    version.status = VersionStatus.SIGNED
    version.signed_at = now
    version.save(update_fields=["status", "signed_at"])
    return version


@transaction.atomic
def cosign_version(
    actor: Any,
    version: PlanVersion,
    *,
    meaning: Meaning,
    stepped_up_at: datetime | None,
    ip: str | None = None,
    user_agent: str = "",
) -> None:
    """A supervisor's co-signature, or the clinician's telehealth attestation of agreement."""
    version = (
        PlanVersion.objects.select_for_update().select_related("plan__client").get(pk=version.pk)
    )
    if version.is_draft:
        raise SigningRefused("The author signs the plan first.")
    if meaning == Meaning.SUPERVISOR:
        profile = ClinicianProfile.objects.filter(user=version.author).first()
        if profile is None or profile.supervisor_id != actor.pk:
            raise SigningRefused("Only the author's supervisor co-signs this plan.")
    sign(
        version,
        signer=signer_identity(actor),
        meaning=meaning,
        method=Method.PASSWORD if meaning == Meaning.SUPERVISOR else Method.ATTESTATION,
        now=timezone.now(),
        stepped_up_at=stepped_up_at,
        ip=ip,
        user_agent=user_agent,
        client=version.plan.client,
    )


@dataclass(frozen=True)
class SignatureView:
    meaning: str
    label: str
    printed_name: str
    credentials: str
    signed_at: datetime
    content_sha256: str
    problem: str


def signature_views(version: PlanVersion) -> list[SignatureView]:
    """The version's signatures as shown on screen and in print, each checked again."""
    return [
        SignatureView(
            meaning=s.meaning,
            label=s.get_meaning_display(),
            printed_name=s.printed_name,
            credentials=s.credentials,
            signed_at=s.signed_at,
            content_sha256=s.content_sha256,
            problem=check_signature(s, version),
        )
        for s in signatures_of(version)
    ]
