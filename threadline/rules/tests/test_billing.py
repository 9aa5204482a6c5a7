"""The billing-code suggester, boundary by boundary."""

from __future__ import annotations

import json
from dataclasses import replace
from itertools import pairwise

import pytest

from threadline.rules.billing import (
    TIME_RULES,
    BillingLine,
    Encounter,
    Service,
    code_for,
    ladder,
)


def codes(result):
    """Return the result as compact strings: "90839", "90840x2"."""
    return [line.code + (f"x{line.units}" if line.units > 1 else "") for line in result.lines]


@pytest.mark.parametrize(
    ("minutes", "expected"),
    [
        (16, "90832"),
        (37, "90832"),
        (38, "90834"),
        (52, "90834"),
        (53, "90837"),
        (90, "90837"),
    ],
)
def test_psychotherapy_minutes_pick_the_band(minutes, expected):
    result = code_for(Encounter(Service.PSYCHOTHERAPY, minutes))
    assert codes(result) == [expected]
    assert result.primary == expected
    assert result.refusal is None
    assert result.place_of_service == "11"


@pytest.mark.parametrize("minutes", [0, 1, 15])
def test_psychotherapy_under_16_minutes_is_refused(minutes):
    result = code_for(Encounter(Service.PSYCHOTHERAPY, minutes))
    assert result.lines == ()
    assert result.primary is None
    assert result.place_of_service is None
    assert result.refusal == (
        f"{minutes} minutes of psychotherapy is under the 16-minute minimum for 90832."
    )
    assert result.reasons[-1] == result.refusal


def test_the_reason_names_the_band_in_plain_words():
    result = code_for(Encounter(Service.PSYCHOTHERAPY, 52))
    assert result.reasons == (
        "52 minutes of psychotherapy falls in the 38\u201352 minute band (90834).",
    )


@pytest.mark.parametrize(
    ("minutes", "add_on"),
    [
        (16, "90833"),
        (37, "90833"),
        (38, "90836"),
        (52, "90836"),
        (53, "90838"),
    ],
)
def test_psychotherapy_beside_an_em_adds_the_add_on_on_the_same_bands(minutes, add_on):
    result = code_for(Encounter(Service.PSYCHOTHERAPY_WITH_EM, minutes, em_minutes=20))
    assert result.lines == (BillingLine("99213"), BillingLine(add_on, add_on=True))
    assert result.primary == "99213"


def test_psychotherapy_beside_an_em_under_16_minutes_is_refused():
    result = code_for(Encounter(Service.PSYCHOTHERAPY_WITH_EM, 15, em_minutes=20))
    assert result.lines == ()
    assert result.refusal == (
        "15 minutes of psychotherapy beside the E/M is under the 16-minute minimum for 90833. "
        "Code the visit as an E/M alone."
    )


def test_psychotherapy_beside_an_em_picks_the_em_level_from_the_em_minutes_alone():
    result = code_for(Encounter(Service.PSYCHOTHERAPY_WITH_EM, 53, new_patient=True, em_minutes=30))
    assert codes(result) == ["99203", "90838"]


def test_psychotherapy_beside_an_em_without_em_minutes_is_refused():
    result = code_for(Encounter(Service.PSYCHOTHERAPY_WITH_EM, 40))
    assert result.lines == ()
    assert result.refusal is not None
    assert "em_minutes" in result.refusal


@pytest.mark.parametrize("service", [Service.PSYCHOTHERAPY, Service.INTAKE, Service.INTAKE_MEDICAL])
def test_a_stand_alone_code_with_an_em_the_same_day_is_refused(service):
    result = code_for(Encounter(service, 45, em_minutes=20))
    assert result.lines == ()
    assert result.refusal is not None


@pytest.mark.parametrize(
    ("new_patient", "minutes", "expected"),
    [
        (True, 15, "99202"),
        (True, 29, "99202"),
        (True, 30, "99203"),
        (True, 44, "99203"),
        (True, 45, "99204"),
        (True, 59, "99204"),
        (True, 60, "99205"),
        (True, 120, "99205"),
        (False, 10, "99212"),
        (False, 19, "99212"),
        (False, 20, "99213"),
        (False, 29, "99213"),
        (False, 30, "99214"),
        (False, 39, "99214"),
        (False, 40, "99215"),
        (False, 120, "99215"),
    ],
)
def test_em_alone_is_levelled_by_total_time(new_patient, minutes, expected):
    result = code_for(Encounter(Service.EM, minutes, new_patient=new_patient))
    assert codes(result) == [expected]


