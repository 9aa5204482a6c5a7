"""Journeys 3 and 6: a clinician writes a treatment plan, signs it, and later revises it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Browser, Locator, Page, expect
from pytest_django.live_server_helper import LiveServer

from tests.browser.conftest import press_sign_in, type_code
from threadline.accounts.models import Practice, Role, User
from threadline.clients.models import Client
from threadline.conftest import PASSWORD, make_client, make_person
from threadline.diagnoses.services import load_release
from threadline.diagnoses.tests.codesets import fy2026
from threadline.library.services import sync_shipped_library
from threadline.plans import services
from threadline.plans.models import PlanVersion
from threadline.plans.samples import complete_plan

GOAL = (
    "Get through a full week at work without leaving early and sleep 6 hours on most nights, "
    "within 120 days or 15 sessions."
)
AUTHOR_ATTESTATION = "I wrote this document, reviewed it, and sign it as complete and accurate."


def in_days(days: int) -> str:
    return (timezone.localdate() + timedelta(days=days)).isoformat()


def field(page: Page, path: str) -> Locator:
    """An editor input by its content path; the ids hold dots and brackets, so no `#id`."""
    return page.locator(f'[id="f-{path}"]')


def findings_panel(page: Page) -> Locator:
    """The findings beside the editor and the sign page (only the editor's aside is named)."""
    return page.get_by_role("complementary").filter(
        has=page.get_by_role("heading", name="Before signing")
    )


def expect_errors(page: Page, count: int) -> None:
    """Wait, through autosave, until the findings panel counts `count` errors."""
    label = f"{count} error" if count == 1 else f"{count} errors"
    expect(findings_panel(page).get_by_text(re.compile(r"^\d+ errors?$"))).to_have_text(label)


def settle_autosave(page: Page) -> None:
    """Leave the field being typed in and wait until the autosave it sets off has answered.

    Leaving a changed field posts the form at once (the "change" trigger), and clicking any
    button or link leaves it. A structural button clicked while that post is in flight races it
    for the draft's lock and comes back as a conflict with oneself; and the live server shares
    one in-memory SQLite connection between its threads, so overlapping requests can fail there.
    htmx marks the form `htmx-request` synchronously when it posts and until the last queued
    post has answered.
    """
    page.evaluate("document.activeElement && document.activeElement.blur()")
    expect(page.locator("#plan-form")).not_to_have_class(re.compile(r"\bhtmx-request\b"))


def sign_in(page: Page, live_server: LiveServer, email: str) -> None:
    page.goto(f"{live_server.url}/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    press_sign_in(page, email)
    expect(page.get_by_role("heading", name="Notes owed")).to_be_visible()  # the work queue
    page.get_by_role("link", name="Clients").first.click()
    expect(page.get_by_role("heading", name="My clients")).to_be_visible()


def a_practice_with_a_client() -> tuple[User, Client]:
    practice = Practice.objects.create(name="Riverbend Counseling")
    clinician = make_person(practice, "alex@riverbend.test", Role.CLINICIAN, "LCSW")
    client = make_client(
        practice, clinician, "TL-00042", legal_first_name="Rowan", legal_last_name="Fictor"
    )
    return clinician, client


def a_signed_plan(clinician: User, client: Client) -> PlanVersion:
    today = timezone.localdate()
    version = services.start_plan(clinician, client, today=today)
    version = services.save_draft(
        clinician,
        version,
        complete_plan(version.content, today),
        lock_version=version.lock_version,
    )
    return services.sign_version(clinician, version, stepped_up_at=timezone.now())


@pytest.fixture
def second_page(browser: Browser) -> Iterator[Page]:
    """A second, separate browser session: another tab on another machine, in effect."""
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.mark.django_db(transaction=True)
def test_a_clinician_builds_a_plan_from_the_library_and_the_findings_drop_to_none(
    live_server: LiveServer, page: Page
) -> None:
    sync_shipped_library()
    load_release(fy2026())
    a_practice_with_a_client()

    sign_in(page, live_server, "alex@riverbend.test")
    page.get_by_role("link", name="Fictor, Rowan").click()
    page.get_by_role("link", name="Start a plan").click()
    expect(page.get_by_text("No plan yet.")).to_be_visible()
    with page.expect_navigation():  # the editor's htmx must be listening
        page.get_by_role("button", name="Start treatment plan").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("version 1, draft")
    panel = findings_panel(page)
    expect(panel.get_by_text(re.compile(r"^\d+ errors$"))).not_to_have_text("0 errors")
    expect(
        panel.get_by_role("link", name=re.compile("^Add the clock time the session started"))
    ).to_be_visible()

    # The blank plan opens with two empty problems; this plan starts from the library instead.
    # Each removal is a save and reload; the library search below needs htmx listening.
    for number in (2, 1):
        with page.expect_navigation():
            page.get_by_role("button", name=f"Remove problem {number}").click()
    expect(page.get_by_role("group", name=re.compile(r"^Problem \d"))).to_have_count(0)

    page.get_by_label("Search by problem, ICD-10-CM code or modality").fill("anxiety")
    entry = page.locator(".library-result").filter(
        has=page.get_by_text("Generalized anxiety", exact=True)
    )
    entry.get_by_role("button", name="Insert as a new problem").click()

    expect(page.get_by_role("status")).to_contain_text("Inserted “Generalized anxiety”")
    problem = page.get_by_role("group", name="Problem 1")
    expect(problem.get_by_label("Goal", exact=True)).to_have_value(
        re.compile("^Keep worry from running the day")
    )
    expect(field(page, "problems[0].objectives[0].statement")).to_have_value(
        re.compile("^GAD-7 total falls from the baseline score")
    )
    expect(
        panel.get_by_role("link", name=re.compile("word for word a library entry"))
    ).not_to_have_count(0)

    # The diagnosis rows are added by a structural button, before typing anything.
    # A full save and reload: wait for the new page to load, so htmx is listening before
    # the search box is typed into (typed too early, no search is ever sent).
    with page.expect_navigation():
        page.get_by_role("button", name="Add a diagnosis").click()
    diagnoses = page.get_by_role("group", name="Diagnoses (ICD-10-CM)")
    # The ICD-10-CM picker answers as you type; choosing fills the code and description.
    diagnoses.get_by_label("Diagnosis (ICD-10-CM)").fill("generaliz anx")
    diagnoses.get_by_role("button", name="F41.1 Generalized anxiety disorder").click()
    expect(diagnoses.locator("[data-icd-chosen]")).to_contain_text("F41.1")
    diagnoses.get_by_label("Rank").select_option(label="Primary")

    session = page.get_by_role("group", name="Session details")
    session.get_by_label("Start time").fill("13:03")
    session.get_by_label("Stop time").fill("13:55")

    background = page.get_by_role("group", name="Background")
    background.get_by_label("Presenting problem").fill(
        "Worry about work since a reorganisation in the spring; referred by primary care."
    )
    background.get_by_label("Symptoms").fill(
        "Excessive worry most days for 8 months, restlessness, racing thoughts at night, "
        "muscle tension and poor sleep (meets DSM-5-TR criteria for generalized anxiety "
        "disorder)."
    )
    background.get_by_label("Impact on daily functioning").fill(
        "Left four shifts early last month, avoids team meetings and has stopped seeing "
        "friends at weekends."
    )

    recommendation = page.get_by_role("group", name="Recommendation")
    recommendation.get_by_label("Modality").fill("Individual cognitive behavioral therapy (CBT)")
    recommendation.get_by_label("Minutes per session").fill("53")
    recommendation.get_by_label("Frequency").fill("weekly")
    recommendation.get_by_label("Expected duration").fill("4 months")
    recommendation.get_by_label("Medication evaluation").fill(
        "Referred to primary care for a medication evaluation."
    )

    # The library's words become this client's own: their baseline, their numbers.
    problem.get_by_label("Problem", exact=True).fill(
        "Work worry keeps the client from finishing shifts and from sleeping."
    )
    problem.get_by_label("Goal", exact=True).fill(GOAL)
    problem.get_by_label("Goal target date").fill(in_days(120))
    field(page, "problems[0].objectives[0].statement").fill(
        "GAD-7 falls from 16 to 9 or below within 12 weeks, checked every 2 weeks."
    )
    field(page, "problems[0].objectives[0].target_date").fill(in_days(84))
    field(page, "problems[0].objectives[0].measure.baseline").fill("16")
    field(page, "problems[0].objectives[1].statement").fill(
        "Client keeps worry to one 20-minute worry period after dinner on 5 days a week "
        "within 6 weeks, by worry log."
    )
    field(page, "problems[0].objectives[2].statement").fill(
        "Client uses the relaxation cue before 3 team meetings a week within 10 weeks, by "
        "practice log."
    )

    expect_errors(page, 0)
    expect(
        panel.get_by_role("link", name=re.compile("word for word a library entry"))
    ).to_have_count(0)
    settle_autosave(page)

    page.get_by_role("link", name="Review and sign").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign version 1")
    expect(page.get_by_text(GOAL)).to_be_visible()
    expect(page.get_by_text("(F41.1) Generalized anxiety disorder — primary")).to_be_visible()
    expect_errors(page, 0)  # here the signature about to be given is counted
    page.get_by_label("Password").fill(PASSWORD)
    type_code(page, "alex@riverbend.test")
    page.get_by_label(AUTHOR_ATTESTATION).check()
    page.get_by_role("button", name="Sign version 1").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("version 1 · Signed")
    signatures = page.locator("section").filter(has=page.get_by_role("heading", name="Signatures"))
    expect(signatures).to_contain_text("Alex, LCSW — Author")
    expect(page.get_by_role("link", name="Revise")).to_be_visible()


@pytest.mark.django_db(transaction=True)
def test_a_signed_plan_is_revised_into_version_2_with_a_reason_and_the_diff_shows_the_change(
    live_server: LiveServer, page: Page
) -> None:
    sync_shipped_library()
    clinician, client = a_practice_with_a_client()
    signed = a_signed_plan(clinician, client)
    old_text = signed.content["problems"][0]["objectives"][0]["statement"]
    new_text = "GAD-7 falls from 16 to 7 or below within 60 days, checked every 2 weeks."

    sign_in(page, live_server, "alex@riverbend.test")
    page.get_by_role("link", name="Fictor, Rowan").click()
    page.get_by_role("link", name="Open the plan").click()
    page.get_by_role("link", name="Revise").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Revise version 1")
    page.get_by_label("Reason").select_option(label="Scheduled review")
    page.get_by_label("Note").fill("90-day review: the GAD-7 target is lowered.")
    with page.expect_navigation():  # the editor's htmx must be listening
        page.get_by_role("button", name="Start version 2").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("version 2, draft")
    objective = field(page, "problems[0].objectives[0].statement")
    expect(objective).to_have_value(old_text)
    objective.fill(new_text)
    expect(findings_panel(page).get_by_text(re.compile(r"^Saved "))).to_be_visible()
    expect_errors(page, 0)
    settle_autosave(page)

    page.get_by_role("link", name="All versions").click()
    page.get_by_role("link", name="Compare with v1").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Compare plan versions")
    expect(page.get_by_text("Reason for version 2: Scheduled review")).to_be_visible()
    row = page.get_by_role("row").filter(has_text=new_text)
    expect(row).to_have_count(1)
    expect(row.get_by_role("cell")).to_have_text([re.compile(r"objectives\["), old_text, new_text])


@pytest.mark.django_db(transaction=True)
def test_a_second_editor_gets_a_conflict_instead_of_overwriting(
    live_server: LiveServer, page: Page, second_page: Page
) -> None:
    clinician, client = a_practice_with_a_client()
    colleague = make_person(client.practice, "sam@riverbend.test", Role.CLINICIAN, "LMFT")
    client.care_team.add(colleague)
    draft = services.start_plan(clinician, client, today=timezone.localdate())
    editor_url = live_server.url + reverse("plan_edit", args=[client.pk, draft.pk])

    sign_in(page, live_server, "alex@riverbend.test")
    sign_in(second_page, live_server, "sam@riverbend.test")
    page.goto(editor_url)
    second_page.goto(editor_url)

    alex_text = "Worry about work since a reorganisation in the spring."
    page.get_by_label("Presenting problem").fill(alex_text)
    expect(findings_panel(page).get_by_text(re.compile(r"^Saved "))).to_be_visible()

    sam_text = "Sleeping badly since the move; referred by the school counsellor."
    second_page.get_by_label("Presenting problem").fill(sam_text)

    conflict = second_page.get_by_role("alert").filter(has_text="Someone else saved this draft")
    expect(conflict).to_be_visible()
    expect(conflict).to_contain_text("Alex saved version 1")
    expect(conflict).to_contain_text("not saved")
    expect(second_page.get_by_label("Presenting problem")).to_have_value(sam_text)
    draft.refresh_from_db()
    assert draft.content["background"]["presenting_problem"] == alex_text

    # Having seen both versions, Sam keeps their own text, knowingly.
    settle_autosave(second_page)
    conflict.get_by_role("button", name="Keep mine and save over theirs").click()
    expect(second_page.get_by_text("Someone else saved this draft")).to_have_count(0)
    expect(second_page.get_by_label("Presenting problem")).to_have_value(sam_text)
    draft.refresh_from_db()
    assert draft.content["background"]["presenting_problem"] == sam_text
