"""Issue 5: a supervisor co-signs what a pre-licensed clinician signed."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from tests.browser.conftest import press_sign_in, type_code
from threadline.accounts.models import Practice, Role
from threadline.conftest import PASSWORD, make_client, make_person
from threadline.plans import services
from threadline.plans.samples import complete_plan
from threadline.signatures.models import Signature


@pytest.mark.django_db(transaction=True)
def test_a_supervisor_co_signs_a_pre_licensed_clinicians_plan_from_the_queue(
    live_server: LiveServer, page: Page
) -> None:
    practice = Practice.objects.create(name="Riverbend Counseling")
    supervisor = make_person(practice, "morgan@riverbend.test", Role.SUPERVISOR, "PhD")
    associate = make_person(
        practice,
        "sam@riverbend.test",
        Role.CLINICIAN,
        "APC",
        pre_licensed=True,
        supervisor=supervisor,
    )
    client = make_client(practice, associate, "TL-00044", legal_first_name="Reese")
    version = services.start_plan(associate, client, today=timezone.localdate())
    version = services.save_draft(
        associate,
        version,
        complete_plan(version.content, timezone.localdate()),
        lock_version=version.lock_version,
    )
    services.sign_version(associate, version, stepped_up_at=timezone.now())

    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Email").fill("morgan@riverbend.test")
    page.get_by_label("Password").fill(PASSWORD)
    press_sign_in(page, "morgan@riverbend.test")

    page.get_by_role("link", name="Co-signatures").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Waiting for your co-signature")
    row = page.get_by_role("row").filter(has_text="TL-00044")
    row.get_by_role("link", name="Review and co-sign").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Co-sign version 1")
    page.get_by_label("Password").fill(PASSWORD)
    type_code(page, "morgan@riverbend.test")
    page.get_by_role("checkbox").check()
    page.get_by_role("button", name="Co-sign").click()

    expect(page.get_by_text("Co-signature on version 1 recorded.")).to_be_visible()
    expect(page.get_by_text("Morgan, PhD")).to_be_visible()
    expect(page.get_by_text("not final until the supervisor co-signs")).to_have_count(0)
    author, cosign = Signature.objects.order_by("id")
    assert cosign.meaning == "supervisor"
    assert cosign.content_sha256 == author.content_sha256

    page.get_by_role("link", name="Co-signatures").click()
    expect(page.get_by_text("Nothing waits for you.")).to_be_visible()
