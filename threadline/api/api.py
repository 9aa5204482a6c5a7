"""The JSON API at /api/v1: one NinjaAPI, personal tokens for authentication, one error body.

No documentation page is served: Swagger and Redoc load scripts from a CDN, which the content
security policy forbids. The OpenAPI document itself is at /api/v1/openapi.json.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import NinjaAPI
from ninja.operation import Operation
from ninja.security import HttpBearer

from threadline.api import checks, errors, records, tokens


class PersonalToken(HttpBearer):
    """Authorization: Bearer <token>, a token made on the API tokens page."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        return tokens.user_for(token)


class ThreadlineApi(NinjaAPI):
    def get_openapi_operation_id(self, operation: Operation) -> str:
        # The view's name ("plan_detail"), not ninja's module-qualified default.
        return str(operation.view_func.__name__)


api = ThreadlineApi(
    title="Threadline API",
    version="1",
    description=(
        "The client record and the compliance checks, for programs acting for one staff "
        "member. Authenticate with a personal API token: `Authorization: Bearer <token>`."
    ),
    urls_namespace="api",
    docs_url=None,
    auth=PersonalToken(),
)
errors.install(api)
api.add_router("", records.router)
api.add_router("", checks.router)
