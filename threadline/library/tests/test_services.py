"""Library writes: the shipped sync, a practice's own entries, and what the plan editor reads."""

from __future__ import annotations

import shutil
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from threadline.accounts.models import Practice, User
from threadline.audit.models import AuditEvent
from threadline.library import services
from threadline.library.checks import DATA_DIR, ContentError
from threadline.library.models import LibraryEntry
from threadline.library.tests.factories import entry_data, make_entry

FILES = sorted(DATA_DIR.glob("*.toml"))


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    for path in FILES:
        shutil.copy(path, tmp_path / path.name)
    return tmp_path


@pytest.mark.django_db
def test_the_sync_loads_every_shipped_file_once_and_audits_it() -> None:
    result = services.sync_shipped_library()
    assert len(result.created) == len(FILES)
    assert LibraryEntry.objects.shipped().count() == len(FILES)
    event = AuditEvent.objects.get(action="library.sync")
    assert event.detail["created"] == [path.stem for path in FILES]
    assert (event.actor, event.practice) == (None, None)


@pytest.mark.django_db
def test_running_the_sync_again_changes_nothing_and_writes_no_event() -> None:
    services.sync_shipped_library()
    again = services.sync_shipped_library()
    assert (again.created, again.updated, again.retired) == ([], [], [])
    assert again.unchanged == len(FILES)
    assert AuditEvent.objects.filter(action="library.sync").count() == 1


@pytest.mark.django_db
def test_the_sync_updates_a_changed_file_in_place_and_retires_a_removed_one(
    data_dir: Path,
) -> None:
    services.sync_shipped_library(data_dir)
    insomnia = LibraryEntry.objects.get(slug="insomnia")
    path = data_dir / "insomnia.toml"
    path.write_text(path.read_text().replace('title = "Insomnia"', 'title = "Sleeplessness"'))
    (data_dir / "ocd.toml").unlink()

    result = services.sync_shipped_library(data_dir)

    assert (result.created, result.updated, result.retired) == ([], ["insomnia"], ["ocd"])
    insomnia.refresh_from_db()
    assert (insomnia.title, insomnia.retired) == ("Sleeplessness", False)
    ocd = LibraryEntry.objects.get(slug="ocd")
    assert ocd.retired and ocd.retired_at is not None


@pytest.mark.django_db
def test_a_bad_data_file_stops_the_sync_before_anything_is_written(data_dir: Path) -> None:
    path = data_dir / "ptsd.toml"
    path.write_text(path.read_text().replace('"F43.10", ', '"F43.1", '))
    with pytest.raises(ContentError) as raised:
        services.sync_shipped_library(data_dir)
    assert str(raised.value).startswith("ptsd.toml: icd10cm[0]: F43.1 is a category")
    assert LibraryEntry.objects.count() == 0


@pytest.mark.django_db
def test_the_sync_leaves_practice_entries_alone(practice: Practice) -> None:
    own = make_entry(practice)
    services.sync_shipped_library()
    own.refresh_from_db()
    assert (own.practice, own.retired) == (practice, False)


def test_creating_a_practice_entry_stores_search_columns_and_audits(
    supervisor: User, practice: Practice
) -> None:
    entry = services.create_entry(supervisor, practice, entry_data())
    assert (entry.practice, entry.created_by, entry.slug) == (practice, supervisor, "")
    assert entry.codes == " F41.1 "
    assert entry.modalities == " cbt "
    assert "generalized anxiety disorder" in entry.search_text
    assert entry.codes_release.startswith("ICD-10-CM FY2026")
    event = AuditEvent.objects.get(action="library.entry.create")
    assert (event.actor, event.practice, event.object_id) == (supervisor, practice, str(entry.pk))
    assert event.detail == {}


def test_a_copy_remembers_its_source(supervisor: User, practice: Practice) -> None:
    shipped = make_entry()
    copy = services.create_entry(supervisor, practice, entry_data(), copied_from=shipped)
    assert copy.copied_from == shipped
    assert AuditEvent.objects.get(action="library.entry.create").detail == {
        "copied_from": shipped.pk
    }


def test_an_update_audits_the_names_of_the_parts_that_changed(
    admin: User, practice: Practice
) -> None:
    entry = make_entry(practice)
    services.update_entry(admin, entry, entry_data(title="Exam nerves", keywords=["tests"]))
    entry.refresh_from_db()
    assert entry.title == "Exam nerves"
    event = AuditEvent.objects.get(action="library.entry.update")
    assert event.detail == {"fields": ["keywords", "title"]}


