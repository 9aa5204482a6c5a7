"""Change from baseline: response, remission and reliable change, per instrument.

The definitions live in `OUTCOME_RULES`, one row per instrument, each carrying its source so the
record can show the rule next to the flag (standards.md §4.4 asks for exactly that). Where the
research notes give no definition for an instrument, the rule is None and so is the outcome: the
record shows "not defined" rather than a number borrowed from another questionnaire.

All shipped instruments score higher for more symptoms, so improvement is a fall in the total.

Eligibility for a quality measure (HEDIS DRR-E wants a baseline PHQ-9 above 9 and a follow-up
120-240 days later) is the caller's business: these functions compare two totals, nothing more.
"""

from __future__ import annotations

from dataclasses import dataclass

from threadline.rules.measures.instruments import READ_ON, Instrument, Source, instrument
from threadline.rules.measures.scoring import Score, completed_total


@dataclass(frozen=True, slots=True)
class ResponseRule:
    reduction_percent: int  # response = the total fell by at least this share of the baseline
    source: Source

    def describe(self) -> str:
        return f"Response: at least {self.reduction_percent}% below the baseline score."


@dataclass(frozen=True, slots=True)
class RemissionRule:
    below: int  # remission = the latest total is strictly below this
    source: Source

    def describe(self) -> str:
        return f"Remission: a score below {self.below}."


@dataclass(frozen=True, slots=True)
class ReliableChangeRule:
    points: int  # a change of at least this many points, either way, is more than measurement error
    source: Source

    def describe(self) -> str:
        return (
            f"Reliable change: a change of {self.points} points or more "
            "(a fall is improvement, a rise is deterioration)."
        )


@dataclass(frozen=True, slots=True)
class OutcomeRules:
    response: ResponseRule | None
    remission: RemissionRule | None
    reliable_change: ReliableChangeRule | None

    def describe(self) -> tuple[str, ...]:
        rules = (self.response, self.remission, self.reliable_change)
        return tuple(rule.describe() for rule in rules if rule is not None)


HEDIS_RESPONSE = Source(
    "PHQ-9 at least 50% below baseline: NCQA HEDIS DRR-E, MNCM Depression Response at Six "
    "Months, Kaiser psychotherapy study (Psychiatric Services 2020)",
    READ_ON,
)
HEDIS_REMISSION = Source(
    "PHQ-9 below 5: NCQA HEDIS DRR-E; CMS159 / NQF 0710 Depression Remission at Twelve Months",
    READ_ON,
)
IAPT_PHQ9 = Source(
    "NHS Talking Therapies (IAPT) manual: a PHQ-9 change of 6 points or more is reliable "
    "improvement or deterioration (Gyani et al., Behav Res Ther 2013;51:597-606)",
    READ_ON,
    verify="read through a secondary summary of the manual",
)
GAD7_RESPONSE = Source(
    "GAD-7 50% reduction, borrowed from the PHQ-9 (clinical-content.md §5)",
    READ_ON,
    verify="the notes say there is no consensus GAD-7 response definition",
)
GAD7_REMISSION = Source(
    "GAD-7 below 5, the top of the minimal band (clinical-content.md §5)",
    READ_ON,
    verify="the notes also offer below 10 (below caseness) as a remission threshold",
)
IAPT_GAD7 = Source(
    "NHS Talking Therapies (IAPT) manual: a GAD-7 change of 4 points or more is reliable "
    "improvement or deterioration",
    READ_ON,
    verify="read through a secondary summary of the manual",
)
PCL5_REMISSION = Source(
    "PCL-5 below the 31-33 probable-PTSD range, i.e. below 31 (clinical-content.md §5)",
    READ_ON,
    verify="Marx 2022 puts scores of 28 or below nearer the non-PTSD population",
)
PCL5_RELIABLE = Source(
    "VA National Center for PTSD: 5-10 points is reliable change, 10-20 clinically meaningful",
    READ_ON,
    verify=(
        "the guidance gives a 5-10 range; 10 is used because every reading of it counts 10 as "
        "reliable. Veteran samples put reliable change at 15-18 points (Marx 2022)"
    ),
)

OUTCOME_RULES: dict[str, OutcomeRules] = {
    "phq9": OutcomeRules(
        ResponseRule(50, HEDIS_RESPONSE),
        RemissionRule(5, HEDIS_REMISSION),
        ReliableChangeRule(6, IAPT_PHQ9),
    ),
    "gad7": OutcomeRules(
        ResponseRule(50, GAD7_RESPONSE),
        RemissionRule(5, GAD7_REMISSION),
        ReliableChangeRule(4, IAPT_GAD7),
    ),
    # The notes define no percentage response for the PCL-5, only point changes (used below).
    "pcl5": OutcomeRules(
        None,
        RemissionRule(31, PCL5_REMISSION),
        ReliableChangeRule(10, PCL5_RELIABLE),
    ),
    # Screens: the notes give no response, remission or reliable-change values for them.
    "phq2": OutcomeRules(None, None, None),
    "auditc": OutcomeRules(None, None, None),
}


@dataclass(frozen=True, slots=True)
class Change:
    instrument: str
    baseline: int
    latest: int
    difference: int  # latest minus baseline: negative means fewer symptoms
    percent_change: float | None  # None when the baseline is 0
    response: bool | None  # None when undefined for the instrument, or the baseline is 0
    remission: bool | None
    reliable_improvement: bool | None
    reliable_deterioration: bool | None
    rules: OutcomeRules  # the definitions used, to show next to each flag


def change(measure: Instrument | str, baseline: Score | int, latest: Score | int) -> Change:
    """Compare the latest score with the baseline on `measure`.

    Takes Score objects or bare totals. Raises ValueError for an incomplete score, a score of
    another instrument or a total outside the instrument's range.
    """
    form = measure if isinstance(measure, Instrument) else instrument(measure)
    first = _total(form, baseline, "baseline")
    last = _total(form, latest, "latest")
    rules = OUTCOME_RULES.get(form.key, OutcomeRules(None, None, None))
    difference = last - first

    percent: float | None = None
    response: bool | None = None
    if first > 0:
        percent = round(100 * difference / first, 1)
        if rules.response:
            # Whole-number arithmetic so that exactly 50% counts, with no rounding surprise.
            response = -difference * 100 >= rules.response.reduction_percent * first
    # From a baseline of 0 there is nothing to reduce, so response is left undefined.

    remission = last < rules.remission.below if rules.remission else None
    improvement = deterioration = None
    if rules.reliable_change:
        improvement = -difference >= rules.reliable_change.points
        deterioration = difference >= rules.reliable_change.points

    return Change(
        instrument=form.key,
        baseline=first,
        latest=last,
        difference=difference,
        percent_change=percent,
        response=response,
        remission=remission,
        reliable_improvement=improvement,
        reliable_deterioration=deterioration,
        rules=rules,
    )


def _total(form: Instrument, value: Score | int, what: str) -> int:
    total = completed_total(form, value, what)
    if total is None:
        assert isinstance(value, Score)  # only a Score can be incomplete
        noun = "item" if len(value.missing) == 1 else "items"
        listed = ", ".join(str(n) for n in value.missing)
        raise ValueError(
            f"The {what} {form.name} is incomplete ({noun} {listed} unanswered), so change "
            "from baseline cannot be measured."
        )
    return total
