"""Loading ICD-10-CM releases into the database: the only writes this app makes."""

from __future__ import annotations

from collections.abc import Container, Iterable
from itertools import islice
from typing import Any

from django.db import connection, models, transaction
from django.db.models import Max

from threadline.audit.services import record
from threadline.diagnoses.indexing import index_words
from threadline.diagnoses.models import IcdCode, IcdRelease, IcdWord, IcdWordCode, IcdWordHead
from threadline.rules.codeset import CodeSet, normalize

# Rows per INSERT on SQLite: 24,000 values for IcdCode's six columns, under its limit of 32,766.
BATCH_SIZE = 4000


class ReleaseAlreadyLoaded(ValueError):
    pass


def load_release(codeset: CodeSet, *, replace: bool = False, actor: Any = None) -> IcdRelease:
    """Load a release's codes and build its word index, in one transaction.

    A release already loaded under the same name is refused, or with `replace` deleted first (a
    corrected file for the same release). Plans keep the code and release name they were written
    with, so replacing a release never rewrites a plan.
    """
    with transaction.atomic():
        existing = IcdRelease.objects.filter(name=codeset.release).first()
        if existing is not None:
            if not replace:
                raise ReleaseAlreadyLoaded(f"{codeset.release} is already loaded")
            existing.delete()
        codes = [codeset.codes[code] for code in sorted(codeset.codes)]
        release = IcdRelease.objects.create(
            name=codeset.release,
            effective_from=codeset.effective_from,
            effective_to=codeset.effective_to,
            code_count=len(codes),
        )
        # Ids in code order (see IcdCode.id). Two loads at once would pick the same ids, and the
        # second would fail on the primary key and roll back whole.
        first_id = (IcdCode.objects.aggregate(last=Max("id"))["last"] or 0) + 1
        ids = {code.code: first_id + position for position, code in enumerate(codes)}
        _insert(
            IcdCode,
            ["id", "release_id", "code", "description", "billable", "parent_id"],
            (
                (
                    ids[code.code],
                    release.pk,
                    code.code,
                    code.description,
                    code.billable,
                    ids.get(_parent_code(code.code, ids)),
                )
                for code in codes
            ),
        )
        _build_word_index(
            release, ((ids[code.code], index_words(code.description)) for code in codes)
        )
        _analyze(IcdCode, IcdWord, IcdWordCode, IcdWordHead)
        record(
            "icd.release.load",
            actor=actor,
            obj=release,
            detail={"release": release.name, "codes": len(codes), "replaced": existing is not None},
        )
    _vacuum(IcdCode, IcdWord, IcdWordCode, IcdWordHead)
    return release


def ensure_default_release(actor: Any = None) -> IcdRelease:
    """Load the shipped release when the database holds none; return the newest release."""
    newest = IcdRelease.objects.newest_first().first()
    if newest is not None:
        return newest
    from threadline.icd import load_default  # reads and parses the shipped file: only if needed

    return load_release(load_default(), actor=actor)


def _parent_code(code: str, known: Container[str]) -> str:
    # As CodeSet.parent: drop characters from the end until a code of the release is left, which
    # also steps over placeholder Xs ("T40.1X1A" -> "T40.1X1").
    compact = code.replace(".", "")
    for end in range(len(compact) - 1, 2, -1):
        parent = normalize(compact[:end])
        if parent in known:
            return parent
    return ""


def _build_word_index(release: IcdRelease, code_words: Iterable[tuple[int, set[str]]]) -> None:
    codes: dict[str, list[int]] = {}  # word -> ids of the codes using it, in code order
    for code_id, found in code_words:
        for word in found:
            codes.setdefault(word, []).append(code_id)
    vocabulary = sorted(codes)
    head_size = IcdWordHead.HEAD_SIZE
    _insert(
        IcdWord,
        ["release_id", "word", "rank", "code_count", "head_end"],
        (
            (
                release.pk,
                word,
                rank,
                len(codes[word]),
                codes[word][head_size - 1] if len(codes[word]) > head_size else None,
            )
            for rank, word in enumerate(vocabulary)
        ),
    )
    _insert(
        IcdWordCode,
        ["release_id", "word_rank", "code_id"],
        (
            (release.pk, rank, code_id)
            for rank, word in enumerate(vocabulary)
            for code_id in codes[word]
        ),
    )
    _insert(
        IcdWordHead,
        ["release_id", "word_rank", "code_id"],
        (
            (release.pk, rank, code_id)
            for rank, word in enumerate(vocabulary)
            for code_id in codes[word][:head_size]
        ),
    )


def _insert(model: type[models.Model], columns: list[str], rows: Iterable[tuple[Any, ...]]) -> None:
    """Insert plain tuples, one value per column."""
    # Tuples, not model instances: bulk_create spends about 40 microseconds of Python on each
    # instance, which is 35 seconds for the 870,000 rows of the word index.
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(column) for column in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY, because psycopg spends seconds splitting long multi-row INSERTs.
            with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        one_row = "(" + ", ".join(["%s"] * len(columns)) + ")"
        iterator = iter(rows)
        while batch := list(islice(iterator, BATCH_SIZE)):
            values = ", ".join([one_row] * len(batch))
            cursor.execute(
                f"INSERT INTO {table} ({names}) VALUES {values}",  # noqa: S608 (our own names)
                [value for row in batch for value in row],
            )


def _analyze(*models_: type[models.Model]) -> None:
    # Fresh statistics let both planners pick the word-range index over a scan in code order;
    # ANALYZE runs inside a transaction on SQLite and PostgreSQL alike.
    with connection.cursor() as cursor:
        for model in models_:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def _vacuum(*models_: type[models.Model]) -> None:
    # PostgreSQL answers from an index alone only for table pages VACUUM has marked all-visible;
    # until autovacuum comes by, every word-index read also visits the table (5 ms instead of
    # 1.5 ms for "self harm"). VACUUM cannot run inside a transaction, so not in tests.
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        for model in models_:
            cursor.execute(f"VACUUM ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
