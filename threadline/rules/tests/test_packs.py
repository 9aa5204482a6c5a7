"""Payer packs load from their TOML files and refuse what does not make sense."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from threadline.rules.catalog import CATALOG
from threadline.rules.findings import Severity
from threadline.rules.packs import PACK_NAMES, PackError, load_pack, pack_from_dict

PACKS_DIR = Path(__file__).resolve().parent.parent / "packs"


def test_the_pack_names_are_exactly_the_pack_files() -> None:
    assert sorted(PACK_NAMES) == sorted(path.stem for path in PACKS_DIR.glob("*.toml"))


@pytest.mark.parametrize("name", PACK_NAMES)
def test_every_pack_loads_and_sets_a_severity_for_every_rule(name: str) -> None:
    pack = load_pack(name)
    assert set(pack.severities) == set(CATALOG)
    assert pack.documentation_warn_hours < pack.documentation_error_hours
    assert pack.min_problem_areas <= pack.max_problem_areas


def test_loading_a_pack_twice_reads_its_file_once() -> None:
    assert load_pack("medicare") is load_pack("medicare")


def test_an_unknown_pack_is_refused_with_the_names_of_the_real_ones() -> None:
    with pytest.raises(PackError, match="default, medicare, medicaid"):
        load_pack("blue-shield")


@pytest.mark.parametrize(
    ("pack", "code", "severity"),
    [
        ("default", "plan.recommendation.type_missing", None),
        ("medicare", "plan.recommendation.type_missing", Severity.ERROR),
        ("medicare", "plan.review.medicare_plan_expired", Severity.ERROR),
        ("default", "plan.review.overdue", Severity.WARNING),
        ("medicaid", "plan.review.overdue", Severity.ERROR),
        ("medicaid", "note.golden_thread.plan_review_overdue", Severity.ERROR),
    ],
)
def test_packs_turn_rules_on_and_off_and_set_their_severity(
    pack: str, code: str, severity: Severity | None
) -> None:
    assert load_pack(pack).severity(code) is severity


@pytest.mark.parametrize(
    ("pack", "interval", "client_signature", "attestation", "max_age"),
    [
        ("default", 180, False, True, None),
        ("medicare", 90, False, True, 365),
        ("medicaid", 90, True, False, None),
    ],
)
def test_pack_parameters_follow_their_payers(
    pack: str, interval: int, client_signature: bool, attestation: bool, max_age: int | None
) -> None:
    loaded = load_pack(pack)
    assert loaded.review_interval_days == interval
    assert loaded.client_signature_required is client_signature
    assert loaded.telehealth_attestation_accepted is attestation
    assert loaded.max_plan_age_days == max_age


def _pack(**changes: Any) -> dict[str, Any]:
    import tomllib

    with (PACKS_DIR / "default.toml").open("rb") as handle:
        data = tomllib.load(handle)
    for key, value in changes.items():
        section, _, name = key.partition("__")
        data.setdefault(section, {})[name] = value
    return data


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"parameters__review_days": 90}, "unknown parameters: review_days"),
        ({"parameters__review_interval_days": "90"}, "review_interval_days must be int"),
        ({"parameters__client_signature_required": 1}, "must be bool"),
        ({"severity__plan.no_such_rule": "error"}, "does not exist"),
        ({"severity__plan.review.overdue": "fatal"}, "use error, warning, info or off"),
    ],
)
def test_a_pack_with_a_mistake_is_refused_and_the_mistake_named(
    changes: dict[str, Any], message: str
) -> None:
    with pytest.raises(PackError, match=message):
        pack_from_dict("test", _pack(**changes))


def test_a_pack_missing_a_parameter_is_refused() -> None:
    data = _pack()
    del data["parameters"]["min_problem_areas"]
    with pytest.raises(PackError, match="must set: min_problem_areas"):
        pack_from_dict("test", data)
