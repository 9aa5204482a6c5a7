"""Every write of the client portal: invitations, accepting them, and the client's agreement.

Each runs in one transaction with its audit event. A refused invitation is audited too, which is
why the refusing functions commit their audit event first and raise afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from threadline.accounts.models import User
from threadline.audit.models import Outcome
from threadline.audit.services import record
from threadline.clients.models import Client
from threadline.plans.models import PlanVersion
from threadline.plans.services import signature_views, signed_version_in_force
from threadline.portal import tokens
from threadline.portal.models import ClientAccount, Closed, Invitation
from threadline.portal.plain import PlainPlan, plain_plan, typed_name_matches
from threadline.signatures.models import Meaning, Method, Signature
from threadline.signatures.services import SignerIdentity, SigningRefused, sign, signatures_of

LINK_LIFETIME = timedelta(days=7)
CODE_LIFETIME = timedelta(hours=24)
# A code is short, so the date of birth beside it may be guessed only a few times.
MAX_FAILED_ATTEMPTS = 5
# Either kind of agreement settles a version: the client's own, or the clinician's record of
# the client's verbal agreement in a telehealth session.
AGREEMENTS = (Meaning.CLIENT_AGREEMENT, Meaning.TELEHEALTH_ATTESTATION)


class Route(StrEnum):
    LINK = "link"
    CODE = "code"


class Refusal(StrEnum):
    UNKNOWN = "unknown"
    MISMATCH = "mismatch"  # a code with the wrong date of birth (or no such code)
    EXPIRED = "expired"
    USED = "used"
    REPLACED = "replaced"
    LOCKED = "locked"


MESSAGES = {
    Refusal.UNKNOWN: "This invitation link is not valid. Ask your clinic for a new invitation.",
    Refusal.MISMATCH: "That code and date of birth do not match an invitation. Check both and "
    "try again, or ask your clinic for a new code.",
    Refusal.EXPIRED: "This invitation has expired. Ask your clinic for a new one.",
    Refusal.USED: "This invitation has already been used. Sign in with your email and "
    "password, or ask your clinic for a new invitation.",
    Refusal.REPLACED: "This invitation was replaced by a newer one. Use the newest invitation "
    "your clinic gave you.",
    Refusal.LOCKED: "This code was entered with a wrong date of birth too many times and no "
    "longer works. Ask your clinic for a new invitation.",
}


class InvitationRefused(Exception):
    def __init__(self, reason: Refusal) -> None:
        super().__init__(MESSAGES[reason])
        self.reason = reason


class NameMismatch(SigningRefused):
    """The typed name is not the client's; the message says which name to type."""


@dataclass(frozen=True)
class IssuedInvitation:
    """The secrets as made: shown to staff once, never stored."""

    invitation: Invitation
    link_token: str
    code: str


# --- invitations --------------------------------------------------------------------------


@transaction.atomic
def invite(
    actor: Any, client: Client, *, now: datetime, version: PlanVersion | None = None
) -> IssuedInvitation:
    """Make a fresh invitation; earlier unused ones stop working, so only one is ever open."""
    replaced = Invitation.objects.filter(
        client=client, accepted_at__isnull=True, closed_at__isnull=True
    ).update(closed_at=now, closed_reason=Closed.REPLACED)
    link_token, code = tokens.new_link_token(), tokens.new_code()
    invitation = Invitation.objects.create(
        client=client,
        created_by=actor,
        created_at=now,
        link_digest=tokens.digest(Route.LINK, link_token),
        link_expires_at=now + LINK_LIFETIME,
        code_digest=tokens.digest(Route.CODE, code),
        code_expires_at=now + CODE_LIFETIME,
    )
    record(
        "portal.invite",
        actor=actor,
        client=client,
        obj=invitation,
        detail={
            "link_expires_at": invitation.link_expires_at.isoformat(),
            "code_expires_at": invitation.code_expires_at.isoformat(),
            "replaced": replaced,
            "existing_account": ClientAccount.objects.filter(client=client).exists(),
            "version": version.number if version is not None else None,
        },
    )
    return IssuedInvitation(invitation, link_token, code)


def _refusal(invitation: Invitation | None, route: Route, now: datetime) -> Refusal | None:
    if invitation is None:
        return Refusal.UNKNOWN if route == Route.LINK else Refusal.MISMATCH
    if invitation.accepted_at is not None:
        return Refusal.USED
    if invitation.closed_reason == Closed.TOO_MANY_ATTEMPTS:
        return Refusal.LOCKED
    if invitation.closed_at is not None:
        return Refusal.REPLACED
    expires = invitation.link_expires_at if route == Route.LINK else invitation.code_expires_at
    if now >= expires:
        return Refusal.EXPIRED
    return None


