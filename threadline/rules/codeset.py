"""The ICD-10-CM code set as plain data, handed to the rules by their callers.

Reading a release from disk lives in `threadline.icd`; this module only works on what it is given.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from functools import cached_property

# Codes are a letter, two letters or digits, then up to four more: "F41.1", "QA0.0101". A query
# of one such token holding a digit is read as a code prefix; words never hold digits that way.
_CODE_LIKE = re.compile(r"[A-Z][0-9A-Z]{1,2}(\.?[0-9A-Z]{0,4})")
_NOT_A_WORD_CHARACTER = re.compile(r"[^0-9a-z]+")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
# For the search text: upper case to lower case, digits and letters kept, newline kept as the
# line end, everything else (tabs too) a space. One byte in, one byte out, so offsets agree.
_SEARCH_BYTES = bytes(
    ord(char) if char in "0123456789abcdefghijklmnopqrstuvwxyz\n" else ord(" ")
    for char in (chr(byte).lower() for byte in range(256))
)


@dataclass(frozen=True, slots=True)
class IcdCode:
    code: str  # with the dot, upper case: "F41.1"
    description: str
    billable: bool  # a leaf of the tabular list; headers (F32, F43.2) cannot go on a claim


def normalize(code: str) -> str:
    """Turn "f411", " F41.1 " or "F41.1" into "F41.1"."""
    compact = code.strip().upper().replace(".", "")
    return compact if len(compact) <= 3 else f"{compact[:3]}.{compact[3:]}"


def fold(text: str) -> str:
    """Drop accents letter for letter, so "Sézary" and "Sezary" search alike."""
    if text.isascii():
        return text
    return _NON_ASCII.sub(lambda match: unicodedata.normalize("NFKD", match[0])[0], text)


def words(text: str) -> list[str]:
    """Split text into lower-case words, so "Post-traumatic" gives "post" and "traumatic"."""
    return _NOT_A_WORD_CHARACTER.sub(" ", fold(text).lower()).split()


class CodeTable(Mapping[str, IcdCode]):
    """A release's codes kept as "code<TAB>0|1<TAB>description" lines, in code order.

    Each IcdCode is built the first time it is read, and codes are found by bisecting the sorted
    code column: building 98,000 objects or a dict up front would double the cost of loading.
    """

    def __init__(self, text: str) -> None:
        cells = text.replace("\t", "\n").split("\n")
        if cells[-1] == "":
            cells.pop()
        self._codes, self._billable, self._descriptions = cells[0::3], cells[1::3], cells[2::3]
        if len(cells) != 3 * text.count("\n") or not set(self._billable) <= {"0", "1"}:
            raise ValueError("each line must be: code, 0 or 1, description, separated by tabs")
        if self._codes != sorted(self._codes) or len(set(self._codes)) != len(self._codes):
            raise ValueError("codes must be in code order, each once")
        self._text = text
        self._built: dict[str, IcdCode] = {}

    @classmethod
    def from_codes(cls, codes: Iterable[IcdCode]) -> CodeTable:
        """Build a table from codes in any order (the last of a repeated code wins)."""
        unique = {code.code: code for code in codes}
        return cls(
            "".join(
                f"{code.code}\t{int(code.billable)}\t{' '.join(code.description.split())}\n"
                for code in sorted(unique.values(), key=lambda code: code.code)
            )
        )

    def __getitem__(self, code: str) -> IcdCode:
        built = self._built.get(code)
        if built is None:
            index = bisect_left(self._codes, code)
            if index == len(self._codes) or self._codes[index] != code:
                raise KeyError(code)
            if normalize(code) != code:
                raise ValueError(f"{code!r} is not written as a normalized code")
            billable = self._billable[index] == "1"
            built = self._built[code] = IcdCode(code, self._descriptions[index], billable)
        return built

    def __iter__(self) -> Iterator[str]:
        return iter(self._codes)

    def __len__(self) -> int:
        return len(self._codes)

    def text(self) -> str:
        """Return the table as the lines it was built from."""
        return self._text

    def starting_with(self, prefix: str, limit: int | None = None) -> list[IcdCode]:
        """Return the codes that start with a normalized prefix, in code order."""
        found: list[IcdCode] = []
        codes, index = self._codes, bisect_left(self._codes, prefix)
        while index < len(codes) and codes[index].startswith(prefix) and len(found) != limit:
            found.append(self[codes[index]])
            index += 1
        return found

    def matching(self, query_words: list[str], limit: int) -> list[IcdCode]:
        """Return codes whose description has a word starting with each query word."""
        wanted = [(" " + word).encode("ascii") for word in query_words]
        anchor = max(wanted, key=len)  # the longest word is likely the rarest
        found: list[IcdCode] = []
        search, text, at = self._search_text, self._text, 0
        while len(found) < limit:
            hit = search.find(anchor, at)
            if hit < 0:
                break
            start = search.rfind(b"\n", 0, hit) + 1
            end = search.find(b"\n", hit)
            code_end = text.index("\t", start)
            # The tab before the description reads as a space in the search text, so a word at
            # the start of the description matches too; hits in the code or flag column do not.
            description = text.index("\t", code_end + 1)
            if hit >= description and all(word in search[description:end] for word in wanted):
                found.append(self[text[start:code_end]])
            at = end + 1
        return found

    @cached_property
    def _search_text(self) -> bytes:
        # Descriptions are ASCII but for a few accented names; fold those to one ASCII letter each
        # so every character stays one byte and offsets match self._text.
        return fold(self._text).encode("ascii", "replace").translate(_SEARCH_BYTES)


@dataclass(frozen=True)
class CodeSet:
    release: str  # named wherever a code is validated, e.g. "ICD-10-CM FY2026 (April 2026)"
    effective_from: date
    effective_to: date
    codes: Mapping[str, IcdCode]  # keyed by the normalized code

    def get(self, code: str) -> IcdCode | None:
        """Return the code as this release has it, or None when the release does not have it."""
        return self.codes.get(normalize(code))

    def in_force_on(self, day: date) -> bool:
        """Say whether this release is the one for a date of service."""
        return self.effective_from <= day <= self.effective_to

    def parent(self, code: str) -> IcdCode | None:
        """Return the nearest header above a code (placeholder X positions are skipped)."""
        compact = normalize(code).replace(".", "")
        for end in range(len(compact) - 1, 2, -1):
            found = self.get(compact[:end])
            if found is not None:
                return found
        return None

    def children(self, code: str) -> list[IcdCode]:
        """Return the codes directly under a header, in code order."""
        head = normalize(code)
        return [
            child
            for child in self._table.starting_with(head)
            if child.code != head and (above := self.parent(child.code)) and above.code == head
        ]

    def search(self, query: str, limit: int = 20) -> list[IcdCode]:
        """Find codes by code prefix ("F41", "f41.1") or by words that each begin a word."""
        query = query.strip()
        if _CODE_LIKE.fullmatch(query.upper()) and any(char.isdigit() for char in query):
            found = self._table.starting_with(normalize(query), limit)
            if found:
                return found
        query_words = words(query)
        return self._table.matching(query_words, limit) if query_words else []

    @cached_property
    def _table(self) -> CodeTable:
        if isinstance(self.codes, CodeTable):
            return self.codes
        return CodeTable.from_codes(self.codes.values())
