"""Whether a score meets an objective bound to a measure, such as "GAD-7 below 10"."""

from __future__ import annotations

from enum import StrEnum

from threadline.rules.measures.instruments import DASH, instrument
from threadline.rules.measures.scoring import Score, completed_total


class Direction(StrEnum):
    # Every shipped measure scores higher for more symptoms, so targets are ceilings.
    BELOW = "below"  # strictly less than the target: "GAD-7 below 10" is met by 9, not 10
    AT_OR_BELOW = "at_or_below"


def target_reached(
    instrument_key: str,
    score: Score | int,
    target: int,
    direction: Direction | str = Direction.AT_OR_BELOW,
) -> bool | None:
    """Return whether `score` meets `target`, or None when the score is incomplete."""
    form = instrument(instrument_key)
    if not form.min_total <= target <= form.max_total:
        raise ValueError(
            f"A {form.name} target must be {form.min_total}{DASH}{form.max_total}; got {target}."
        )
    try:
        comparison = Direction(direction)
    except ValueError:
        choices = " or ".join(repr(d.value) for d in Direction)
        raise ValueError(f"The direction must be {choices}; got {direction!r}.") from None
    total = completed_total(form, score, "latest")
    if total is None:
        return None  # an incomplete questionnaire neither meets nor misses the target
    return total < target if comparison == Direction.BELOW else total <= target
