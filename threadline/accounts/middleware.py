from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers

LAST_SEEN = "threadline_last_seen"
STARTED = "threadline_started"
# Writing the session on every request would cost a database write per page; a minute of slack
# in the idle clock is harmless next to a 15-minute limit.
TOUCH_EVERY_SECONDS = 60


class SessionLimitsMiddleware:
    """End a signed-in session after the idle timeout or the absolute lifetime, server-side.

    Also marks every response to a signed-in user `Cache-Control: no-store`, so no PHI page is
    left in a browser or proxy cache (ONC (d)(7)).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = time.time()
            session = request.session
            started = session.setdefault(STARTED, now)
            last_seen = session.get(LAST_SEEN, now)
            idle = now - last_seen > settings.IDLE_TIMEOUT.total_seconds()
            expired = now - started > settings.SESSION_MAX_AGE.total_seconds()
            if idle or expired:
                logout(request)
                messages.info(
                    request,
                    "You were signed out after a period without activity."
                    if idle
                    else "Your session reached its maximum length. Please sign in again.",
                )
                return redirect_to_login(request.get_full_path())
            if now - last_seen >= TOUCH_EVERY_SECONDS or LAST_SEEN not in session:
                session[LAST_SEEN] = now
        response = self.get_response(request)
        if request.user.is_authenticated:
            add_never_cache_headers(response)
        return response
