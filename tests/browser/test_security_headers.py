"""The strict Content-Security-Policy breaks nothing: the editors work in Chromium (autosave, the
ICD-10-CM picker, a psychotherapy note) and the browser reports no violation on the way."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import ConsoleMessage, Page, expect
from pytest_django.live_server_helper import LiveServer

from tests.browser.test_golden_thread import a_practice_with_a_client, settle_autosave, sign_in
from threadline.diagnoses.services import load_release
from threadline.diagnoses.tests.codesets import fy2026
from threadline.notes import services as note_services
from threadline.notes.models import Note
from threadline.notes.tests.factories import attended, signed_plan
from threadline.plans import services as plan_services
from threadline.plans.models import PlanVersion

CSP_VIOLATION = re.compile(r"content security policy", re.IGNORECASE)


def watch_console(page: Page) -> list[str]:
    """Every console message and uncaught page error, as text, from now on."""
    seen: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        seen.append(f"{message.type}: {message.text}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: seen.append(f"pageerror: {error}"))
    return seen


def violations(seen: list[str]) -> list[str]:
    return [line for line in seen if CSP_VIOLATION.search(line)]


@pytest.mark.django_db(transaction=True)
def test_the_editors_work_under_the_policy_without_violations(
    live_server: LiveServer, page: Page
) -> None:
    load_release(fy2026())
    clinician, client = a_practice_with_a_client()
    plan = signed_plan(client)
    draft = plan_services.revise(clinician, plan, reason="scheduled_review", note="Review.")
    note = note_services.start_note(clinician, attended(client))
    seen = watch_console(page)

    sign_in(page, live_server, clinician.email)

    # The plan editor: an autosaved field, and the ICD-10-CM picker's search and choice.
    page.goto(f"{live_server.url}/clients/{client.pk}/plan/{draft.pk}/edit/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("draft")
    page.get_by_label("Presenting problem").fill("Worry about work since the spring.")
    settle_autosave(page)
    # A full save and reload: wait for the new page to load, so htmx is listening before
    # the search box is typed into (typed too early, no search is ever sent).
    with page.expect_navigation():
        page.get_by_role("button", name="Add a diagnosis").click()
    diagnoses = page.get_by_role("group", name="Diagnoses (ICD-10-CM)")
    diagnoses.get_by_label("Diagnosis (ICD-10-CM)").last.fill("generaliz anx")
    diagnoses.get_by_role("button", name="F41.1 Generalized anxiety disorder").first.click()
    expect(diagnoses.locator("[data-icd-chosen]").last).to_contain_text("F41.1")
    settle_autosave(page)
    saved = PlanVersion.objects.get(pk=draft.pk).content
    assert saved["background"]["presenting_problem"] == "Worry about work since the spring."
    assert "F41.1" in [d.get("code") for d in saved["diagnoses"]]

    # The progress note editor: an autosaved field survives a reload.
    page.goto(f"{live_server.url}/clients/{client.pk}/notes/{note.pk}/")
    risk = page.get_by_label("Risk status and what was done")
    risk.fill("Denies suicidal or homicidal ideation; low risk.")
    settle_autosave(page)
    page.reload()
    expect(page.get_by_label("Risk status and what was done")).to_have_value(
        "Denies suicidal or homicidal ideation; low risk."
    )
    assert Note.objects.get(pk=note.pk).updated_at > note.updated_at

    # A psychotherapy note, written from the chart's link.
    page.goto(f"{live_server.url}/clients/{client.pk}/")
    page.get_by_role("link", name="Psychotherapy notes — visible only to you").click()
    page.get_by_role("link", name="Write a psychotherapy note").click()
    page.get_by_label("Notes").fill("Spoke about the move; curious what the silence held.")
    page.get_by_role("button", name="Save note").click()
    expect(page.get_by_text("curious what the silence held")).to_be_visible()

    # The measures page draws its chart as inline SVG.
    page.goto(f"{live_server.url}/clients/{client.pk}/measures/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()

    assert violations(seen) == [], violations(seen)

    # The watch itself works: an inline script injected into the page is refused and reported.
    page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.injected = true'; document.head.appendChild(s); }"
    )
    expect(page.locator("body")).to_be_visible()
    page.wait_for_timeout(200)
    assert page.evaluate("() => window.injected === true") is False
    assert violations(seen), seen
