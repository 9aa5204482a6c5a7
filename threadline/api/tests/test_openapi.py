"""The OpenAPI document matches the routes served, and every failure has the same body."""

from __future__ import annotations

import re
from unittest import mock

from django.test import Client as HttpClient
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from threadline.accounts.models import User
from threadline.api.tests.factories import bearer
from threadline.clients.models import Client

API_PREFIX = "/api/v1/"
# Patterns that are not operations: the document itself, the root and the catch-all 404.
NOT_OPERATIONS = {"openapi-json", "api-root", "no-such-route"}


def _api_resolver() -> URLResolver:
    for pattern in get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            for inner in pattern.url_patterns:
                if isinstance(inner, URLResolver) and inner.namespace == "api":
                    return inner
    raise AssertionError("no URL resolver with the api namespace")


def _resolver_paths() -> set[str]:
    paths = set()
    for pattern in _api_resolver().url_patterns:
        assert isinstance(pattern, URLPattern)
        if pattern.name in NOT_OPERATIONS:
            continue
        route = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", str(pattern.pattern))
        paths.add(API_PREFIX + route)
    return paths


def test_the_document_lists_exactly_the_routes_served() -> None:
    document = HttpClient().get(reverse("api:openapi-json")).json()
    assert document["openapi"].startswith("3.")
    assert (document["info"]["title"], document["info"]["version"]) == ("Threadline API", "1")
    assert set(document["paths"]) == _resolver_paths()


def test_every_operation_needs_a_token_and_documents_the_error_body() -> None:
    document = HttpClient().get(reverse("api:openapi-json")).json()
    assert document["components"]["securitySchemes"]["PersonalToken"]["scheme"] == "bearer"
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            assert operation["security"] == [{"PersonalToken": []}], (method, path)
            for status in ("401", "404", "422", "500"):
                schema = operation["responses"][status]["content"]["application/json"]["schema"]
                assert schema == {"$ref": "#/components/schemas/ErrorBody"}, (method, path)


def test_no_documentation_page_is_served() -> None:
    for path in ("/api/v1/docs", "/api/v1/docs/", "/api/v1/redoc"):
        response = HttpClient().get(path)
        assert response.status_code == 404
        assert response["Content-Type"] == "application/json"


def test_a_wrong_method_is_a_405_in_the_error_body(client_record: Client, owner: User) -> None:
    response = HttpClient().delete(reverse("api:client_list"), headers=bearer(owner))
    assert response.status_code == 405
    assert response["Allow"] == "GET"
    assert response.json() == {
        "error": {
            "status": 405,
            "code": "method_not_allowed",
            "message": "Use GET here.",
            "details": [],
        }
    }


def test_a_body_that_is_not_json_is_a_422(owner: User) -> None:
    response = HttpClient().post(
        reverse("api:findings_plan"),
        "{not json",
        content_type="application/json",
        headers=bearer(owner),
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid"


def test_an_id_that_is_not_a_number_is_a_422_naming_it(owner: User) -> None:
    response = HttpClient().get("/api/v1/clients/abc", headers=bearer(owner))
    assert response.status_code == 422
    assert [d["field"] for d in response.json()["error"]["details"]] == ["path.client_id"]


def test_an_unexpected_failure_is_a_500_without_a_traceback(
    client_record: Client, owner: User
) -> None:
    headers = bearer(owner)
    with (
        mock.patch("threadline.api.records._client_out", side_effect=RuntimeError("secret detail")),
        mock.patch("threadline.api.errors.logger") as logger,
    ):
        response = HttpClient().get(
            reverse("api:client_detail", args=[client_record.pk]), headers=headers
        )
    assert response.status_code == 500
    error = response.json()["error"]
    assert (error["code"], error["details"]) == ("server_error", [])
    assert "secret detail" not in response.content.decode()
    assert "Traceback" not in response.content.decode()
    logger.exception.assert_called_once()


def test_answers_are_kept_out_of_caches(client_record: Client, owner: User) -> None:
    response = HttpClient().get(
        reverse("api:client_detail", args=[client_record.pk]), headers=bearer(owner)
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
