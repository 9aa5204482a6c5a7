"""Emergency ("break-glass") access: designation, opening, ending and reviewing grants.

ONC 170.315(d)(6) and HIPAA 164.312(a)(2)(ii) want an emergency way into the record. Here it is
narrow: only members the practice admin designated, only with a written reason, only reading,
for at most an hour, every use flagged in the audit log, and every grant listed for the admin's
review afterwards. `threadline.access` honours an open grant; this module writes them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet

from threadline import access
from threadline.accounts.models import CLINICAL_ROLES, Membership, Practice
from threadline.audit.models import AuditEvent
from threadline.audit.services import record
from threadline.clients.models import Client
from threadline.reviews.models import BreakGlassDesignation, BreakGlassGrant

GRANT_LIFETIME = timedelta(minutes=60)
# "At least a sentence": enough words that the reason can be judged at review.
MIN_REASON_WORDS = 6
MIN_REASON_CHARS = 30
REASON_HELP = (
    "Write at least one full sentence: what is happening, and why you need this record now "
    "rather than through the treating clinician."
)


def designation_of(membership: Membership) -> BreakGlassDesignation | None:
    return BreakGlassDesignation.objects.filter(membership=membership).first()


@transaction.atomic
def designate(actor: Any, membership: Membership, *, now: datetime) -> BreakGlassDesignation:
    """Name a member for emergency access; only clinical members may be named.

    The practice admin role reads no clinical content by design, so it cannot be named either:
    emergency reading is a clinical act.
    """
    if membership.role not in CLINICAL_ROLES or not membership.is_active:
        raise ValidationError("Only active clinical members can be named for emergency access.")
    found, created = BreakGlassDesignation.objects.get_or_create(
        membership=membership, defaults={"designated_by": actor, "designated_at": now}
    )
    if created:
        record(
            "break_glass.designate",
            actor=actor,
            practice=membership.practice,
            obj=found,
            detail={"user": membership.user_id},
        )
    return found


@transaction.atomic
def undesignate(actor: Any, membership: Membership, *, now: datetime) -> int:
    """Remove the designation; any grant still open ends now. Returns the grants ended."""
    deleted, _ = BreakGlassDesignation.objects.filter(membership=membership).delete()
    if not deleted:
        return 0
    ended = BreakGlassGrant.objects.filter(
        user_id=membership.user_id, ended_at__isnull=True, expires_at__gt=now
    ).update(ended_at=now)
    record(
        "break_glass.undesignate",
        actor=actor,
        practice=membership.practice,
        object_type="accounts.membership",
        object_id=membership.pk,
        detail={"user": membership.user_id, "grants_ended": ended},
    )
    return ended


def check_reason(reason: str) -> str:
    reason = " ".join(reason.split())
    if len(reason) < MIN_REASON_CHARS or len(reason.split()) < MIN_REASON_WORDS:
        raise ValidationError({"reason": REASON_HELP})
    return reason


@transaction.atomic
def open_grant(user: Any, record_number: str, reason: str, *, now: datetime) -> BreakGlassGrant:
    """Open one client's record for reading, for GRANT_LIFETIME, by its record number."""
    member = access.membership_of(user)
    if member is None or designation_of(member) is None:
        raise ValidationError("You are not named for emergency access in this practice.")
    reason = check_reason(reason)
    client = Client.objects.filter(
        practice_id=member.practice_id, record_number__iexact=record_number.strip()
    ).first()
    if client is None:
        raise ValidationError(
            {"record_number": "No client in your practice has this record number. Check it."}
        )
    if access.Action.CLINICAL_VIEW in access.client_actions(user, client, now=now):
        raise ValidationError(
            {
                "record_number": "You can already read this client's record; open it from the "
                "caseload."
            }
        )
    grant = BreakGlassGrant.objects.create(
        practice_id=member.practice_id,
        user=user,
        client=client,
        reason=reason,
        started_at=now,
        expires_at=now + GRANT_LIFETIME,
    )
    record(
        "break_glass.open",
        actor=user,
        client=client,
        obj=grant,
        detail={"break_glass": True, "grant": grant.pk, "expires_at": grant.expires_at.isoformat()},
    )
    return grant


@transaction.atomic
def end_grant(user: Any, grant: BreakGlassGrant, *, now: datetime) -> BreakGlassGrant:
    """End one's own emergency access early; an ended or expired grant is left as it is."""
    grant = BreakGlassGrant.objects.select_for_update().get(pk=grant.pk)
    if grant.user_id != user.pk or not grant.is_active(now):
        return grant
    grant.ended_at = now
    grant.save(update_fields=["ended_at"])
    record(
        "break_glass.end",
        actor=user,
        client=grant.client,
        obj=grant,
        detail={"break_glass": True, "grant": grant.pk},
    )
    return grant


@transaction.atomic
def mark_reviewed(actor: Any, grant: BreakGlassGrant, *, now: datetime) -> BreakGlassGrant:
    grant = BreakGlassGrant.objects.select_for_update().get(pk=grant.pk)
    if grant.reviewed_at is not None:
        return grant
    grant.reviewed_at, grant.reviewed_by = now, actor
    grant.save(update_fields=["reviewed_at", "reviewed_by"])
    record("break_glass.review", actor=actor, client=grant.client, obj=grant)
    return grant


def unreviewed_count(practice: Practice) -> int:
    """How many of the practice's grants wait for the admin's review: one query, a number only.

    Counts what the report's "not reviewed" list shows, still-open grants included, so the
    number on the admin's work queue matches the list its link opens.
    """
    return BreakGlassGrant.objects.filter(practice=practice, reviewed_at__isnull=True).count()


def open_grants(user: Any, now: datetime) -> QuerySet[BreakGlassGrant]:
    return BreakGlassGrant.objects.filter(
        user=user, ended_at__isnull=True, started_at__lte=now, expires_at__gt=now
    ).select_related("client")


# --- the review report ------------------------------------------------------------------------


@dataclass(frozen=True)
class GrantReport:
    grant: BreakGlassGrant
    events: list[AuditEvent]


def with_events(grants: list[BreakGlassGrant]) -> list[GrantReport]:
    """Each grant with the audit events its holder recorded on that client while it lasted.

    One query for the whole page of grants, however many there are.
    """
    if not grants:
        return []
    during = Q()
    for g in grants:
        during |= Q(
            actor_id=g.user_id,
            client_id=g.client_id,
            occurred_at__gte=g.started_at,
            occurred_at__lte=g.ended(),
        )
    events = list(AuditEvent.objects.filter(during).order_by("occurred_at", "id"))
    return [
        GrantReport(
            g,
            [
                e
                for e in events
                if e.actor_id == g.user_id
                and e.client_id == g.client_id
                and g.started_at <= e.occurred_at <= g.ended()
            ],
        )
        for g in grants
    ]
