from typing import Any

from django.http import HttpRequest

from threadline import access
from threadline.access import Action


def membership(request: HttpRequest) -> dict[str, Any]:
    """What the navigation needs: the practice and which sections this person may open."""
    member = access.membership_of(request.user)
    if member is None:
        return {"member": None}
    return {
        "member": member,
        "nav_clients": access.can(request.user, Action.CLIENT_LIST),
        "nav_people": access.can(request.user, Action.PEOPLE_MANAGE),
        "nav_audit": access.can(request.user, Action.AUDIT_VIEW),
    }
