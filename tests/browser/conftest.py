"""Browser tests walk the journeys of shared/JOURNEYS.md in Debian's Chromium via Playwright."""

from __future__ import annotations

import importlib
import os
import shutil
from collections.abc import Iterator

import pytest
from django.db import connection
from playwright.sync_api import Browser, Page, expect, sync_playwright

from threadline.accounts import mfa
from threadline.accounts.models import User
from threadline.conftest import authenticator, current_code

CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.path):
            item.add_marker(pytest.mark.browser)


TRIGGERS = importlib.import_module("threadline.audit.migrations.0002_append_only_triggers")


@pytest.fixture(autouse=True)
def audit_triggers_lifted_for_flush(transactional_db: None) -> Iterator[None]:
    """Let the test database be emptied after a live-server test.

    Emptying a database deletes audit rows, which the append-only triggers rightly refuse; the
    triggers are put back before each test so the app under test still runs with them.
    """
    vendor = connection.vendor
    with connection.schema_editor() as editor:
        for statement in (
            TRIGGERS.SQLITE_REVERSE if vendor == "sqlite" else TRIGGERS.POSTGRESQL_REVERSE
        ):
            editor.execute(statement)
        for statement in TRIGGERS.SQLITE if vendor == "sqlite" else TRIGGERS.POSTGRESQL:
            editor.execute(statement)
    yield
    with connection.schema_editor() as editor:
        for statement in (
            TRIGGERS.SQLITE_REVERSE if vendor == "sqlite" else TRIGGERS.POSTGRESQL_REVERSE
        ):
            editor.execute(statement)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail("Browser tests need Debian's chromium: apt-get install chromium")
    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls are still
    # synchronous and safe, so Django's async guard is lifted while the browser runs.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
            yield browser
            browser.close()
    finally:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


CODE_LABEL = "Code from your authenticator app"


def type_code(page: Page, email: str) -> None:
    """Type what the person's authenticator app shows now into the page's code field.

    The app is simulated from the test process: the device and its secret are in the database
    the live server reads, so this is the code the server expects.
    """
    page.get_by_label(CODE_LABEL).fill(current_code(User.objects.get(email=email)))


def press_sign_in(page: Page, email: str) -> None:
    """Press "Sign in" on the filled-in login form, then give the second factor.

    Staff have an authenticator app: the test sets one up in the database (as if they had
    enrolled earlier) and types the code it shows. Someone without one, like a client who did
    not add one, goes straight in.
    """
    user = User.objects.get(email=email)
    needs_code = mfa.requires_mfa(user) or mfa.has_device(user)
    if needs_code:
        authenticator(user)
    page.get_by_role("button", name="Sign in").click()
    if not needs_code:
        return
    expect(page.get_by_role("heading", name="Enter your code")).to_be_visible()
    type_code(page, email)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Enter your code")).to_have_count(0)
