"""Hashing and verification of the audit chain."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64


def entry_content(event: Any) -> dict[str, Any]:
    """Return the fields an entry's hash covers, in a stable JSON-ready form."""
    return {
        "id": event.pk,
        "occurred_at": event.occurred_at.isoformat(),
        "actor": event.actor_id,
        "actor_label": event.actor_label,
        "practice": event.practice_id,
        "action": event.action,
        "client": event.client_id,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "outcome": event.outcome,
        "request_id": event.request_id,
        "ip": event.ip,
        "detail": event.detail,
        "prev_hash": event.prev_hash,
    }


def entry_hash(event: Any) -> str:
    canonical = json.dumps(
        entry_content(event), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass(frozen=True)
class ChainReport:
    checked: int
    broken_id: int | None = None
    problem: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_id is None and not self.problem


def verify(events: Iterable[Any], head_id: int, head_hash: str) -> ChainReport:
    """Walk entries in id order and name the first one that does not fit the chain."""
    previous_hash = GENESIS
    checked = 0
    for event in events:
        if event.prev_hash != previous_hash:
            return ChainReport(
                checked,
                event.pk,
                "does not follow the entry before it (an entry was deleted, inserted or reordered)",
            )
        if entry_hash(event) != event.hash:
            return ChainReport(checked, event.pk, "content no longer matches its hash (changed)")
        previous_hash = event.hash
        checked += 1
    if previous_hash != head_hash:
        return ChainReport(
            checked,
            head_id or None,
            "the newest entries are missing: the chain ends before the recorded head",
        )
    return ChainReport(checked)
