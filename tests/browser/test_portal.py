"""Journey 5: the client opens an invitation, reads their plan in plain language, and signs it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from tests.browser.conftest import press_sign_in
from threadline.accounts.models import Practice, Role
from threadline.conftest import PASSWORD, make_client, make_person
from threadline.portal import services
from threadline.portal.tests.factories import signed_version

CLIENT_PASSWORD = "river stones and quiet tea"


@pytest.fixture
def staff_page(browser: Browser) -> Iterator[Page]:
    """The clinician's own browser, separate from the client's."""
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.mark.django_db(transaction=True)
def test_the_client_accepts_the_invitation_and_signs_the_plan(
    live_server: LiveServer, page: Page, staff_page: Page
) -> None:
    practice = Practice.objects.create(name="Riverbend Counseling")
    clinician = make_person(practice, "alex@riverbend.test", Role.CLINICIAN, "LCSW")
    client = make_client(
        practice, clinician, "TL-00042", legal_first_name="Rowan", legal_last_name="Fictor"
    )
    version = signed_version(client)
    issued = services.invite(clinician, client, now=timezone.now(), version=version)

    # The client opens the link from the clinic's message and chooses a password.
    page.goto(live_server.url + reverse("portal_accept", args=[issued.link_token]))
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up your account")
    assert issued.link_token not in page.url
    page.get_by_label("Your email").fill("rowan@example.test")
    page.get_by_label("Choose a password").fill(CLIENT_PASSWORD)
    page.get_by_label("The same password again").fill(CLIENT_PASSWORD)
    page.get_by_role("button", name="Create my account").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Your plan")
    expect(page.get_by_role("status")).to_contain_text("Your account is ready")
    expect(page.get_by_text("Waiting for your agreement.")).to_be_visible()
    page.get_by_role("link", name="Review and agree").click()

    # The plan in plain language: goals, steps, who does what, the clinician; no codes.
    expect(page.get_by_role("heading", level=1)).to_have_text("Your treatment plan")
    plan = page.get_by_role("article")
    expect(plan).to_contain_text("Your clinician: Alex, LCSW")
    expect(plan).to_contain_text("Your goal: Get through a full week at work without leaving early")
    expect(plan.get_by_role("heading", name="What you will do").first).to_be_visible()
    expect(plan).to_contain_text("Practised in session and daily at home.")
    expect(plan.get_by_role("heading", name="What your clinician will do").first).to_be_visible()
    expect(plan).to_contain_text("Cognitive behavioral therapy (CBT), weekly")
    expect(plan).not_to_contain_text("F41.1")

    # A name that is not theirs is refused next to the field; their own name signs. The first
    # electronic signature also asks for consent to electronic records (ESIGN).
    page.get_by_label("I agree to receive my records").check()
    page.get_by_label("I have reviewed this plan and agree").check()
    page.get_by_label("Type your full name to sign").fill("R. Fictor")
    page.get_by_role("button", name="Sign my agreement").click()
    expect(page.get_by_text("the name you typed does not match")).to_be_visible()
    page.get_by_label("I agree to receive my records").check()
    page.get_by_label("I have reviewed this plan and agree").check()
    page.get_by_label("Type your full name to sign").fill("Rowan Fictor")
    page.get_by_role("button", name="Sign my agreement").click()

    expect(page.get_by_role("status")).to_contain_text(
        "Thank you. Your agreement to this plan is signed."
    )
    agreement = page.get_by_role("region", name="Your agreement")
    expect(agreement).to_contain_text("You signed your agreement to this plan as “Rowan Fictor”")
    expect(page.get_by_role("button", name="Sign my agreement")).to_have_count(0)
    page.get_by_role("link", name="Printable copy").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Treatment plan version 1")
    expect(page.get_by_role("article")).to_contain_text("Rowan Fictor — Your agreement")

    # The clinician sees the client's agreement on the version page.
    staff_page.goto(f"{live_server.url}/")
    staff_page.get_by_label("Email").fill("alex@riverbend.test")
    staff_page.get_by_label("Password").fill(PASSWORD)
    press_sign_in(staff_page, "alex@riverbend.test")
    staff_page.goto(live_server.url + reverse("plan_version", args=[client.pk, version.pk]))
    signatures = staff_page.locator("section").filter(
        has=staff_page.get_by_role("heading", name="Signatures")
    )
    expect(signatures).to_contain_text("Rowan Fictor — Client agreement")
    expect(staff_page.get_by_text("Client agreement: Rowan Fictor")).to_be_visible()
