from __future__ import annotations

from typing import Any

from django import template

from threadline import access
from threadline.access import Action
from threadline.clients.models import Client

register = template.Library()


@register.filter
def keeps_psychotherapy_notes(user: Any, client: Client) -> bool:
    """Whether this user treats the client, and so may keep psychotherapy notes about them."""
    return access.can(user, Action.CLINICAL_EDIT, client)
