"""Every write for outside readers: invitations, review cases, client authorizations, and the
record of each thing an outside reader reads. Each runs in one transaction with its audit event.

Services take `now` so tests can move the clock without sleeping.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from threadline.accounts.models import Payer, Practice, User
from threadline.audit.models import Outcome
from threadline.audit.services import record
from threadline.clients.models import Client
from threadline.notes.models import Note
from threadline.plans.models import PlanVersion
from threadline.portal import tokens
from threadline.privacy.models import Disclosure, RecipientKind
from threadline.privacy.services import record_disclosure
from threadline.reviews import policy
from threadline.reviews.models import (
    CaseDocument,
    ClientAuthorization,
    OutsideReader,
    ReaderInvitation,
    ReaderKind,
    ReviewCase,
    Scope,
)
from threadline.reviews.policy import Document

# The same lifetime as a portal invitation link.
LINK_LIFETIME = timedelta(days=7)
# The `kind` mixed into the keyed hash keeps these links apart from the portal's.
LINK_KIND = "outside-reader-link"


def end_of_day(day: date) -> datetime:
    """Access "until" a date lasts through that whole day in the practice's time zone."""
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


# --- inviting outside readers -----------------------------------------------------------------


class InvitationRefused(Exception):
    """The link is unknown, used, replaced or expired; the message says what to do."""


@dataclass(frozen=True)
class IssuedInvitation:
    """The link's secret as made: shown to staff once, never stored."""

    invitation: ReaderInvitation
    link_token: str


def _issue(actor: Any, reader: OutsideReader, now: datetime) -> IssuedInvitation:
    ReaderInvitation.objects.filter(
        reader=reader, accepted_at__isnull=True, replaced_at__isnull=True
    ).update(replaced_at=now)
    token = tokens.new_link_token()
    invitation = ReaderInvitation.objects.create(
        reader=reader,
        created_by=actor,
        created_at=now,
        link_digest=tokens.digest(LINK_KIND, token),
        expires_at=now + LINK_LIFETIME,
    )
    record(
        "reviews.reader.invite",
        actor=actor,
        practice=reader.practice,
        obj=invitation,
        detail={
            "reader": reader.pk,
            "kind": reader.kind,
            "expires_at": invitation.expires_at.isoformat(),
        },
    )
    return IssuedInvitation(invitation, token)


def new_reader(
    actor: Any,
    practice: Practice,
    *,
    kind: str,
    email: str,
    full_name: str,
    organization: str,
    payer: Payer | None = None,
    now: datetime,
) -> tuple[OutsideReader, IssuedInvitation]:
    """Make an outside reader's account (no password yet) and the link to set one.

    The account has no practice membership: it reads only what its cases or authorizations
    open, and nothing once they have ended.
    """
    email = email.strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError(
            {
                "email": "This email already belongs to an account in Threadline. Choose the "
                "person from the list if they already read for this practice, or use another "
                "work email."
            }
        )
    with transaction.atomic():
        user = User(email=email, full_name=full_name.strip(), date_joined=now)
        user.set_unusable_password()
        user.full_clean()
        user.save()
        reader = OutsideReader.objects.create(
            user=user,
            kind=kind,
            organization=organization.strip(),
            practice=practice,
            payer=payer if kind == ReaderKind.REVIEWER else None,
            invited_by=actor,
            created_at=now,
        )
        record(
            "reviews.reader.create",
            actor=actor,
            practice=practice,
            obj=reader,
            detail={"kind": kind, "organization": reader.organization},
        )
        return reader, _issue(actor, reader, now)


def reissue_invitation(actor: Any, reader: OutsideReader, *, now: datetime) -> IssuedInvitation:
    """A fresh link for a reader who lost theirs or let it expire; the older one stops working."""
    with transaction.atomic():
        return _issue(actor, reader, now)


def has_password(reader: OutsideReader) -> bool:
    return reader.user.has_usable_password()


def _refusal(invitation: ReaderInvitation | None, now: datetime) -> str | None:
    if invitation is None:
        return "This invitation link is not valid. Ask the practice for a new one."
    if invitation.accepted_at is not None:
        return "This invitation has already been used. Sign in with your email and password."
    if invitation.replaced_at is not None:
        return "This invitation was replaced by a newer one. Use the newest link you were sent."
    if now >= invitation.expires_at:
        return "This invitation has expired. Ask the practice for a new one."
    return None


def _refuse(invitation: ReaderInvitation | None, reason: str) -> InvitationRefused:
    """Audit a refused invitation (outside any rolled-back transaction) and say why."""
    record(
        "reviews.reader.invite.refused",
        practice=invitation.reader.practice if invitation else None,
        obj=invitation,
        outcome=Outcome.DENIED,
        detail={"reason": reason},
    )
    return InvitationRefused(reason)


