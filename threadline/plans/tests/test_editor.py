from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from threadline.accounts.models import User
from threadline.audit.models import AuditEvent
from threadline.clients.models import Client
from threadline.conftest import signed_in
from threadline.plans import checks
from threadline.plans import content as plan_content
from threadline.plans.models import PlanVersion


def _start(owner: User, client: Client) -> PlanVersion:
    response = signed_in(owner).post(reverse("plan_start", args=[client.pk]))
    assert response.status_code == 302
    return PlanVersion.objects.get(plan__client=client)


def _form(version: PlanVersion, **fields: str) -> dict[str, Any]:
    data: dict[str, Any] = plan_content.to_form(version.content)
    data.update(lock_version=str(version.lock_version), **fields)
    return data


def test_starting_a_plan_opens_a_draft_with_two_problems(
    owner: User, client_record: Client
) -> None:
    version = _start(owner, client_record)
    assert (version.number, version.status) == (1, "draft")
    assert len(version.content["problems"]) == 2
    assert AuditEvent.objects.filter(action="plan.create", client=client_record).exists()


def test_autosave_keeps_what_was_typed_and_returns_findings(
    owner: User, client_record: Client
) -> None:
    version = _start(owner, client_record)
    url = reverse("plan_autosave", args=[client_record.pk, version.pk])
    data = _form(
        version,
        **{
            "session.start": "14:00",
            "session.stop": "13:00",
            "problems[0].goal.statement": "Feel better",
        },
    )
    response = signed_in(owner).post(url, data, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    version.refresh_from_db()
    assert version.content["session"]["stop"] == "13:00"
    assert version.content["problems"][0]["goal"]["statement"] == "Feel better"
    assert version.lock_version == 1
    assert 'id="lock_version" value="1"' in body
    codes = {f.code for f in checks.check(version, today=version.updated_at.date()).findings}
    assert "plan.session.stop_before_start" in codes
    assert 'data-code="plan.session.stop_before_start"' in body


def test_a_stale_save_is_refused_and_shows_the_other_version(
    owner: User, colleague: User, client_record: Client
) -> None:
    client_record.care_team.add(colleague)
    version = _start(owner, client_record)
    url = reverse("plan_autosave", args=[client_record.pk, version.pk])
    first = _form(version, **{"background.presenting_problem": "Theirs"})
    stale = _form(version, **{"background.presenting_problem": "Mine"})
    signed_in(colleague).post(url, first, HTTP_HX_REQUEST="true")
    response = signed_in(owner).post(url, stale, HTTP_HX_REQUEST="true")
    version.refresh_from_db()
    assert version.content["background"]["presenting_problem"] == "Theirs"
    page = response.content.decode()
    assert "Someone else saved this draft" in page and "Mine" in page and "Theirs" in page


def test_the_same_persons_own_autosave_is_not_a_conflict(
    owner: User, client_record: Client
) -> None:
    version = _start(owner, client_record)
    http = signed_in(owner)
    autosave = reverse("plan_autosave", args=[client_record.pk, version.pk])
    http.post(autosave, _form(version, **{"background.symptoms": "typed"}), HTTP_HX_REQUEST="true")
    button = {**_form(version, **{"background.symptoms": "typed"}), "action": "add:problem"}
    http.post(reverse("plan_edit", args=[client_record.pk, version.pk]), button)
    version.refresh_from_db()
    assert len(version.content["problems"]) == 3


def test_keep_mine_saves_over_the_other_version_deliberately(
    owner: User, client_record: Client
) -> None:
    version = _start(owner, client_record)
    http = signed_in(owner)
    http.post(
        reverse("plan_autosave", args=[client_record.pk, version.pk]),
        _form(version, **{"background.symptoms": "Theirs"}),
        HTTP_HX_REQUEST="true",
    )
    mine = _form(version, **{"background.symptoms": "Mine", "overwrite_lock": "1"})
    http.post(reverse("plan_edit", args=[client_record.pk, version.pk]), mine)
    version.refresh_from_db()
    assert version.content["background"]["symptoms"] == "Mine"


@pytest.mark.parametrize(
    ("action", "check"),
    [
        ("add:problem", lambda c: len(c["problems"]) == 3),
        ("remove:problem:1", lambda c: len(c["problems"]) == 1),
        ("add:objective:0", lambda c: len(c["problems"][0]["objectives"]) == 2),
        ("add:intervention:1", lambda c: len(c["problems"][1]["interventions"]) == 2),
        ("remove:objective:0.0", lambda c: c["problems"][0]["objectives"] == []),
        ("add:diagnosis", lambda c: c["diagnoses"][0]["rank"] == "secondary"),
    ],
)
def test_structural_edits_save_the_draft(
    owner: User, client_record: Client, action: str, check: Any
) -> None:
    version = _start(owner, client_record)
    url = reverse("plan_edit", args=[client_record.pk, version.pk])
    response = signed_in(owner).post(url, {**_form(version), "action": action})
    assert response.status_code == 302  # post/redirect/get
    assert response["Location"] == url
    version.refresh_from_db()
    assert check(version.content)


def test_moving_a_problem_keeps_its_stable_id(owner: User, client_record: Client) -> None:
    version = _start(owner, client_record)
    first, second = (p["id"] for p in version.content["problems"])
    url = reverse("plan_edit", args=[client_record.pk, version.pk])
    signed_in(owner).post(url, {**_form(version), "action": "up:problem:1"})
    version.refresh_from_db()
    assert [p["id"] for p in version.content["problems"]] == [second, first]


def test_an_unreadable_value_is_saved_and_reported_not_lost(
    owner: User, client_record: Client
) -> None:
    version = _start(owner, client_record)
    url = reverse("plan_autosave", args=[client_record.pk, version.pk])
    data = _form(version, **{"problems[0].goal.target_date": "next spring"})
    response = signed_in(owner).post(url, data, HTTP_HX_REQUEST="true")
    version.refresh_from_db()
    assert version.content["problems"][0]["goal"]["target_date"] == "next spring"
    assert 'data-code="plan.format.unreadable"' in response.content.decode()


def test_the_json_export_reads_back_to_the_same_findings(
    owner: User, client_record: Client
) -> None:
    from threadline.rules.facts import PlanFacts

    version = _start(owner, client_record)
    response = signed_in(owner).get(reverse("plan_json", args=[client_record.pk, version.pk]))
    exported = PlanFacts.from_dict(response.json())
    assert exported == checks.to_facts(version)


def test_inserting_a_library_entry_adds_a_problem_with_fresh_ids(
    owner: User, client_record: Client
) -> None:
    from threadline.library.models import LibraryEntry
    from threadline.library.services import sync_shipped_library

    sync_shipped_library()
    entry = LibraryEntry.objects.search("F41.1").first()
    assert entry is not None
    version = _start(owner, client_record)
    http = signed_in(owner)
    results = http.get(reverse("plan_library", args=[client_record.pk, version.pk]), {"q": "F41.1"})
    assert f'value="library:{entry.pk}"' in results.content.decode()
    url = reverse("plan_edit", args=[client_record.pk, version.pk])
    http.post(url, {**_form(version), "action": f"library:{entry.pk}"})
    version.refresh_from_db()
    inserted = version.content["problems"][2]
    assert inserted["id"].startswith("p-") and inserted["objectives"][0]["id"].startswith("o-")
    checked = checks.check(
        version, today=version.updated_at.date(), known_texts=frozenset(services_library_texts())
    )
    assert any(f.code == "smart.copied_text" for f in checked.findings)


def services_library_texts() -> frozenset[str]:
    from threadline.library.services import library_texts
    from threadline.rules.smart import known_set

    return known_set(library_texts())
