"""Limit and offset paging, with links to the neighbouring pages."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import Model, QuerySet
from django.http import HttpRequest

from threadline.api.schemas import PageQuery

Row = TypeVar("Row", bound=Model)


def paginate(
    request: HttpRequest, rows: QuerySet[Row], page: PageQuery
) -> tuple[list[Row], dict[str, Any]]:
    """One page of `rows` (two queries: the count and the page) and the paging fields."""
    count = rows.count()
    shown = list(rows[page.offset : page.offset + page.limit])
    after = page.offset + page.limit
    return shown, {
        "count": count,
        "next": _link(request, after, page.limit) if after < count else None,
        "previous": (
            _link(request, max(page.offset - page.limit, 0), page.limit)
            if page.offset > 0
            else None
        ),
    }


def _link(request: HttpRequest, offset: int, limit: int) -> str:
    """A path and query string: relative, so no Host header is trusted to build it."""
    query = request.GET.copy()
    query["limit"] = str(limit)
    query["offset"] = str(offset)
    return f"{request.path}?{query.urlencode()}"
