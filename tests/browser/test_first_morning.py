"""Journey 1 and 2: a clinician signs in to the work queue and opens a client's chart."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from tests.browser.conftest import press_sign_in
from threadline.accounts.models import Practice, Role
from threadline.conftest import PASSWORD, make_client, make_person


@pytest.mark.django_db(transaction=True)
def test_a_clinician_signs_in_to_the_queue_and_opens_a_client_chart(
    live_server: LiveServer, page: Page
) -> None:
    practice = Practice.objects.create(name="Riverbend Counseling")
    clinician = make_person(practice, "alex@riverbend.test", Role.CLINICIAN, "LCSW")
    make_client(practice, clinician, "TL-00031", legal_first_name="Rowan", legal_last_name="Fictor")

    page.goto(f"{live_server.url}/")
    page.get_by_label("Email").fill("alex@riverbend.test")
    page.get_by_label("Password").fill(PASSWORD)
    press_sign_in(page, "alex@riverbend.test")

    expect(page.get_by_role("heading", name="Notes owed")).to_be_visible()
    page.get_by_role("link", name="Clients").first.click()
    expect(page.get_by_role("heading", name="My clients")).to_be_visible()
    page.get_by_role("link", name="Fictor, Rowan").click()

    header = page.get_by_role("region", name="Client")
    expect(page.get_by_role("heading", level=1)).to_have_text("Rowan Fictor")
    expect(header).to_contain_text("TL-00031")
    expect(page.get_by_role("heading", name="Treatment plan")).to_be_visible()
