"""`record()` is the one way into the audit log; services call it inside their transaction."""

from __future__ import annotations

from typing import Any

from django.db import models, transaction
from django.utils import timezone

from threadline.audit import chain
from threadline.audit.models import AuditEvent, ChainHead, Outcome
from threadline.lib import requestctx


def _practice_of(actor: Any) -> Any:
    from threadline.accounts.models import Membership

    try:
        return actor.membership.practice
    except Membership.DoesNotExist:
        return None


def _head() -> ChainHead:
    head = ChainHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        ChainHead.objects.get_or_create(pk=1, defaults={"last_hash": chain.GENESIS})
        head = ChainHead.objects.select_for_update().get(pk=1)
    return head


def record(
    action: str,
    *,
    actor: Any = None,
    practice: Any = None,
    client: Any = None,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    outcome: str = Outcome.ALLOWED,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the chain; `action` is a dotted code such as "client.chart.view"."""
    context = requestctx.current()
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    if practice is None and client is not None:
        practice = client.practice
    if practice is None and actor is not None:
        practice = _practice_of(actor)
    with transaction.atomic():
        head = _head()
        event = AuditEvent(
            id=head.last_id + 1,
            occurred_at=timezone.now(),
            actor=actor,
            actor_label=(actor.email if actor is not None else ""),
            practice=practice,
            action=action,
            client=client,
            object_type=object_type,
            object_id=str(object_id),
            outcome=outcome,
            request_id=context.request_id,
            ip=context.ip,
            detail=detail or {},
            prev_hash=head.last_hash,
        )
        event.hash = chain.entry_hash(event)
        event.save(force_insert=True)
        head.last_id = event.pk
        head.last_hash = event.hash
        head.save(update_fields=["last_id", "last_hash"])
    return event


def verify_chain() -> chain.ChainReport:
    head = ChainHead.objects.filter(pk=1).first()
    events = AuditEvent.objects.order_by("id").iterator(chunk_size=2000)
    if head is None:
        return chain.verify(events, 0, chain.GENESIS)
    return chain.verify(events, head.last_id, head.last_hash)