def _record_refusal(invitation: Invitation | None, route: Route, reason: Refusal) -> None:
    record(
        "portal.invite.refused",
        client=invitation.client if invitation is not None else None,
        obj=invitation,
        outcome=Outcome.DENIED,
        detail={"route": str(route), "reason": str(reason)},
    )


def _locked(queryset: Any) -> Invitation | None:
    found: Invitation | None = (
        queryset.select_for_update(of=("self",))
        .select_related("client__practice")
        .order_by("-id")
        .first()
    )
    return found


def verify_link(link_token: str, *, now: datetime) -> Invitation:
    """The invitation a link opens, or InvitationRefused; opening it uses nothing up."""
    with transaction.atomic():
        invitation = _locked(
            Invitation.objects.filter(link_digest=tokens.digest(Route.LINK, link_token))
        )
        reason = _refusal(invitation, Route.LINK, now)
        if reason is None:
            assert invitation is not None
            return invitation
        _record_refusal(invitation, Route.LINK, reason)
    raise InvitationRefused(reason)


def verify_code(code: str, date_of_birth: date, *, now: datetime) -> Invitation:
    """The invitation a code opens for this date of birth, or InvitationRefused.

    A wrong date counts against the code, and MAX_FAILED_ATTEMPTS of them close it; the message
    for a wrong date is the same as for an unknown code, so neither can be told apart.
    """
    digest = tokens.digest(Route.CODE, tokens.normalise_code(code))
    with transaction.atomic():
        invitation = _locked(Invitation.objects.filter(code_digest=digest))
        reason = _refusal(invitation, Route.CODE, now)
        if reason is None:
            assert invitation is not None
            if invitation.client.date_of_birth == date_of_birth:
                return invitation
            reason = Refusal.MISMATCH
            # The row is locked, so counting here cannot lose a concurrent attempt.
            invitation.failed_attempts += 1
            if invitation.failed_attempts >= MAX_FAILED_ATTEMPTS:
                invitation.closed_at = now
                invitation.closed_reason = Closed.TOO_MANY_ATTEMPTS
            invitation.save(update_fields=["failed_attempts", "closed_at", "closed_reason"])
        _record_refusal(invitation, Route.CODE, reason)
    raise InvitationRefused(reason)


def open_invitation(invitation_id: int, route: Route, *, now: datetime) -> Invitation:
    """An invitation this browser proved it holds, checked again (it may have expired since)."""
    with transaction.atomic():
        invitation = _locked(Invitation.objects.filter(pk=invitation_id))
        reason = _refusal(invitation, route, now)
        if reason is None:
            assert invitation is not None
            return invitation
        _record_refusal(invitation, route, reason)
    raise InvitationRefused(reason)


def existing_account(client: Client) -> ClientAccount | None:
    return ClientAccount.objects.filter(client=client).select_related("user").first()


def open_invitation_of(client: Client) -> Invitation | None:
    """The invitation staff last made that has not been used or replaced (it may have expired)."""
    return (
        Invitation.objects.filter(client=client, accepted_at__isnull=True, closed_at__isnull=True)
        .order_by("-created_at", "-id")
        .first()
    )


def _set_password(user: User, password: str) -> None:
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise ValidationError({"password": error.messages}) from None
    user.set_password(password)


def _new_account(client: Client, email: str, password: str, now: datetime) -> ClientAccount:
    email = email.strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError(
            {"email": "An account with this email already exists. Use another email address."}
        )
    user = User(email=email, full_name=client.display_name, date_joined=now)
    _set_password(user, password)
    user.full_clean()
    user.save()
    return ClientAccount.objects.create(user=user, client=client, created_at=now)


def accept(
    invitation_id: int, route: Route, *, email: str, password: str, now: datetime
) -> ClientAccount:
    """Accept an invitation: a new account, or a new password for the client's existing one.

    A client has at most one account; inviting them again lets them back in rather than making
    a second. Refused (and nothing created) when the invitation was used, replaced or expired
    meanwhile; a password the validators reject raises ValidationError, also creating nothing.
    """
    with transaction.atomic():
        invitation = _locked(Invitation.objects.filter(pk=invitation_id))
        reason = _refusal(invitation, route, now)
        if reason is None:
            assert invitation is not None
            account = existing_account(invitation.client)
            new = account is None
            if account is None:
                account = _new_account(invitation.client, email, password, now)
            else:
                _set_password(account.user, password)
                account.user.save(update_fields=["password"])
            invitation.accepted_at = now
            invitation.account = account
            invitation.save(update_fields=["accepted_at", "account"])
            record(
                "portal.invite.accept",
                actor=account.user,
                client=invitation.client,
                obj=invitation,
                detail={
                    "route": str(route),
                    "account": "new" if new else "existing",
                },
            )
            return account
        _record_refusal(invitation, route, reason)
    raise InvitationRefused(reason)


# --- the client's plan and agreement --------------------------------------------------------


