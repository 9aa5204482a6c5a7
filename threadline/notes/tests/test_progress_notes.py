"""A progress note from the session to the signature, through the pages."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from threadline.accounts.models import Practice, Role, User
from threadline.appointments import services as appointments
from threadline.audit.models import AuditEvent
from threadline.clients.models import Client
from threadline.conftest import PASSWORD, current_code, make_client, make_person, signed_in
from threadline.notes import checks, services
from threadline.notes.models import Note
from threadline.notes.tests.factories import attended, progress_form, signed_plan
from threadline.plans.models import FrozenContentError, PlanVersion
from threadline.signatures.services import signatures_of


@pytest.fixture
def clinician(practice: Practice) -> User:
    return make_person(practice, "licensed@riverbend.test", Role.CLINICIAN, "LCSW")


@pytest.fixture
def client_(practice: Practice, clinician: User) -> Client:
    return make_client(practice, clinician, "TL-00100")


@pytest.fixture
def plan(client_: Client) -> PlanVersion:
    return signed_plan(client_)


def _ids(plan: PlanVersion) -> list[str]:
    return [o.id for o in checks.plan_objectives(plan)]


def test_a_note_needs_an_attended_session(client_: Client, clinician: User) -> None:
    appointment = attended(client_)
    appointments.set_status(clinician, appointment, "no_show")
    with pytest.raises(services.NotAvailable, match="attended"):
        services.start_note(clinician, appointment)
    assert not Note.objects.exists()


def test_a_new_note_starts_from_the_plan_without_inventing_anything(
    client_: Client, clinician: User, plan: PlanVersion
) -> None:
    note = services.start_note(clinician, attended(client_))
    assert note.plan_version == plan
    cited = [o["objective_id"] for o in note.content["objectives"]]
    assert cited == _ids(plan)  # nothing addressed yet: every objective is due
    assert all(o["rating"] is None and o["comment"] == "" for o in note.content["objectives"])
    assert note.content["interventions"]  # the plan's interventions for those objectives
    assert set(note.content["sections"].values()) == {""}
    assert note.content["session"]["start"] is None  # real clock times, never the booking


def test_the_next_note_carries_the_last_plan_and_skips_objectives_just_addressed(
    client_: Client, clinician: User, plan: PlanVersion
) -> None:
    first = services.start_note(clinician, attended(client_, days_ago=8))
    ids = _ids(plan)
    form = progress_form(first.content, ids[:1])
    signed_in(clinician).post(reverse("note_view", args=[client_.pk, first.pk]), form)
    services.sign_note(clinician, Note.objects.get(pk=first.pk), stepped_up_at=timezone.now())
    second = services.start_note(clinician, attended(client_, days_ago=1))
    due = [o["objective_id"] for o in second.content["objectives"]]
    assert due == ids[1:]
    assert second.content["carried_forward"] == form["sections.plan"]


def test_write_and_sign_a_dap_note_citing_two_objectives(
    client_: Client, clinician: User, plan: PlanVersion
) -> None:
    http = signed_in(clinician)
    began = timezone.localtime().replace(second=0, microsecond=0) - timedelta(hours=2)
    appointment = attended(client_, start=began)
    response = http.post(reverse("session_note", args=[client_.pk, appointment.pk]))
    note = Note.objects.get()
    assert response.status_code == 302
    ids = _ids(plan)[:2]
    ended = began + timedelta(minutes=48)
    times = {"session.start": f"{began:%H:%M}", "session.stop": f"{ended:%H:%M}"}
    if ended.date() != began.date():
        times["session.stop"] = "23:59"  # rare: a session across midnight is not this test
        times["session.start"] = "23:11"
    response = http.post(
        reverse("note_view", args=[client_.pk, note.pk]), progress_form(note.content, ids, **times)
    )
    assert response.status_code == 302
    note.refresh_from_db()
    assert note.content["billed_codes"] == ["90834"]  # 48 minutes, from the clock times
    assert [o["objective_id"] for o in note.content["objectives"]] == ids
    page = http.get(reverse("note_sign", args=[client_.pk, note.pk])).content.decode()
    assert "Suggested code" not in page or "90834" in page
    response = http.post(
        reverse("note_sign", args=[client_.pk, note.pk]),
        {
            "password": PASSWORD,
            "code": current_code(clinician),
            "attest": "on",
            "lock_version": note.lock_version,
        },
    )
    assert response.status_code == 302, response.content.decode()
    note.refresh_from_db()
    assert note.status == "signed"
    assert [s.meaning for s in signatures_of(note)] == ["author"]
    assert AuditEvent.objects.filter(action="note.progress.sign", client=client_).exists()
    document = http.get(reverse("note_view", args=[client_.pk, note.pk])).content.decode()
    assert "some progress" in document and "Late entry" not in document


def test_a_signed_note_is_frozen_in_the_model_and_the_database(
    client_: Client, clinician: User, plan: PlanVersion
) -> None:
    note = services.start_note(clinician, attended(client_))
    signed_in(clinician).post(
        reverse("note_view", args=[client_.pk, note.pk]), progress_form(note.content, _ids(plan))
    )
    note = services.sign_note(clinician, Note.objects.get(pk=note.pk), stepped_up_at=timezone.now())
    note.content["sections"]["data"] = "rewritten"
    with pytest.raises(FrozenContentError):
        note.save()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE notes_note SET content = '{}' WHERE id = %s", [note.pk])


def test_signing_is_blocked_while_errors_remain(
    client_: Client, clinician: User, plan: PlanVersion
) -> None:
    note = services.start_note(clinician, attended(client_))
    with pytest.raises(services.SigningRefused, match="error"):
        services.sign_note(clinician, note, stepped_up_at=timezone.now())
    note.refresh_from_db()
    assert note.is_draft


def test_an_overridden_code_needs_its_reason_and_shows_it(
    client_: Client, clinician: User, plan: PlanVersion
) -> None:
    note = services.start_note(clinician, attended(client_))
    form = progress_form(
        note.content,
        _ids(plan)[:1],
        billed_code="90832",
        billing_override_reason="The last 25 minutes were a family meeting billed apart.",
    )
    signed_in(clinician).post(reverse("note_view", args=[client_.pk, note.pk]), form)
    note.refresh_from_db()
    assert note.content["billed_codes"] == ["90832"]
    found = {f.code: f for f in checks.check(note, prospective_signer=clinician).findings}
    assert "note.billing.code_overridden" in found
    assert "family meeting" in found["note.billing.code_overridden"].message
    assert "note.billing.code_mismatch" not in found


def test_a_note_signed_days_late_is_marked_as_a_late_entry(
    client_: Client, clinician: User, plan: PlanVersion
) -> None:
    note = services.start_note(clinician, attended(client_, days_ago=2))
    http = signed_in(clinician)
    http.post(
        reverse("note_view", args=[client_.pk, note.pk]), progress_form(note.content, _ids(plan))
    )
    sign_page = http.get(reverse("note_sign", args=[client_.pk, note.pk])).content.decode()
    assert "note.timeliness.documentation_late" in sign_page
    services.sign_note(clinician, Note.objects.get(pk=note.pk), stepped_up_at=timezone.now())
    page = http.get(reverse("note_view", args=[client_.pk, note.pk])).content.decode()
    assert "Late entry: signed" in page


def test_an_addendum_follows_the_signature_and_leaves_the_note_as_signed(
    client_: Client, clinician: User, plan: PlanVersion
) -> None:
    note = services.start_note(clinician, attended(client_))
    http = signed_in(clinician)
    http.post(
        reverse("note_view", args=[client_.pk, note.pk]), progress_form(note.content, _ids(plan))
    )
    note = services.sign_note(clinician, Note.objects.get(pk=note.pk), stepped_up_at=timezone.now())
    before = dict(note.content)
    response = http.post(
        reverse("note_addendum", args=[client_.pk, note.pk]),
        {
            "text": "Client called the next day: the thought record is going well.",
            "password": PASSWORD,
            "code": current_code(clinician),
        },
    )
    assert response.status_code == 302
    note.refresh_from_db()
    assert note.content == before
    assert note.addenda.count() == 1
    assert (
        "Addendum 1" in http.get(reverse("note_view", args=[client_.pk, note.pk])).content.decode()
    )


def test_a_stale_save_keeps_both_and_overwrites_nothing(
    client_: Client, clinician: User, plan: PlanVersion, colleague: User
) -> None:
    client_.care_team.add(colleague)
    note = services.start_note(clinician, attended(client_))
    url = reverse("note_view", args=[client_.pk, note.pk])
    signed_in(colleague).post(
        url, progress_form(note.content, _ids(plan), **{"sections.data": "Theirs"})
    )
    response = signed_in(clinician).post(
        url, progress_form(note.content, _ids(plan), **{"sections.data": "Mine"})
    )
    assert response.status_code == 409
    note.refresh_from_db()
    assert note.content["sections"]["data"] == "Theirs"
    assert "Mine" in response.content.decode()


def test_the_autosave_answers_with_the_findings(
    client_: Client, clinician: User, plan: PlanVersion
) -> None:
    note = services.start_note(clinician, attended(client_))
    response = signed_in(clinician).post(
        reverse("note_autosave", args=[client_.pk, note.pk]),
        progress_form(note.content, _ids(plan), **{"session.stop": ""}),
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert "note.session.stop_time_missing" in response.content.decode()


def test_a_second_write_note_opens_the_same_note(client_: Client, clinician: User) -> None:
    appointment = attended(client_)
    first = services.start_note(clinician, appointment)
    assert services.start_note(clinician, appointment) == first
    assert Note.objects.count() == 1


def test_the_format_is_remembered_per_clinician(
    client_: Client, clinician: User, plan: PlanVersion
) -> None:
    services.start_note(clinician, attended(client_, days_ago=3), note_format="birp")
    note = services.start_note(clinician, attended(client_, days_ago=1))
    assert note.content["format"] == "birp"
    assert set(note.content["sections"]) == {"behavior", "intervention", "response", "plan"}


def test_a_session_more_than_a_week_ago_is_still_documentable(
    client_: Client, clinician: User, plan: PlanVersion
) -> None:
    note = services.start_note(clinician, attended(client_, days_ago=9))
    assert (
        note.content["session"]["date_of_service"]
        == (timezone.localdate() - timedelta(days=9)).isoformat()
    )


def test_the_measures_given_that_day_are_kept_in_the_note(
    client_: Client, clinician: User, plan: PlanVersion
) -> None:
    from threadline.measures import services as measures

    appointment = attended(client_)
    measures.give_in_session(
        clinician,
        client_,
        "gad7",
        dict.fromkeys(range(1, 8), 2),
        at=appointment.scheduled_start,
    )
    note = services.start_note(clinician, appointment)
    signed_in(clinician).post(
        reverse("note_view", args=[client_.pk, note.pk]), progress_form(note.content, _ids(plan))
    )
    note.refresh_from_db()
    assert note.content["measures_given"] == [
        {"instrument": "GAD-7", "total": 14, "band": "Moderate", "complete": True}
    ]
