"""Access cases for the API tokens pages and every API route.

API routes (`api=True`) are checked by `test_access.py` here: no token is a 401, another
practice or a colleague outside the care team a 404, a practice admin a 403 on clinical content.
"""

from __future__ import annotations

from collections.abc import Callable

from django.urls import reverse

from threadline.api import tokens
from threadline.api.tests.factories import note_for, signed_plan_for
from threadline.clients.models import Client
from threadline.tests.access import Case


def _revoke_url(client: Client) -> str:
    # The client's clinician's own token: anyone else gets 404, as for a client not theirs.
    issued = tokens.create_token(client.primary_clinician, name="access case")
    return reverse("api_token_revoke", args=[issued.token.pk])


def _client_url(name: str) -> Callable[[Client], str]:
    return lambda client: reverse(name, args=[client.pk])


def _plan_url(client: Client) -> str:
    return reverse("api:plan_detail", args=[client.pk, signed_plan_for(client).pk])


def _note_url(client: Client) -> str:
    return reverse("api:note_detail", args=[client.pk, note_for(client).pk])


def _clinical(name: str, method: str = "get") -> Case:
    return Case(
        method=method, api=True, client_scoped=True, clinical=True, build_url=_client_url(name)
    )


CASES = {
    "api_tokens": Case(),
    "api_token_revoke": Case(method="post", client_scoped=True, build_url=_revoke_url),
    # The OpenAPI document describes the API and holds no record, so anyone may read it.
    "api:openapi-json": Case(api=True, public=True),
    # The API's root and any path it does not serve: a 404 in the API's error body.
    "api:api-root": Case(api=True, public=True),
    "api:no-such-route": Case(api=True, public=True),
    "api:client_list": Case(api=True),
    "api:client_detail": Case(
        api=True, client_scoped=True, build_url=_client_url("api:client_detail")
    ),
    "api:plan_list": _clinical("api:plan_list"),
    "api:plan_detail": Case(api=True, client_scoped=True, clinical=True, build_url=_plan_url),
    "api:note_list": _clinical("api:note_list"),
    "api:note_detail": Case(api=True, client_scoped=True, clinical=True, build_url=_note_url),
    "api:session_list": _clinical("api:session_list"),
    "api:session_create": _clinical("api:session_create", method="post"),
    "api:measure_list": _clinical("api:measure_list"),
    "api:findings_plan": Case(method="post", api=True),
    "api:findings_note": Case(method="post", api=True),
    "api:billing_codes": Case(api=True),
}
