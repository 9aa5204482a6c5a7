"""When a plan is next due for review, from the payer pack (pure; `today` is passed in)."""

from __future__ import annotations

from datetime import date, timedelta
from enum import StrEnum

from threadline.rules.packs import Pack

# A plan shown as "due soon" this many days before its review date (JOURNEYS.md, review day).
DUE_SOON_DAYS = 30


class ReviewState(StrEnum):
    CURRENT = "current"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"


def next_review(effective: date, pack: Pack, *, prescriber_therapy_only: bool = False) -> date:
    """The date a plan made on `effective` must be reviewed by under `pack`."""
    days = pack.review_interval_days
    if prescriber_therapy_only:
        days = min(days, pack.prescriber_review_interval_days)
    if pack.max_plan_age_days is not None:
        days = min(days, pack.max_plan_age_days)
    return effective + timedelta(days=days)


def review_state(due: date, today: date) -> ReviewState:
    if today > due:
        return ReviewState.OVERDUE
    if (due - today).days <= DUE_SOON_DAYS:
        return ReviewState.DUE_SOON
    return ReviewState.CURRENT
