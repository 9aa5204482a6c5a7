"""Typed reads from Threadline's JSON documents, naming the path of anything malformed.

A missing key is not an error here: it becomes an empty value that the rules then report in the
clinician's words. A value of the wrong type is an error, because guessing would hide the mistake.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time
from enum import StrEnum
from typing import Any, TypeVar

E = TypeVar("E", bound=StrEnum)

JsonObject = Mapping[str, Any]


class SchemaError(ValueError):
    """A value in a JSON document has the wrong type or form; `path` says where."""

    def __init__(self, path: str, problem: str) -> None:
        super().__init__(f"{path}: {problem}")
        self.path = path
        self.problem = problem


def join(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def obj(value: object, path: str) -> JsonObject:
    if not isinstance(value, Mapping):
        raise SchemaError(path, "expected an object")
    return value


def child(data: JsonObject, key: str, path: str) -> JsonObject:
    value = data.get(key)
    return {} if value is None else obj(value, join(path, key))


def optional_child(data: JsonObject, key: str, path: str) -> JsonObject | None:
    value = data.get(key)
    return None if value is None else obj(value, join(path, key))


def objects(data: JsonObject, key: str, path: str) -> list[tuple[JsonObject, str]]:
    """The objects in a list, each with its own path."""
    value = data.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise SchemaError(join(path, key), "expected a list")
    base = join(path, key)
    return [(obj(item, join(base, index)), join(base, index)) for index, item in enumerate(value)]


def text(data: JsonObject, key: str, path: str) -> str:
    value = data.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise SchemaError(join(path, key), "expected text")
    return value.strip()


def texts(data: JsonObject, key: str, path: str) -> tuple[str, ...]:
    value = data.get(key)
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise SchemaError(join(path, key), "expected a list of text")
    return tuple(item.strip() for item in value)


def flag(data: JsonObject, key: str, path: str) -> bool:
    value = data.get(key, False)
    if not isinstance(value, bool):
        raise SchemaError(join(path, key), "expected true or false")
    return value


def integer(data: JsonObject, key: str, path: str) -> int | None:
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise SchemaError(join(path, key), "expected a whole number")
    return value


def day(data: JsonObject, key: str, path: str) -> date | None:
    value = data.get(key)
    if value is None or value == "":
        return None
    try:
        return date.fromisoformat(value) if isinstance(value, str) else _wrong()
    except ValueError:
        raise SchemaError(join(path, key), "expected a date as YYYY-MM-DD") from None


def clock(data: JsonObject, key: str, path: str) -> time | None:
    value = data.get(key)
    if value is None or value == "":
        return None
    try:
        return time.fromisoformat(value) if isinstance(value, str) else _wrong()
    except ValueError:
        raise SchemaError(join(path, key), "expected a 24-hour time as HH:MM") from None


def moment(data: JsonObject, key: str, path: str) -> datetime | None:
    value = data.get(key)
    if value is None or value == "":
        return None
    try:
        return datetime.fromisoformat(value) if isinstance(value, str) else _wrong()
    except ValueError:
        raise SchemaError(
            join(path, key), "expected a date and time as YYYY-MM-DDTHH:MM with its UTC offset"
        ) from None


def choice(data: JsonObject, key: str, path: str, enum: type[E]) -> E | None:
    value = data.get(key)
    if value is None or value == "":
        return None
    try:
        return enum(value.strip().lower()) if isinstance(value, str) else _wrong()
    except ValueError:
        allowed = ", ".join(member.value for member in enum)
        raise SchemaError(join(path, key), f"expected one of: {allowed}") from None


def _wrong() -> Any:
    raise ValueError


def iso(value: date | time | datetime | None) -> str | None:
    return None if value is None else value.isoformat()
