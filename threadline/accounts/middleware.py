from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME, logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import Resolver404, resolve, reverse
from django.utils.cache import add_never_cache_headers
from django.utils.http import urlencode
from django_htmx.http import HttpResponseClientRedirect

from threadline.accounts import mfa

LAST_SEEN = "threadline_last_seen"
STARTED = "threadline_started"
# Writing the session on every request would cost a database write per page; a minute of slack
# in the idle clock is harmless next to a 15-minute limit.
TOUCH_EVERY_SECONDS = 60


class SessionLimitsMiddleware:
    """End a signed-in session after the idle timeout or the absolute lifetime, server-side;
    keep a session that has not passed its second factor to the pages that finish signing in
    (`second_factor_gate`).

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
            gate = second_factor_gate(request)
            if gate is not None:
                add_never_cache_headers(gate)
                return gate
        response = self.get_response(request)
        if request.user.is_authenticated:
            add_never_cache_headers(response)
        return response


# Pages a session may open before its second factor is done: finishing sign-in, or leaving.
BEFORE_SECOND_FACTOR = {
    "verify": frozenset({"login", "logout", "mfa_verify"}),
    "enrol": frozenset({"login", "logout", "mfa_enrol"}),
}


def second_factor_gate(request: HttpRequest) -> HttpResponse | None:
    """Where a signed-in session must go first, or None when it may go anywhere.

    Someone with a confirmed device enters a code after the password (the second step of
    signing in); someone who must have a second factor and has none sets one up. Nothing else
    opens until then, so a stolen password alone reaches no record.
    """
    user: Any = request.user  # django_otp's middleware gave it `is_verified()`
    if user.is_verified():
        return None
    if request.path.startswith(settings.STATIC_URL):
        return None
    if mfa.has_device(user):
        step = "verify"
    elif mfa.requires_mfa(user):
        step = "enrol"
    else:
        return None
    try:
        name = resolve(request.path_info).url_name
    except Resolver404:
        name = None
    if name in BEFORE_SECOND_FACTOR[step]:
        return None
    target = reverse(f"mfa_{step}")
    if request.method == "GET":
        target += "?" + urlencode({REDIRECT_FIELD_NAME: request.get_full_path()})
    if request.headers.get("HX-Request") == "true":
        # An htmx swap would put the whole page inside a fragment; have the browser go instead.
        return HttpResponseClientRedirect(target)
    return HttpResponseRedirect(target)
