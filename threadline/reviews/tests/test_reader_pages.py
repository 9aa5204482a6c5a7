"""Every reader route (the `outside` access cases): who gets in, and for how long.

For each route: signed out goes to sign-in, staff are refused, another reader gets 404, the
reader it belongs to gets 200 while the case or authorization is live and 404 from the first
request after it ends, and a document id of another client is the same 404 as no such id.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from unittest import mock

import pytest
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from threadline.accounts.models import User
from threadline.audit.models import AuditEvent, Outcome
from threadline.clients.models import Client
from threadline.conftest import make_client, signed_in
from threadline.notes.models import Note
from threadline.plans.models import PlanVersion
from threadline.portal.tests.factories import client_account
from threadline.reviews import services
from threadline.reviews.models import ClientAuthorization, ReviewCase, Scope
from threadline.reviews.tests.access_cases import CASES
from threadline.reviews.tests.factories import (
    authorization,
    collaborator,
    outside_reader,
    review_case,
    signed_note,
    signed_plan_version,
)

pytestmark = pytest.mark.django_db

MISSING = 987654


@dataclass
class World:
    client: Client
    plan: PlanVersion
    note: Note
    case: ReviewCase
    grant: ClientAuthorization
    other_plan: PlanVersion  # another client's, in another case of the same reviewer
    other_note: Note


@pytest.fixture
def world(client_record: Client) -> World:
    plan = signed_plan_version(client_record)
    note = signed_note(client_record, timezone.localdate() - timedelta(days=3))
    case = review_case(client_record, documents=[plan, note])
    grant = authorization(client_record, scope=[Scope.PLANS, Scope.PROGRESS, Scope.MEASURES])
    other = make_client(client_record.practice, client_record.primary_clinician, "TL-00077")
    other_plan = signed_plan_version(other)
    other_note = signed_note(other, timezone.localdate() - timedelta(days=2))
    review_case(other, case.reviewer, documents=[other_plan, other_note])
    authorization(other, grant.collaborator, scope=[Scope.PLANS, Scope.PROGRESS])
    return World(client_record, plan, note, case, grant, other_plan, other_note)


# Each reader route, with its URL for the world and with a document id swapped in (for IDOR).
Build = Callable[[World, int | None], str]


def _case(name: str, kind: str | None = None) -> Build:
    def build(w: World, swap: int | None = None) -> str:
        if kind is None:
            return reverse(name, args=[w.case.pk])
        own = w.plan.pk if kind == "plan" else w.note.pk
        return reverse(name, args=[w.case.pk, own if swap is None else swap])

    return build


def _granted(name: str, kind: str | None = None) -> Build:
    def build(w: World, swap: int | None = None) -> str:
        if kind is None:
            return reverse(name, args=[w.grant.pk])
        own = w.plan.pk if kind == "plan" else w.note.pk
        return reverse(name, args=[w.grant.pk, own if swap is None else swap])

    return build


CASE_ROUTES: dict[str, Build] = {
    "reviewer_case": _case("reviewer_case"),
    "reviewer_plan": _case("reviewer_plan", "plan"),
    "reviewer_plan_pdf": _case("reviewer_plan_pdf", "plan"),
    "reviewer_note": _case("reviewer_note", "note"),
    "reviewer_note_pdf": _case("reviewer_note_pdf", "note"),
}
GRANT_ROUTES: dict[str, Build] = {
    "collaborator_client": _granted("collaborator_client"),
    "collaborator_plan": _granted("collaborator_plan", "plan"),
    "collaborator_plan_pdf": _granted("collaborator_plan_pdf", "plan"),
    "collaborator_note": _granted("collaborator_note", "note"),
    "collaborator_note_pdf": _granted("collaborator_note_pdf", "note"),
    "collaborator_measures": _granted("collaborator_measures"),
}
ROUTES = {**CASE_ROUTES, **GRANT_ROUTES}
DOCUMENT_ROUTES = sorted(n for n in ROUTES if "plan" in n or "note" in n)


def _owner_of(name: str, w: World) -> User:
    return w.case.reviewer.user if name in CASE_ROUTES else w.grant.collaborator.user


def _other_reader(name: str, w: World) -> User:
    if name in CASE_ROUTES:
        return outside_reader(w.client, "sam.other@bluevalley.test").user
    return collaborator(w.client, "dr.other@northside.test").user


def test_every_outside_case_is_tested_here_or_in_the_break_glass_tests() -> None:
    outside = {name for name, case in CASES.items() if case.outside}
    here = set(ROUTES) | {"reviewer_home", "reviewer_accept"}
    break_glass = {"break_glass_open", "break_glass_end", "break_glass_reviewed"}
    assert outside == here | break_glass


@pytest.mark.parametrize("name", sorted(ROUTES))
def test_signed_out_visitors_are_sent_to_sign_in(name: str, world: World) -> None:
    response = HttpClient().get(ROUTES[name](world, None))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name", sorted(ROUTES))
def test_staff_and_clients_are_refused(
    name: str, world: World, owner: User, admin: User, outsider: User
) -> None:
    url = ROUTES[name](world, None)
    portal = client_account(world.client).user
    statuses = [signed_in(person).get(url).status_code for person in (owner, admin, outsider)]
    assert [*statuses, signed_in(portal).get(url).status_code] == [403, 403, 403, 403]


@pytest.mark.parametrize("name", sorted(ROUTES))
def test_another_reader_gets_404(name: str, world: World) -> None:
    response = signed_in(_other_reader(name, world)).get(ROUTES[name](world, None))
    assert response.status_code == 404


@pytest.mark.parametrize("name", sorted(ROUTES))
def test_the_reader_may_open_it_until_it_expires(name: str, world: World) -> None:
    # An hour away, well inside the sign-in session, so only the expiry can refuse.
    ends = timezone.now() + timedelta(hours=1)
    ReviewCase.objects.filter(pk=world.case.pk).update(expires_at=ends)
    ClientAuthorization.objects.filter(pk=world.grant.pk).update(expires_at=ends)
    http = signed_in(_owner_of(name, world))
    url = ROUTES[name](world, None)
    with mock.patch("django.utils.timezone.now", return_value=ends - timedelta(seconds=1)):
        assert http.get(url).status_code == 200
    with mock.patch("django.utils.timezone.now", return_value=ends):
        assert http.get(url).status_code == 404


@pytest.mark.parametrize("name", sorted(CASE_ROUTES))
def test_closing_the_case_ends_access_at_the_next_request(
    name: str, world: World, owner: User
) -> None:
    http = signed_in(world.case.reviewer.user)
    url = ROUTES[name](world, None)
    assert http.get(url).status_code == 200
    services.close_case(owner, world.case, now=timezone.now())
    assert http.get(url).status_code == 404


@pytest.mark.parametrize("name", sorted(GRANT_ROUTES))
def test_revoking_the_authorization_ends_access_at_the_next_request(
    name: str, world: World, owner: User
) -> None:
    http = signed_in(world.grant.collaborator.user)
    url = ROUTES[name](world, None)
    assert http.get(url).status_code == 200
    services.revoke_authorization(owner, world.grant, reason="Client asked", now=timezone.now())
    assert http.get(url).status_code == 404


@pytest.mark.parametrize("name", DOCUMENT_ROUTES)
def test_another_clients_document_id_is_the_same_404_as_none(name: str, world: World) -> None:
    """WSTG-ATHZ-04: the reader may read the other client's documents, but not through this
    case or authorization; the answer must not tell them apart from a missing id."""
    http = signed_in(_owner_of(name, world))
    other = world.other_plan.pk if "plan" in name else world.other_note.pk
    replayed = http.get(ROUTES[name](world, other))
    missing = http.get(ROUTES[name](world, MISSING))
    assert (replayed.status_code, missing.status_code) == (404, 404)
    assert replayed.content == missing.content
    denied = AuditEvent.objects.filter(actor=_owner_of(name, world), outcome=Outcome.DENIED)
    assert {e.object_id for e in denied} >= {str(other), str(MISSING)}


def test_the_reader_home_lists_only_what_is_live(world: World, owner: User) -> None:
    reviewer = signed_in(world.case.reviewer.user)
    page = reviewer.get(reverse("reviewer_home")).content.decode()
    assert reverse("reviewer_case", args=[world.case.pk]) in page
    services.close_case(owner, world.case, now=timezone.now())
    page = reviewer.get(reverse("reviewer_home")).content.decode()
    assert reverse("reviewer_case", args=[world.case.pk]) not in page
    assert "TL-00077" in page  # the other case is still open


def test_the_reader_home_refuses_staff_and_sends_the_signed_out_to_sign_in(
    owner: User, admin: User
) -> None:
    url = reverse("reviewer_home")
    assert HttpClient().get(url)["Location"].startswith(reverse("login"))
    assert signed_in(owner).get(url).status_code == 403
    assert signed_in(admin).get(url).status_code == 403


def test_home_sends_a_reader_to_their_page(world: World) -> None:
    response = signed_in(world.case.reviewer.user).get(reverse("home"))
    assert response["Location"] == reverse("reviewer_home")


def test_an_invitation_opened_in_a_signed_in_browser_changes_nothing(
    world: World, owner: User
) -> None:
    issued = services.reissue_invitation(owner, world.case.reviewer, now=timezone.now())
    url = reverse("reviewer_accept", args=[issued.link_token])
    response = signed_in(owner).get(url)
    assert response.status_code == 409
    assert services.verify_link(issued.link_token, now=timezone.now()).accepted_at is None