def _invitation(**lookup: Any) -> ReaderInvitation | None:
    found: ReaderInvitation | None = (
        ReaderInvitation.objects.filter(**lookup)
        .select_related("reader__user", "reader__practice")
        .first()
    )
    return found


def verify_link(token: str, *, now: datetime) -> ReaderInvitation:
    """The invitation a link opens, or InvitationRefused; opening it uses nothing up."""
    invitation = _invitation(link_digest=tokens.digest(LINK_KIND, token))
    if (reason := _refusal(invitation, now)) is not None:
        raise _refuse(invitation, reason)
    assert invitation is not None
    return invitation


def open_invitation(invitation_id: int, *, now: datetime) -> ReaderInvitation:
    """The invitation this browser proved it holds, checked again (it may have expired since)."""
    invitation = _invitation(pk=invitation_id)
    if (reason := _refusal(invitation, now)) is not None:
        raise _refuse(invitation, reason)
    assert invitation is not None
    return invitation


def accept(invitation_id: int, *, password: str, now: datetime) -> OutsideReader:
    """Set the reader's password from a valid invitation, which is then used up."""
    with transaction.atomic():
        # Locked, so two tabs cannot both use one link.
        invitation = (
            ReaderInvitation.objects.select_for_update(of=("self",))
            .filter(pk=invitation_id)
            .select_related("reader__user", "reader__practice")
            .first()
        )
        reason = _refusal(invitation, now)
        if reason is None:
            assert invitation is not None
            user = invitation.reader.user
            try:
                validate_password(password, user)
            except ValidationError as error:
                raise ValidationError({"password": error.messages}) from None
            user.set_password(password)
            user.save(update_fields=["password"])
            invitation.accepted_at = now
            invitation.save(update_fields=["accepted_at"])
            record(
                "reviews.reader.invite.accept",
                actor=user,
                practice=invitation.reader.practice,
                obj=invitation,
            )
            return invitation.reader
    raise _refuse(invitation, reason)


# --- review cases -----------------------------------------------------------------------------


@transaction.atomic
def open_case(
    actor: Any,
    client: Client,
    *,
    payer: Payer,
    reviewer: OutsideReader,
    purpose: str,
    expires_at: datetime,
    plan_versions: list[PlanVersion],
    notes: list[Note],
    notes_from: date | None = None,
    notes_to: date | None = None,
    now: datetime,
) -> ReviewCase:
    """Open a review case with its documents resolved now, so later notes never join it."""
    if reviewer.kind != ReaderKind.REVIEWER or reviewer.practice_id != client.practice_id:
        raise ValidationError({"reviewer": "Choose an insurance reviewer of this practice."})
    if not plan_versions and not notes:
        raise ValidationError("Attach at least one signed plan version or note.")
    foreign = [v for v in plan_versions if v.plan.client_id != client.pk]
    foreign += [n for n in notes if n.client_id != client.pk]  # type: ignore[misc]
    if foreign:
        raise ValidationError("Only this client's documents can be attached.")
    if expires_at <= now:
        raise ValidationError({"expires_on": "Choose an expiry date after today."})
    case = ReviewCase.objects.create(
        practice=client.practice,
        client=client,
        payer=payer,
        reviewer=reviewer,
        purpose=purpose.strip(),
        notes_from=notes_from,
        notes_to=notes_to,
        opened_by=actor,
        opened_at=now,
        expires_at=expires_at,
    )
    CaseDocument.objects.bulk_create(
        [CaseDocument(case=case, plan_version=v) for v in plan_versions]
        + [CaseDocument(case=case, note=n) for n in notes]
    )
    record(
        "review_case.open",
        actor=actor,
        client=client,
        obj=case,
        detail={
            "payer": payer.name,
            "reviewer": reviewer.pk,
            "expires_at": expires_at.isoformat(),
            "plan_versions": [v.pk for v in plan_versions],
            "notes": [n.pk for n in notes],
        },
    )
    return case


@transaction.atomic
def close_case(actor: Any, case: ReviewCase, *, now: datetime) -> ReviewCase:
    """End the reviewer's access before the expiry; closing twice changes nothing."""
    case = ReviewCase.objects.select_for_update().get(pk=case.pk)
    if case.closed_at is not None or now >= case.expires_at:
        return case
    case.closed_at, case.closed_by = now, actor
    case.save(update_fields=["closed_at", "closed_by"])
    record("review_case.close", actor=actor, client=case.client, obj=case)
    return case


