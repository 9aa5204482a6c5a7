"""Session and CSRF cookies: Secure, host-bound (__Host-) and SameSite=Lax over HTTPS."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from http.cookies import Morsel
from pathlib import Path

import pytest
from django.contrib.sessions.middleware import SessionMiddleware
from django.http import HttpRequest, HttpResponse
from django.test import Client as HttpClient
from django.test import RequestFactory, override_settings
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[3]
COOKIE_SETTINGS = [
    "SESSION_COOKIE_NAME",
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "SESSION_COOKIE_SAMESITE",
    "CSRF_COOKIE_NAME",
    "CSRF_COOKIE_SECURE",
    "CSRF_COOKIE_HTTPONLY",
    "CSRF_COOKIE_SAMESITE",
]
HTTPS_COOKIES = {
    "SESSION_COOKIE_NAME": "__Host-sessionid",
    "SESSION_COOKIE_SECURE": True,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "CSRF_COOKIE_NAME": "__Host-csrftoken",
    "CSRF_COOKIE_SECURE": True,
    "CSRF_COOKIE_HTTPONLY": True,
    "CSRF_COOKIE_SAMESITE": "Lax",
}


def cookie_settings(env: dict[str, str], tmp_path: Path) -> dict[str, object]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("THREADLINE_")}
    clean.update(
        {
            "THREADLINE_VAR_DIR": str(tmp_path),
            "DJANGO_SETTINGS_MODULE": "threadline.settings",
            **env,
        }
    )
    code = (
        "import json; from django.conf import settings as s; "
        f"print(json.dumps({{name: getattr(s, name) for name in {COOKIE_SETTINGS!r}}}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env=clean,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    loaded: dict[str, object] = json.loads(result.stdout)
    return loaded


def test_https_makes_the_cookies_secure_and_host_bound(tmp_path: Path) -> None:
    assert cookie_settings({"THREADLINE_HTTPS": "true"}, tmp_path) == HTTPS_COOKIES


def test_plain_http_keeps_django_cookie_names(tmp_path: Path) -> None:
    """Browsers refuse a __Host- cookie that is not Secure, so local HTTP keeps plain names."""
    loaded = cookie_settings({"THREADLINE_HTTPS": "false"}, tmp_path)
    assert loaded["SESSION_COOKIE_NAME"] == "sessionid"
    assert loaded["CSRF_COOKIE_NAME"] == "csrftoken"
    assert loaded["SESSION_COOKIE_HTTPONLY"] is True
    assert loaded["SESSION_COOKIE_SECURE"] is False


def _check_host_cookie(morsel: Morsel[str], *, httponly: bool) -> None:
    assert morsel["secure"] is True
    assert bool(morsel["httponly"]) is httponly
    assert morsel["samesite"] == "Lax"
    assert morsel["path"] == "/"
    assert morsel["domain"] == ""  # __Host- cookies may not name a domain


@override_settings(**{k: v for k, v in HTTPS_COOKIES.items() if k.startswith("CSRF")})
def test_the_sign_in_page_sets_a_host_bound_csrf_cookie(db: None) -> None:
    response = HttpClient().get(reverse("login"), secure=True)
    _check_host_cookie(response.cookies["__Host-csrftoken"], httponly=True)


@override_settings(**{k: v for k, v in HTTPS_COOKIES.items() if k.startswith("SESSION")})
@pytest.mark.django_db
def test_a_session_cookie_is_host_bound_secure_and_http_only() -> None:
    request = RequestFactory().get("/", secure=True)

    def saves_a_session(request: HttpRequest) -> HttpResponse:
        request.session["seen"] = True
        return HttpResponse()

    response = SessionMiddleware(saves_a_session)(request)
    assert isinstance(response, HttpResponse)
    _check_host_cookie(response.cookies["__Host-sessionid"], httponly=True)
