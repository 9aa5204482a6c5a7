"""Every role over every route, compared with the policy table (threadline/tests/policy_table.py).

One test per role walks all the routes: it builds each URL the way the route's access case does
(its `build_url`, or the client or membership id), sends the case's method with no body, and
classifies the answer. Every cell that differs from the table is collected into one message, so
a failure lists the whole damage at once. A route missing from the table fails the first test.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client as HttpClient
from django.urls import get_resolver, resolve, reverse
from django.utils import timezone

from threadline.accounts import services as accounts
from threadline.accounts.models import Role, User
from threadline.api import tokens
from threadline.clients.models import Client
from threadline.conftest import make_person, signed_in
from threadline.notes.models import Note
from threadline.plans.models import PlanVersion
from threadline.portal.tests.factories import client_account
from threadline.reviews import break_glass
from threadline.reviews import services as reviews
from threadline.reviews.models import BreakGlassGrant, ClientAuthorization, ReviewCase, Scope
from threadline.reviews.tests.factories import (
    authorization,
    outside_reader,
    review_case,
    signed_note,
    signed_plan_version,
)
from threadline.tests.access import Case
from threadline.tests.policy_table import KNOWN_GAPS, POLICY, ROLES, SIGNED_POLICY, Outcome, Row
from threadline.tests.test_access_coverage import ACCESS_CASES, _names

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def quick_passwords(settings: Any) -> None:
    """Argon2 makes every persona cost a tenth of a second; nothing here checks a password."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


REASON = "The client rang the crisis line tonight and their clinician is away this week."

# API bodies that pass validation, so the answer is the access policy's and not the body's 422
# (django-ninja checks a body before the route runs).
API_BODIES: dict[str, dict[str, str]] = {
    "api:session_create": {"scheduled_start": "2026-12-01T10:00:00-05:00"},
}

# Routes whose request changes what later requests of the same walk would see (ending the
# break-glass grant, resetting the person's second factor): they are sent last.
LAST = ("account_reset_mfa", "account_password", "account_email", "break_glass_end", "logout")


@dataclass
class World:
    """The client, the ten roles' people, and the outside-access objects the routes name."""

    client: Client
    people: dict[str, User | None]
    plan: PlanVersion
    note: Note
    case: ReviewCase
    grant: ClientAuthorization
    emergency: BreakGlassGrant
    invitation_token: str
    urls: dict[str, str] = field(default_factory=dict)


# A client has one open request for a copy of their record at a time: the released ones are
# built first, and the clinician's page of the open request shows the portal's open request.
BUILD_FIRST = ("portal_record_pdf", "portal_record_fhir", "portal_record")


def _classify(response: Any) -> str:
    status = response.status_code
    if 200 <= status < 300:
        return Outcome.OK
    if 300 <= status < 400:
        # Every session here is past its second factor (`signed_in`), so a redirect to the
        # second-factor pages is a view's own (a client account with no device asked to set one
        # up first), not a bounce; signed-out and deactivated people are sent to sign in.
        return Outcome.LOGIN if response["Location"].startswith(reverse("login")) else Outcome.OK
    # An empty body refused by the route's own validation: the policy let the request in.
    if status in {400, 422}:
        return Outcome.OK
    known = {401: Outcome.LOGIN, 403: Outcome.FORBIDDEN, 404: Outcome.NOT_FOUND}
    return known.get(status, Outcome.CONFLICT if status == 409 else f"status {status}")


def _world(client: Client, owner: User, colleague: User, supervisor: User, admin: User) -> World:
    now = timezone.now()
    # Built before the signed rows below, which the FHIR check of a released copy would refuse
    # (they are stored signed without a signature).
    early = {name: _url(name, ACCESS_CASES[name], client, colleague) for name in BUILD_FIRST}
    plan = signed_plan_version(client)
    note = signed_note(client, timezone.localdate() - timedelta(days=3))
    reviewer = outside_reader(client, "casey.reviewer@bluevalley.test")
    case = review_case(client, reviewer, documents=[plan, note])
    grant = authorization(client, scope=[Scope.PLANS, Scope.PROGRESS, Scope.MEASURES])
    on_call = make_person(client.practice, "oncall@riverbend.test", Role.CLINICIAN, "LPC")
    break_glass.designate(admin, on_call.membership, now=now)
    emergency = break_glass.open_grant(on_call, client.record_number, REASON, now=now)
    invitee = outside_reader(client, "new.reader@bluevalley.test")
    issued = reviews.reissue_invitation(owner, invitee, now=now)
    people: dict[str, User | None] = {
        "clinician": owner,
        "colleague": colleague,
        "supervisor": supervisor,
        "admin": admin,
        "client": client_account(client).user,
        "reviewer": reviewer.user,
        "collaborator": grant.collaborator.user,
        "break_glass": on_call,
        "anonymous": None,
        "deactivated": owner,
    }
    return World(client, people, plan, note, case, grant, emergency, issued.link_token, early)


