"""Split a clinician's text into labelled lines, whatever its bullets, bold, case or dashes.

"**Client Name:** Wren", "- client name - Wren", "## CLIENT NAME" and "Client name : Wren" all
become the label "client name" with its value. Lines are cut at `MAX_LINE` characters before any
pattern runs, so no input can make the reader slow.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from threadline.documents.values import DASHES
from threadline.rules.facts import DocumentKind

MAX_LINE = 2000
# Markdown and list furniture at the start of a line: headings, quotes, bullets, checkboxes.
_LEAD = re.compile(r"^(?:[#>*+•·◦▪‣\s]|-(?=\s)|\[[ xX]?\]|\d+[.)](?=\s+[A-Za-z]))*")
_EMPHASIS = re.compile(r"\*\*|__|(?<!\w)\*(?!\s)|(?<!\s)\*(?!\w)|`")
_TABLE = re.compile(r"^\|(.*)\|$")
# Word processors turn ' into a right single quotation mark and some keyboards type a full-width
# colon; both read as the plain character.
_TYPOGRAPHY = str.maketrans({"\u2019": "'", "\uff1a": ":"})
_COLON = re.compile(r"^(?P<label>[A-Za-z][\w /&'().,#+-]{0,70}?)\s*:\s*(?P<value>.*)$")
_DASHED = re.compile(rf"^(?P<label>[A-Za-z][\w /&'()#+.-]{{0,50}}?)\s+[{DASHES}]\s+(?P<value>.+)$")
_REMEMBERED = 10_000  # labels kept per kind of document; beyond that, looked up each time
_NUMBER = r"(?:\s*#?\s*(?P<num>\d{1,3}(?:\s*[-.\u2013]\s*\d{1,3})?[a-z]?))?"


@dataclass(frozen=True, slots=True)
class Line:
    number: int  # 1-based, as an editor shows it
    text: str  # cleaned of markdown furniture
    label: str | None  # normalised: lower case, single spaces
    value: str


def clean(raw: str) -> str:
    text = raw[:MAX_LINE].replace("\t", " ").strip()
    if not text:
        return text
    # The patterns run only on lines that need them: most lines are plain "Label: value".
    if not text.isascii():
        text = text.translate(_TYPOGRAPHY)
    if text[0] == "|":
        table = _TABLE.match(text)
        if table:
            # "| Client Name | Wren |" reads as "Client Name: Wren".
            cells = [cell.strip() for cell in table.group(1).split("|")]
            cells = [cell for cell in cells if cell and not set(cell) <= set("-: ")]
            text = f"{cells[0]}: {' '.join(cells[1:])}" if len(cells) > 1 else " ".join(cells)
    if not text[:1].isalpha():
        text = _LEAD.sub("", text)
    if "*" in text or "_" in text or "`" in text:
        text = _EMPHASIS.sub("", text)
    return text.strip()


@lru_cache(maxsize=4096)
def normalise_label(label: str) -> str:
    label = label.lower().replace("&", " and ").replace("(s)", "s")
    return " ".join(label.replace("_", " ").split()).strip(" .,")


def split(raw_lines: list[str]) -> list[Line]:
    lines: list[Line] = []
    for number, raw in enumerate(raw_lines, start=1):
        text = clean(raw)
        if not text:
            continue
        match = _COLON.match(text)
        if match:
            label = normalise_label(match.group("label"))
            lines.append(Line(number, text, label, match.group("value").strip()))
        else:
            lines.append(Line(number, text, None, text))
    return lines


def dashed(line: Line) -> Line | None:
    """Read "Problem 1 - Work worry" as a label and value, for labels the caller knows."""
    text = line.text
    if not any(f" {dash} " in text for dash in DASHES):
        return None  # most lines have no spaced dash at all; skip the pattern
    match = _DASHED.match(text)
    if match is None:
        return None
    return Line(line.number, line.text, normalise_label(match.group("label")), match.group("value"))


def heading(line: Line) -> Line:
    """A line standing alone ("## Problem 1", "BACKGROUND") read as a label with no value."""
    return Line(line.number, line.text, normalise_label(line.text), "")


class Labels:
    """Label patterns for one kind of document: each full-matches a normalised label to a key.

    A pattern may end in a number ("Problem 2", "Objective 1.2", "Intervention 1-1"); the
    number comes back beside the key.
    """

    def __init__(self, table: list[tuple[str, str, bool]]) -> None:
        self._source = table
        self._compiled: list[tuple[str, re.Pattern[str]]] | None = None

        # Documents repeat the same few dozen labels, so each is looked up once per process.
        self._seen: dict[str, tuple[str, str] | None] = {}

    def _table(self) -> list[tuple[str, re.Pattern[str]]]:
        # Compiled on first use, so a run that reads only notes never compiles the plan labels.
        if self._compiled is None:
            self._compiled = [
                (key, re.compile(f"(?:{pattern}){_NUMBER if numbered else ''}"))
                for key, pattern, numbered in self._source
            ]
        return self._compiled

    def find(self, label: str) -> tuple[str, str] | None:
        """The key and number ("" when none) for a label, or None when the label is unknown."""
        if label in self._seen:
            return self._seen[label]
        found = None
        for key, pattern in self._table():
            match = pattern.fullmatch(label)
            if match:
                number = match.groupdict().get("num") or ""
                found = key, re.sub(r"\s+", "", number)
                break
        if len(self._seen) < _REMEMBERED:
            self._seen[label] = found
        return found


_TITLES: tuple[tuple[DocumentKind, re.Pattern[str]], ...] = (
    (
        DocumentKind.DISCHARGE,
        re.compile(r"\b(discharge summary|discharge note|termination summary|closing summary)\b"),
    ),
    (
        DocumentKind.INTAKE,
        re.compile(
            r"\b(intake|diagnostic assessment|initial assessment|biopsychosocial|"
            r"psychiatric evaluation|initial evaluation)\b"
        ),
    ),
    (
        DocumentKind.NOTE,
        re.compile(
            r"\b(progress note|session note|therapy note|psychotherapy note|"
            r"(soap|dap|birp|girp|pirp) note)\b"
        ),
    ),
    (
        DocumentKind.PLAN,
        re.compile(r"\b(treatment plan|plan of care|service plan|care plan|treatment planning)\b"),
    ),
)
_PLAN_MARKS = re.compile(
    r"^(problem|objective|intervention|goal|area of (clinical )?focus)\b.*\d|^long[- ]term goal"
)
_NOTE_MARKS = re.compile(
    r"^(subjective|data|behaviou?r|response|assessment|cpt|objectives? addressed|"
    r"billing code|service)\b"
)


def detect_kind(lines: list[Line]) -> DocumentKind | None:
    """A title line decides; otherwise whichever kind's labels are more common."""
    for line in lines[:12]:
        if line.label is not None and line.value:
            continue  # "Treatment plan: 09/01/2026" in a note is a reference, not a title
        title = line.text.lower()
        for kind, pattern in _TITLES:
            if pattern.search(title):
                return kind
    plan = sum(1 for line in lines if line.label and _PLAN_MARKS.match(line.label))
    note = sum(1 for line in lines if line.label and _NOTE_MARKS.match(line.label))
    if plan == note == 0:
        return None
    return DocumentKind.PLAN if plan >= note else DocumentKind.NOTE
