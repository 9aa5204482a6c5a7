"""The controlled modality list and its aliases; frequency and duration read as numbers."""

from __future__ import annotations

import pytest

from threadline.rules import cadence, modalities


@pytest.mark.parametrize(
    ("text", "field", "keys"),
    [
        ("CBT", True, ["cbt"]),
        ("Individual cognitive behavioural therapy", True, ["cbt"]),
        ("CBT-based guided self-help", False, ["cbt"]),
        ("CBT-I: stimulus control", True, ["cbt_i"]),
        ("TF-CBT with the caregiver", False, ["tf_cbt"]),
        ("ACT psychoeducation", True, ["act"]),
        ("act on the plan", False, []),
        ("DBT skills and EMDR", False, ["dbt", "emdr"]),
        ("ERP for contamination fears", False, ["exposure"]),
        ("Behavioural activation", False, ["ba"]),
        ("BA", True, ["ba"]),
        ("BA", False, []),
        ("CPT", True, ["cpt"]),
        ("CPT 90834 billed", False, []),
        ("cognitive restructuring of work worries", False, ["cbt"]),
        ("cognitive restructuring of work worries", True, []),
        ("Stanley-Brown safety plan", False, ["safety_planning"]),
        ("supportive listening", False, []),
        ("", False, []),
    ],
)
def test_modalities_are_found_by_name_alias_and_in_notes_by_technique(
    text: str, field: bool, keys: list[str]
) -> None:
    assert [m.key for m in modalities.find(text, field=field)] == keys


@pytest.mark.parametrize("modality", modalities.MODALITIES, ids=lambda m: m.key)
def test_every_modality_is_recognised_by_its_own_name(modality: modalities.Modality) -> None:
    # The plan library writes the controlled name into interventions; the rules must know it.
    assert modalities.find(modality.name, field=True)[0] is modality
    assert modalities.find(modality.name)[0] is modality


def test_every_modality_has_a_unique_key_and_a_name() -> None:
    keys = [modality.key for modality in modalities.MODALITIES]
    assert len(keys) == len(set(keys))
    assert all(modality.name for modality in modalities.MODALITIES)


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("weekly", 7.0),
        ("Weekly, 53 minutes", 7.0),
        ("every 2 weeks", 14.0),
        ("biweekly", 14.0),
        ("twice a week", 3.5),
        ("2 times per week", 3.5),
        ("1x/week", 7.0),
        ("monthly", 365 / 12),
        ("as needed", None),
        ("", None),
    ],
)
def test_frequency_is_read_as_days_between_sessions(text: str, days: float | None) -> None:
    assert cadence.frequency_days(text) == days


@pytest.mark.parametrize(
    ("text", "frequency", "days"),
    [
        ("4 months", "", 122),
        ("12 months", "", 365),
        ("one year", "", 365),
        ("16 weeks", "", 112),
        ("90 days", "", 90),
        ("16 sessions", "weekly", 112),
        ("16 sessions", "", None),
        ("ongoing", "weekly", None),
    ],
)
def test_duration_is_read_as_days(text: str, frequency: str, days: int | None) -> None:
    assert cadence.duration_days(text, frequency) == days
