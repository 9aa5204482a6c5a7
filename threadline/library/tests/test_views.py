"""The library pages: browsing, HTMX search, and managing a practice's own entries."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from threadline.accounts.models import Practice, User
from threadline.audit.models import AuditEvent
from threadline.conftest import signed_in
from threadline.library.forms import EntryForms
from threadline.library.models import LibraryEntry
from threadline.library.services import sync_shipped_library
from threadline.library.tests.factories import make_entry


def _form(**overrides: Any) -> dict[str, Any]:
    """A filled-in entry form as the browser posts it: 4 objective rows, 5 intervention rows."""
    data: dict[str, Any] = {
        "title": "Exam worry",
        "summary": "Worry before exams that keeps the student from revising.",
        "population": "Students",
        "codes": "F41.1, f43.22",
        "keywords": "exams, tests",
        "goal_statement": "Sit every exam this term, revising at least 4 days a week.",
        "goal_target_days": "90",
        "goal_target_sessions": "",
        "cautions": "",
        "objectives-TOTAL_FORMS": "4",
        "objectives-INITIAL_FORMS": "0",
        "objectives-MIN_NUM_FORMS": "0",
        "objectives-MAX_NUM_FORMS": "4",
        "objectives-0-statement": "GAD-7 total falls from the baseline to below 10 within 8 weeks.",
        "objectives-0-target_weeks": "8",
        "objectives-0-instrument": "GAD-7",
        "objectives-0-measure_target": "9",
        "objectives-0-threshold": "below 10",
        "objectives-0-checked_by": "GAD-7 every 2 weeks",
        "interventions-TOTAL_FORMS": "5",
        "interventions-INITIAL_FORMS": "0",
        "interventions-MIN_NUM_FORMS": "0",
        "interventions-MAX_NUM_FORMS": "5",
        "interventions-0-modality": "cbt",
        "interventions-0-description": "Cognitive restructuring of predictions about exams.",
        "interventions-0-frequency": "Weekly",
        "interventions-0-who": "clinician",
    }
    for index in range(1, 5):
        data[f"interventions-{index}-who"] = "clinician"
    data.update(overrides)
    return data


def _as_posted(forms: EntryForms) -> dict[str, Any]:
    """What the browser sends back for a prefilled form when nothing is changed."""
    data: dict[str, Any] = {}
    for form in [
        forms.entry,
        forms.objectives.management_form,
        *forms.objectives,
        forms.interventions.management_form,
        *forms.interventions,
    ]:
        for name in form.fields:
            value = form[name].value()
            if value not in (None, False):
                data[form.add_prefix(name)] = "" if value is True else value
    return data


def test_every_member_may_browse_the_shipped_and_own_entries_but_not_another_practices(
    owner: User, practice: Practice, other_practice: Practice
) -> None:
    make_entry(title="Shipped worry")
    make_entry(practice, title="Our worry")
    make_entry(other_practice, title="Their worry")
    page = signed_in(owner).get(reverse("library_index")).content.decode()
    assert "Shipped worry" in page and "Our worry" in page
    assert "Their worry" not in page
    assert "New practice entry" not in page


def test_retired_entries_do_not_show_in_searches(owner: User, practice: Practice) -> None:
    make_entry(practice, title="Old worry").__class__.objects.update(
        retired=True, retired_at="2026-01-01T00:00Z"
    )
    page = signed_in(owner).get(reverse("library_search"), {"q": "worry"}).content.decode()
    assert "Old worry" not in page
    assert "Nothing matches “worry”" in page


@pytest.mark.django_db
def test_search_as_you_type_returns_only_the_results(owner: User) -> None:
    sync_shipped_library()
    response = signed_in(owner).get(
        reverse("library_search"), {"q": "F43.1"}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert "<html" not in body
    assert "2 entries found" in body
    assert "Post-traumatic stress" in body and "Trauma in children" in body


@pytest.mark.django_db
def test_search_without_javascript_returns_the_whole_page(owner: User) -> None:
    sync_shipped_library()
    body = signed_in(owner).get(reverse("library_search"), {"modality": "emdr"}).content.decode()
    assert "<html" in body and "1 entry found" in body and "Post-traumatic stress" in body


@pytest.mark.django_db
def test_the_entry_page_shows_codes_objectives_interventions_and_evidence(owner: User) -> None:
    sync_shipped_library()
    entry = LibraryEntry.objects.get(slug="generalized-anxiety")
    page = signed_in(owner).get(reverse("library_entry", args=[entry.pk])).content.decode()
    assert "<strong>F41.1</strong> Generalized anxiety disorder" in page
    assert "GAD-7: baseline from the client, target below 10" in page
    assert "NICE CG113 (generalized anxiety disorder), step 3" in page
    assert "Copy to practice library" not in page
    assert reverse("library_entry_edit", args=[entry.pk]) not in page


def test_another_practices_entry_is_a_404_and_audited(
    owner: User, other_practice: Practice
) -> None:
    theirs = make_entry(other_practice)
    assert signed_in(owner).get(reverse("library_entry", args=[theirs.pk])).status_code == 404
    denied = AuditEvent.objects.get(action="access.library.view")
    assert (denied.outcome, denied.object_id) == ("denied", str(theirs.pk))


def test_a_clinician_may_not_manage_entries(owner: User, practice: Practice) -> None:
    entry = make_entry(practice)
    http = signed_in(owner)
    assert http.get(reverse("library_entry_new")).status_code == 403
    assert http.post(reverse("library_entry_edit", args=[entry.pk]), _form()).status_code == 403
    assert http.post(reverse("library_entry_retire", args=[entry.pk])).status_code == 403
    assert AuditEvent.objects.filter(action="access.library.manage", outcome="denied").count() == 3
    entry.refresh_from_db()
    assert (entry.title, entry.retired) == ("Exam worry", False)


def test_a_shipped_entry_is_read_only_even_for_a_supervisor(supervisor: User) -> None:
    shipped = make_entry()
    http = signed_in(supervisor)
    assert http.get(reverse("library_entry_edit", args=[shipped.pk])).status_code == 403
    assert http.post(reverse("library_entry_retire", args=[shipped.pk])).status_code == 403


def test_a_supervisor_adds_a_practice_entry(supervisor: User, practice: Practice) -> None:
    response = signed_in(supervisor).post(reverse("library_entry_new"), _form())
    entry = LibraryEntry.objects.get(practice=practice)
    assert response.status_code == 302
    assert response["Location"] == reverse("library_entry", args=[entry.pk])
    content = entry.entry_content()
    assert content.icd10cm == ("F41.1", "F43.22")
    assert content.keywords == ("exams", "tests")
    assert [o.measure and o.measure.target for o in content.objectives] == [9]
    assert [i.modality for i in content.interventions] == ["cbt"]
    assert AuditEvent.objects.filter(action="library.entry.create", actor=supervisor).count() == 1


def test_a_bad_form_says_what_to_fix_and_keeps_what_was_typed(
    admin: User, practice: Practice
) -> None:
    form = _form(
        codes="F41",
        **{
            "objectives-0-statement": "Client will feel better about exams.",
            "interventions-1-description": "Relaxation practice",
        },
    )
    response = signed_in(admin).post(reverse("library_entry_new"), form)
    page = response.content.decode()
    assert response.status_code == 200
    assert "F41 is a category, not a billable code; choose one of F41.0, F41.1" in page
    assert "&quot;feel better&quot; cannot be observed or counted" in page
    assert "Choose the modality from the list, or tick Remove." in page
    assert "Client will feel better about exams." in page
    assert "Relaxation practice" in page
    assert "nothing you typed has been lost" in page
    assert not LibraryEntry.objects.exists()


def test_a_form_without_objectives_asks_for_one(admin: User) -> None:
    form = _form(**{"objectives-0-statement": "", "objectives-0-target_weeks": ""})
    form |= {"objectives-0-instrument": "", "objectives-0-measure_target": ""}
    form |= {"objectives-0-threshold": "", "objectives-0-checked_by": ""}
    page = signed_in(admin).post(reverse("library_entry_new"), form).content.decode()
    assert "Add at least one objective: what the client will do, how much, and by when." in page


def test_copying_a_shipped_entry_starts_a_practice_entry_from_its_content(
    supervisor: User, practice: Practice
) -> None:
    sync_shipped_library()
    source = LibraryEntry.objects.get(slug="insomnia")
    http = signed_in(supervisor)
    page = http.get(reverse("library_entry_copy", args=[source.pk])).content.decode()
    assert "Copy “Insomnia” to your practice" in page
    assert "Sleep efficiency rises from the baseline to 85% or more" in page

    form = _as_posted(EntryForms(content=source.entry_content()))
    form["title"] = "Insomnia (our version)"
    response = http.post(reverse("library_entry_copy", args=[source.pk]), form)
    copy = LibraryEntry.objects.get(practice=practice)
    assert response.status_code == 302
    assert (copy.title, copy.copied_from) == ("Insomnia (our version)", source)
    assert copy.entry_content().objectives == source.entry_content().objectives
    source.refresh_from_db()
    assert source.title == "Insomnia"


def test_editing_prefills_the_rows_and_a_row_can_be_removed(
    admin: User, practice: Practice
) -> None:
    entry = make_entry(practice)
    http = signed_in(admin)
    page = http.get(reverse("library_entry_edit", args=[entry.pk])).content.decode()
    assert 'name="objectives-INITIAL_FORMS" value="1"' in page
    assert "Remove this objective" in page

    form = _as_posted(EntryForms(content=entry.entry_content()))
    form |= {
        "title": "Exam nerves",
        "objectives-0-DELETE": "on",
        "objectives-1-statement": "Client revises 2 hours a day on 4 days a week within 4 weeks.",
        "objectives-1-target_weeks": "4",
    }
    response = http.post(reverse("library_entry_edit", args=[entry.pk]), form)
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.title == "Exam nerves"
    assert [o.statement for o in entry.entry_content().objectives] == [
        "Client revises 2 hours a day on 4 days a week within 4 weeks."
    ]
    event = AuditEvent.objects.get(action="library.entry.update")
    assert event.detail == {"fields": ["objectives", "title"]}


def test_retiring_hides_an_entry_and_restoring_brings_it_back(
    admin: User, owner: User, practice: Practice
) -> None:
    entry = make_entry(practice, title="Exam worry")
    http = signed_in(admin)
    response = http.post(reverse("library_entry_retire", args=[entry.pk]))
    assert response["Location"] == reverse("library_entry", args=[entry.pk])
    assert "Exam worry" not in signed_in(owner).get(reverse("library_index")).content.decode()
    index = http.get(reverse("library_index")).content.decode()
    assert "Retired practice entries" in index
    http.post(reverse("library_entry_restore", args=[entry.pk]))
    assert "Exam worry" in signed_in(owner).get(reverse("library_index")).content.decode()
    actions = AuditEvent.objects.filter(action__startswith="library.entry.")
    assert list(actions.values_list("action", flat=True)) == [
        "library.entry.retire",
        "library.entry.restore",
    ]
