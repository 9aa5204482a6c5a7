"""Requests under the client's rights, made through the services as the portal makes them."""

from __future__ import annotations

from datetime import datetime
from types import SimpleNamespace
from typing import Any

from django.utils import timezone

from threadline.accounts.models import User
from threadline.clients.models import Client
from threadline.conftest import PASSWORD
from threadline.notes.models import Note
from threadline.plans.models import PlanVersion
from threadline.portal.models import ClientAccount
from threadline.privacy import services
from threadline.privacy.models import AmendmentRequest, RecordRequest


def requester(client: Client) -> Any:
    """The client's portal account when there is one; otherwise a sign-in of the client's own
    that is not (yet) a portal account, so a test may still make the account afterwards."""
    account = ClientAccount.objects.filter(client=client).select_related("user").first()
    if account is not None:
        return account
    email = f"requester-{client.record_number.lower()}@example.test"
    user = User.objects.filter(email=email).first() or User.objects.create_user(email, PASSWORD)
    return SimpleNamespace(user=user, client=client)


def record_request(client: Client, *, now: datetime | None = None) -> RecordRequest:
    return services.request_record_copy(requester(client), now=now or timezone.now())


def released_record_request(client: Client) -> RecordRequest:
    made = record_request(client)
    return services.release_record_copy(client.primary_clinician, made, now=timezone.now())


def amendment_request(
    document: PlanVersion | Note, *, now: datetime | None = None
) -> AmendmentRequest:
    client = document.plan.client if isinstance(document, PlanVersion) else document.client
    return services.request_amendment(
        requester(client),
        document,
        requested_change="My goal says I want to stop driving; it should say drive to work again.",
        reason="Driving to work again is what I said in our first session.",
        now=now or timezone.now(),
    )
