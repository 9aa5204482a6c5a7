"""Audit a client's sign-in as a portal event too, beside the `auth.login` every sign-in gets.

It names the client, so "who opened this client's record" finds the client's own visits.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from threadline.audit.services import record
from threadline.portal.models import ClientAccount


@receiver(user_logged_in)
def audit_portal_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    account = ClientAccount.objects.filter(user=user).select_related("client__practice").first()
    if account is not None:
        record("portal.login", actor=user, client=account.client, obj=account)
