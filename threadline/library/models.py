"""The plan content library: shipped entries (practice NULL) and each practice's own.

An entry's structured content is one JSON document (`threadline.library.content.EntryContent`),
ready to insert into a plan. Beside it sit columns copied out of it for searching, so a search
never has to open the JSON: the codes and modality keys as space-padded lists (" F41.1 F40.01 ",
so a prefix search is a plain `contains`) and one lower-case text of everything searchable.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Case, Q, Value, When
from django.utils import timezone

from threadline.library.content import EntryContent
from threadline.rules import modalities
from threadline.rules.codeset import CodeSet, normalize

if TYPE_CHECKING:
    from threadline.accounts.models import Practice

# One token of a letter, a digit and up to five more is read as an ICD-10-CM code prefix.
_CODE_PREFIX = re.compile(r"[A-Z][0-9][0-9A-Z]?(?:\.?[0-9A-Z]{0,4})")
# Search text keeps letters, digits and the marks inside names such as "GAD-7" and "F41.1".
_NOT_SEARCHED = re.compile(r"[^\w.\-%]+")


def search_words(text: str) -> list[str]:
    return _NOT_SEARCHED.sub(" ", text.casefold()).split()


def modality_named(query: str) -> str | None:
    """The key of the modality a whole query names ("CBT", "exposure therapy"), if it does."""
    wanted = query.strip().casefold()
    for modality in modalities.MODALITIES:
        spellings = (
            modality.key,
            modality.name,
            *modality.names,
            *modality.abbreviations,
            *modality.field_only,
        )
        if wanted in {spelling.casefold() for spelling in spellings}:
            return modality.key
    return None


class EntryQuerySet(models.QuerySet["LibraryEntry"]):
    def shipped(self) -> EntryQuerySet:
        return self.filter(practice__isnull=True)

    def visible_to(self, practice: Practice) -> EntryQuerySet:
        """Shipped entries and the practice's own; another practice's are never in it."""
        return self.filter(Q(practice__isnull=True) | Q(practice=practice))

    def current(self) -> EntryQuerySet:
        return self.filter(retired=False)

    def search(self, query: str = "", modality: str = "") -> EntryQuerySet:
        """Entries for a code prefix ("F41", "f43.1"), a modality ("CBT"), or problem words.

        Words must all appear somewhere in the entry; entries whose title holds the query come
        first.
        """
        found = self
        if modality:
            found = found.filter(modalities__contains=f" {modality} ")
        query = " ".join(query.split())
        if not query:
            return found
        if _CODE_PREFIX.fullmatch(query.upper()):
            return found.filter(codes__contains=f" {normalize(query)}")
        named = modality_named(query)
        if named is not None:
            return found.filter(modalities__contains=f" {named} ")
        # Each word must begin a word of the entry: "worr" finds "worry", "no" does not find "not".
        for word in search_words(query):
            found = found.filter(search_text__contains=f" {word}")
        return found.annotate(
            title_match=Case(When(title__icontains=query, then=Value(0)), default=Value(1))
        ).order_by("title_match", "title", "id")


class LibraryEntry(models.Model):
    # NULL for entries shipped with Threadline from threadline/library/data/.
    practice = models.ForeignKey(
        "accounts.Practice",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="library_entries",
    )
    # A shipped entry's data-file name, by which sync_shipped_library updates it in place.
    slug = models.SlugField(max_length=80, blank=True)
    title = models.CharField(max_length=120)
    summary = models.TextField()
    content = models.JSONField()
    codes = models.CharField(max_length=500)
    modalities = models.CharField(max_length=500)
    search_text = models.TextField()
    # The ICD-10-CM release the codes were checked against when the entry was last saved.
    codes_release = models.CharField(max_length=80)
    retired = models.BooleanField(default=False)
    retired_at = models.DateTimeField(null=True, blank=True)
    copied_from = models.ForeignKey(
        "self", models.SET_NULL, null=True, blank=True, related_name="copies"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = EntryQuerySet.as_manager()

    class Meta:
        ordering = ["title", "id"]
        verbose_name_plural = "library entries"
        constraints = [
            models.UniqueConstraint(
                fields=["slug"],
                condition=Q(practice__isnull=True),
                name="library_shipped_slug_unique",
            ),
            models.CheckConstraint(
                condition=Q(practice__isnull=False) | ~Q(slug=""),
                name="library_shipped_entry_has_slug",
            ),
            models.CheckConstraint(
                condition=Q(retired=False, retired_at__isnull=True)
                | Q(retired=True, retired_at__isnull=False),
                name="library_retired_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_shipped(self) -> bool:
        return self.practice_id is None

    def entry_content(self) -> EntryContent:
        return EntryContent.from_json(self.content)

    def apply(self, content: EntryContent, codes: CodeSet) -> None:
        """Store checked content and the search columns copied from it."""
        described = [
            (code, found.description if (found := codes.get(code)) else "")
            for code in content.icd10cm
        ]
        spoken: list[str] = []
        for key in content.modality_keys():
            modality = modalities.BY_KEY[key]
            # Not the other spellings and techniques: "panic control treatment" is listed under
            # CBT, and would make every CBT entry a hit for "panic".
            spoken += [key, modality.name, *modality.abbreviations, *modality.field_only]
        parts = [
            content.title,
            content.summary,
            content.population,
            *content.keywords,
            *(f"{code} {description}" for code, description in described),
            *content.texts(),
            *(item.description for item in content.interventions),
            *content.instruments(),
            *spoken,
        ]
        self.slug = content.slug
        self.title = content.title
        self.summary = content.summary
        self.content = content.to_json()
        self.codes = f" {' '.join(content.icd10cm)} "
        self.modalities = f" {' '.join(content.modality_keys())} "
        self.search_text = f" {' '.join(search_words(' '.join(parts)))} "
        self.codes_release = codes.release
