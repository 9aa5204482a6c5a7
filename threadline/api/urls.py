from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.urls import URLPattern, URLResolver, include, path, re_path
from django.utils.cache import add_never_cache_headers
from django.views.decorators.csrf import csrf_exempt

from threadline.api.api import api
from threadline.api.errors import error_response

# Ninja's own pattern for the API's root; its view answers with an HTML page we do not serve.
ROOT = "api-root"


def _api_view(view: Callable[..., Any]) -> Callable[..., Any]:
    """Ninja answers a wrong method with a bare 405: give it the API's error body instead.
    And keep every answer out of caches, as the pages are: most of them carry a record."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if isinstance(response, HttpResponseNotAllowed):
            allowed = response["Allow"]
            response = error_response(405, f"Use {allowed.replace(', ', ' or ')} here.")
            response["Allow"] = allowed
        add_never_cache_headers(response)
        return response

    return wrapped


@csrf_exempt
def no_such_route(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    return error_response(404, "The API has no such route; /api/v1/openapi.json lists every one.")


def _patterns() -> list[URLPattern]:
    patterns, _app_name, _namespace = api.urls
    return [
        URLPattern(
            p.pattern,
            no_such_route if p.name == ROOT else _api_view(p.callback),
            p.default_args,
            p.name,
        )
        for p in patterns
        if isinstance(p, URLPattern)
    ]


urlpatterns: list[URLPattern | URLResolver] = [
    path(
        "",
        include(
            ([*_patterns(), re_path(r"^.+$", no_such_route, name="no-such-route")], "api"),
            namespace="api",
        ),
    ),
]
