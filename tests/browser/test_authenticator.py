"""A new member of staff sets up an authenticator app at their first sign-in."""

from __future__ import annotations

from base64 import b32encode

import pytest
from django_otp.oath import totp
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from tests.browser.conftest import CODE_LABEL
from threadline.accounts.models import Authenticator, Practice, Role
from threadline.conftest import PASSWORD, make_person


@pytest.mark.django_db(transaction=True)
def test_first_sign_in_sets_up_the_authenticator_then_opens_the_queue(
    live_server: LiveServer, page: Page
) -> None:
    practice = Practice.objects.create(name="Riverbend Counseling")
    clinician = make_person(practice, "alex@riverbend.test", Role.CLINICIAN, "LCSW")

    page.goto(f"{live_server.url}/")
    page.get_by_label("Email").fill(clinician.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Set up your authenticator")
    expect(page.locator("figure.qr svg path")).to_have_count(1)
    secret = page.locator("#totp-secret").inner_text()
    device = Authenticator.objects.get(user=clinician, confirmed=False)
    assert secret.replace(" ", "") == b32encode(device.seed).decode().rstrip("=")

    # Nothing else opens until the authenticator is confirmed.
    page.goto(f"{live_server.url}/clients/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up your authenticator")

    # The test stands in for the phone: the app computes the code from the scanned secret.
    page.get_by_label(CODE_LABEL).fill(f"{totp(device.seed):06d}")
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your backup codes")
    expect(page.locator("ol.backup-codes li")).to_have_count(10)
    page.get_by_role("link", name="I have kept my codes; continue").click()
    expect(page.get_by_role("heading", name="My clients")).to_be_visible()