CLIENT_LABELS = {
    Meaning.AUTHOR: "Signed by your clinician",
    Meaning.SUPERVISOR: "Co-signed by the clinical supervisor",
    Meaning.CLIENT_AGREEMENT: "Your agreement",
    Meaning.TELEHEALTH_ATTESTATION: "Your agreement, recorded by your clinician in a telehealth "
    "session",
}


@dataclass(frozen=True)
class ClientSignature:
    label: str
    meaning: str
    printed_name: str
    credentials: str
    signed_at: datetime
    valid: bool


@dataclass(frozen=True)
class ClientPlan:
    """What the portal shows of one signed version."""

    version: PlanVersion
    plain: PlainPlan
    clinician: str
    signatures: tuple[ClientSignature, ...]
    agreement: ClientSignature | None
    in_force: bool

    @property
    def intact(self) -> bool:
        return all(s.valid for s in self.signatures)

    @property
    def can_agree(self) -> bool:
        return self.in_force and self.agreement is None and self.intact


def client_plan(version: PlanVersion) -> ClientPlan:
    client = version.plan.client
    shown = tuple(
        ClientSignature(
            label=CLIENT_LABELS[Meaning(s.meaning)],
            meaning=s.meaning,
            printed_name=s.printed_name,
            credentials=s.credentials,
            signed_at=s.signed_at,
            valid=not s.problem,
        )
        for s in signature_views(version)
    )
    # The name and credentials copied into the author's signature, as they were at signing.
    author = next((s for s in shown if s.meaning == Meaning.AUTHOR), None)
    clinician = (
        ", ".join(filter(None, (author.printed_name, author.credentials)))
        if author
        else version.author.full_name
    )
    in_force = signed_version_in_force(client)
    return ClientPlan(
        version=version,
        plain=plain_plan(version.content),
        clinician=clinician,
        signatures=shown,
        agreement=next((s for s in shown if s.meaning in AGREEMENTS), None),
        in_force=in_force is not None and in_force.pk == version.pk,
    )


def agreement_of(version: PlanVersion) -> Signature | None:
    """The client's agreement to a version, by the portal or by telehealth attestation."""
    return next((s for s in signatures_of(version) if s.meaning in AGREEMENTS), None)


def view_home(account: ClientAccount) -> None:
    record("portal.home.view", actor=account.user, client=account.client)


def view_plan(account: ClientAccount, version: PlanVersion, how: str = "view") -> None:
    record(
        "portal.plan.view",
        actor=account.user,
        client=account.client,
        obj=version,
        detail={"version": version.number, "how": how},
    )


ESIGN_CONSENT_VERSION = "2026-11-28"
ESIGN_CONSENT_TEXT = (
    "I agree to receive my records and to sign documents electronically in this portal. I can "
    "ask my clinic for paper copies instead, and withdraw this consent, at any time."
)


@transaction.atomic
def agree(
    account: ClientAccount,
    version: PlanVersion,
    *,
    typed_name: str,
    now: datetime,
    esign_consent: bool = False,
    ip: str | None = None,
    user_agent: str = "",
) -> Signature:
    """The client signs their agreement to the plan version in force, with their typed name.

    The version row stays locked until the signature is written, so of two requests at once one
    signs and the other finds the signature there (the unique constraint backs this up).
    """
    version = (
        PlanVersion.objects.select_for_update(of=("self",))
        .select_related("plan__client__practice")
        .get(pk=version.pk, plan__client=account.client)
    )
    client = version.plan.client
    if version.is_draft:
        raise SigningRefused("Only a plan your clinician has signed can be agreed to.")
    in_force = signed_version_in_force(client)
    if in_force is None or in_force.pk != version.pk:
        raise SigningRefused(
            "A newer version of your plan has replaced this one; please review the current plan."
        )
    if agreement_of(version) is not None:
        raise SigningRefused("Your agreement to this version is already recorded.")
    if account.esign_consent_at is None:
        if not esign_consent:
            raise SigningRefused(
                "Before signing electronically, tick the box to agree to electronic records "
                "and signatures."
            )
        account.esign_consent_at = now
        account.esign_consent_version = ESIGN_CONSENT_VERSION
        account.save(update_fields=["esign_consent_at", "esign_consent_version"])
        record(
            "portal.esign_consent",
            actor=account.user,
            client=client,
            obj=account,
            detail={"version": ESIGN_CONSENT_VERSION},
        )
    names = (client.legal_name, client.display_name)
    if not typed_name_matches(typed_name, names):
        raise NameMismatch(
            f"Type your full name as your clinic has it ({client.legal_name}); "
            "the name you typed does not match."
        )
    return sign(
        version,
        signer=SignerIdentity(account.user, " ".join(typed_name.split()), ""),
        meaning=Meaning.CLIENT_AGREEMENT,
        method=Method.PORTAL,
        now=now,
        ip=ip,
        user_agent=user_agent,
        client=client,
    )
