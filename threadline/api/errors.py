"""One error body for every failed API request, whatever failed.

    {"error": {"status": 404, "code": "not_found", "message": "...", "details": []}}

`details` lists the fields a 422 refused, each with its location and what to fix. A 500 says
only that something broke and the request id to quote; the traceback goes to the server log.
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError

logger = logging.getLogger(__name__)

CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    422: "invalid",
    429: "too_many_requests",
    500: "server_error",
}


class ErrorDetail(Schema):
    field: str
    message: str


class ErrorInfo(Schema):
    status: int
    code: str
    message: str
    details: list[ErrorDetail]


class ErrorBody(Schema):
    error: ErrorInfo


class Invalid(Exception):
    """A request the API understood but cannot act on; answered with 422 and the message."""

    def __init__(self, message: str, details: list[dict[str, str]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or []


def body(status: int, message: str, details: list[dict[str, str]] | None = None) -> dict[str, Any]:
    return {
        "error": {
            "status": status,
            "code": CODES.get(status, HTTPStatus(status).phrase.lower().replace(" ", "_")),
            "message": message,
            "details": details or [],
        }
    }


def error_response(
    status: int, message: str, details: list[dict[str, str]] | None = None
) -> JsonResponse:
    return JsonResponse(body(status, message, details), status=status)


def _location(loc: list[Any] | tuple[Any, ...]) -> str:
    """Ninja's ("query", "limit") or ("body", "payload", "problems", 0) as "query.limit"."""
    parts = [str(part) for part in loc]
    if len(parts) >= 2 and parts[0] == "body":
        # The second part is the view argument's name, which means nothing to a caller.
        parts = ["body", *parts[2:]]
    return ".".join(parts)


def validation_details(errors: list[dict[str, Any]]) -> list[dict[str, str]]:
    return [
        {"field": _location(error.get("loc", ())), "message": str(error.get("msg", "invalid"))}
        for error in errors
    ]


def install(api: NinjaAPI) -> None:
    """Register a handler for every exception a route can end in."""

    def unauthorized(request: HttpRequest, exc: Any) -> HttpResponse:
        response = error_response(
            401, "Send a valid API token in the header: Authorization: Bearer <token>."
        )
        response["WWW-Authenticate"] = 'Bearer realm="threadline"'
        return response

    def not_found(request: HttpRequest, exc: Any) -> HttpResponse:
        return error_response(404, "Nothing here with that id, or it is not yours to see.")

    def forbidden(request: HttpRequest, exc: Any) -> HttpResponse:
        return error_response(403, "Your role in the practice does not allow this.")

    def invalid(request: HttpRequest, exc: Any) -> HttpResponse:
        return error_response(
            422,
            "Some of the request could not be used; see details.",
            validation_details(exc.errors),
        )

    def refused(request: HttpRequest, exc: Any) -> HttpResponse:
        return error_response(422, exc.message, exc.details)

    def http_error(request: HttpRequest, exc: Any) -> HttpResponse:
        # Ninja's only own HttpError is the body it cannot parse: that is invalid input too.
        status = 422 if exc.status_code == 400 else exc.status_code
        return error_response(status, _sentence(str(exc)))

    def server_error(request: HttpRequest, exc: Any) -> HttpResponse:
        logger.exception("API request failed: %s %s", request.method, request.path)
        return error_response(
            500,
            "Something went wrong on the server; quote the X-Request-ID header if you report it.",
        )

    api.add_exception_handler(AuthenticationError, unauthorized)
    api.add_exception_handler(Http404, not_found)
    api.add_exception_handler(PermissionDenied, forbidden)
    api.add_exception_handler(ValidationError, invalid)
    api.add_exception_handler(Invalid, refused)
    api.add_exception_handler(HttpError, http_error)
    api.add_exception_handler(Exception, server_error)


def _sentence(text: str) -> str:
    text = text.strip() or "The request could not be used"
    return text if text.endswith(".") else f"{text}."


# Shown in the OpenAPI document for every operation, so clients know the shape of a failure.
ERROR_RESPONSES: dict[int, type[Schema]] = {
    401: ErrorBody,
    403: ErrorBody,
    404: ErrorBody,
    405: ErrorBody,
    422: ErrorBody,
    500: ErrorBody,
}
