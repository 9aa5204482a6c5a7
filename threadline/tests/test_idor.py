"""Insecure direct object references (OWASP WSTG-ATHZ-04): ids that are not yours are no such id.

The owning clinician replays ids they may not use, in paths, queries and form or API bodies:
a client of another practice, a client of their own practice outside their care team, and an
object of either placed under their own client. Each is answered exactly as an id that does not
exist: a 404 on pages (the API with the same JSON body), or the same form error, never a success
and never the other object's text.
"""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client as HttpClient
from django.urls import NoReverseMatch, resolve, reverse
from django.utils import timezone

from threadline.accounts.models import Payer, Practice, User
from threadline.api import tokens
from threadline.api.models import ApiToken
from threadline.api.tests.factories import bearer
from threadline.appointments.models import Appointment
from threadline.clients.models import Client
from threadline.conftest import make_client, signed_in
from threadline.notes.tests.factories import attended
from threadline.plans.models import PlanVersion
from threadline.portal.tests.factories import client_account, signed_version
from threadline.privacy.models import AmendmentRequest
from threadline.psychotherapy_notes import services as psychotherapy_notes
from threadline.psychotherapy_notes.models import PsychotherapyNote, Release
from threadline.reviews.models import ReviewCase
from threadline.tests.access import Case
from threadline.tests.test_access_coverage import ACCESS_CASES

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def quick_passwords(settings: Any) -> None:
    """Argon2 makes every persona cost a tenth of a second; nothing here checks a password."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# The test client's response (its type in django-stubs is private).
Response = Any

MISSING = 987654
# Names that appear only in the other clients' records, to show nothing of theirs leaks.
HIDDEN_NAME, FOREIGN_NAME = "Hiddenfield", "Farside"

# Every route whose first id is a client's. Revoking a token is marked client scoped for its
# access tests, but its id is a token's: it has its own test below.
CLIENT_ROUTES = sorted(
    name for name, case in ACCESS_CASES.items() if case.client_scoped and name != "api_token_revoke"
)
# API bodies that pass validation, so the answer is the access policy's, not the body's 422.
API_BODIES: dict[str, dict[str, str]] = {
    "api:session_create": {"scheduled_start": "2026-12-01T10:00:00-05:00"},
}


@pytest.fixture
def hidden(practice: Practice, colleague: User) -> Client:
    """A client of the owner's own practice, treated by a colleague: not the owner's to see."""
    return make_client(
        practice, colleague, "TL-00002", legal_first_name="Robin", legal_last_name=HIDDEN_NAME
    )


@pytest.fixture
def foreign(other_practice: Practice, outsider: User) -> Client:
    return make_client(
        other_practice,
        outsider,
        "HT-00001",
        legal_first_name="Morgan",
        legal_last_name=FOREIGN_NAME,
    )


def _build(name: str, case: Case, client: Client) -> str:
    return case.build_url(client) if case.build_url else reverse(name, args=[client.pk])


def _with(url: str, **ids: int) -> str:
    """The same route with some of its ids replaced."""
    match = resolve(url)
    return reverse(match.view_name, kwargs={**match.kwargs, **ids})


def _object_kwarg(url: str) -> str | None:
    """The id below the client in a route (a plan version, a note, a session), if any."""
    # Django's converters give ints; the API's paths keep the digits as text.
    kwargs = resolve(url).kwargs.items()
    ids = [k for k, v in kwargs if k != "client_id" and str(v).isdigit()]
    return ids[0] if ids else None


def _send(name: str, url: str, owner: User) -> Response:
    case = ACCESS_CASES[name]
    if case.api:
        http, headers = HttpClient(), bearer(owner)
    else:
        http, headers = signed_in(owner), {}
    if case.method != "post":
        return http.get(url, headers=headers)
    body = API_BODIES.get(name)
    if body is None:
        return http.post(url, headers=headers)
    return http.post(url, body, content_type="application/json", headers=headers)


def _assert_same_refusal(name: str, responses: dict[str, Response]) -> None:
    statuses = {label: response.status_code for label, response in responses.items()}
    assert set(statuses.values()) == {404}, (name, statuses)
    for response in responses.values():
        page = response.content.decode()
        assert HIDDEN_NAME not in page and FOREIGN_NAME not in page, name
    if ACCESS_CASES[name].api:
        bodies = {label: json.loads(response.content) for label, response in responses.items()}
        assert len({json.dumps(body, sort_keys=True) for body in bodies.values()}) == 1, bodies


def _allowed(response: Response) -> bool:
    return response.status_code < 400 or response.status_code in {400, 422}


@pytest.mark.parametrize("name", CLIENT_ROUTES)
def test_another_clients_id_in_the_path_is_the_same_404_as_no_such_client(
    name: str, client_record: Client, owner: User, hidden: Client, foreign: Client
) -> None:
    case = ACCESS_CASES[name]
    mine = _build(name, case, client_record)
    # The owner's own URL works: the refusals below are about the id, not the route.
    assert _allowed(_send(name, mine, owner)), name
    responses = {
        "another practice": _send(name, _build(name, case, foreign), owner),
        "not in the care team": _send(name, _build(name, case, hidden), owner),
        "no such client": _send(name, _with(mine, client_id=MISSING), owner),
    }
    _assert_same_refusal(name, responses)


def _takes_an_object_id(name: str) -> bool:
    try:
        reverse(name, args=[1, 2])
    except NoReverseMatch:
        return False
    return True


# Routes with an id below the client; a measure's code is not an id.
OBJECT_ROUTES = sorted(
    name
    for name in CLIENT_ROUTES
    if _takes_an_object_id(name) and name not in {"measure_give", "measure_send"}
)


@pytest.mark.parametrize("name", OBJECT_ROUTES)
def test_another_clients_object_under_your_own_client_is_the_same_404_as_none(
    name: str, client_record: Client, owner: User, hidden: Client, foreign: Client
) -> None:
    """/clients/<mine>/notes/<theirs>/: the object is looked up within the client, not by id."""
    case = ACCESS_CASES[name]
    build = case.build_url
    assert build is not None
    mine = build(client_record)
    kwarg = _object_kwarg(mine)
    assert kwarg is not None, f"{name} has no object id below the client"
    theirs = resolve(build(hidden)).kwargs[kwarg]
    abroad = resolve(build(foreign)).kwargs[kwarg]
    responses = {
        "another practice's": _send(name, _with(mine, **{kwarg: abroad}), owner),
        "a colleague's client's": _send(name, _with(mine, **{kwarg: theirs}), owner),
        "no such object": _send(name, _with(mine, **{kwarg: MISSING}), owner),
    }
    _assert_same_refusal(name, responses)


def test_revoking_someone_elses_token_is_the_same_404_as_no_such_token(
    owner: User, colleague: User, outsider: User
) -> None:
    theirs = tokens.create_token(colleague, name="colleague's").token
    abroad = tokens.create_token(outsider, name="another practice's").token
    http = signed_in(owner)
    statuses = [
        http.post(reverse("api_token_revoke", args=[pk])).status_code
        for pk in (theirs.pk, abroad.pk, MISSING)
    ]
    assert statuses == [404, 404, 404]
    assert not ApiToken.objects.filter(revoked_at__isnull=False).exists()


# --- ids in forms and queries ------------------------------------------------------------------


def _errors(response: Response, field: str, *ids: int) -> list[str]:
    """The form's errors on a field, with the offered id blanked so refusals compare equal."""
    assert response.status_code == 200, response.status_code
    found = [str(e) for e in response.context["form"].errors.get(field, [])]
    for pk in ids:
        found = [re.sub(rf"\b{pk}\b", "<id>", e) for e in found]
    return found


