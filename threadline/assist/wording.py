"""Ask a language model to word pre-filled note pieces, never to add to them.

One POST to an OpenAI-compatible `/chat/completions` endpoint carries the numbered facts; the
answer is a JSON array of `{"index": n, "wording": "..."}` mapped back to the pieces that were sent,
so every proposal keeps its source. Only the standard library is used. The request goes straight
to the configured URL: environment proxies are not used and redirects are not followed (a
redirect would carry the API key elsewhere). Nothing sent or received is logged: it is clinical
data.
"""

from __future__ import annotations

import http.client
import json
import re
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings

# A note's worth of answers is a few kilobytes; anything far larger is not an answer.
MAX_RESPONSE_BYTES = 1_000_000

SOURCE_LABELS = {
    "objective": "objective due this session",
    "intervention": "intervention in the plan",
    "previous_plan": "plan from the previous note",
}

SYSTEM_PROMPT = """\
You help a mental health clinician word a progress note. You are given numbered facts taken from \
the client's treatment plan and previous note, each with the note section it belongs in.

For each fact, write one or two sentences of plain, professional progress-note prose for that \
section that say what the fact says, and nothing more.
- Do not add clinical facts: no diagnoses, symptoms, observations, risk statements, scores, \
dates, quotes or outcomes that are not in the fact itself.
- Do not say that something happened in the session unless the fact says so.
- Keep names, numbers and terms exactly as given.
- If a fact cannot be reworded without adding something, repeat it as written.

Answer ONLY with a JSON array, one object per fact, like:
[{"index": 0, "wording": "..."}, {"index": 1, "wording": "..."}]
No other text."""

_FENCED = re.compile(r"^```[A-Za-z]*\s*\n?(.*?)\n?\s*```$", re.DOTALL)


class AssistUnavailable(Exception):
    """Wording suggestions cannot be had now; the message is for the clinician."""

    NOT_CONFIGURED = "Wording suggestions are not set up for this practice."
    TIMED_OUT = (
        "The wording assistant did not answer in time. The pre-filled note is unchanged; "
        "you can word it yourself or try again."
    )
    UNREACHABLE = (
        "The wording assistant could not be reached. The pre-filled note is unchanged; "
        "you can word it yourself or try again later."
    )
    UNUSABLE = (
        "The wording assistant answered with something that could not be used. "
        "The pre-filled note is unchanged; you can word it yourself."
    )


@dataclass(frozen=True)
class Piece:
    """One pre-filled fact, as the plan states it, and where it came from."""

    source_kind: str  # "objective" | "intervention" | "previous_plan"
    source_ref: str  # e.g. objective id "o-1a2b3c4d", or ""
    section: str  # the note section it belongs in, e.g. "plan", "assessment", "data"
    text: str  # the fact as the plan states it


@dataclass(frozen=True)
class Proposal:
    """Proposed wording for one piece; the clinician accepts or ignores it."""

    piece: Piece
    wording: str


@dataclass(frozen=True)
class Provider:
    url: str
    model: str
    api_key: str = field(repr=False)  # kept out of tracebacks and debug pages
    timeout_seconds: float


def configured_provider() -> Provider | None:
    """The provider from settings, or None when THREADLINE_ASSIST_URL is not set (the default)."""
    url = str(getattr(settings, "ASSIST_URL", "") or "").strip()
    if not url:
        return None
    return Provider(
        url=url,
        model=str(getattr(settings, "ASSIST_MODEL", "") or ""),
        api_key=str(getattr(settings, "ASSIST_API_KEY", "") or ""),
        timeout_seconds=float(getattr(settings, "ASSIST_TIMEOUT_SECONDS", 20) or 20),
    )


def require_provider() -> Provider:
    """The configured provider, or AssistUnavailable saying wording suggestions are not set up."""
    provider = configured_provider()
    if provider is None:
        raise AssistUnavailable(AssistUnavailable.NOT_CONFIGURED)
    return provider


