"""Measurement-based care: the client answers a PHQ-9 in the portal and tells us about thoughts
of self-harm; the clinician documents the same-day safety assessment and clears the alert."""

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
from threadline.measures import services as measures
from threadline.measures.models import SafetyAlert
from threadline.portal.measures_views import CRISIS_LINE
from threadline.portal.tests.factories import client_account
from threadline.rules.measures import INSTRUMENTS

PHQ9 = INSTRUMENTS["phq9"]
ASSESSMENT = (
    "Called the client the same day. Passive thoughts, no plan or intent; protective factors "
    "reviewed (sister, work); safety plan updated and crisis line given; follow-up Thursday."
)


@pytest.fixture
def staff_page(browser: Browser) -> Iterator[Page]:
    """The clinician's own browser, separate from the client's."""
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def sign_in(page: Page, url: str, email: str) -> None:
    page.goto(url)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    press_sign_in(page, email)


@pytest.mark.django_db(transaction=True)
def test_a_phq9_answered_in_the_portal_raises_an_alert_the_clinician_clears(
    live_server: LiveServer, page: Page, staff_page: Page
) -> None:
    practice = Practice.objects.create(name="Riverbend Counseling")
    clinician = make_person(practice, "alex@riverbend.test", Role.CLINICIAN, "LCSW")
    client = make_client(
        practice, clinician, "TL-00042", legal_first_name="Rowan", legal_last_name="Fictor"
    )
    account = client_account(client, "rowan@example.test")
    measures.send_to_portal(clinician, client, "phq9")

    # The client signs in and finds the questionnaire waiting on the portal home.
    sign_in(page, f"{live_server.url}/", account.user.email)
    expect(page.get_by_role("heading", level=1)).to_have_text("Your plan")
    waiting = page.get_by_role("region", name="Questionnaires from your clinician")
    waiting.get_by_role("link", name="Answer the PHQ-9").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Patient Health Questionnaire-9")
    expect(page.get_by_text(PHQ9.stem)).to_be_visible()
    expect(page.get_by_text(CRISIS_LINE)).to_be_visible()
    for item in PHQ9.items[:8]:
        page.get_by_role("group", name=item.text, exact=True).get_by_label(
            "Not at all", exact=True
        ).check()
    page.get_by_role("group", name=PHQ9.items[8].text, exact=True).get_by_label(
        "Several days", exact=True
    ).check()
    # The last one by keyboard: a radio group moves with the arrow keys.
    difficulty = page.get_by_role("group", name=PHQ9.items[9].text, exact=True)
    difficulty.get_by_label("Not difficult at all", exact=True).focus()
    page.keyboard.press("Space")
    page.keyboard.press("ArrowDown")
    expect(difficulty.get_by_label("Somewhat difficult", exact=True)).to_be_checked()
    page.get_by_role("button", name="Send my answers").click()

    # Thanked, with the crisis line first and no score or band.
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you")
    safety = page.get_by_role("region", name="Your safety comes first")
    expect(safety).to_contain_text(CRISIS_LINE)
    expect(safety).to_contain_text("Your clinician will see this and contact you.")
    expect(page.locator("main")).not_to_contain_text("Minimal")

    # The clinician sees the alert on the chart, documents the assessment and clears it.
    sign_in(staff_page, f"{live_server.url}/", clinician.email)
    chart = live_server.url + reverse("client_chart", args=[client.pk])
    staff_page.goto(chart)
    expect(staff_page.locator("main")).to_contain_text("Safety alert")
    staff_page.goto(live_server.url + reverse("measures_home", args=[client.pk]))
    expect(staff_page.get_by_role("heading", name="Safety alert")).to_be_visible()
    staff_page.get_by_label("Safety assessment").fill(ASSESSMENT)
    today = timezone.localdate()
    expect(staff_page.get_by_label("Assessed on")).to_have_value(today.isoformat())
    staff_page.get_by_role("button", name="Clear the alert").click()

    expect(staff_page.get_by_role("heading", name="Safety alert")).to_have_count(0)
    expect(staff_page.get_by_role("button", name="Clear the alert")).to_have_count(0)
    staff_page.goto(chart)
    expect(staff_page.locator("main")).not_to_contain_text("Safety alert")
    alert = SafetyAlert.objects.get()
    assert (alert.is_open, alert.cleared_by, alert.assessed_on) == (False, clinician, today)
