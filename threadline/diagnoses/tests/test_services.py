"""Loading releases: codes in code order with their headers, the word index, replacing."""

from __future__ import annotations

import pytest

from threadline.audit.models import AuditEvent
from threadline.diagnoses import services
from threadline.diagnoses.models import IcdCode, IcdRelease, IcdWord, IcdWordCode, IcdWordHead
from threadline.diagnoses.services import (
    ReleaseAlreadyLoaded,
    ensure_default_release,
    load_release,
)
from threadline.diagnoses.tests.codesets import FY2026, crowded, fy2026, fy2027


def test_loading_a_release_stores_it_with_its_dates_and_code_count(release: IcdRelease) -> None:
    stored = IcdRelease.objects.get()
    assert (stored.name, str(stored.effective_from), str(stored.effective_to)) == (
        FY2026,
        "2026-04-01",
        "2026-09-30",
    )
    assert stored.code_count == 22 == IcdCode.objects.filter(release=release).count()


def test_codes_take_consecutive_ids_in_code_order(release: IcdRelease) -> None:
    codes = list(IcdCode.objects.filter(release=release).values_list("id", "code")[:6])
    first = codes[0][0]
    assert codes == [
        (first, "F32"),
        (first + 1, "F32.0"),
        (first + 2, "F32.9"),
        (first + 3, "F32.A"),
        (first + 4, "F41"),
        (first + 5, "F41.0"),
    ]


def test_a_second_release_takes_ids_after_the_first(release: IcdRelease) -> None:
    newer = load_release(fy2027())
    last = IcdCode.objects.filter(release=release).order_by("id").last()
    first = IcdCode.objects.filter(release=newer).order_by("id").first()
    assert last is not None and first is not None
    assert (first.id, first.code) == (last.id + 1, "F32")


@pytest.mark.parametrize(
    ("code", "parent_code"),
    [
        ("F41.1", "F41"),
        ("F43.10", "F43.1"),
        ("F43.1", "F43"),
        ("F41", ""),
        ("F99", ""),
        ("T40.1X1A", "T40.1X1"),  # the placeholder X is a code of its own here
        ("T40.1", ""),  # T40 is not in the hand-made release
        ("Z63.31", "Z63.3"),
    ],
)
def test_each_code_keeps_its_nearest_header(
    release: IcdRelease, code: str, parent_code: str
) -> None:
    parent = IcdCode.objects.select_related("parent").get(release=release, code=code).parent
    assert (parent.code if parent else "") == parent_code


def test_billable_codes_and_headers_keep_their_flag(release: IcdRelease) -> None:
    billable = dict(IcdCode.objects.filter(release=release).values_list("code", "billable"))
    assert (billable["F41.1"], billable["F41"], billable["F43.1"], billable["F99"]) == (
        True,
        False,
        False,
        True,
    )


def test_the_word_index_leaves_out_stop_words_and_counts_codes(release: IcdRelease) -> None:
    words = dict(IcdWord.objects.filter(release=release).values_list("word", "code_count"))
    assert "of" not in words and "and" not in words and "by" not in words
    assert (words["anxiety"], words["disorder"], words["ptsd"], words["traumatic"]) == (4, 10, 1, 4)


def test_word_ranks_follow_alphabetical_order(release: IcdRelease) -> None:
    ordered = list(IcdWord.objects.filter(release=release).values_list("word", flat=True))
    assert ordered == sorted(ordered)
    ranks = list(IcdWord.objects.filter(release=release).values_list("rank", flat=True))
    assert ranks == list(range(len(ordered)))


def test_each_word_points_at_the_codes_that_use_it(release: IcdRelease) -> None:
    anxiety = IcdWord.objects.get(release=release, word="anxiety")
    postings = IcdWordCode.objects.filter(release=release, word_rank=anxiety.rank)
    codes = IcdCode.objects.filter(pk__in=postings.values("code_id"))
    assert list(codes.values_list("code", flat=True)) == ["F41", "F41.0", "F41.1", "F41.9"]


def test_heads_hold_the_first_codes_of_a_crowded_word(db: None) -> None:
    release = load_release(crowded())
    first = IcdCode.objects.get(release=release, code="A00").pk
    alpha = IcdWord.objects.get(release=release, word="alpha")
    delta = IcdWord.objects.get(release=release, word="delta")
    rare = IcdWord.objects.get(release=release, word="rare")
    head = IcdWordHead.objects.filter(release=release, word_rank=alpha.rank)
    assert list(head.order_by("code_id").values_list("code_id", flat=True)) == list(
        range(first, first + 64)
    )
    assert (alpha.code_count, alpha.head_end) == (200, first + 63)
    assert (delta.code_count, delta.head_end) == (80, first + 63)
    assert (rare.code_count, rare.head_end) == (4, None)
    assert IcdWordHead.objects.filter(release=release, word_rank=rare.rank).count() == 4


def test_loading_the_same_release_twice_is_refused(release: IcdRelease) -> None:
    with pytest.raises(ReleaseAlreadyLoaded, match="already loaded"):
        load_release(fy2026())
    assert IcdRelease.objects.count() == 1


def test_replacing_a_release_swaps_its_codes_and_its_index(release: IcdRelease) -> None:
    extra = [("F41.8", "Other specified anxiety disorders", True)]
    replaced = load_release(fy2026(extra), replace=True)
    assert list(IcdRelease.objects.values_list("pk", flat=True)) == [replaced.pk]
    assert IcdCode.objects.count() == 23
    assert IcdCode.objects.filter(release_id=release.pk).count() == 0
    assert IcdWordCode.objects.filter(release_id=release.pk).count() == 0
    assert IcdWordHead.objects.filter(release_id=release.pk).count() == 0
    assert IcdWord.objects.get(release=replaced, word="anxiety").code_count == 5


def test_loading_a_release_is_audited(db: None) -> None:
    release = load_release(fy2026())
    event = AuditEvent.objects.get(action="icd.release.load")
    assert (event.object_type, event.object_id, event.actor) == (
        "diagnoses.icdrelease",
        str(release.pk),
        None,
    )
    assert event.detail == {"release": FY2026, "codes": 22, "replaced": False}


def test_a_failed_load_leaves_nothing_behind(db: None, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "_analyze", broken)
    with pytest.raises(RuntimeError):
        load_release(fy2026())
    assert (IcdRelease.objects.count(), IcdCode.objects.count(), IcdWordCode.objects.count()) == (
        0,
        0,
        0,
    )


def test_ensure_default_release_keeps_a_release_already_loaded(
    release: IcdRelease, monkeypatch: pytest.MonkeyPatch
) -> None:
    def unexpected() -> None:
        raise AssertionError("the shipped file should not be read")

    monkeypatch.setattr("threadline.icd.load_default", unexpected)
    assert ensure_default_release() == release
    assert IcdRelease.objects.count() == 1
