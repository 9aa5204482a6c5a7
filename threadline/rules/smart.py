"""SMART lint for goals and objectives: measurable, time-bound, concrete, and the client's own.

Reviewers reject objectives that nothing can be counted against, that have no date, that use
words like "feel better" or "gain insight", and that repeat the same scripted text across clients
(Joint Commission CTS.03.01.03 survey findings; clinical-content.md §4). Each finding shows a
stronger pattern in its message.

A goal is the client's long-term aim, ideally in their words, so it is held to a lighter standard
than an objective: vague wording is only information there, and its target date is the plan
rules' concern.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from threadline.rules.facts import Goal, Objective
from threadline.rules.report import Report

# Phrases nothing can be counted against. Each is vague whatever follows it.
VAGUE_PHRASES: tuple[str, ...] = (
    "feel better",
    "feel less",
    "feel more",
    "be less anxious",
    "be less depressed",
    "be more confident",
    "be happier",
    "understand",
    "gain insight",
    "increase insight",
    "increase awareness",
    "become aware",
    "process feelings",
    "process the trauma",
    "work through",
    "work on",
    "explore",
    "continue therapy",
    "learn coping skills",
    "cope better",
    "be compliant",
    "stay safe",
)
# Verbs that are fine with a number behind them and vague without one ("improve mood").
SOFT_VERBS: tuple[str, ...] = ("improve", "reduce", "decrease", "increase", "manage", "control")

# Named measures, ratings and counts that make a statement measurable.
_INSTRUMENTS = (
    r"phq-?9|phq-?2|gad-?7|pcl-?5|audit-?c|audit|c-ssrs|pdss|spin|isi|pg-13-r|csi-16|y-?bocs|"
    r"docs|edds|suds|sleep efficiency|score|rating|rated|scale|percent|%"
)
_QUANTITY_WORDS = (
    r"once|twice|thrice|daily|nightly|weekly|monthly|every day|each day|each week|per week|"
    r"per day|a week|a day|a month|one|two|three|four|five|six|seven|eight|nine|ten|zero|none|"
    r"all|no more than|at least|or fewer|or more|or less|consecutive"
)
_MEASURABLE = re.compile(rf"\d|\b(?:{_INSTRUMENTS}|{_QUANTITY_WORDS})\b|%", re.IGNORECASE)

# Phrases that set a deadline: "within 60 days", "by week 10", "by 12/01/2026", "in 8 sessions".
_MONTHS = r"jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec"
_TIME_BOUND = re.compile(
    rf"\b(?:within|in|over|after|for|by|before|until|through)\s+(?:the\s+)?(?:next\s+)?"
    rf"(?:\d+|an?|one|two|three|four|five|six|eight|ten|twelve)\s*-?\s*"
    rf"(?:days?|weeks?|months?|sessions?|visits?)\b"
    rf"|\bby\s+(?:week|session|month|visit|day)\s+\d+"
    rf"|\bby\s+(?:\d{{1,2}}/\d{{1,2}}(?:/\d{{2,4}})?|\d{{4}}-\d{{2}}-\d{{2}}|(?:{_MONTHS})[a-z]*)"
    rf"|\bby\s+(?:the\s+)?(?:end\s+of|next\s+review|discharge)",
    re.IGNORECASE,
)
# Deadline phrases are removed before looking for a measure, so "within 60 days" is not a count.
_TIME_PHRASE = _TIME_BOUND

_VAGUE = re.compile(
    r"\b(?:" + "|".join(re.escape(phrase) for phrase in VAGUE_PHRASES) + r")\w*",
    re.IGNORECASE,
)
_SOFT = re.compile(r"\b(?:" + "|".join(SOFT_VERBS) + r")\w*\b", re.IGNORECASE)
_WORDS = re.compile(r"[^\w%]+")


@dataclass(frozen=True, slots=True)
class Example:
    """The stronger pattern a message offers, dated when a target date is known."""

    by: date | None

    def objective(self) -> str:
        when = self.by.isoformat() if self.by else "<target date>"
        return (
            f'"reduce panic attacks from 4 a week to 1 or fewer by {when}, by self-report log" '
            f'or "GAD-7 from 16 to below 10 by {when}"'
        )


def normalized(text: str) -> str:
    """Text as compared for copying: case, spacing and punctuation ignored."""
    return _WORDS.sub(" ", text.casefold()).strip()


def is_measurable(text: str) -> bool:
    """Whether a statement names a count, frequency, score or rating (deadlines aside)."""
    return bool(_MEASURABLE.search(_TIME_PHRASE.sub(" ", text)))


def is_time_bound(text: str) -> bool:
    return bool(_TIME_BOUND.search(text))


def vague_phrase(text: str) -> str | None:
    """The first vague phrase in a statement; a soft verb counts only if nothing is measured."""
    match = _VAGUE.search(text)
    if match:
        return match.group(0)
    soft = _SOFT.search(text)
    if soft and not is_measurable(text):
        return soft.group(0)
    return None


def known_set(texts: Iterable[str]) -> frozenset[str]:
    """Library entries and other plans' texts, normalised once for `lint_*`'s `known`."""
    return frozenset(normalized(text) for text in texts if text.strip())


def lint_objective(
    report: Report, objective: Objective, field: str, known: frozenset[str] = frozenset()
) -> None:
    statement = objective.statement
    if not statement:
        return
    example = Example(objective.target_date).objective()
    measure = objective.measure
    if (measure is None or not measure.instrument) and not is_measurable(statement):
        report.add(
            "smart.objective_not_measurable",
            "This objective names nothing to count: add a frequency, a score on a named measure "
            f"or an observable behaviour with a number, such as {example}.",
            f"{field}.statement",
        )
    if objective.target_date is None and not is_time_bound(statement):
        report.add(
            "smart.objective_not_time_bound",
            "This objective has no target date: give a date or a number of weeks, such as "
            f"{example}.",
            f"{field}.target_date",
        )
    phrase = vague_phrase(statement)
    if phrase:
        report.add(
            "smart.objective_vague",
            f'"{phrase}" cannot be observed or counted; say what the client will do, how often '
            f"or on which measure, and by when, such as {example}.",
            f"{field}.statement",
        )
    if measure is not None and (
        not measure.instrument or measure.baseline is None or measure.target is None
    ):
        report.add(
            "smart.measure_incomplete",
            "The measure needs its instrument, a baseline and a target, e.g. GAD-7 baseline 16, "
            "target 9.",
            f"{field}.measure",
        )
    _copied(report, statement, f"{field}.statement", known, "objective")


def lint_goal(report: Report, goal: Goal, field: str, known: frozenset[str] = frozenset()) -> None:
    statement = goal.statement
    if not statement:
        return
    phrase = vague_phrase(statement)
    if phrase:
        report.add(
            "smart.goal_vague",
            f'"{phrase}" is hard to review against; keep the client\'s words and add what will '
            'show it, e.g. "manage anxiety well enough to work full days, 5 days a week, within '
            '120 days".',
            f"{field}.statement",
        )
    _copied(report, statement, f"{field}.statement", known, "goal")


def _copied(report: Report, statement: str, field: str, known: frozenset[str], what: str) -> None:
    if known and normalized(statement) in known:
        report.add(
            "smart.copied_text",
            f"This {what} is word for word a library entry or another plan's; make it this "
            "client's: their words, their baseline, their numbers and dates.",
            field,
        )
