"""Who may browse and who may manage the library, on top of `threadline.access`.

Every member of a practice may browse the shipped entries and the practice's own. Supervisors
and practice admins manage the practice's entries: library content holds no client data, so the
admin's bar on clinical content does not apply. Another practice's entry is a 404, as every "not
yours" is; a member who may see an entry but not change it gets a 403. Both are audited.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404

from threadline import access
from threadline.accounts.models import Membership, Role
from threadline.audit.models import Outcome
from threadline.audit.services import record
from threadline.library.models import LibraryEntry

MANAGERS = frozenset({Role.SUPERVISOR, Role.PRACTICE_ADMIN})
MANAGE = "access.library.manage"


def may_manage(user: Any) -> bool:
    member = access.membership_of(user)
    return member is not None and member.role in MANAGERS


def require_manager(user: Any) -> Membership:
    member = access.require_membership(user)
    if member.role not in MANAGERS:
        record(MANAGE, actor=user, practice=member.practice, outcome=Outcome.DENIED)
        raise PermissionDenied
    return member


def entry_for(user: Any, entry_id: int, *, manage: bool = False) -> LibraryEntry:
    """Load an entry the user may see, or raise 404; with `manage`, 403 unless they may edit it."""
    member = access.require_membership(user)
    entry = (
        LibraryEntry.objects.visible_to(member.practice)
        .select_related("practice", "copied_from")
        .filter(pk=entry_id)
        .first()
    )
    if entry is None:
        record(
            "access.library.view",
            actor=user,
            practice=member.practice,
            object_type=LibraryEntry._meta.label_lower,
            object_id=entry_id,
            outcome=Outcome.DENIED,
            detail={"reason": "not visible"},
        )
        raise Http404("No such library entry.")
    if manage and (entry.is_shipped or member.role not in MANAGERS):
        reason = "shipped entries are read-only" if entry.is_shipped else "role"
        record(
            MANAGE,
            actor=user,
            practice=member.practice,
            obj=entry,
            outcome=Outcome.DENIED,
            detail={"reason": reason},
        )
        raise PermissionDenied
    return entry
