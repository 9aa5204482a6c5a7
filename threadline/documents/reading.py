"""What reading a document gives back: its kind, its facts, the fields read, format findings."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from threadline.rules.catalog import CATALOG
from threadline.rules.facts import DocumentKind, Facts
from threadline.rules.findings import Finding, Severity


@dataclass(frozen=True)
class Reading:
    kind: DocumentKind | None  # None when the reader could not tell
    facts: Facts | None  # None when nothing could be read at all
    fields: dict[str, str]  # what was read, by path: {"client.name": "Wren Q. Placeholder"}
    findings: tuple[Finding, ...]  # category "format", naming the line or JSON path


def format_finding(code: str, message: str, field: str) -> Finding:
    """A reader finding at its catalog severity (packs do not change how a file is read)."""
    spec = CATALOG[code]
    return Finding(
        code, spec.category, spec.severity or Severity.INFO, message, field, str(spec.source)
    )


def flatten(data: dict[str, Any]) -> dict[str, str]:
    """Non-empty leaves of a facts dictionary, by path, as the "fields read"."""
    found: dict[str, str] = {}
    for key, value in data.items():
        if key not in _HEADER_KEYS:
            _leaf(value, key, found)
    return found


def _leaf(value: Any, path: str, found: dict[str, str]) -> None:
    # to_dict() gives only dicts, lists and scalars, so plain type checks are enough.
    kind = type(value)
    if kind is dict:
        for key, item in value.items():
            _leaf(item, f"{path}.{key}", found)
    elif kind is list:
        for index, item in enumerate(value):
            _leaf(item, f"{path}[{index}]", found)
    elif kind is str:
        if value:
            found[path] = value
    elif value is True:
        found[path] = "true"
    elif value is not None and value is not False:
        found[path] = str(value)


_HEADER_KEYS = frozenset({"document", "schema_version"})
