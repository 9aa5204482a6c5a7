"""Response headers that keep pages, cookies and cached copies from leaking.

Django's SecurityMiddleware sets HSTS, nosniff, Referrer-Policy and Cross-Origin-Opener-Policy,
and django-csp sets the Content-Security-Policy; this module adds what neither covers.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponseBase

# Nothing in Threadline uses the camera, microphone, location or payment requests, so a script
# that got onto a page still could not ask for them (and neither can anything framed in it).
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=()"

# What the browser is told to forget when someone signs out: cached pages of the record, the
# cookies, and anything a page put in storage. ONC 170.315(d)(7) wants no health information
# left on the device after use.
CLEAR_SITE_DATA = '"cache", "cookies", "storage"'


# The URL name of Django's sign-out view (POST only, audited by the user_logged_out signal).
SIGN_OUT = "logout"


class SecurityHeadersMiddleware:
    """Add Permissions-Policy and Cross-Origin-Resource-Policy to every response, and
    Clear-Site-Data to a sign-out.

    It sits before WhiteNoise so static files carry the headers too.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        # Other sites may not embed our pages, images or scripts (or read them through a
        # side channel such as Spectre).
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        if _signed_out(request, response):
            response.headers["Clear-Site-Data"] = CLEAR_SITE_DATA
        return response


def _signed_out(request: HttpRequest, response: HttpResponseBase) -> bool:
    match = request.resolver_match
    return (
        request.method == "POST"
        and match is not None
        and match.url_name == SIGN_OUT
        and response.status_code < 400
    )


def csp_nonce(request: HttpRequest) -> dict[str, Any]:
    """Hand templates the request's CSP nonce as `csp_nonce`, the name {% htmx_script %} reads.

    The value stays lazy: django-csp adds the nonce to the header only when a page used it.
    """
    return {"csp_nonce": getattr(request, "csp_nonce", "")}
