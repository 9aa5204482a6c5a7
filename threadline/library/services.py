"""Every write to the library, and what the plan editor reads from it.

Shipped entries change only through `sync_shipped_library`, from the data files; a practice's
entries change through create, update, retire and restore, each audited in its transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from threadline.accounts.models import Practice
from threadline.audit.services import record
from threadline.icd import load_default
from threadline.library.checks import DATA_DIR, ContentError, read_directory, read_entry
from threadline.library.content import EntryContent
from threadline.library.models import LibraryEntry


@dataclass
class SyncResult:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)
    unchanged: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.retired)


def sync_shipped_library(directory: Path = DATA_DIR) -> SyncResult:
    """Make the shipped entries match the data files, by slug; safe to run on every start.

    Every file is checked before anything is written, so a bad file changes nothing and the
    error names it. An entry whose file is gone is retired, not deleted, because practices may
    have copied it.
    """
    codes = load_default()
    contents = read_directory(directory, codes)
    result = SyncResult()
    now = timezone.now()
    with transaction.atomic():
        existing = {
            entry.slug: entry for entry in LibraryEntry.objects.select_for_update().shipped()
        }
        for content in contents:
            entry = existing.pop(content.slug, None)
            if entry is None:
                entry = LibraryEntry(created_at=now)
                result.created.append(content.slug)
            elif (
                entry.content == content.to_json()
                and entry.codes_release == codes.release
                and not entry.retired
            ):
                result.unchanged += 1
                continue
            else:
                result.updated.append(content.slug)
            entry.apply(content, codes)
            entry.retired, entry.retired_at, entry.updated_at = False, None, now
            entry.save()
        for entry in existing.values():
            if not entry.retired:
                entry.retired, entry.retired_at, entry.updated_at = True, now, now
                entry.save(update_fields=["retired", "retired_at", "updated_at"])
                result.retired.append(entry.slug)
        if result.changed:
            record(
                "library.sync",
                detail={
                    "created": result.created,
                    "updated": result.updated,
                    "retired": result.retired,
                },
            )
    return result


def _checked(data: dict[str, Any]) -> EntryContent:
    try:
        return read_entry(data, "form", codes=load_default(), shipped=False)
    except ContentError as error:
        raise ValidationError(f"{error.field}: {error.problem}") from None


@transaction.atomic
def create_entry(
    actor: Any,
    practice: Practice,
    data: dict[str, Any],
    copied_from: LibraryEntry | None = None,
) -> LibraryEntry:
    """Add a practice's own entry; `data` has the shape of a data file, without a slug."""
    content = _checked({**data, "slug": ""})
    entry = LibraryEntry(practice=practice, copied_from=copied_from, created_by=actor)
    entry.apply(content, load_default())
    entry.save()
    detail = {"copied_from": copied_from.pk} if copied_from is not None else {}
    record("library.entry.create", actor=actor, practice=practice, obj=entry, detail=detail)
    return entry


@transaction.atomic
def update_entry(actor: Any, entry: LibraryEntry, data: dict[str, Any]) -> LibraryEntry:
    if entry.is_shipped:
        raise ValidationError("Shipped entries are read-only; copy one to change it.")
    content = _checked({**data, "slug": ""})
    stored = LibraryEntry.objects.select_for_update().get(pk=entry.pk).content
    new = content.to_json()
    # Part names only, as elsewhere in the audit log: the log is not a copy of the content.
    changed = sorted(name for name in new if stored.get(name) != new[name])
    entry.apply(content, load_default())
    entry.updated_at = timezone.now()
    entry.save()
    record(
        "library.entry.update",
        actor=actor,
        practice=entry.practice,
        obj=entry,
        detail={"fields": changed},
    )
    return entry


@transaction.atomic
def retire_entry(actor: Any, entry: LibraryEntry) -> LibraryEntry:
    """Hide an entry from search; plans that used it keep their own copy of the text."""
    if entry.is_shipped:
        raise ValidationError("Shipped entries are retired only by removing their data file.")
    if not entry.retired:
        entry.retired, entry.retired_at = True, timezone.now()
        entry.updated_at = entry.retired_at
        entry.save(update_fields=["retired", "retired_at", "updated_at"])
        record("library.entry.retire", actor=actor, practice=entry.practice, obj=entry)
    return entry


@transaction.atomic
def restore_entry(actor: Any, entry: LibraryEntry) -> LibraryEntry:
    if entry.is_shipped:
        raise ValidationError("Shipped entries are restored only by their data file.")
    if entry.retired:
        entry.retired, entry.retired_at = False, None
        entry.updated_at = timezone.now()
        entry.save(update_fields=["retired", "retired_at", "updated_at"])
        record("library.entry.restore", actor=actor, practice=entry.practice, obj=entry)
    return entry


def entry_as_problem(entry: LibraryEntry, starting: date | None = None) -> dict[str, Any]:
    """The entry as one `problems[]` item of the plan JSON, to insert into a draft plan.

    See `EntryContent.as_problem`: ids are empty for the plan to give out, measures have no
    baseline, and with `starting` (the plan's date) the typical targets become target dates.
    """
    return entry.entry_content().as_problem(starting)


def library_texts() -> frozenset[str]:
    """Every goal and objective text in the library, shipped or a practice's, retired or not.

    The SMART lint flags a plan that keeps one word for word; pass this through
    `threadline.rules.smart.known_set` (which normalises case and punctuation) to get `known`.
    """
    return frozenset(
        text
        for content in LibraryEntry.objects.values_list("content", flat=True)
        for text in EntryContent.from_json(content).texts()
    )
