"""The shipped release, loaded whole: counts, and searches bounded in queries and exact."""

from __future__ import annotations

import pytest
from pytest_django import DjangoAssertNumQueries

from threadline.diagnoses import search as icd
from threadline.diagnoses.models import IcdCode, IcdRelease
from threadline.diagnoses.services import ensure_default_release
from threadline.diagnoses.tests.codesets import Scan
from threadline.icd import load_default

# Rare and common words, prefixes that start tens of thousands of codes, and pairs whose first
# page is not in the heads ("un fr"), so every path of the word search runs on the real index.
WORD_QUERIES = [
    "generalized anxiety",
    "generaliz anx",
    "major depressive recurrent",
    "bipolar",
    "schizoaffective",
    "sub",
    "dis",
    "un",
    "vehicle",
    "closed fracture",
    "subsequent encounter",
    "un fr",
    "xyzzy",
]
CODE_QUERIES = {
    "F41": ["F41.0", "F41.1", "F41.3", "F41.8", "F41.9"],
    "f43.1": ["F43.10", "F43.11", "F43.12"],
    "F4311": ["F43.11"],
    "Z63.3": ["Z63.31", "Z63.32"],
}


@pytest.mark.django_db(transaction=False)
def test_the_shipped_release_loads_and_every_search_is_a_few_queries(
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    release = ensure_default_release()
    assert (release.name, release.code_count) == (
        "ICD-10-CM FY2026 (April 1, 2026 update)",
        98_186,
    )
    assert IcdCode.objects.filter(release=release, billable=True).count() == 74_719
    assert ensure_default_release() == release
    assert IcdRelease.objects.count() == 1

    for query, expected in CODE_QUERIES.items():
        with django_assert_max_num_queries(2):
            result = icd.search(query, release=release)
        assert [code.code for code in result.choices] == expected

    scan = Scan(load_default())
    for query in WORD_QUERIES:
        # Vocabulary, heads, all codes when the heads fall short, codes under headers, headers.
        with django_assert_max_num_queries(5):
            result = icd.search(query, release=release)
        # The codes the words find must be the ones a scan of the same release finds.
        found = icd._by_words(release.pk, query, icd.DEFAULT_LIMIT)
        scanned = scan.search(query)
        assert [row.code.code for row in found] == scanned[: icd.DEFAULT_LIMIT + 1], query

    with django_assert_max_num_queries(1):
        assert icd.release_for(release.effective_from) == icd.ReleaseFor(release, in_force=True)