def test_content_that_fails_the_checks_is_refused_by_the_service(
    admin: User, practice: Practice
) -> None:
    with pytest.raises(ValidationError) as raised:
        services.create_entry(admin, practice, entry_data(icd10cm=["F32"]))
    assert raised.value.messages == [
        "icd10cm[0]: F32 is a category, not a billable code; choose one of F32.0, F32.1, "
        "F32.2, F32.3, F32.4, F32.5, F32.8, F32.9."
    ]
    assert not LibraryEntry.objects.exists()
    assert not AuditEvent.objects.filter(action="library.entry.create").exists()


def test_shipped_entries_cannot_be_changed_through_the_services(admin: User) -> None:
    shipped = make_entry()
    with pytest.raises(ValidationError):
        services.update_entry(admin, shipped, entry_data())
    with pytest.raises(ValidationError):
        services.retire_entry(admin, shipped)


def test_retiring_and_restoring_are_audited_once_each(admin: User, practice: Practice) -> None:
    entry = make_entry(practice)
    services.retire_entry(admin, entry)
    services.retire_entry(admin, entry)
    assert entry.retired and entry.retired_at is not None
    services.restore_entry(admin, entry)
    assert (entry.retired, entry.retired_at) == (False, None)
    actions = list(
        AuditEvent.objects.filter(action__startswith="library.entry").values_list(
            "action", flat=True
        )
    )
    assert actions == ["library.entry.retire", "library.entry.restore"]


@pytest.mark.django_db
def test_search_finds_entries_by_words_code_prefix_and_modality() -> None:
    services.sync_shipped_library()
    shipped = LibraryEntry.objects.shipped()

    def slugs(query: str = "", modality: str = "") -> list[str]:
        return sorted(shipped.search(query, modality).values_list("slug", flat=True))

    assert slugs("panic") == ["panic-agoraphobia"]
    assert slugs("F43.1") == ["child-trauma", "ptsd"]
    assert slugs("f431") == ["child-trauma", "ptsd"]
    assert slugs("F50") == ["anorexia-nervosa", "binge-eating", "bulimia-nervosa"]
    assert slugs("EMDR") == ["ptsd"]
    assert slugs("cbt-i") == ["insomnia"]
    assert slugs("sleep diary") == ["insomnia"]
    assert slugs("worry", modality="applied_relaxation") == ["generalized-anxiety"]
    assert slugs("xylophone") == []


@pytest.mark.django_db
def test_search_puts_entries_whose_title_matches_first() -> None:
    services.sync_shipped_library()
    found = list(LibraryEntry.objects.shipped().search("depression").values_list("slug", flat=True))
    assert found[:3] == ["depression", "perinatal-depression", "persistent-depression"]


def test_another_practices_entries_are_not_visible(
    practice: Practice, other_practice: Practice
) -> None:
    shipped, own, theirs = make_entry(), make_entry(practice), make_entry(other_practice)
    assert set(LibraryEntry.objects.visible_to(practice)) == {shipped, own}
    assert theirs not in LibraryEntry.objects.visible_to(practice)


def test_entry_as_problem_dates_the_targets_from_the_plan_date(practice: Practice) -> None:
    entry = make_entry(practice)
    problem = services.entry_as_problem(entry, starting=date(2026, 5, 4))
    assert problem["goal"]["target_date"] == "2026-08-02"
    assert problem["objectives"][0]["target_date"] == "2026-06-29"
    assert problem["interventions"] == [
        {
            "modality": "Cognitive behavioral therapy",
            "description": "Cognitive restructuring of catastrophic predictions about exams.",
            "frequency": "Weekly",
            "who": "clinician",
        }
    ]


def test_library_texts_hold_every_goal_and_objective_retired_or_not(
    admin: User, practice: Practice
) -> None:
    entry = make_entry(practice, title="Own")
    services.retire_entry(admin, entry)
    make_entry()
    assert services.library_texts() == frozenset(
        {
            "Sit every exam this term, revising at least 4 days a week.",
            "GAD-7 total falls from the baseline to below 10 within 8 weeks.",
        }
    )


@pytest.mark.django_db
def test_library_texts_include_every_shipped_objective() -> None:
    services.sync_shipped_library()
    texts = services.library_texts()
    gad = (
        "GAD-7 total falls from the baseline score to below 10 within 12 weeks, "
        "rated every 2 weeks."
    )
    assert gad in texts
    assert len(texts) > 100


@pytest.mark.django_db
def test_the_library_sync_command_reports_what_it_did() -> None:
    out = StringIO()
    call_command("library_sync", stdout=out)
    call_command("library_sync", stdout=out)
    assert out.getvalue().splitlines() == [
        f"Library: {len(FILES)} added, 0 updated, 0 retired, 0 unchanged.",
        f"Library: 0 added, 0 updated, 0 retired, {len(FILES)} unchanged.",
    ]
