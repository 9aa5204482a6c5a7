from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.test import Client as HttpClient
from django.test import override_settings
from django.urls import reverse

from threadline.accounts.middleware import LAST_SEEN, STARTED
from threadline.accounts.models import User
from threadline.audit.models import AuditEvent
from threadline.conftest import PASSWORD, signed_in

INVALID = "That email and password do not match an active account."


def _login(http: HttpClient, email: str, password: str) -> str:
    return http.post(reverse("login"), {"username": email, "password": password}).content.decode()


def test_a_clinician_signs_in_with_email_case_insensitively(owner: User) -> None:
    http = HttpClient()
    response = http.post(
        reverse("login"), {"username": "OWNER@Riverbend.test", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="auth.login", actor=owner).count() == 1


def test_passwords_are_hashed_with_argon2(owner: User) -> None:
    assert owner.password.startswith("argon2")


def test_a_wrong_password_gets_the_same_message_as_an_unknown_account(owner: User) -> None:
    assert INVALID in _login(HttpClient(), "owner@riverbend.test", "not the password!")
    assert INVALID in _login(HttpClient(), "nobody@riverbend.test", "not the password!")
    assert AuditEvent.objects.filter(action="auth.login_failed").count() == 2


@pytest.mark.parametrize("email", ["owner@riverbend.test", "nobody@riverbend.test"])
def test_five_failures_lock_the_account_without_saying_whether_it_exists(
    owner: User, email: str
) -> None:
    http = HttpClient()
    for _ in range(5):
        _login(http, email, "wrong password here")
    page = _login(http, email, PASSWORD if email.startswith("owner") else "anything")
    assert "Too many attempts" in page
    assert "_auth_user_id" not in http.session
    assert AuditEvent.objects.filter(action="auth.lockout").count() >= 1


def test_the_idle_timeout_signs_the_user_out(owner: User) -> None:
    http = signed_in(owner)
    assert http.get(reverse("caseload")).status_code == 200
    session = http.session
    session[LAST_SEEN] = time.time() - timedelta(minutes=16).total_seconds()
    session.save()
    response = http.get(reverse("caseload"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert http.get(reverse("caseload")).status_code == 302


@override_settings(IDLE_TIMEOUT=timedelta(minutes=5))
def test_the_idle_timeout_is_configurable(owner: User) -> None:
    http = signed_in(owner)
    http.get(reverse("caseload"))
    session = http.session
    session[LAST_SEEN] = time.time() - timedelta(minutes=6).total_seconds()
    session.save()
    assert http.get(reverse("caseload")).status_code == 302


def test_the_absolute_lifetime_ends_an_active_session(owner: User) -> None:
    http = signed_in(owner)
    http.get(reverse("caseload"))
    session = http.session
    session[STARTED] = time.time() - timedelta(hours=12, minutes=1).total_seconds()
    session.save()
    assert http.get(reverse("caseload")).status_code == 302


def test_signing_out_is_audited(owner: User) -> None:
    http = signed_in(owner)
    http.post(reverse("logout"))
    assert AuditEvent.objects.filter(action="auth.logout", actor=owner).exists()
    assert http.get(reverse("caseload")).status_code == 302
