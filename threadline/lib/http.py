from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

if TYPE_CHECKING:
    from threadline.accounts.models import User


class Request(HttpRequest):
    """A request after our middleware: a signed-in user (behind login_required) and htmx."""

    user: User
    htmx: HtmxDetails
