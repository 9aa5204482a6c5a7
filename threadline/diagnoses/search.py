"""Finding ICD-10-CM codes: the release for a date of service, one code, and the picker's search.

Reads only. The search's queries are SQL written out here rather than built with the ORM: the
ORM took 1.5 ms to build each one and the database 0.15 ms to answer it, and a search makes up
to four in a budget of 10 ms (bench/bench_icd_picker.py). It is plain SQL that SQLite and
PostgreSQL both run, with parameters. README.md beside this file explains the word index.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import connection
from django.utils import timezone

from threadline.diagnoses import models
from threadline.diagnoses.indexing import query_words
from threadline.rules.codeset import IcdCode, normalize

DEFAULT_LIMIT = 20
# A page must fit in a word's head with one code to spare, which says whether there are more.
MAX_LIMIT = models.IcdWordHead.HEAD_SIZE - 1
MIN_QUERY_LENGTH = 2
# A first word in at most this many codes is read whole: a few hundred microseconds of index.
# Above it the heads are read first (see _by_words).
READ_WHOLE_UP_TO = 2000

# A letter, then digits or letters, an optional dot, up to four more: "F41", "f41.1", "F411",
# "Z63.0". Read as a code prefix only when it holds a digit, so "flu" stays a word.
_CODE_PREFIX = re.compile(r"[A-Z][0-9A-Z]{1,2}\.?[0-9A-Z]{0,4}")
# Longer than any code or word; "Z" and "z" sort after every digit and letter in every collation,
# so `value BETWEEN prefix AND prefix + PAD` is a prefix match that walks a plain btree index
# (LIKE 'F41%' would need a pattern-ops index on PostgreSQL under most collations).
_PAD = 64

_CODES = models.IcdCode._meta.db_table
_WORDS = models.IcdWord._meta.db_table
_POSTINGS = models.IcdWordCode._meta.db_table
_HEADS = models.IcdWordHead._meta.db_table
# Every search ends here: codes with their header, in code order (ids run in code order). The
# SQL below is put together from these table names and fixed text only; values are parameters.
_SELECT_CODES = f"""
    SELECT c.id, c.code, c.description, c.billable, p.code, p.description
    FROM {_CODES} c LEFT JOIN {_CODES} p ON p.id = c.parent_id
