"""Payer rule packs: which rules run, at which severity, with which parameters.

A pack is a TOML file beside this module. Its `[parameters]` set the numbers and switches the
rules read; its `[severity]` table moves a rule to "error", "warning" or "info", or turns it
"off". Every rule not named keeps the default severity from `catalog.py`. Files are read on the
first `load_pack` call for a name, then kept.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from threadline.rules.catalog import CATALOG
from threadline.rules.findings import Severity

PACK_NAMES: tuple[str, ...] = ("default", "medicare", "medicaid")
DEFAULT_PACK = "default"

_HERE = Path(__file__).parent
_OFF = "off"


class PackError(ValueError):
    """A pack that does not exist or does not make sense."""


@dataclass(frozen=True)
class Pack:
    name: str
    title: str
    source: str
    effective: date
    # Days after which a plan is due for review with the client.
    review_interval_days: int
    # A prescriber giving therapy alone reviews at least twice a year.
    prescriber_review_interval_days: int
    # Hours after the session's end at which an unsigned or late note warns, then errs.
    documentation_warn_hours: int
    documentation_error_hours: int
    client_signature_required: bool
    # Whether the clinician's telehealth attestation stands in for the client's signature.
    telehealth_attestation_accepted: bool
    min_problem_areas: int
    max_problem_areas: int
    # Medicare: the plan may be at most this old at the date of service (None: no limit).
    max_plan_age_days: int | None
    # Medicare: the plan's duration or target dates must stay within this many days.
    max_plan_duration_days: int | None
    severities: Mapping[str, Severity | None]

    def severity(self, code: str) -> Severity | None:
        return self.severities[code]

    def runs(self, code: str) -> bool:
        return self.severities[code] is not None


@cache
def load_pack(name: str) -> Pack:
    """Read a pack by name ("default", "medicare", "medicaid")."""
    if name not in PACK_NAMES:
        known = ", ".join(PACK_NAMES)
        raise PackError(f"There is no payer pack called {name!r}; the packs are: {known}.")
    with (_HERE / f"{name}.toml").open("rb") as handle:
        data = tomllib.load(handle)
    return pack_from_dict(name, data)


def pack_from_dict(name: str, data: Mapping[str, Any]) -> Pack:
    """Build a pack from parsed TOML, refusing unknown parameters and rule codes."""
    parameters = dict(data.get("parameters", {}))
    unknown = set(parameters) - _PARAMETERS
    if unknown:
        raise PackError(f"Pack {name!r} sets unknown parameters: {', '.join(sorted(unknown))}.")
    missing = _REQUIRED - set(parameters)
    if missing:
        raise PackError(f"Pack {name!r} must set: {', '.join(sorted(missing))}.")
    for key, value in parameters.items():
        wanted = bool if key in _SWITCHES else int
        if type(value) is not wanted:
            raise PackError(f"Pack {name!r}: {key} must be {wanted.__name__}, not {value!r}.")
    try:
        return Pack(
            name=name,
            title=str(data["title"]),
            source=str(data["source"]),
            effective=_date(data["effective"]),
            severities=_severities(name, data.get("severity", {})),
            max_plan_age_days=parameters.pop("max_plan_age_days", None),
            max_plan_duration_days=parameters.pop("max_plan_duration_days", None),
            **parameters,
        )
    except KeyError as missing_key:
        raise PackError(f"Pack {name!r} must have {missing_key.args[0]!r}.") from None


def _date(value: object) -> date:
    if not isinstance(value, date):
        raise PackError(f"A pack's effective date must be a TOML date, not {value!r}.")
    return value


def _severities(name: str, overrides: Mapping[str, str]) -> dict[str, Severity | None]:
    severities = {code: spec.severity for code, spec in CATALOG.items()}
    for code, value in overrides.items():
        if code not in CATALOG:
            raise PackError(f"Pack {name!r} names a rule that does not exist: {code!r}.")
        if value == _OFF:
            severities[code] = None
            continue
        try:
            severities[code] = Severity(value)
        except ValueError:
            raise PackError(
                f"Pack {name!r} gives {code!r} the severity {value!r}; "
                "use error, warning, info or off."
            ) from None
    return severities


_REQUIRED = frozenset(
    {
        "review_interval_days",
        "prescriber_review_interval_days",
        "documentation_warn_hours",
        "documentation_error_hours",
        "client_signature_required",
        "telehealth_attestation_accepted",
        "min_problem_areas",
        "max_problem_areas",
    }
)
_PARAMETERS = _REQUIRED | {"max_plan_age_days", "max_plan_duration_days"}
_SWITCHES = frozenset({"client_signature_required", "telehealth_attestation_accepted"})