# Said whenever a change is asked of a case that has ended; a new case is the way to share more.
CASE_ENDED = (
    "This review case has ended, so its documents can no longer change. Open a new case if the "
    "payer needs more."
)


def _open_for_change(case: ReviewCase, now: datetime) -> ReviewCase:
    """The case, locked so two changes (or a change and a closure) cannot interleave."""
    locked = ReviewCase.objects.select_for_update(of=("self",)).select_related(
        "client", "reviewer__user"
    )
    case = locked.get(pk=case.pk)
    if not case.is_open(now):
        raise ValidationError(CASE_ENDED)
    return case


def _named(documents: list[Document]) -> str:
    return "; ".join(d.describe() for d in policy.in_reading_order(documents))


@transaction.atomic
def attach_documents(
    actor: Any,
    case: ReviewCase,
    *,
    plan_versions: list[PlanVersion],
    notes: list[Note],
    now: datetime,
) -> list[CaseDocument]:
    """Attach more of the client's signed documents to an open case (a payer asked for more).

    The reviewer can read them from their next request. Only this client's signed plan
    versions and notes are accepted, each once.
    """
    case = _open_for_change(case, now)
    versions = list({v.pk: v for v in plan_versions}.values())
    chosen_notes = list({n.pk: n for n in notes}.values())
    if not versions and not chosen_notes:
        raise ValidationError("Choose at least one signed plan version or note to attach.")
    signed_versions = set(
        policy.signed_plan_versions(case.client)
        .filter(pk__in=[v.pk for v in versions])
        .values_list("pk", flat=True)
    )
    signed = set(
        policy.signed_notes(case.client)
        .filter(pk__in=[n.pk for n in chosen_notes])
        .values_list("pk", flat=True)
    )
    if any(v.pk not in signed_versions for v in versions) or any(
        n.pk not in signed for n in chosen_notes
    ):
        raise ValidationError(
            "Only this client's signed plan versions and notes can be attached; drafts and other "
            "clients' documents cannot."
        )
    current = policy.attached(case)
    attached_versions = set(current.values_list("plan_version_id", flat=True))
    attached_notes = set(current.values_list("note_id", flat=True))
    twice = [Document(v, None) for v in versions if v.pk in attached_versions]
    twice += [Document(None, n) for n in chosen_notes if n.pk in attached_notes]
    if twice:
        raise ValidationError(
            f"Already attached to this case: {_named(twice)}. Choose only documents not yet "
            "attached."
        )
    rows = CaseDocument.objects.bulk_create(
        [
            CaseDocument(case=case, plan_version=v, attached_at=now, attached_by=actor)
            for v in versions
        ]
        + [
            CaseDocument(case=case, note=n, attached_at=now, attached_by=actor)
            for n in chosen_notes
        ]
    )
    record(
        "review_case.attach",
        actor=actor,
        client=case.client,
        obj=case,
        detail={
            "plan_versions": [v.pk for v in versions],
            "notes": [n.pk for n in chosen_notes],
        },
    )
    return rows


def _read_by_reviewer(case: ReviewCase, document: Document) -> bool:
    """Whether the reviewer opened or downloaded it while this case was open."""
    return Disclosure.objects.filter(
        client=case.client,
        by=case.reviewer.user,
        object_type=document.obj._meta.label_lower,
        object_id=str(document.obj.pk),
        disclosed_at__gte=case.opened_at,
    ).exists()


@transaction.atomic
def detach_document(
    actor: Any, case: ReviewCase, document_id: int, *, reason: str, now: datetime
) -> tuple[CaseDocument, bool]:
    """Take a document attached by mistake out of an open case, saying why.

    The reviewer cannot open it from their next request. Nothing is deleted: the row keeps who
    detached it, when and why, and any read of it stays in the audit log and in the client's
    accounting of disclosures. Returns the row and whether the reviewer had already read it.
    """
    case = _open_for_change(case, now)
    reason = reason.strip()
    if not reason:
        raise ValidationError(
            {"reason": "Say why it is detached, such as: attached by mistake, another episode."}
        )
    row = (
        policy.attached(case)
        .select_for_update(of=("self",))
        .select_related("plan_version__plan", "note__appointment")
        .filter(pk=document_id)
        .first()
    )
    if row is None:
        raise ValidationError(
            "That document is not attached to this case (it may have been detached already)."
        )
    row.detached_at, row.detached_by, row.detach_reason = now, actor, reason
    row.save(update_fields=["detached_at", "detached_by", "detach_reason"])
    document = Document(row.plan_version, row.note)
    already_read = _read_by_reviewer(case, document)
    record(
        "review_case.detach",
        actor=actor,
        client=case.client,
        obj=case,
        detail={
            "document": row.pk,
            document.kind: document.obj.pk,
            "reason": reason,
            "read_by_reviewer": already_read,
        },
    )
    return row, already_read


