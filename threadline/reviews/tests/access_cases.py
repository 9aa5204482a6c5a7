"""Who may open the outside-access pages (collected by threadline/tests/test_access_coverage.py).

A client's review cases and authorizations sit below the client: anyone outside the care team
gets 404. Review cases are run by the treating clinician or the practice admin; authorizations
are clinical (the practice admin gets 403). The designation and report pages are the practice
admin's. The readers' own pages and break-glass are `outside`: threadline/reviews/tests checks
them (test_reader_pages.py, test_break_glass.py).
"""

from __future__ import annotations

from collections.abc import Callable

from django.urls import reverse

from threadline.clients.models import Client
from threadline.reviews.tests.factories import authorization, review_case
from threadline.tests.access import Case


def _case_url(name: str) -> Callable[[Client], str]:
    def build(client: Client) -> str:
        return reverse(name, args=[client.pk, review_case(client).pk])

    return build


def _authorization_url(name: str) -> Callable[[Client], str]:
    def build(client: Client) -> str:
        return reverse(name, args=[client.pk, authorization(client).pk])

    return build


OUTSIDE = Case(outside=True)

CASES: dict[str, Case] = {
    "client_access": Case(client_scoped=True),
    "review_case_new": Case(client_scoped=True),
    "review_case_detail": Case(client_scoped=True, build_url=_case_url("review_case_detail")),
    "review_case_close": Case(
        method="post", client_scoped=True, build_url=_case_url("review_case_close")
    ),
    "review_case_invite": Case(
        method="post", client_scoped=True, build_url=_case_url("review_case_invite")
    ),
    "authorization_new": Case(client_scoped=True, clinical=True),
    "authorization_revoke": Case(
        method="post",
        client_scoped=True,
        clinical=True,
        build_url=_authorization_url("authorization_revoke"),
    ),
    "authorization_invite": Case(
        method="post",
        client_scoped=True,
        clinical=True,
        build_url=_authorization_url("authorization_invite"),
    ),
    "practice_access": Case(practice_admin_only=True),
    "break_glass_designation": Case(method="post", member_scoped=True, practice_admin_only=True),
    "break_glass_report": Case(practice_admin_only=True),
    "break_glass_open": OUTSIDE,
    "break_glass_end": Case(method="post", outside=True),
    "break_glass_reviewed": Case(method="post", outside=True),
    "reviewer_home": OUTSIDE,
    "reviewer_accept": OUTSIDE,
    "reviewer_case": OUTSIDE,
    "reviewer_plan": OUTSIDE,
    "reviewer_plan_pdf": OUTSIDE,
    "reviewer_note": OUTSIDE,
    "reviewer_note_pdf": OUTSIDE,
    "collaborator_client": OUTSIDE,
    "collaborator_plan": OUTSIDE,
    "collaborator_plan_pdf": OUTSIDE,
    "collaborator_note": OUTSIDE,
    "collaborator_note_pdf": OUTSIDE,
    "collaborator_measures": OUTSIDE,
}
