"""Every API operation, fed data generated from the OpenAPI document, answers without a server
error and as the document says: status, content type and body shape.

Runs in-process against the Django WSGI application, with a token of the clinician who owns a
client with a signed plan, a note and a score, so the routes under a client reach real rows.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from threadline.accounts.models import User
from threadline.api.tests.factories import bearer, full_record
from threadline.clients.models import Client

CHECKS = [
    schemathesis.checks.not_a_server_error,
    schemathesis.checks.status_code_conformance,
    schemathesis.checks.content_type_conformance,
    schemathesis.checks.response_schema_conformance,
]


@pytest.fixture(autouse=True)
def connection_kept_open() -> Iterator[None]:
    """The WSGI handler closes the database connection as each request starts and finishes.
    Django's test client switches that off, and so must calls through the raw WSGI application:
    on PostgreSQL the closed connection would take the test's transaction with it."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    try:
        yield
    finally:
        for signal in (request_started, request_finished):
            signal.connect(close_old_connections)


@pytest.fixture
def owned_record(client_record: Client, owner: User) -> dict[str, Any]:
    """Path ids that name the owner's own rows, and the owner's token."""
    record = full_record(client_record)
    return {
        "ids": {
            "client_id": client_record.pk,
            "version_id": record.plan.pk,
            "note_id": record.note.pk,
        },
        "headers": bearer(owner),
    }


# Loaded when the module is collected: the document is built from the routes, with no database.
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_answers_as_documented(case: Any, owned_record: dict[str, Any]) -> None:
    if case.path_parameters:
        # Generated ids would nearly always be 404; the owner's ids reach the real content.
        for name, value in owned_record["ids"].items():
            if name in case.path_parameters:
                case.path_parameters[name] = value
    case.call_and_validate(headers=owned_record["headers"], checks=CHECKS)