"""  # noqa: S608


@dataclass(frozen=True)
class ReleaseFor:
    """The release to use for a date of service, and whether it is in force on that date."""

    release: models.IcdRelease
    in_force: bool


@dataclass
class Node:
    """A line of the results: a header (never a choice) with what was found under it, or a
    billable code to choose."""

    code: IcdCode
    items: list[Node] = field(default_factory=list)

    @property
    def is_heading(self) -> bool:
        return not self.code.billable


@dataclass
class SearchResult:
    query: str
    on: date  # the date of service the release was chosen for
    release: models.IcdRelease | None  # None: no release is loaded
    in_force: bool = False  # False: none is in force on that date, so the newest was searched
    by_code: bool = False  # the query was read as a code prefix
    nodes: list[Node] = field(default_factory=list)
    more: bool = False  # there are matches after the last one shown
    too_short: bool = False

    @property
    def choices(self) -> list[IcdCode]:
        """The billable codes found, in code order."""
        found: list[IcdCode] = []
        stack = list(reversed(self.nodes))
        while stack:
            node = stack.pop()
            if not node.is_heading:
                found.append(node.code)
            stack.extend(reversed(node.items))
        return found


def release_for(day: date) -> ReleaseFor | None:
    """Return the release in force on a date of service, else the newest one, flagged."""
    releases = list(models.IcdRelease.objects.newest_first())  # a handful: one a year or so
    for release in releases:
        if release.in_force_on(day):
            return ReleaseFor(release, in_force=True)
    return ReleaseFor(releases[0], in_force=False) if releases else None


def lookup(code: str, release: models.IcdRelease) -> models.IcdCode | None:
    """Return a code as a release has it ("f41.1", "F411" and "F41.1" alike), with its header."""
    codes = models.IcdCode.objects.select_related("parent")
    return codes.filter(release=release, code=normalize(code)).first()


def search(
    query: str,
    *,
    release: models.IcdRelease | None = None,
    on: date | None = None,
    limit: int = DEFAULT_LIMIT,
) -> SearchResult:
    """Find codes by code prefix ("F41", "f41.1", "F411") or by words that each start a word.

    A code prefix finds the billable codes under it, in code order, so an exact code comes
    first. Words ("generaliz anx") find the codes, billable or header, whose description has a
    word starting with each of them, in code order, and a header found brings the billable codes
    under it. Either way every billable code is shown under its header, and headers are never
    choices. `limit` counts the codes found, not the headers shown above them.

    Without a release, the one in force on `on` (the date of service; default today) is searched.
    """
    query = " ".join(query.split())
    day = on or timezone.localdate()
    if release is None:
        chosen = release_for(day)
        if chosen is None:
            return SearchResult(query, day, None)
        release = chosen.release
    result = SearchResult(query, day, release, in_force=release.in_force_on(day))
    if len(query) < MIN_QUERY_LENGTH:
        result.too_short = True
        return result
    limit = max(1, min(limit, MAX_LIMIT))
    result.by_code = _is_code_prefix(query)
    found = _by_code(release.pk, query, limit) if result.by_code else []
    if not found:
        result.by_code = False
        found = _with_codes_under_headers(release.pk, _by_words(release.pk, query, limit), limit)
    result.nodes = _tree(found[:limit])
    result.more = len(found) > limit
    return result


@dataclass(frozen=True)
class _Row:
    id: int
    code: IcdCode
    parent: IcdCode | None


def _rows(sql: str, params: Sequence[Any]) -> list[_Row]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [
            _Row(
                id,
                IcdCode(code, description, bool(billable)),  # SQLite answers 0 or 1
                IcdCode(parent_code, parent_description, False) if parent_code else None,
            )
            for id, code, description, billable, parent_code, parent_description in cursor
        ]


def _is_code_prefix(query: str) -> bool:
    return bool(_CODE_PREFIX.fullmatch(query.upper())) and any(c.isdigit() for c in query)


def _by_code(release_id: int, query: str, limit: int) -> list[_Row]:
    # Ordered by code, not id (the same order), so the walk of the code index from the prefix
    # stops at the limit.
    prefix = normalize(query)
    return _rows(
        f"""{_SELECT_CODES}
        WHERE c.release_id = %s AND c.billable = %s AND c.code BETWEEN %s AND %s
        ORDER BY c.code LIMIT %s""",
        [release_id, True, prefix, prefix + "Z" * _PAD, limit + 1],
    )


@dataclass(frozen=True)
class _Term:
    """A query word as the ranks of every indexed word it begins."""

    low: int
    high: int
    code_count: int  # an upper bound: a code with two of the words counts twice
    # The heads hold every code of these words up to this code id; None: all of their codes.
    heads_cover_to: int | None


def _terms(release_id: int, query: list[str]) -> list[_Term] | None:
    """Resolve every query word in one read of the vocabulary; None when one matches nothing."""
    ranges = " OR ".join(["word BETWEEN %s AND %s"] * len(query))
    params: list[Any] = [release_id]
    for word in query:
        params += [word, word + "z" * _PAD]
    found: dict[str, list[tuple[str, int, int, int | None]]] = {word: [] for word in query}
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT word, rank, code_count, head_end FROM {_WORDS} "  # noqa: S608
            f"WHERE release_id = %s AND ({ranges})",
            params,
        )
        for row in cursor:
            for word in query:
                if row[0].startswith(word):
                    found[word].append(row)
    if not all(found.values()):
        return None
    terms = []
    for rows in found.values():
        ends = [head_end for _, _, _, head_end in rows if head_end is not None]
        terms.append(
            _Term(
                low=min(rank for _, rank, _, _ in rows),
                high=max(rank for _, rank, _, _ in rows),
                code_count=sum(count for _, _, count, _ in rows),
                heads_cover_to=min(ends) if ends else None,
            )
        )
    return terms


def _by_words(release_id: int, query: str, limit: int) -> list[_Row]:
    terms = _terms(release_id, query_words(query))
    if not terms:
        return []
    # Start from the rarest word; the others only filter its codes.
    first, *others = sorted(terms, key=lambda term: term.code_count)
    if first.heads_cover_to is None:
        return _matching(_HEADS, release_id, first, others, limit)
    if first.code_count <= READ_WHOLE_UP_TO:
        return _matching(_POSTINGS, release_id, first, others, limit)
    # "sub" starts words in 25,000 codes: sorting them all for the first twenty costs more than
    # the budget. Up to `heads_cover_to` the heads hold every one of them, so a full page found
    # there is the true first page; only when it is not are all of them read.
    page = _matching(_HEADS, release_id, first, others, limit, upto=first.heads_cover_to)
    if len(page) > limit:
        return page
    return _matching(_POSTINGS, release_id, first, others, limit)


def _matching(
    index: str,
    release_id: int,
    first: _Term,
    others: list[_Term],
    limit: int,
    upto: int | None = None,
) -> list[_Row]:
    """The first codes, in code order, with a word of the first term and of every other one."""
    where = ["w.release_id = %s", "w.word_rank BETWEEN %s AND %s"]
    params: list[Any] = [release_id, first.low, first.high]
    if upto is not None:
        where.append("w.code_id <= %s")
        params.append(upto)
    for term in others:
        where.append(
            f"EXISTS (SELECT 1 FROM {_POSTINGS} o "  # noqa: S608
            "WHERE o.code_id = w.code_id AND o.word_rank BETWEEN %s AND %s)"
        )
        params += [term.low, term.high]
    params.append(limit + 1)
    # MATERIALIZED: read the first term's codes, then sort them. Left to itself, PostgreSQL may
    # instead walk the (code, word) index in code order hoping to meet twenty early, and a word
    # whose codes are all near the end of the release (V, W, X, Y) makes that walk the whole
    # index. SQLite (3.35 and later) reads it the same way.
    return _rows(
        f"""WITH found AS MATERIALIZED (
            SELECT w.code_id FROM {index} w WHERE {" AND ".join(where)}
        )
        {_SELECT_CODES}
        WHERE c.id IN (SELECT DISTINCT code_id FROM found ORDER BY code_id LIMIT %s)
        ORDER BY c.id""",  # noqa: S608
        params,
    )


def _with_codes_under_headers(release_id: int, found: list[_Row], limit: int) -> list[_Row]:
    """Add the billable codes under each header found: "PTSD" is in F43.1's description only.

    Only the headers of the first page count: a code under a later one sorts after the page.
    """
    headers = [row.code.code for row in found[:limit] if not row.code.billable]
    if not headers:
        return found
    # "+ 0": ordered by the bare id, both planners walk the whole primary key in order hoping to
    # meet the ranges early, which took 37 ms for "personal history"; this way they read the
    # ranges from the code index and sort what they find.
    ranges = " OR ".join(["c.code BETWEEN %s AND %s"] * len(headers))
    params: list[Any] = [release_id, True]
    for header in headers:
        params += [header, header + "Z" * _PAD]
    params.append(limit + 1)
    under = _rows(
        f"""{_SELECT_CODES}
        WHERE c.release_id = %s AND c.billable = %s AND ({ranges})
        ORDER BY c.id + 0 LIMIT %s""",
        params,
    )
    merged = {row.id: row for row in [*found, *under]}
    return [merged[id] for id in sorted(merged)]


def _tree(found: list[_Row]) -> list[Node]:
    """Put each code under its header, and a header under another one shown above it."""
    shown = {row.code.code: Node(row.code) for row in found if not row.code.billable}
    for row in found:
        if row.code.billable and row.parent is not None:
            shown.setdefault(row.parent.code, Node(row.parent))
    roots: list[Node] = []
    placed: set[str] = set()

    def place(node: Node) -> None:
        # ICD-10-CM is a tree of prefixes: the nearest shown header above a code is the longest
        # shown code that begins it.
        code = node.code.code
        above = [shown[c] for c in shown if c != code and code.startswith(c)]
        if not above:
            roots.append(node)
            return
        parent = max(above, key=lambda candidate: len(candidate.code.code))
        if parent.code.code not in placed:
            placed.add(parent.code.code)
            place(parent)
        parent.items.append(node)

    for row in found:
        if row.code.billable:
            place(Node(row.code))
        elif row.code.code not in placed:
            placed.add(row.code.code)
            place(shown[row.code.code])
    return roots
