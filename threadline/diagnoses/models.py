"""ICD-10-CM releases in the database: their codes, and the word index the picker searches.

A release's codes take consecutive ids in code order, so "the first twenty matches in code
order" is a sort of integers. The word index (`IcdWord`, `IcdWordCode`, `IcdWordHead`) is
built by `services.load_release` and read by `search.search`; nothing else writes it.
README.md beside this file explains how a search uses it.
"""

from __future__ import annotations

from datetime import date

from django.db import models
from django.utils import timezone


class IcdReleaseQuerySet(models.QuerySet["IcdRelease"]):
    def in_force_on(self, day: date) -> IcdReleaseQuerySet:
        return self.filter(effective_from__lte=day, effective_to__gte=day)

    def newest_first(self) -> IcdReleaseQuerySet:
        return self.order_by("-effective_from", "-loaded_at", "-id")


class IcdRelease(models.Model):
    """One ICD-10-CM release, such as the FY2026 codes with their April 1, 2026 update."""

    name = models.CharField(max_length=200, unique=True)
    # Dates of service the release governs: a code is valid or billable "as of" a release.
    effective_from = models.DateField()
    effective_to = models.DateField()
    loaded_at = models.DateTimeField(default=timezone.now)
    code_count = models.PositiveIntegerField(default=0)

    objects = IcdReleaseQuerySet.as_manager()

    class Meta:
        ordering = ["-effective_from", "-loaded_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(effective_to__gte=models.F("effective_from")),
                name="icd_release_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def in_force_on(self, day: date) -> bool:
        return self.effective_from <= day <= self.effective_to


class IcdCode(models.Model):
    """A category, subcategory or billable code of one release."""

    # Given out by load_release, not by the database: a release's codes take consecutive ids in
    # code order. So "the first twenty matches in code order" is a sort of integers, and every
    # code's header has its id before anything is inserted.
    id = models.BigIntegerField(primary_key=True)
    release = models.ForeignKey(IcdRelease, models.CASCADE, related_name="codes")
    code = models.CharField(max_length=8)  # with its dot, upper case: "F41.1"
    description = models.CharField(max_length=400)
    # A leaf of the tabular list. Headers (F41, F43.1) are valid codes but never go on a claim.
    billable = models.BooleanField()
    # The nearest header above: F41 for F41.1, T40.1X1 for T40.1X1A. None for a category.
    # Deleted with its release, never alone, hence DO_NOTHING.
    parent = models.ForeignKey(
        "self", models.DO_NOTHING, null=True, blank=True, related_name="children"
    )

    class Meta:
        ordering = ["id"]
        constraints = [
            # Also the index code-prefix searches walk: code BETWEEN 'F41' AND 'F41ZZZ...'.
            models.UniqueConstraint(fields=["release", "code"], name="icd_code_unique_in_release"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.description}"


class IcdWord(models.Model):
    """One distinct word of a release's descriptions, with how many codes use it.

    Words get their `rank` in alphabetical order, so every word starting with "anx" has a rank in
    one unbroken range and a word-prefix search is a range of small integers.
    """

    release = models.ForeignKey(IcdRelease, models.CASCADE, related_name="words")
    word = models.CharField(max_length=100)  # lower case, accents folded: "sezary"
    rank = models.PositiveIntegerField()
    code_count = models.PositiveIntegerField()
    # Id of the last code in this word's head (see IcdWordHead); None when the head holds every
    # code of the word.
    head_end = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["release_id", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["release", "word"], name="icd_word_unique_in_release"),
            models.UniqueConstraint(
                fields=["release", "rank"], name="icd_word_rank_unique_in_release"
            ),
        ]

    def __str__(self) -> str:
        return self.word


class IcdWordCode(models.Model):
    """A word appears in a code's description: one row per word and code (the postings)."""

    pk = models.CompositePrimaryKey("release_id", "word_rank", "code_id")
    # No constraints in the database: these rows are written only by load_release, in the
    # transaction that creates their release and codes, and Django deletes them with it.
    # Checking 740,000 deferred constraints at commit took six of a load's thirteen seconds on
    # PostgreSQL.
    release = models.ForeignKey(IcdRelease, models.CASCADE, related_name="+", db_constraint=False)
    word_rank = models.PositiveIntegerField()
    code = models.ForeignKey(IcdCode, models.DO_NOTHING, related_name="+", db_constraint=False)

    class Meta:
        indexes = [
            # Answers "does this code also have a word starting with ...?" for the other words.
            models.Index(fields=["code", "word_rank"], name="icd_word_code_by_code"),
        ]

    def __str__(self) -> str:
        return f"word {self.word_rank} in code {self.code_id}"


class IcdWordHead(models.Model):
    """The first codes of each word, in code order: HEAD_SIZE rows at most per word.

    "disorder" is in 2,109 codes and "sub" starts words in 25,115. Reading all of them to keep
    the first twenty is what made a plain word index slow; the heads usually hold the answer.
    """

    HEAD_SIZE = 64

    pk = models.CompositePrimaryKey("release_id", "word_rank", "code_id")
    # No constraints in the database, as for IcdWordCode.
    release = models.ForeignKey(IcdRelease, models.CASCADE, related_name="+", db_constraint=False)
    word_rank = models.PositiveIntegerField()
    code = models.ForeignKey(IcdCode, models.DO_NOTHING, related_name="+", db_constraint=False)

    def __str__(self) -> str:
        return f"word {self.word_rank} heads with code {self.code_id}"