def _reader_urls(w: World) -> dict[str, str]:
    """The /reviewer/ and break-glass routes, built for the world's own readers and grant.

    Their access cases have no `build_url` because each names a reader or a grant: here the
    review case belongs to the `reviewer` role and the authorization to the `collaborator` role,
    so each reader sees its own pages and the other reader's, and everyone else is refused.
    """
    case, grant, plan, note = w.case.pk, w.grant.pk, w.plan.pk, w.note.pk
    return {
        "reviewer_home": reverse("reviewer_home"),
        "reviewer_accept": reverse("reviewer_accept", args=[w.invitation_token]),
        "reviewer_case": reverse("reviewer_case", args=[case]),
        "reviewer_plan": reverse("reviewer_plan", args=[case, plan]),
        "reviewer_plan_pdf": reverse("reviewer_plan_pdf", args=[case, plan]),
        "reviewer_note": reverse("reviewer_note", args=[case, note]),
        "reviewer_note_pdf": reverse("reviewer_note_pdf", args=[case, note]),
        "collaborator_client": reverse("collaborator_client", args=[grant]),
        "collaborator_plan": reverse("collaborator_plan", args=[grant, plan]),
        "collaborator_plan_pdf": reverse("collaborator_plan_pdf", args=[grant, plan]),
        "collaborator_note": reverse("collaborator_note", args=[grant, note]),
        "collaborator_note_pdf": reverse("collaborator_note_pdf", args=[grant, note]),
        "collaborator_measures": reverse("collaborator_measures", args=[grant]),
        "break_glass_open": reverse("break_glass_open"),
        "break_glass_end": reverse("break_glass_end", args=[w.emergency.pk]),
        "break_glass_reviewed": reverse("break_glass_reviewed", args=[w.emergency.pk]),
    }


def _url(name: str, case: Case, client: Client, colleague: User) -> str:
    if case.build_url is not None:
        return case.build_url(client)
    if case.client_scoped:
        return reverse(name, args=[client.pk])
    if case.member_scoped:
        return reverse(name, args=[colleague.membership.pk])
    if name == "api:no-such-route":
        return "/api/v1/no/such/route/"
    return reverse(name)


def _urls(w: World, colleague: User) -> dict[str, str]:
    urls = {**w.urls, **_reader_urls(w)}
    open_request = next(iter(resolve(urls["portal_record"]).kwargs.values()))
    urls["client_record_request"] = reverse(
        "client_record_request", args=[w.client.pk, open_request]
    )
    for name, case in ACCESS_CASES.items():
        if name not in urls:
            urls[name] = _url(name, case, w.client, colleague)
    return urls


def _token(user: User | None) -> dict[str, str]:
    """A bearer header for people who may hold a token; others call the API with none."""
    if user is None:
        return {}
    try:
        issued = tokens.create_token(user, name="permission matrix")
    except ValidationError:
        return {}
    return {"Authorization": f"Bearer {issued.secret}"}


def test_every_route_has_a_row_in_the_policy_table() -> None:
    routes = _names(get_resolver())
    assert not routes - set(POLICY), "routes missing from the policy table"
    assert not set(POLICY) - routes, "stale rows in the policy table"
    assert set(POLICY) == set(ACCESS_CASES)


def test_known_gaps_name_real_cells() -> None:
    rows = POLICY | {f"{name} (signed)": row for name, row in SIGNED_POLICY.items()}
    for route, role in KNOWN_GAPS:
        assert route in rows and role in ROLES, (route, role)
        assert KNOWN_GAPS[route, role][0] != rows[route][role], (route, role)


def _order(names: set[str]) -> list[str]:
    return sorted(names - set(LAST)) + [n for n in LAST if n in names]


@pytest.mark.parametrize("role", ROLES)
def test_every_route_answers_each_role_as_the_policy_says(
    role: str,
    client_record: Client,
    owner: User,
    colleague: User,
    supervisor: User,
    admin: User,
) -> None:
    w = _world(client_record, owner, colleague, supervisor, admin)
    urls = _urls(w, colleague)
    person = w.people[role]
    order = _order(set(urls))
    walk: list[tuple[str, str, str, Row]] = [
        (name, name, urls[name], POLICY[name]) for name in order
    ]
    # The co-signature: the same sign routes on the supervisee's signed plan version and note.
    signed = {"plan_sign": ("version_id", w.plan.pk), "note_sign": ("note_id", w.note.pk)}
    for name, (kwarg, pk) in signed.items():
        url = reverse(name, kwargs={"client_id": w.client.pk, kwarg: pk})
        walk.insert(0, (f"{name} (signed)", name, url, SIGNED_POLICY[name]))
    # Sessions and the token are made before the deactivation, as a person already signed in
    # when the admin deactivates them: they must be refused from the next request on.
    sessions: dict[str, HttpClient] = {
        label: signed_in(person) if person is not None else HttpClient() for label, *_ in walk
    }
    headers = _token(person)
    if role == "deactivated":
        accounts.set_active(admin, owner.membership, False)
    send: Callable[..., Any]
    mismatches: list[str] = []
    for label, name, url, policy_row in walk:
        case = ACCESS_CASES[name]
        if case.api:
            api = HttpClient()
            send = api.post if case.method == "post" else api.get
            body = API_BODIES.get(name)
            if body is None:
                response = send(url, headers=headers)
            else:
                response = send(url, body, content_type="application/json", headers=headers)
        else:
            http = sessions[label]
            send = http.post if case.method == "post" else http.get
            response = send(url)
        actual = _classify(response)
        policy = policy_row[role]
        gap = KNOWN_GAPS.get((label, role))
        expected = gap[0] if gap is not None else policy
        if actual != expected:
            why = f" (known gap: {gap[1]})" if gap is not None else ""
            mismatches.append(
                f"{label} {url}: expected {expected}{why}, policy {policy}, got {actual}"
            )
    assert not mismatches, f"{role}: {len(mismatches)} cells differ\n" + "\n".join(mismatches)
