"""Every write to API tokens, and the check a request's token goes through."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from threadline.access import membership_of
from threadline.api.models import ApiToken
from threadline.audit.models import Outcome
from threadline.audit.services import record

DEFAULT_DAYS = 90
MAX_DAYS = 365
# Marks a string as a Threadline token, so a secret scanner or a person can tell what leaked.
MARK = "tl_"
PREFIX_LENGTH = len(MARK) + 6
# Writing last_used_at on every request would turn each read into a write; a minute is plenty
# for a person deciding whether a token is still in use.
LAST_USED_RESOLUTION = timedelta(minutes=1)


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    secret: str  # shown once, on the page that created it; never stored


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def may_hold_tokens(user: Any) -> bool:
    """Staff of a practice; a client's portal account has no membership and gets no token."""
    return membership_of(user) is not None


def check_request(name: str, days: int) -> None:
    errors: dict[str, str] = {}
    if not name.strip():
        errors["name"] = "Name the token after the program that will use it."
    if not 1 <= days <= MAX_DAYS:
        errors["days"] = f"Choose between 1 and {MAX_DAYS} days."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def create_token(
    actor: Any, *, name: str, days: int = DEFAULT_DAYS, now: datetime | None = None
) -> IssuedToken:
    if not may_hold_tokens(actor):
        raise ValidationError("Only staff of a practice may hold API tokens.")
    check_request(name, days)
    now = now or timezone.now()
    secret = MARK + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=actor,
        name=name.strip(),
        prefix=secret[:PREFIX_LENGTH],
        secret_sha256=digest(secret),
        created_at=now,
        expires_at=now + timedelta(days=days),
    )
    record(
        "api.token.create",
        actor=actor,
        obj=token,
        detail={"name": token.name, "expires_at": token.expires_at.isoformat()},
    )
    return IssuedToken(token, secret)


@transaction.atomic
def revoke_token(actor: Any, token: ApiToken, *, now: datetime | None = None) -> ApiToken:
    now = now or timezone.now()
    revoked = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=now)
    token.refresh_from_db(fields=["revoked_at"])
    if revoked:
        record("api.token.revoke", actor=actor, obj=token, detail={"name": token.name})
    return token


def user_for(secret: str, *, now: datetime | None = None) -> Any:
    """The active staff member a token acts for, or None.

    The secret is hashed and the hash looked up, so no comparison of secrets runs in Python
    where its timing could leak how much of a guess was right."""
    now = now or timezone.now()
    token = (
        ApiToken.objects.select_related("user__membership")
        .filter(secret_sha256=digest(secret))
        .first()
    )
    if token is None:
        return None
    user = token.user
    if not token.is_usable(now) or membership_of(user) is None:
        reason = "revoked" if token.revoked_at else "expired" if token.expires_at <= now else ""
        record(
            "api.token.refused",
            actor=user,
            obj=token,
            outcome=Outcome.DENIED,
            detail={"reason": reason or "inactive account"},
        )
        return None
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return user