def propose(pieces: Sequence[Piece], *, note_format: str, provider: Provider) -> list[Proposal]:
    """Proposed wording for the pieces, in their order; pieces without a usable answer are left out.

    Makes one request (none when there are no pieces). Raises AssistUnavailable on any network
    error, timeout, non-200 answer or malformed body.
    """
    if not pieces:
        return []
    endpoint = provider.url.rstrip("/") + "/chat/completions"
    if not endpoint.lower().startswith(("http://", "https://")):
        raise AssistUnavailable(AssistUnavailable.NOT_CONFIGURED)
    body = {
        "model": provider.model,
        "messages": [
            {"role": "system", "content": SYSTEM_PROMPT},
            {"role": "user", "content": _user_message(pieces, note_format)},
        ],
        "temperature": 0,
    }
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    if provider.api_key:
        headers["Authorization"] = f"Bearer {provider.api_key}"
    request = urllib.request.Request(  # noqa: S310 - the scheme is checked above
        endpoint, data=json.dumps(body).encode(), headers=headers, method="POST"
    )
    raw = _send(request, provider.timeout_seconds)
    return _proposals(pieces, _content(raw))


def _user_message(pieces: Sequence[Piece], note_format: str) -> str:
    lines = [f"Note format: {note_format or 'unspecified'}", "", "Facts:"]
    for index, piece in enumerate(pieces):
        label = SOURCE_LABELS.get(piece.source_kind, piece.source_kind)
        text = " ".join(piece.text.split())
        lines.append(f"{index}. [section: {piece.section}; from: {label}] {text}")
    return "\n".join(lines)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirect)


def _send(request: urllib.request.Request, timeout: float) -> bytes:
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            if response.status != 200:
                raise AssistUnavailable(AssistUnavailable.UNUSABLE)
            raw: bytes = response.read(MAX_RESPONSE_BYTES + 1)
    except urllib.error.HTTPError as exc:
        exc.close()
        raise AssistUnavailable(AssistUnavailable.UNUSABLE) from None
    except TimeoutError:
        raise AssistUnavailable(AssistUnavailable.TIMED_OUT) from None
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, TimeoutError):
            raise AssistUnavailable(AssistUnavailable.TIMED_OUT) from None
        raise AssistUnavailable(AssistUnavailable.UNREACHABLE) from None
    except (OSError, http.client.HTTPException, ValueError):
        raise AssistUnavailable(AssistUnavailable.UNREACHABLE) from None
    if len(raw) > MAX_RESPONSE_BYTES:
        raise AssistUnavailable(AssistUnavailable.UNUSABLE)
    return raw


def _content(raw: bytes) -> str:
    """choices[0].message.content of a chat completion."""
    try:
        content = json.loads(raw)["choices"][0]["message"]["content"]
    except (ValueError, KeyError, IndexError, TypeError):
        raise AssistUnavailable(AssistUnavailable.UNUSABLE) from None
    if not isinstance(content, str):
        raise AssistUnavailable(AssistUnavailable.UNUSABLE)
    return content


def _proposals(pieces: Sequence[Piece], content: str) -> list[Proposal]:
    text = content.strip()
    fenced = _FENCED.match(text)
    if fenced:
        text = fenced.group(1).strip()
    try:
        answers = json.loads(text)
    except ValueError:
        raise AssistUnavailable(AssistUnavailable.UNUSABLE) from None
    if not isinstance(answers, list):
        raise AssistUnavailable(AssistUnavailable.UNUSABLE)
    wordings: dict[int, str] = {}
    for answer in answers:
        if not isinstance(answer, dict):
            continue
        index, wording = answer.get("index"), answer.get("wording")
        if type(index) is not int or not 0 <= index < len(pieces):
            continue
        if not isinstance(wording, str) or not wording.strip():
            continue
        wordings.setdefault(index, wording.strip())
    return [Proposal(piece=pieces[i], wording=wordings[i]) for i in sorted(wordings)]
