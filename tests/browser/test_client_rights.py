"""Journey 5, the client's rights: ask for a copy of the record and download it once the
clinician has released it, then ask for a correction to the plan and see it open."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from threadline.accounts.models import Practice, Role
from threadline.conftest import PASSWORD, make_client, make_person
from threadline.portal.tests.factories import client_account, signed_version
from threadline.privacy import services
from threadline.privacy.models import AmendmentRequest, RecordRequest


@pytest.mark.django_db(transaction=True)
def test_the_client_gets_a_copy_of_the_record_and_asks_for_a_correction(
    live_server: LiveServer, page: Page
) -> None:
    practice = Practice.objects.create(name="Riverbend Counseling")
    clinician = make_person(practice, "alex@riverbend.test", Role.CLINICIAN, "LCSW")
    client = make_client(
        practice, clinician, "TL-00042", legal_first_name="Rowan", legal_last_name="Fictor"
    )
    version = signed_version(client)
    account = client_account(client, "rowan@example.test")

    # The client signs in with their own email and password and lands in the portal.
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Email").fill(account.user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your plan")
    rights = page.get_by_role("region", name="Your records and privacy rights")
    rights.get_by_role("link", name="Ask for a copy of your record").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ask for a copy of your record")
    page.get_by_role("button", name="Send my request").click()
    expect(page.get_by_role("status")).to_contain_text("Your request is sent.")
    expect(page.get_by_text("Waiting")).to_be_visible()

    # The clinician releases it (the live server shares this database).
    request = RecordRequest.objects.get(client=client)
    released = services.release_record_copy(clinician, request, now=timezone.now())

    page.reload()
    expect(page.get_by_text("Ready", exact=True)).to_be_visible()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the PDF").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    data = Path(download.path()).read_bytes()
    assert data.startswith(b"%PDF")
    assert hashlib.sha256(data).hexdigest() == released.pdf_sha256

    # Then a correction to the plan, from the plan page.
    page.get_by_role("link", name="Portal home").click()
    page.get_by_role("link", name="Read your plan").or_(
        page.get_by_role("link", name="Review and agree")
    ).click()
    page.get_by_role("link", name="Ask for a correction").click()
    expect(page.get_by_label("Which document")).to_have_value(f"plan:{version.pk}")
    page.get_by_label("What should change").fill(
        "The plan says I live alone; I live with my sister."
    )
    page.get_by_label("Why").fill("My sister helps with the mornings, which the plan relies on.")
    page.get_by_role("button", name="Send my request").click()
    expect(page.get_by_role("status")).to_contain_text("Your request is sent to your clinician.")

    amendment = AmendmentRequest.objects.get(client=client)
    due = services.shown_day(amendment.due_at)
    page.get_by_role("link", name="Back to your records and privacy rights").click()
    corrections = page.get_by_role("region", name="Corrections to your record")
    expect(corrections).to_contain_text("Open")
    expect(corrections).to_contain_text(f"Your clinician will answer by {due}.")
