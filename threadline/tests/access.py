"""The shape of an access case, shared by every app's `tests/access_cases.py`."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import threadline

if TYPE_CHECKING:
    from threadline.clients.models import Client


@dataclass(frozen=True)
class Case:
    method: str = "get"
    public: bool = False  # reachable without signing in (the login page itself)
    client_scoped: bool = False  # first URL argument is a client id: another practice gets 404
    member_scoped: bool = False  # first URL argument is a membership id: another practice 404
    practice_admin_only: bool = False  # a clinician gets 403
    clinical: bool = False  # clinical content: a practice admin gets 403
    supervisor_only: bool = False  # anyone but a supervisor gets 403
    # A client portal page: only a client account opens it and staff get 403; with build_url it
    # shows one of the test client's own objects, which another client gets as a 404.
    portal: bool = False
    # For routes below a client (a plan, a note): makes the object for the client in the test
    # and returns its URL. Without it the URL takes the client or membership id alone.
    build_url: Callable[[Client], str] | None = None
    # A JSON API route (/api/v1): signed-out callers get 401 JSON, not a sign-in redirect. Its
    # own tests live in threadline/api/tests; the page tests here skip it.
    api: bool = False
    # A route for readers outside the practice (insurance reviewers, collaborating clinicians)
    # or for break-glass; threadline/reviews/tests checks them, the staff tests here skip them.
    outside: bool = False


def collected_cases() -> dict[str, Case]:
    cases: dict[str, Case] = {}
    for app in pkgutil.iter_modules(threadline.__path__):
        name = f"threadline.{app.name}.tests.access_cases"
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as error:
            if error.name is not None and name.startswith(error.name):
                continue
            raise
        cases.update(module.CASES)
    return cases
