"""Read a plan's session cadence and duration as numbers: "weekly", "every 2 weeks", "6 months".

Medicare wants frequency and duration stated explicitly, and the plan's duration under a year; a
phrase these functions cannot read as a number ("as needed", "ongoing") is not explicit.
"""

from __future__ import annotations

import re

_NUMBER_WORDS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "fifteen": 15,
    "sixteen": 16,
    "twenty": 20,
}
_UNIT_DAYS = {"day": 1.0, "week": 7.0, "month": 365 / 12, "year": 365.0}
_NUMBER = r"(\d+(?:\.\d+)?|" + "|".join(_NUMBER_WORDS) + r")"
_UNIT = r"(day|week|month|year|session|visit)s?"

# Words that say how often, as days between sessions.
_FREQUENCY_WORDS = (
    (re.compile(r"\b(bi-?weekly|fortnightly|every other week)\b"), 14.0),
    (re.compile(r"\b(twice|two times|2 times|2x)\s*(a|per|/|each)\s*week\b"), 3.5),
    (re.compile(r"\b(weekly|once a week|once per week|every week|1x\s*/?\s*w(ee)?k)\b"), 7.0),
    (re.compile(r"\b(monthly|once a month|every month)\b"), 365 / 12),
    (re.compile(r"\b(daily|every day)\b"), 1.0),
)
_EVERY = re.compile(rf"\bevery\s+{_NUMBER}\s*(day|week|month)s?\b")
_TIMES_PER = re.compile(rf"\b{_NUMBER}\s*(?:x|times?)\s*(?:a|per|/|each)\s*(day|week|month)\b")
_DURATION = re.compile(rf"\b{_NUMBER}\s*-?\s*{_UNIT}\b")


def _number(word: str) -> float:
    return _NUMBER_WORDS[word] if word in _NUMBER_WORDS else float(word)


def frequency_days(text: str) -> float | None:
    """Days between sessions that a frequency phrase names, or None if it names none."""
    phrase = text.casefold()
    every = _EVERY.search(phrase)
    if every:
        return _number(every.group(1)) * _UNIT_DAYS[every.group(2)]
    times = _TIMES_PER.search(phrase)
    if times and _number(times.group(1)) > 0:
        return _UNIT_DAYS[times.group(2)] / _number(times.group(1))
    for pattern, days in _FREQUENCY_WORDS:
        if pattern.search(phrase):
            return days
    return None


def duration_days(text: str, frequency: str = "") -> int | None:
    """Days a duration phrase covers ("6 months", "16 sessions" at a weekly cadence), or None."""
    match = _DURATION.search(text.casefold())
    if match is None:
        return None
    amount, unit = _number(match.group(1)), match.group(2)
    if unit in _UNIT_DAYS:
        return round(amount * _UNIT_DAYS[unit])
    between = frequency_days(frequency)
    return None if between is None else round(amount * between)