@pytest.mark.parametrize(
    ("new_patient", "minutes", "floor"),
    [(True, 14, "15-minute minimum for 99202"), (False, 9, "10-minute minimum for 99212")],
)
def test_em_under_the_lowest_time_is_refused(new_patient, minutes, floor):
    result = code_for(Encounter(Service.EM, minutes, new_patient=new_patient))
    assert result.lines == ()
    assert result.refusal is not None
    assert floor in result.refusal


def test_office_em_codes_are_refused_for_an_in_person_home_visit():
    result = code_for(Encounter(Service.EM, 30, place="home"))
    assert result.lines == ()
    assert result.refusal is not None


@pytest.mark.parametrize(
    ("minutes", "expected"),
    [
        (29, ["90832"]),
        (30, ["90839"]),
        (74, ["90839"]),
        (75, ["90839", "90840"]),
        (104, ["90839", "90840"]),
        (105, ["90839", "90840x2"]),
        (134, ["90839", "90840x2"]),
        (135, ["90839", "90840x3"]),
    ],
)
def test_crisis_minutes_pick_90839_and_units_of_90840(minutes, expected):
    result = code_for(Encounter(Service.CRISIS, minutes))
    assert codes(result) == expected


def test_crisis_adds_90840_as_an_add_on():
    result = code_for(Encounter(Service.CRISIS, 105))
    assert result.lines == (BillingLine("90839"), BillingLine("90840", units=2, add_on=True))


def test_crisis_under_16_minutes_falls_back_and_is_refused():
    result = code_for(Encounter(Service.CRISIS, 15))
    assert result.lines == ()
    assert result.refusal == "15 minutes of psychotherapy is under the 16-minute minimum for 90832."


def test_crisis_outside_the_office_mentions_the_medicare_g_codes():
    result = code_for(Encounter(Service.CRISIS, 60, place="elsewhere"))
    assert codes(result) == ["90839"]
    assert any("G0017" in reason for reason in result.reasons)


@pytest.mark.parametrize(
    ("service", "minutes", "expected"),
    [
        (Service.FAMILY_WITHOUT_PATIENT, 26, "90846"),
        (Service.FAMILY_WITHOUT_PATIENT, 50, "90846"),
        (Service.FAMILY_WITH_PATIENT, 26, "90847"),
        (Service.FAMILY_WITH_PATIENT, 80, "90847"),
    ],
)
def test_family_psychotherapy_from_26_minutes(service, minutes, expected):
    assert codes(code_for(Encounter(service, minutes))) == [expected]


@pytest.mark.parametrize("service", [Service.FAMILY_WITHOUT_PATIENT, Service.FAMILY_WITH_PATIENT])
def test_family_psychotherapy_under_26_minutes_is_refused(service):
    result = code_for(Encounter(service, 25))
    assert result.lines == ()
    assert result.refusal is not None
    assert "26-minute minimum" in result.refusal


@pytest.mark.parametrize(
    ("service", "expected"),
    [(Service.INTAKE, "90791"), (Service.INTAKE_MEDICAL, "90792"), (Service.GROUP, "90853")],
)
def test_untimed_codes_are_reported_once_whatever_the_minutes(service, expected):
    for minutes in (10, 60, 180):
        assert codes(code_for(Encounter(service, minutes))) == [expected]


@pytest.mark.parametrize(
    ("encounter", "expected"),
    [
        (Encounter(Service.INTAKE, 60), ["90791", "90785"]),
        (Encounter(Service.INTAKE_MEDICAL, 60), ["90792", "90785"]),
        (Encounter(Service.PSYCHOTHERAPY, 16), ["90832", "90785"]),
        (Encounter(Service.PSYCHOTHERAPY, 45), ["90834", "90785"]),
        (Encounter(Service.PSYCHOTHERAPY, 60), ["90837", "90785"]),
        (Encounter(Service.PSYCHOTHERAPY_WITH_EM, 20, em_minutes=10), ["99212", "90833", "90785"]),
        (Encounter(Service.PSYCHOTHERAPY_WITH_EM, 40, em_minutes=10), ["99212", "90836", "90785"]),
        (Encounter(Service.PSYCHOTHERAPY_WITH_EM, 60, em_minutes=10), ["99212", "90838", "90785"]),
        (Encounter(Service.GROUP, 90), ["90853", "90785"]),
        (Encounter(Service.CRISIS, 20), ["90832", "90785"]),
    ],
)
def test_interactive_complexity_adds_90785_where_it_is_allowed(encounter, expected):
    result = code_for(replace(encounter, interactive_complexity=True))
    assert codes(result) == expected
    assert result.lines[-1] == BillingLine("90785", add_on=True)