def _refused_alike(
    http: HttpClient, url: str, field: str, data: dict[str, Any], ids: dict[str, int]
) -> None:
    """Post each id in `field`; every answer is the same non-empty error on that field."""
    answers = {}
    for label, pk in ids.items():
        response = http.post(url, {**data, field: pk})
        page = response.content.decode()
        assert HIDDEN_NAME not in page and FOREIGN_NAME not in page, label
        answers[label] = _errors(response, field, pk)
    assert answers["no such id"], f"{field}: a missing id was not refused"
    assert len({tuple(errors) for errors in answers.values()}) == 1, answers


def test_a_psychotherapy_note_cannot_name_another_clients_session(
    client_record: Client, owner: User, hidden: Client, foreign: Client
) -> None:
    url = reverse("psychotherapy_note_new", args=[client_record.pk])
    ids = {
        "another practice's": attended(foreign).pk,
        "a colleague's client's": attended(hidden).pk,
        "no such id": MISSING,
    }
    data = {"written_at": timezone.localdate().isoformat(), "body": "Process notes."}
    _refused_alike(signed_in(owner), url, "session", data, ids)
    assert not PsychotherapyNote.objects.exists()


def test_a_psychotherapy_note_release_cannot_name_another_clients_note(
    client_record: Client, owner: User, hidden: Client, foreign: Client
) -> None:
    def note(client: Client) -> int:
        return psychotherapy_notes.write_note(
            client.primary_clinician, client, written_at=date(2026, 3, 2), body="Process notes."
        ).pk

    note(client_record)  # the owner has a note of their own to offer
    url = reverse("psychotherapy_note_release_new", args=[client_record.pk])
    ids = {
        "another practice's": note(foreign),
        "a colleague's client's": note(hidden),
        "no such id": MISSING,
    }
    today = timezone.localdate()
    data = {
        "recipient_name": "Dr. Quinn",
        "purpose": "At the client's request",
        "given_on": today.isoformat(),
        "given_how": "Signed authorization form for psychotherapy notes",
        "expires_on": (today + timedelta(days=30)).isoformat(),
    }
    _refused_alike(signed_in(owner), url, "notes", data, ids)
    assert not Release.objects.exists()


