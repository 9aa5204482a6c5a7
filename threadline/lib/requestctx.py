"""Who is asking, from where: kept per request so services can audit without a request object."""

from __future__ import annotations

from contextvars import ContextVar, Token
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    request_id: str = ""
    ip: str | None = None


OUTSIDE_A_REQUEST = RequestContext()
_current: ContextVar[RequestContext | None] = ContextVar("threadline_request", default=None)


def current() -> RequestContext:
    return _current.get() or OUTSIDE_A_REQUEST


def bind(context: RequestContext) -> Token[RequestContext | None]:
    return _current.set(context)


def reset(token: Token[RequestContext | None]) -> None:
    _current.reset(token)