@pytest.mark.parametrize(
    "encounter",
    [
        Encounter(Service.CRISIS, 30),
        Encounter(Service.CRISIS, 90),
        Encounter(Service.FAMILY_WITHOUT_PATIENT, 50),
        Encounter(Service.FAMILY_WITH_PATIENT, 50),
        Encounter(Service.EM, 30),
    ],
)
def test_interactive_complexity_is_refused_where_it_is_not_allowed(encounter):
    result = code_for(replace(encounter, interactive_complexity=True))
    assert result.lines == ()
    assert result.refusal is not None
    assert result.refusal.startswith("Interactive complexity (90785) cannot be reported with")


@pytest.mark.parametrize(
    ("place", "telehealth", "place_of_service", "modifiers"),
    [
        ("office", None, "11", ()),
        ("home", None, "12", ()),
        ("elsewhere", None, None, ()),
        ("home", "video", "10", ("95",)),
        ("home", "audio", "10", ("93",)),
        ("office", "video", "02", ("95",)),
        ("elsewhere", "video", "02", ("95",)),
        ("elsewhere", "audio", "02", ("93",)),
    ],
)
def test_place_and_telehealth_give_the_place_of_service_and_modifier(
    place, telehealth, place_of_service, modifiers
):
    result = code_for(Encounter(Service.PSYCHOTHERAPY, 45, place=place, telehealth=telehealth))
    assert result.place_of_service == place_of_service
    assert result.lines == (BillingLine("90834", modifiers=modifiers),)


def test_the_telehealth_modifier_goes_on_every_line():
    result = code_for(
        Encounter(
            Service.PSYCHOTHERAPY_WITH_EM,
            40,
            em_minutes=20,
            telehealth="audio",
            place="home",
            interactive_complexity=True,
        )
    )
    assert [line.modifiers for line in result.lines] == [("93",), ("93",), ("93",)]


def test_to_dict_is_json_ready():
    result = code_for(Encounter(Service.CRISIS, 110, telehealth="video", place="home"))
    data = json.loads(json.dumps(result.to_dict()))
    assert data == {
        "primary": "90839",
        "lines": [
            {"code": "90839", "units": 1, "modifiers": ["95"], "add_on": False},
            {"code": "90840", "units": 2, "modifiers": ["95"], "add_on": True},
        ],
        "place_of_service": "10",
        "refusal": None,
        "reasons": list(result.reasons),
    }


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"minutes": -1}, "minutes must be between 0 and 1440"),
        ({"minutes": 1441}, "minutes must be between 0 and 1440"),
        ({"place": "clinic"}, "place must be one of office, home, elsewhere"),
        ({"telehealth": "phone"}, "telehealth must be None or one of video, audio"),
        ({"service": "massage"}, "'massage' is not a valid Service"),
        ({"service": Service.EM, "em_minutes": 20}, "for an E/M alone"),
        ({"service": Service.GROUP, "em_minutes": 20}, "em_minutes does not apply to group"),
        ({"em_minutes": -5}, "em_minutes must be between 0 and 1440"),
    ],
)
def test_an_impossible_encounter_raises_value_error(fields, message):
    with pytest.raises(ValueError, match=message):
        Encounter(**{"service": Service.PSYCHOTHERAPY, "minutes": 45, **fields})


def test_a_service_given_as_text_is_read_as_a_service():
    assert Encounter("crisis", 40).service is Service.CRISIS  # type: ignore[arg-type]


@pytest.mark.parametrize("name", sorted({rule.ladder for rule in TIME_RULES}))
def test_each_ladder_has_no_gaps_or_overlaps(name):
    rows = ladder(name)
    for lower, upper in pairwise(rows):
        assert lower.to_minutes is not None
        assert upper.from_minutes == lower.to_minutes + 1
    assert rows[-1].to_minutes is None


def test_every_rule_names_its_source_and_effective_date():
    for rule in TIME_RULES:
        assert rule.source.url.startswith("https://")
        assert rule.source.effective.year >= 2013
