"""Every write to treatment plans, and the checks the editor shows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from threadline.accounts.models import ClinicianProfile
from threadline.audit.services import record
from threadline.clients.models import Client
from threadline.plans import content as plan_content
from threadline.plans.checks import check, review_due, signer_identity
from threadline.plans.models import PlanAddendum, PlanVersion, TreatmentPlan, VersionStatus
from threadline.rules.review import review_state
from threadline.signatures.models import Meaning, Method, Signature
from threadline.signatures.services import (
    SigningRefused,
    check_signature,
    sign,
    signatures_of,
    step_up_method,
)
from threadline.signatures.services import add_addendum as signed_addendum


class DraftConflict(Exception):
    """Someone else saved this draft (a plan version or a note) since the page was loaded;
    `current` is the draft as it now stands."""

    def __init__(self, current: Any) -> None:
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

    def write(expected: int) -> int:
        return PlanVersion.objects.filter(
            pk=version.pk, status=VersionStatus.DRAFT, lock_version=expected
        ).update(
            content=body,
            lock_version=F("lock_version") + 1,
            updated_at=timezone.now(),
            updated_by=actor,
        )

    updated = write(lock_version)
    version.refresh_from_db()
    if (
        not updated
        and version.updated_by_id == actor.pk
        and (version.lock_version == lock_version + 1)
    ):
        # One save ahead, by the same person: their own autosave landed while they clicked a
        # button on the same page. That is not someone else's work, so save over it.
        updated = write(version.lock_version)
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


def chart_summary(client: Client, today: date) -> dict[str, Any]:
    """What the client's chart shows of the plan: the newest version and when review is due."""
    signed = signed_version_in_force(client)
    due = review_due(signed) if signed else None
    plan = current_version(client)
    broken = [v for v in signature_views(plan) if v.problem] if plan is not None else []
    return {
        "plan": plan,
        "review_due": due,
        "review_state": review_state(due, today) if due else None,
        "signature_invalid": bool(broken),
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
    shown_lock: int | None = None,
) -> PlanVersion:
    """The author signs a draft: blocked while the rules report errors; then frozen.

    `shown_lock` is the draft's lock as the signing page showed it: the signer signs what
    they saw, so a save that lands in between stops the signature."""
    version = (
        PlanVersion.objects.select_for_update().select_related("plan__client").get(pk=version.pk)
    )
    if not version.is_draft:
        raise SigningRefused(f"Version {version.number} is already signed.")
    if shown_lock is not None and shown_lock != version.lock_version:
        raise SigningRefused(
            "The draft changed after this page was shown. Review it again, then sign."
        )
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
        method=step_up_method(actor),
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
        method=step_up_method(actor) if meaning == Meaning.SUPERVISOR else Method.ATTESTATION,
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


def signature_views(document: Any) -> list[SignatureView]:
    """A signed document's signatures (a plan version, a note, an addendum) as shown on screen
    and in print, each checked again."""
    return _views_of(document)


def _views_of(document: Any) -> list[SignatureView]:
    return [
        SignatureView(
            meaning=s.meaning,
            label=s.get_meaning_display(),
            printed_name=s.printed_name,
            credentials=s.credentials,
            signed_at=s.signed_at,
            content_sha256=s.content_sha256,
            problem=check_signature(s, document),
        )
        for s in signatures_of(document)
    ]


@transaction.atomic
def add_addendum(
    actor: Any,
    version: PlanVersion,
    text: str,
    *,
    stepped_up_at: datetime | None,
    ip: str | None = None,
    user_agent: str = "",
) -> PlanAddendum:
    """Append a signed addendum to a signed version; the version itself stays as it was."""
    version = (
        PlanVersion.objects.select_for_update().select_related("plan__client").get(pk=version.pk)
    )
    if version.is_draft:
        raise SigningRefused("A draft is edited, not amended; addenda follow signing.")
    addendum: PlanAddendum = signed_addendum(
        version,
        text,
        signer=signer_identity(actor),
        now=timezone.now(),
        stepped_up_at=stepped_up_at,
        ip=ip,
        user_agent=user_agent,
        client=version.plan.client,
    )
    record(
        "plan.addendum.create",
        actor=actor,
        client=version.plan.client,
        obj=addendum,
        detail={"version": version.number, "addendum": addendum.number},
    )
    return addendum


@dataclass(frozen=True)
class AddendumView:
    addendum: PlanAddendum
    signatures: list[SignatureView]


def addendum_views(version: PlanVersion) -> list[AddendumView]:
    return [
        AddendumView(addendum, _views_of(addendum))
        for addendum in version.addenda.select_related("author")
    ]


def waiting_for_cosign(supervisor: Any) -> list[PlanVersion]:
    """Signed versions by this supervisor's supervisees that still lack the co-signature."""
    cosigned = Signature.objects.filter(
        document_type=ContentType.objects.get_for_model(PlanVersion), meaning=Meaning.SUPERVISOR
    ).values("document_id")
    return list(
        PlanVersion.objects.filter(
            status=VersionStatus.SIGNED,
            author__clinician_profile__supervisor=supervisor,
            author__clinician_profile__pre_licensed=True,
        )
        .exclude(pk__in=cosigned)
        .select_related("plan__client", "author")
        .order_by("signed_at")
    )


def awaiting_cosign(version: PlanVersion, signatures: list[SignatureView]) -> bool:
    """A pre-licensed author's signed version is not final until the supervisor co-signs."""
    if version.is_draft:
        return False
    profile = ClinicianProfile.objects.filter(user_id=version.author_id).first()
    return bool(profile and profile.pre_licensed) and not any(
        s.meaning == Meaning.SUPERVISOR for s in signatures
    )
