"""Who may call each API route. Every route with `api=True` in the access cases is checked, and
every route the API serves must have such a case, so a new route cannot ship untested."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client as HttpClient
from django.urls import URLPattern, reverse

from threadline.accounts.models import User
from threadline.api.api import api
from threadline.api.tests.factories import bearer
from threadline.audit.models import AuditEvent, Outcome
from threadline.clients.models import Client
from threadline.conftest import signed_in
from threadline.tests.access import Case, collected_cases

API_CASES: dict[str, Case] = {name: case for name, case in collected_cases().items() if case.api}
# Bodies that a permitted caller's request needs to succeed.
BODIES: dict[str, dict[str, Any]] = {
    "api:session_create": {"scheduled_start": "2026-09-08T13:00:00-05:00"},
    "api:findings_plan": {},
    "api:findings_note": {},
}
QUERIES: dict[str, dict[str, str]] = {
    "api:billing_codes": {"service": "psychotherapy", "minutes": "53"},
}
CLIENT_SCOPED = sorted(name for name, case in API_CASES.items() if case.client_scoped)
TOKEN_ROUTES = sorted(name for name, case in API_CASES.items() if not case.public)


def _url(name: str, client: Client) -> str:
    case = API_CASES[name]
    if case.build_url is not None:
        return case.build_url(client)
    return reverse(name)


def _call(name: str, url: str, headers: dict[str, str] | None = None) -> Any:
    http = HttpClient()
    if API_CASES[name].method == "post":
        return http.post(
            url,
            json.dumps(BODIES.get(name, {})),
            content_type="application/json",
            headers=headers,
        )
    return http.get(url, QUERIES.get(name, {}), headers=headers)


def test_every_api_route_has_an_access_case() -> None:
    served = {f"api:{p.name}" for p in api.urls[0] if isinstance(p, URLPattern)}
    assert served | {"api:no-such-route"} == set(API_CASES)


@pytest.mark.parametrize("name", TOKEN_ROUTES)
def test_a_call_without_a_token_gets_401_with_the_error_body(
    name: str, client_record: Client
) -> None:
    response = _call(name, _url(name, client_record))
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["error"]["code"] == "unauthorized"
    assert response.json()["error"]["status"] == 401


@pytest.mark.parametrize("name", TOKEN_ROUTES)
def test_the_owning_clinician_may_call_every_route(
    name: str, client_record: Client, owner: User
) -> None:
    response = _call(name, _url(name, client_record), bearer(owner))
    assert response.status_code in {200, 201}, response.content


@pytest.mark.parametrize("name", CLIENT_SCOPED)
def test_another_practice_gets_404_as_for_an_id_that_does_not_exist(
    name: str, client_record: Client, outsider: User
) -> None:
    url = _url(name, client_record)
    headers = bearer(outsider)
    theirs = _call(name, url, headers)
    missing = _call(name, url.replace(f"/clients/{client_record.pk}", "/clients/999999"), headers)
    assert (theirs.status_code, missing.status_code) == (404, 404)
    assert theirs.json() == missing.json()


@pytest.mark.parametrize("name", CLIENT_SCOPED)
def test_a_colleague_outside_the_care_team_gets_404(
    name: str, client_record: Client, colleague: User
) -> None:
    response = _call(name, _url(name, client_record), bearer(colleague))
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("name", sorted(n for n, c in API_CASES.items() if c.clinical))
def test_a_practice_admin_gets_403_on_clinical_content(
    name: str, client_record: Client, admin: User
) -> None:
    response = _call(name, _url(name, client_record), bearer(admin))
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"


def test_a_practice_admin_reads_client_demographics(client_record: Client, admin: User) -> None:
    response = HttpClient().get(
        reverse("api:client_detail", args=[client_record.pk]), headers=bearer(admin)
    )
    assert response.status_code == 200
    assert response.json()["record_number"] == "TL-00001"
    event = AuditEvent.objects.get(action="api.client.view")
    assert (event.actor, event.client) == (admin, client_record)


def test_a_denied_call_is_audited_as_denied(client_record: Client, colleague: User) -> None:
    url = reverse("api:plan_list", args=[client_record.pk])
    assert HttpClient().get(url, headers=bearer(colleague)).status_code == 404
    event = AuditEvent.objects.get(action="access.clinical.view")
    assert (event.actor, event.outcome) == (colleague, Outcome.DENIED)


def test_a_supervisor_reads_a_supervisees_client_but_schedules_nothing(
    client_record: Client, supervisor: User
) -> None:
    headers = bearer(supervisor)
    notes = HttpClient().get(reverse("api:note_list", args=[client_record.pk]), headers=headers)
    assert notes.status_code == 200
    scheduled = HttpClient().post(
        reverse("api:session_create", args=[client_record.pk]),
        BODIES["api:session_create"],
        content_type="application/json",
        headers=headers,
    )
    assert scheduled.status_code == 403


def test_a_signed_in_session_is_not_enough(client_record: Client, owner: User) -> None:
    assert signed_in(owner).get(reverse("api:client_list")).status_code == 401


def test_anyone_may_read_the_openapi_document() -> None:
    response = HttpClient().get(reverse("api:openapi-json"))
    assert response.status_code == 200
    assert response.json()["info"]["title"] == "Threadline API"


@pytest.mark.parametrize("path", ["/api/v1/", "/api/v1/nothing/here", "/api/v1/clients/"])
def test_a_path_the_api_does_not_serve_is_a_404_in_the_error_body(path: str) -> None:
    response = HttpClient().get(path)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
