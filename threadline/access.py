"""The access policy: may this user do this action on this object?

Deny by default. Every view and API route asks here. A client the user may not see at all is a
404 (so ids reveal nothing); a client they may see, with an action their role does not allow, is
a 403. Both are audited as denied.

Outside readers (insurance reviewers, collaborating clinicians) have no practice membership, so
nothing here ever lets them in; what they read is decided by `threadline.reviews.policy`. A
designated member's break-glass grant opens one client's record for reading, briefly, and every
use of it is audited with a `break_glass` flag.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from threadline.accounts.models import Membership, Role
from threadline.audit.models import Outcome
from threadline.audit.services import record
from threadline.clients.models import Client, ClientQuerySet
from threadline.reviews.models import BreakGlassGrant


class Action(StrEnum):
    CLIENT_LIST = "client.list"
    CLIENT_CREATE = "client.create"
    CLIENT_VIEW = "client.view"  # the header: names, identifiers, contact, payer
    CLIENT_EDIT = "client.edit"
    CLINICAL_VIEW = "clinical.view"  # plans, notes, measures
    CLINICAL_EDIT = "clinical.edit"
    COSIGN = "clinical.cosign"  # a supervisor co-signs a supervisee's document
    PEOPLE_MANAGE = "people.manage"
    PRACTICE_MANAGE = "practice.manage"
    AUDIT_VIEW = "audit.view"


# What each role may do in its own practice, before the per-client relationship is considered.
PRACTICE_ACTIONS: dict[str, frozenset[Action]] = {
    Role.CLINICIAN: frozenset({Action.CLIENT_LIST, Action.CLIENT_CREATE}),
    Role.PRESCRIBER: frozenset({Action.CLIENT_LIST, Action.CLIENT_CREATE}),
    Role.SUPERVISOR: frozenset({Action.CLIENT_LIST, Action.CLIENT_CREATE}),
    # A practice admin registers clients and runs the practice but reads no clinical content.
    Role.PRACTICE_ADMIN: frozenset(
        {
            Action.CLIENT_LIST,
            Action.CLIENT_CREATE,
            Action.PEOPLE_MANAGE,
            Action.PRACTICE_MANAGE,
            Action.AUDIT_VIEW,
        }
    ),
}

TREATING = frozenset(
    {Action.CLIENT_VIEW, Action.CLIENT_EDIT, Action.CLINICAL_VIEW, Action.CLINICAL_EDIT}
)
SUPERVISING = frozenset({Action.CLIENT_VIEW, Action.CLINICAL_VIEW, Action.COSIGN})
ADMINISTERING = frozenset({Action.CLIENT_VIEW, Action.CLIENT_EDIT})
# Emergency access (ONC 170.315(d)(6)): a designated member reads a record outside their
# caseload for a short while, with a reason. Reading only: nothing is written under it.
BREAK_GLASS = frozenset({Action.CLIENT_VIEW, Action.CLINICAL_VIEW})


def membership_of(user: Any) -> Membership | None:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    try:
        member: Membership = user.membership
    except Membership.DoesNotExist:
        return None
    return member if member.is_active else None


def visible_clients(user: Any) -> ClientQuerySet:
    """The clients whose record this user may open at all."""
    member = membership_of(user)
    if member is None:
        return Client.objects.none()
    in_practice = Client.objects.filter(practice_id=member.practice_id)
    if member.role == Role.PRACTICE_ADMIN:
        return in_practice
    treating = Q(primary_clinician=user) | Q(care_team=user)
    if member.role == Role.SUPERVISOR:
        treating |= Q(primary_clinician__clinician_profile__supervisor=user)
        treating |= Q(care_team__clinician_profile__supervisor=user)
    return in_practice.filter(treating).distinct()


def client_actions(user: Any, client: Client, *, now: datetime | None = None) -> frozenset[Action]:
    return _client_access(user, client, now)[0]


def _client_access(
    user: Any, client: Client, now: datetime | None
) -> tuple[frozenset[Action], int | None]:
    """The actions allowed on this client, and the break-glass grant behind them if any."""
    member = membership_of(user)
    if member is None or member.practice_id != client.practice_id:
        return frozenset(), None
    if member.role == Role.PRACTICE_ADMIN:
        return ADMINISTERING, None
    if client.primary_clinician_id == user.pk or client.care_team.filter(pk=user.pk).exists():
        return TREATING, None
    if member.role == Role.SUPERVISOR and visible_clients(user).filter(pk=client.pk).exists():
        return SUPERVISING, None
    # Asked last, so the ordinary relationships cost no extra query; one query either way.
    grant = _break_glass_grant(user, client, now or timezone.now())
    return (BREAK_GLASS, grant) if grant is not None else (frozenset(), None)


def _break_glass_grant(user: Any, client: Client, now: datetime) -> int | None:
    """The id of this user's emergency access to this client open at `now`, if any."""
    grant: int | None = (
        BreakGlassGrant.objects.filter(
            user=user,
            client=client,
            started_at__lte=now,
            expires_at__gt=now,
            ended_at__isnull=True,
        )
        .values_list("pk", flat=True)
        .first()
    )
    return grant


def can(user: Any, action: Action, obj: Any = None) -> bool:
    """Answer for the practice (obj None) or for one client."""
    member = membership_of(user)
    if member is None:
        return False
    if obj is None:
        return action in PRACTICE_ACTIONS.get(member.role, frozenset())
    if isinstance(obj, Client):
        return action in client_actions(user, obj)
    return False


def require_membership(user: Any) -> Membership:
    member = membership_of(user)
    if member is None:
        raise PermissionDenied
    return member


def require(user: Any, action: Action) -> None:
    """Refuse a practice-level action with 403 (the practice itself is never a secret)."""
    if not can(user, action):
        member = membership_of(user)
        record(
            f"access.{action}",
            actor=user,
            practice=member.practice if member else None,
            outcome=Outcome.DENIED,
        )
        raise PermissionDenied


def client_for(user: Any, client_id: int, action: Action, *, now: datetime | None = None) -> Client:
    """Load a client for an action, or raise 404 (not visible) or 403 (visible, not allowed)."""
    client = (
        Client.objects.select_related("practice", "payer", "primary_clinician")
        .filter(pk=client_id)
        .first()
    )
    actions, grant = (
        _client_access(user, client, now) if client is not None else (frozenset(), None)
    )
    if client is None or not actions:
        record(
            f"access.{action}",
            actor=user,
            object_type="clients.client",
            object_id=client_id,
            outcome=Outcome.DENIED,
            detail={"reason": "not visible"},
        )
        raise Http404("No such client.")
    # Every use of emergency access is flagged, allowed or not, for the break-glass review.
    flag = {"break_glass": True, "grant": grant, "action": str(action)} if grant else None
    if action not in actions:
        record(
            f"access.{action}",
            actor=user,
            client=client,
            obj=client,
            outcome=Outcome.DENIED,
            detail=flag,
        )
        raise PermissionDenied
    if flag is not None:
        record("access.break_glass", actor=user, client=client, obj=client, detail=flag)
    return client
