"""Wording suggestions: one request of the right shape, answers mapped back to their sources,
and every way the provider can fail ends in AssistUnavailable. The provider is a fake
OpenAI-compatible server on 127.0.0.1; nothing else is contacted."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from pytest_django.fixtures import Settings

from threadline.assist import (
    AssistUnavailable,
    Piece,
    Proposal,
    Provider,
    configured_provider,
    propose,
    require_provider,
)

ROOT = Path(__file__).resolve().parents[3]

PIECES = [
    Piece("objective", "o-1a2b3c4d", "plan", "Client will use paced breathing when anxious."),
    Piece("intervention", "i-5e6f7a8b", "data", "Cognitive restructuring of catastrophic thoughts"),
    Piece("previous_plan", "", "plan", "Review the sleep diary\nnext session."),
]


@dataclass
class Recorded:
    path: str
    headers: dict[str, str]
    body: dict[str, Any]


@dataclass
class FakeProvider:
    url: str
    requests: list[Recorded] = field(default_factory=list)
    status: int = 200
    raw: bytes | None = None  # sent as is instead of a chat completion when set
    content: str = "[]"
    delay: float = 0.0
    release: threading.Event = field(default_factory=threading.Event)

    def answer(self, answers: Any) -> None:
        self.content = answers if isinstance(answers, str) else json.dumps(answers)

    def provider(self, api_key: str = "", timeout: float = 5.0, suffix: str = "/v1") -> Provider:
        return Provider(
            url=self.url + suffix, model="tiny-model", api_key=api_key, timeout_seconds=timeout
        )


class _Server(ThreadingHTTPServer):
    fake: FakeProvider

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that gave up (the timeout test) is expected, not worth a traceback


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_POST(self) -> None:
        fake = self.server.fake
        length = int(self.headers.get("Content-Length", "0"))
        fake.requests.append(
            Recorded(self.path, dict(self.headers.items()), json.loads(self.rfile.read(length)))
        )
        if fake.delay:
            fake.release.wait(fake.delay)
        if fake.raw is not None:
            payload = fake.raw
        else:
            completion = {"choices": [{"message": {"role": "assistant", "content": fake.content}}]}
            payload = json.dumps(completion).encode()
        self.send_response(fake.status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def fake() -> Iterator[FakeProvider]:
    server = _Server(("127.0.0.1", 0), _Handler)
    server.fake = FakeProvider(url=f"http://127.0.0.1:{server.server_address[1]}")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.fake
    finally:
        server.fake.release.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_one_request_of_the_chat_completions_shape(fake: FakeProvider) -> None:
    propose(PIECES, note_format="DAP", provider=fake.provider(api_key="sk-test", suffix="/v1/"))

    [request] = fake.requests
    assert request.path == "/v1/chat/completions"
    assert request.headers["Authorization"] == "Bearer sk-test"
    assert request.body["model"] == "tiny-model"
    assert request.body["temperature"] == 0
    system, user = request.body["messages"]
    assert system["role"] == "system"
    assert "JSON array" in system["content"]
    assert "Do not add clinical facts" in system["content"]
    assert user["role"] == "user"
    assert "DAP" in user["content"]
    lines = user["content"].splitlines()
    assert "0. [section: plan; from: objective due this session] " + PIECES[0].text in lines
    assert "1. [section: data; from: intervention in the plan] " + PIECES[1].text in lines
    assert (
        "2. [section: plan; from: plan from the previous note] "
        + ("Review the sleep diary next session.")
        in lines
    )
    assert "o-1a2b3c4d" not in user["content"]  # record ids stay here


def test_no_authorization_header_without_a_key(fake: FakeProvider) -> None:
    propose(PIECES[:1], note_format="SOAP", provider=fake.provider(api_key=""))

    [request] = fake.requests
    assert request.path == "/v1/chat/completions"
    assert "Authorization" not in request.headers


def test_proposals_map_back_to_their_pieces_and_keep_their_sources(fake: FakeProvider) -> None:
    fake.answer(
        [
            {"index": 2, "wording": "Plan: review the sleep diary next session."},
            {"index": 0, "wording": "  Client will practise paced breathing when anxious. "},
        ]
    )

    proposals = propose(PIECES, note_format="DAP", provider=fake.provider())

    assert proposals == [
        Proposal(PIECES[0], "Client will practise paced breathing when anxious."),
        Proposal(PIECES[2], "Plan: review the sleep diary next session."),
    ]
    assert proposals[0].piece.source_kind == "objective"
    assert proposals[0].piece.source_ref == "o-1a2b3c4d"
    assert proposals[1].piece.source_kind == "previous_plan"


def test_unknown_indexes_and_empty_wordings_are_dropped(fake: FakeProvider) -> None:
    fake.answer(
        [
            {"index": 3, "wording": "A piece that was never sent."},
            {"index": -1, "wording": "Not a piece either."},
            {"index": "1", "wording": "An index that is not a number."},
            {"index": True, "wording": "Nor a boolean."},
            {"index": 0, "wording": "   "},
            {"index": 2},
            "not an object",
            {"index": 1, "wording": "Clinician used cognitive restructuring."},
            {"index": 1, "wording": "A second answer for the same piece."},
        ]
    )

    proposals = propose(PIECES, note_format="DAP", provider=fake.provider())

    assert proposals == [Proposal(PIECES[1], "Clinician used cognitive restructuring.")]


def test_a_fenced_json_answer_is_tolerated(fake: FakeProvider) -> None:
    fake.answer('```json\n[{"index": 1, "wording": "Used cognitive restructuring."}]\n```')

    proposals = propose(PIECES, note_format="DAP", provider=fake.provider())

    assert proposals == [Proposal(PIECES[1], "Used cognitive restructuring.")]


def test_no_pieces_makes_no_request(fake: FakeProvider) -> None:
    assert propose([], note_format="DAP", provider=fake.provider()) == []
    assert fake.requests == []


def test_a_server_error_is_unavailable(fake: FakeProvider) -> None:
    fake.status = 500
    fake.answer([{"index": 0, "wording": "Ignored."}])

    with pytest.raises(AssistUnavailable) as raised:
        propose(PIECES, note_format="DAP", provider=fake.provider())

    assert str(raised.value) == AssistUnavailable.UNUSABLE


def test_a_slow_server_is_unavailable(fake: FakeProvider) -> None:
    fake.delay = 2.0

    with pytest.raises(AssistUnavailable) as raised:
        propose(PIECES, note_format="DAP", provider=fake.provider(timeout=0.2))

    assert str(raised.value) == AssistUnavailable.TIMED_OUT
    assert "in time" in str(raised.value)


@pytest.mark.parametrize(
    "raw",
    [
        b"not json at all",
        b"{}",
        b'{"choices": []}',
        b'{"choices": [{"message": {"content": null}}]}',
    ],
)
def test_a_malformed_completion_is_unavailable(fake: FakeProvider, raw: bytes) -> None:
    fake.raw = raw

    with pytest.raises(AssistUnavailable) as raised:
        propose(PIECES, note_format="DAP", provider=fake.provider())

    assert str(raised.value) == AssistUnavailable.UNUSABLE


@pytest.mark.parametrize(
    "content",
    ["Sure! Here is the wording you asked for.", '{"index": 0, "wording": "Not in an array."}'],
)
def test_content_that_is_not_a_json_array_is_unavailable(fake: FakeProvider, content: str) -> None:
    fake.answer(content)

    with pytest.raises(AssistUnavailable, match="could not be used"):
        propose(PIECES, note_format="DAP", provider=fake.provider())


def test_a_closed_port_is_unavailable() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    provider = Provider(f"http://127.0.0.1:{port}", "m", "", 2.0)

    with pytest.raises(AssistUnavailable) as raised:
        propose(PIECES, note_format="DAP", provider=provider)

    assert str(raised.value) == AssistUnavailable.UNREACHABLE


def test_the_provider_is_off_by_default() -> None:
    assert configured_provider() is None
    with pytest.raises(AssistUnavailable, match="not set up"):
        require_provider()


def test_the_provider_comes_from_settings(settings: Settings) -> None:
    settings.ASSIST_URL = "https://llm.example.test/v1"
    settings.ASSIST_MODEL = "tiny-model"
    settings.ASSIST_API_KEY = "sk-test"
    settings.ASSIST_TIMEOUT_SECONDS = 7

    provider = configured_provider()

    assert provider == Provider("https://llm.example.test/v1", "tiny-model", "sk-test", 7.0)
    assert isinstance(provider.timeout_seconds, float)
    assert require_provider() == provider
    assert "sk-test" not in repr(provider)


def _word_if_configured(pieces: list[Piece]) -> list[Proposal]:
    """What a caller does: ask only when a provider is configured."""
    provider = configured_provider()
    if provider is None:
        return []
    return propose(pieces, note_format="DAP", provider=provider)


def test_nothing_is_sent_unless_configured(fake: FakeProvider, settings: Settings) -> None:
    fake.answer([{"index": 0, "wording": "Worded."}])
    settings.ASSIST_URL = ""

    assert _word_if_configured(PIECES) == []
    assert fake.requests == []

    settings.ASSIST_URL = fake.url + "/v1"
    assert _word_if_configured(PIECES) == [Proposal(PIECES[0], "Worded.")]
    assert len(fake.requests) == 1


def _settings(env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("THREADLINE_")}
    clean.pop("DATABASE_URL", None)
    clean.update({"THREADLINE_VAR_DIR": str(tmp_path), **env})
    code = "import threadline.settings as s; print(s.ASSIST_URL, s.ASSIST_TIMEOUT_SECONDS)"
    return subprocess.run(
        [sys.executable, "-c", code],
        env=clean,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"THREADLINE_ASSIST_URL": "ftp://x"}, "THREADLINE_ASSIST_URL"),
        ({"THREADLINE_ASSIST_URL": "llm.example.test/v1"}, "THREADLINE_ASSIST_URL"),
        ({"THREADLINE_ASSIST_URL": "https://"}, "THREADLINE_ASSIST_URL"),
        ({"THREADLINE_ASSIST_TIMEOUT_SECONDS": "soon"}, "THREADLINE_ASSIST_TIMEOUT_SECONDS"),
    ],
)
def test_a_bad_assist_setting_stops_start_up_naming_the_variable(
    env: dict[str, str], named: str, tmp_path: Path
) -> None:
    result = _settings(env, tmp_path)
    assert result.returncode != 0
    assert f"ImproperlyConfigured: {named}:" in result.stderr


def test_the_assist_settings_read_the_environment(tmp_path: Path) -> None:
    default = _settings({}, tmp_path)
    assert default.returncode == 0, default.stderr
    assert default.stdout.strip() == "20"  # no URL, the default timeout

    env = {
        "THREADLINE_ASSIST_URL": "http://127.0.0.1:11434/v1",
        "THREADLINE_ASSIST_TIMEOUT_SECONDS": "5",
    }
    configured = _settings(env, tmp_path)
    assert configured.returncode == 0, configured.stderr
    assert configured.stdout.strip() == "http://127.0.0.1:11434/v1 5"