def test_a_review_case_cannot_attach_another_clients_plan(
    client_record: Client, owner: User, hidden: Client, foreign: Client
) -> None:
    signed_version(client_record)  # the client has a plan of its own to offer
    url = reverse("review_case_new", args=[client_record.pk])
    ids = {
        "another practice's": signed_version(foreign).pk,
        "a colleague's client's": signed_version(hidden).pk,
        "no such id": MISSING,
    }
    data = {"purpose": "Medical necessity review", "expires_on": "2026-12-31"}
    _refused_alike(signed_in(owner), url, "plan_versions", data, ids)
    assert not ReviewCase.objects.exists()


def test_a_session_cannot_be_given_to_a_clinician_of_another_practice(
    client_record: Client, owner: User, outsider: User
) -> None:
    url = reverse("appointment_new", args=[client_record.pk])
    ids = {"another practice's": outsider.pk, "no such id": MISSING}
    _refused_alike(signed_in(owner), url, "clinician", {}, ids)
    assert not Appointment.objects.exists()


def test_a_client_cannot_be_given_another_practices_clinician_or_payer(
    client_record: Client, admin: User, outsider: User, other_practice: Practice
) -> None:
    url = reverse("client_edit", args=[client_record.pk])
    http = signed_in(admin)
    payer = Payer.objects.create(practice=other_practice, name="Farside Mutual")
    _refused_alike(
        http,
        url,
        "primary_clinician",
        {},
        {"another practice's": outsider.pk, "no such id": MISSING},
    )
    _refused_alike(http, url, "payer", {}, {"another practice's": payer.pk, "no such id": MISSING})
    client_record.refresh_from_db()
    assert client_record.payer_id is None
    assert client_record.primary_clinician_id != outsider.pk


def test_an_amendment_cannot_target_another_clients_document(
    client_record: Client, hidden: Client, foreign: Client
) -> None:
    signed_version(client_record)
    http = signed_in(client_account(client_record).user)
    url = reverse("portal_amendment_new")
    theirs, abroad = signed_version(hidden).pk, signed_version(foreign).pk
    data = {"requested_change": "Say I drive to work again.", "reason": "It is what I said."}
    answers = {}
    for label, key in {
        "another practice's": f"plan:{abroad}",
        "a colleague's client's": f"plan:{theirs}",
        "no such id": f"plan:{MISSING}",
    }.items():
        response = http.post(url, {**data, "document": key})
        answers[label] = [e.replace(key, "<id>") for e in _errors(response, "document")]
    assert answers["no such id"]
    assert len({tuple(errors) for errors in answers.values()}) == 1, answers
    assert not AmendmentRequest.objects.exists()


def test_the_plan_comparison_ignores_another_clients_versions(
    client_record: Client, owner: User, hidden: Client, foreign: Client
) -> None:
    signed_version(client_record)
    signed_version(client_record)
    url = reverse("plan_diff", args=[client_record.pk])
    mine = set(PlanVersion.objects.filter(plan__client=client_record))
    http = signed_in(owner)
    shown = {}
    for label, pks in {
        "another practice's": [signed_version(foreign).pk, signed_version(foreign).pk],
        "a colleague's client's": [signed_version(hidden).pk, signed_version(hidden).pk],
        "no such id": [MISSING, MISSING + 1],
    }.items():
        response = http.get(url, {"a": pks[0], "b": pks[1]})
        assert response.status_code == 200
        compared = (response.context["older"], response.context["newer"])
        assert set(compared) <= mine, label
        shown[label] = [v.pk for v in compared]
    assert len({tuple(pks) for pks in shown.values()}) == 1, shown


def test_searching_for_another_clients_record_number_finds_what_no_such_number_finds(
    client_record: Client, owner: User, hidden: Client, foreign: Client
) -> None:
    """The caseload search and the API's client list look only among the user's own clients."""
    http, headers = signed_in(owner), bearer(owner)
    pages, bodies = {}, {}
    for label, number in {
        "another practice's": foreign.record_number,
        "a colleague's client's": hidden.record_number,
        "no such number": "TL-99999",
    }.items():
        page = http.get(reverse("caseload"), {"q": number})
        assert page.status_code == 200
        pages[label] = [c.pk for c in page.context["clients"]]
        api = HttpClient().get(reverse("api:client_list"), {"q": number}, headers=headers)
        assert api.status_code == 200
        bodies[label] = json.dumps(json.loads(api.content), sort_keys=True)
        for response in (page, api):
            text = response.content.decode()
            assert HIDDEN_NAME not in text and FOREIGN_NAME not in text, label
    assert set(map(tuple, pages.values())) == {()}, pages
    assert len(set(bodies.values())) == 1, bodies
    # The same search finds the user's own client, so the empty answers above are refusals.
    mine = http.get(reverse("caseload"), {"q": client_record.record_number})
    assert [c.pk for c in mine.context["clients"]] == [client_record.pk]
