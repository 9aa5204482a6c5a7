"""Canonical JSON, content hashes and the HMAC over a signature record."""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

from django.conf import settings


def canonical_json(document: Any) -> bytes:
    """One byte sequence per content: sorted keys, no spaces, UTF-8."""
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def content_sha256(document: Any) -> str:
    return hashlib.sha256(canonical_json(document)).hexdigest()


def _key() -> bytes:
    return hashlib.sha256(b"threadline-signature-hmac:" + settings.SECRET_KEY.encode()).digest()


def record_hmac(fields: dict[str, Any]) -> str:
    return hmac.new(_key(), canonical_json(fields), hashlib.sha256).hexdigest()


def hmac_matches(fields: dict[str, Any], expected: str) -> bool:
    return hmac.compare_digest(record_hmac(fields), expected)
