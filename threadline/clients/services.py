"""Every write to a client's demographics, and the audited reads of them."""

from __future__ import annotations

import re
from typing import Any

from django.db import transaction
from django.utils import timezone

from threadline.accounts.models import Practice
from threadline.audit.services import record
from threadline.clients.models import Client

RECORD_NUMBER_PREFIX = "TL-"


def suggest_record_number(practice: Practice) -> str:
    """Next free TL-00001-style number in the practice; a practice may use its own scheme."""
    numbers = [
        int(match.group(1))
        for value in practice.clients.values_list("record_number", flat=True)
        if (match := re.fullmatch(r"TL-(\d+)", value, flags=re.IGNORECASE))
    ]
    return f"{RECORD_NUMBER_PREFIX}{max(numbers, default=0) + 1:05d}"


def _changed_fields(client: Client, data: dict[str, Any]) -> list[str]:
    # Compare with the stored row: a bound ModelForm has already copied its data onto `client`.
    stored = Client.objects.select_for_update().get(pk=client.pk)
    return sorted(name for name, value in data.items() if getattr(stored, name, None) != value)


@transaction.atomic
def create_client(
    actor: Any, practice: Practice, data: dict[str, Any], care_team: list[Any] | None = None
) -> Client:
    client = Client(practice=practice, **data)
    client.full_clean()
    client.save()
    client.care_team.set(care_team or [])
    record("client.create", actor=actor, client=client, obj=client)
    return client


@transaction.atomic
def update_client(
    actor: Any, client: Client, data: dict[str, Any], care_team: list[Any] | None = None
) -> Client:
    changed = _changed_fields(client, data)
    for name, value in data.items():
        setattr(client, name, value)
    client.updated_at = timezone.now()
    client.full_clean()
    client.save()
    if care_team is not None:
        before = set(client.care_team.values_list("pk", flat=True))
        client.care_team.set(care_team)
        if before != {member.pk for member in care_team}:
            changed.append("care_team")
    # Field names only: the audit log must not become a second copy of the record.
    record("client.update", actor=actor, client=client, obj=client, detail={"fields": changed})
    return client


def open_chart(actor: Any, client: Client, *, clinical: bool) -> None:
    """Record that the chart was read, and whether its clinical sections were shown."""
    record(
        "client.chart.view",
        actor=actor,
        client=client,
        obj=client,
        detail={"clinical": clinical},
    )


def list_caseload(actor: Any, clients: list[Client], query: str) -> None:
    """Record which clients' names and identifiers a caseload or search page showed."""
    record(
        "client.list.view",
        actor=actor,
        detail={"shown": [client.pk for client in clients], "searched": bool(query)},
    )
