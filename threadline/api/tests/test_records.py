"""What the record routes return, how they page, what they audit, and how many queries."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from threadline.accounts.models import User
from threadline.api.tests.factories import bearer, full_record, measure_for, note_for
from threadline.appointments.models import Appointment
from threadline.audit.models import AuditEvent
from threadline.clients.models import Client
from threadline.conftest import make_client
from threadline.notes.models import Note
from threadline.plans import services as plans
from threadline.signatures.hashing import content_sha256


def _get(url: str, headers: dict[str, str], **query: Any) -> Any:
    response = HttpClient().get(url, query, headers=headers)
    assert response.status_code == 200, response.content
    return response.json()


def test_the_client_list_shows_only_visible_clients_and_searches(
    client_record: Client, owner: User, colleague: User
) -> None:
    make_client(client_record.practice, colleague, "TL-00002", legal_first_name="Robin")
    make_client(client_record.practice, owner, "TL-00003", legal_first_name="Sage")
    headers = bearer(owner)
    listed = _get(reverse("api:client_list"), headers)
    assert [c["record_number"] for c in listed["items"]] == ["TL-00001", "TL-00003"]
    assert listed["count"] == 2
    found = _get(reverse("api:client_list"), headers, q="sage")
    assert [c["record_number"] for c in found["items"]] == ["TL-00003"]
    event = AuditEvent.objects.filter(action="api.client.list").last()
    assert event is not None and event.detail["searched"] is True


def test_pages_link_to_their_neighbours(client_record: Client, owner: User) -> None:
    for number in range(2, 6):
        make_client(client_record.practice, owner, f"TL-0000{number}")
    url = reverse("api:client_list")
    first = _get(url, bearer(owner), limit=2)
    assert (first["count"], len(first["items"]), first["previous"]) == (5, 2, None)
    assert first["next"] == f"{url}?limit=2&offset=2"
    last = _get(url, bearer(owner), limit=2, offset=4)
    assert (len(last["items"]), last["next"]) == (1, None)
    assert last["previous"] == f"{url}?limit=2&offset=2"


@pytest.mark.parametrize(
    "query", [{"limit": "0"}, {"limit": "201"}, {"offset": "-1"}, {"limit": "many"}]
)
def test_a_bad_page_is_a_422_naming_the_field(
    client_record: Client, owner: User, query: dict[str, str]
) -> None:
    response = HttpClient().get(reverse("api:client_list"), query, headers=bearer(owner))
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert [detail["field"] for detail in error["details"]] == [f"query.{next(iter(query))}"]


def test_a_plan_version_comes_with_its_content_signatures_and_addenda(
    client_record: Client, owner: User
) -> None:
    record = full_record(client_record)
    version = record.plan
    plans.add_addendum(
        owner, version, "Client asked to add a walking goal.", stepped_up_at=timezone.now()
    )
    headers = bearer(owner)
    listed = _get(reverse("api:plan_list", args=[client_record.pk]), headers)
    assert [(v["number"], v["status"]) for v in listed["items"]] == [(1, "signed")]
    assert listed["items"][0]["signed_by"] == ["author: Owner"]

    detail = _get(reverse("api:plan_detail", args=[client_record.pk, version.pk]), headers)
    assert detail["content"] == version.content
    [signature] = detail["signatures"]
    assert signature["printed_name"] == "Owner"
    assert signature["credentials"] == "APC"
    assert signature["meaning"] == "author"
    assert signature["content_sha256"] == content_sha256(version.signable())
    [addendum] = detail["addenda"]
    assert (addendum["number"], addendum["text"]) == (1, "Client asked to add a walking goal.")
    assert len(addendum["signatures"]) == 1
    event = AuditEvent.objects.filter(action="api.plan.view").get()
    assert (event.client_id, event.object_id) == (client_record.pk, str(version.pk))


def test_a_version_of_another_clients_plan_is_a_404(client_record: Client, owner: User) -> None:
    other = make_client(client_record.practice, owner, "TL-00002")
    version = full_record(other).plan
    response = HttpClient().get(
        reverse("api:plan_detail", args=[client_record.pk, version.pk]), headers=bearer(owner)
    )
    assert response.status_code == 404


def test_a_note_shows_its_kind_format_content_and_billed_codes(
    client_record: Client, owner: User
) -> None:
    note = full_record(client_record).note
    headers = bearer(owner)
    listed = _get(reverse("api:note_list", args=[client_record.pk]), headers)
    assert [n["id"] for n in listed["items"]] == [note.pk]
    detail = _get(reverse("api:note_detail", args=[client_record.pk, note.pk]), headers)
    assert (detail["kind"], detail["status"], detail["format"]) == ("progress", "draft", "dap")
    assert detail["content"] == note.content
    assert detail["session_id"] == note.appointment_id
    assert detail["billed_codes"] == note.content["billed_codes"]
    assert (
        AuditEvent.objects.filter(action="api.note.progress.view", client=client_record).count()
        == 1
    )


def _session_of(note: Note) -> Appointment:
    assert note.appointment is not None
    return note.appointment


def test_sessions_can_be_limited_to_days(client_record: Client, owner: User) -> None:
    older = _session_of(note_for(client_record, days_ago=20))
    newer = _session_of(note_for(client_record, days_ago=2))
    url = reverse("api:session_list", args=[client_record.pk])
    headers = bearer(owner)
    every = _get(url, headers)
    assert [s["id"] for s in every["items"]] == [newer.pk, older.pk]
    assert every["items"][0]["note_id"] == newer.note.pk
    since = (timezone.localdate() - timedelta(days=5)).isoformat()
    assert [s["id"] for s in _get(url, headers, **{"from": since})["items"]] == [newer.pk]
    assert [s["id"] for s in _get(url, headers, to=since)["items"]] == [older.pk]
    backwards = HttpClient().get(url, {"from": since, "to": "2000-01-01"}, headers=headers)
    assert backwards.status_code == 422
    first = (
        AuditEvent.objects.filter(action="appointment.list.view", client=client_record)
        .order_by("id")
        .first()
    )
    assert first is not None
    assert first.detail == {"view": "api", "shown": [newer.pk, older.pk]}


def test_a_session_is_scheduled_through_the_appointments_service(
    client_record: Client, owner: User
) -> None:
    response = HttpClient().post(
        reverse("api:session_create", args=[client_record.pk]),
        {"scheduled_start": "2026-09-08T13:00:00-05:00", "duration_minutes": 45},
        content_type="application/json",
        headers=bearer(owner),
    )
    assert response.status_code == 201
    made = client_record.appointments.get()
    assert (made.duration_minutes, made.clinician, made.status) == (45, owner, "scheduled")
    assert AuditEvent.objects.filter(action="appointment.create", client=client_record).count() == 1


def test_a_session_the_appointments_service_refuses_is_a_422(
    client_record: Client, owner: User
) -> None:
    response = HttpClient().post(
        reverse("api:session_create", args=[client_record.pk]),
        {"scheduled_start": "2026-09-08T13:00:00-05:00", "telehealth": "video"},
        content_type="application/json",
        headers=bearer(owner),
    )
    assert response.status_code == 422
    assert [d["field"] for d in response.json()["error"]["details"]] == ["body.place"]
    assert not client_record.appointments.exists()


def test_measures_show_instrument_score_and_band(client_record: Client, owner: User) -> None:
    given = measure_for(client_record)
    listed = _get(reverse("api:measure_list", args=[client_record.pk]), bearer(owner))
    [row] = listed["items"]
    assert (row["instrument"], row["score"], row["band"], row["state"]) == (
        "phq9",
        given.total,
        given.band,
        "complete",
    )
    assert AuditEvent.objects.filter(action="api.measure.list", client=client_record).count() == 1


LISTS = [
    "api:client_list",
    "api:plan_list",
    "api:note_list",
    "api:session_list",
    "api:measure_list",
]


def _grow(client: Client, owner: User) -> None:
    """One more of everything each list shows."""
    make_client(client.practice, owner, f"TL-1{Client.objects.count():04d}")
    full_record(client)


@pytest.mark.parametrize("name", LISTS)
def test_a_list_takes_the_same_queries_for_one_item_or_many(
    name: str,
    client_record: Client,
    owner: User,
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    _grow(client_record, owner)
    headers = bearer(owner)
    url = reverse(name) if name == "api:client_list" else reverse(name, args=[client_record.pk])
    _get(url, headers)  # warms the content type cache and last_used_at
    with CaptureQueriesContext(connection) as one:
        small = _get(url, headers)
    for _ in range(3):
        _grow(client_record, owner)
    with django_assert_num_queries(len(one.captured_queries)):
        large = _get(url, headers)
    assert len(large["items"]) > len(small["items"])
