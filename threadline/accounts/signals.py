"""Audit sign-ins, sign-outs, failures and lockouts (who got in is part of the record)."""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from threadline.audit.models import Outcome
from threadline.audit.services import record


@receiver(user_logged_in)
def audit_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    record("auth.login", actor=user, obj=user)


@receiver(user_logged_out)
def audit_logout(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        record("auth.logout", actor=user, obj=user)


@receiver(user_login_failed)
def audit_login_failed(sender: Any, credentials: dict[str, Any], **kwargs: Any) -> None:
    # The address typed is kept so an admin can see attacks on an account; no password, ever.
    record(
        "auth.login_failed",
        outcome=Outcome.DENIED,
        detail={"username": str(credentials.get("username", ""))[:254]},
    )


@receiver(user_locked_out)
def audit_lockout(sender: Any, request: Any, username: str | None, **kwargs: Any) -> None:
    record("auth.lockout", outcome=Outcome.DENIED, detail={"username": (username or "")[:254]})