# --- client authorizations --------------------------------------------------------------------


@transaction.atomic
def record_authorization(
    actor: Any,
    client: Client,
    *,
    collaborator: OutsideReader,
    scope: list[str],
    purpose: str,
    given_on: date,
    given_how: str,
    expires_at: datetime,
    now: datetime,
) -> ClientAuthorization:
    """Record the client's permission for a collaborating clinician to read part of the record."""
    if (
        collaborator.kind != ReaderKind.COLLABORATOR
        or collaborator.practice_id != client.practice_id
    ):
        raise ValidationError({"collaborator": "Choose a collaborating clinician."})
    allowed = set(Scope.values)
    if not scope or not set(scope) <= allowed:
        raise ValidationError({"scope": "Tick at least one record type the client agreed to."})
    if expires_at <= now:
        raise ValidationError({"expires_on": "Choose an expiry date after today."})
    authorization = ClientAuthorization.objects.create(
        practice=client.practice,
        client=client,
        collaborator=collaborator,
        scope=[s for s in Scope.values if s in scope],
        purpose=purpose.strip(),
        given_on=given_on,
        given_how=given_how.strip(),
        expires_at=expires_at,
        recorded_by=actor,
        recorded_at=now,
    )
    record(
        "authorization.record",
        actor=actor,
        client=client,
        obj=authorization,
        detail={
            "collaborator": collaborator.pk,
            "scope": authorization.scope,
            "expires_at": expires_at.isoformat(),
        },
    )
    return authorization


@transaction.atomic
def revoke_authorization(
    actor: Any, authorization: ClientAuthorization, *, reason: str = "", now: datetime
) -> ClientAuthorization:
    """Stop the collaborator's access from the next request; who and when are kept."""
    authorization = ClientAuthorization.objects.select_for_update().get(pk=authorization.pk)
    if authorization.revoked_at is not None:
        return authorization
    authorization.revoked_at, authorization.revoked_by = now, actor
    authorization.revoke_reason = reason.strip()
    authorization.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
    record(
        "authorization.revoke",
        actor=actor,
        client=authorization.client,
        obj=authorization,
        detail={"reason": authorization.revoke_reason},
    )
    return authorization


# --- what outside readers read ----------------------------------------------------------------


def _read(
    reader: OutsideReader,
    client: Client,
    *,
    action: str,
    obj: Any,
    purpose: str,
    description: str,
    detail: dict[str, Any],
    now: datetime,
) -> None:
    # The audit event says what was read; the disclosure puts it in the client's accounting.
    kind = (
        RecipientKind.REVIEWER if reader.kind == ReaderKind.REVIEWER else RecipientKind.COLLABORATOR
    )
    with transaction.atomic():
        record(action, actor=reader.user, client=client, obj=obj, detail=detail)
        record_disclosure(
            client,
            recipient=reader.recipient,
            recipient_kind=kind,
            purpose=purpose,
            description=description,
            by=reader.user,
            obj=obj,
            at=now,
        )


HOW = {"view": "viewed", "download": "downloaded as PDF"}


def record_case_read(
    reader: OutsideReader, case: ReviewCase, document: Document, how: str, *, now: datetime
) -> None:
    _read(
        reader,
        case.client,
        action=f"reviewer.{document.kind}.{how}",
        obj=document.obj,
        purpose=case.purpose,
        description=f"{document.describe()}, {HOW[how]} in a payer review ({case.payer.name})",
        detail={"case": case.pk},
        now=now,
    )


def record_authorized_read(
    reader: OutsideReader,
    authorization: ClientAuthorization,
    document: Document,
    how: str,
    *,
    now: datetime,
) -> None:
    _read(
        reader,
        authorization.client,
        action=f"collaborator.{document.kind}.{how}",
        obj=document.obj,
        purpose=authorization.purpose,
        description=f"{document.describe()}, {HOW[how]} under the client's authorization",
        detail={"authorization": authorization.pk},
        now=now,
    )


def record_measures_read(
    reader: OutsideReader, authorization: ClientAuthorization, count: int, *, now: datetime
) -> None:
    _read(
        reader,
        authorization.client,
        action="collaborator.measures.view",
        obj=authorization,
        purpose=authorization.purpose,
        description=f"Questionnaire scores ({count}), viewed under the client's authorization",
        detail={"authorization": authorization.pk, "scores": count},
        now=now,
    )
