"""Recording disclosures and reading them back as the client's accounting."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from threadline.audit.services import record
from threadline.clients.models import Client
from threadline.privacy.models import Disclosure

# HIPAA 45 CFR 164.528: the accounting covers the six years before the request.
ACCOUNTING_PERIOD = timedelta(days=6 * 365 + 2)


def record_disclosure(
    client: Client,
    *,
    recipient: str,
    recipient_kind: str,
    purpose: str,
    description: str,
    by: Any = None,
    obj: models.Model | None = None,
    at: datetime | None = None,
) -> Disclosure:
    """Write the disclosure row and its audit event together, or neither."""
    if not recipient.strip() or not purpose.strip() or not description.strip():
        raise ValueError("A disclosure needs a recipient, a purpose and what was disclosed.")
    with transaction.atomic():
        disclosure = Disclosure.objects.create(
            practice_id=client.practice_id,
            client=client,
            disclosed_at=at or timezone.now(),
            recipient=recipient.strip(),
            recipient_kind=recipient_kind,
            purpose=purpose.strip(),
            description=description.strip(),
            by=by if getattr(by, "is_authenticated", False) else None,
            object_type=obj._meta.label_lower if obj is not None else "",
            object_id=str(obj.pk) if obj is not None else "",
        )
        record(
            "disclosure.record",
            actor=by,
            client=client,
            obj=disclosure,
            detail={"recipient_kind": recipient_kind, "about": disclosure.object_type},
        )
    return disclosure


def accounting_for(client: Client, now: datetime | None = None) -> models.QuerySet[Disclosure]:
    """The disclosures the client may ask to see: the six years before `now`, newest first."""
    now = now or timezone.now()
    return Disclosure.objects.filter(
        client=client, disclosed_at__gt=now - ACCOUNTING_PERIOD, disclosed_at__lte=now
    ).select_related("by")
