from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from threadline.accounts.models import User
from threadline.appointments import services
from threadline.appointments.forms import AppointmentForm
from threadline.appointments.models import Appointment, Status
from threadline.audit.models import AuditEvent
from threadline.clients.models import Client

START = datetime(2026, 11, 2, 15, 0, tzinfo=UTC)  # 10:00 in New York


def _data(clinician: User, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "clinician": clinician,
        "scheduled_start": START,
        "duration_minutes": 53,
        "service": "psychotherapy",
        "place": "office",
        "telehealth": "",
    }
    data.update(overrides)
    return data


@pytest.fixture
def appointment(owner: User, client_record: Client) -> Appointment:
    return services.schedule(owner, client_record, _data(owner))


def test_scheduling_a_session_saves_it_and_writes_one_audit_event(
    owner: User, client_record: Client
) -> None:
    appointment = services.schedule(owner, client_record, _data(owner))
    stored = Appointment.objects.get()
    assert (stored.client, stored.clinician, stored.created_by) == (client_record, owner, owner)
    assert (stored.status, stored.duration_minutes, stored.scheduled_start) == (
        "scheduled",
        53,
        START,
    )
    event = AuditEvent.objects.get(action="appointment.create")
    assert (event.client, event.object_id, event.detail) == (
        client_record,
        str(appointment.pk),
        {"status": "scheduled"},
    )


def test_a_telehealth_session_in_the_office_is_refused(owner: User, client_record: Client) -> None:
    with pytest.raises(ValidationError) as caught:
        services.schedule(owner, client_record, _data(owner, telehealth="video"))
    assert list(caught.value.message_dict) == ["place"]
    assert not Appointment.objects.exists()
    assert not AuditEvent.objects.filter(action="appointment.create").exists()


def test_a_clinician_of_another_practice_is_refused(
    owner: User, outsider: User, client_record: Client
) -> None:
    with pytest.raises(ValidationError) as caught:
        services.schedule(owner, client_record, _data(outsider))
    assert caught.value.message_dict == {
        "clinician": ["The clinician must be a clinical member of this practice."]
    }


def test_a_practice_admin_cannot_be_the_clinician(
    owner: User, admin: User, client_record: Client
) -> None:
    with pytest.raises(ValidationError):
        services.schedule(owner, client_record, _data(admin))


@pytest.mark.parametrize("minutes", [0, 481])
def test_a_duration_outside_one_to_480_minutes_is_refused(
    owner: User, client_record: Client, minutes: int
) -> None:
    with pytest.raises(ValidationError) as caught:
        services.schedule(owner, client_record, _data(owner, duration_minutes=minutes))
    assert list(caught.value.message_dict) == ["duration_minutes"]


def test_the_database_refuses_a_zero_minute_session(
    appointment: Appointment,
) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Appointment.objects.filter(pk=appointment.pk).update(duration_minutes=0)


def test_fields_the_service_does_not_own_are_refused(owner: User, client_record: Client) -> None:
    with pytest.raises(ValidationError):
        services.schedule(owner, client_record, _data(owner, status="attended"))


def test_an_update_records_the_names_of_the_changed_fields(
    owner: User, appointment: Appointment
) -> None:
    services.update(owner, appointment, _data(owner, duration_minutes=38, place="home"))
    appointment.refresh_from_db()
    assert (appointment.duration_minutes, appointment.place) == (38, "home")
    event = AuditEvent.objects.get(action="appointment.update")
    assert event.detail == {"fields": ["duration_minutes", "place"]}


def test_setting_the_status_records_what_it_was_and_what_it_became(
    owner: User, appointment: Appointment
) -> None:
    services.set_status(owner, appointment, Status.ATTENDED, now=START + timedelta(hours=1))
    appointment.refresh_from_db()
    assert appointment.status == "attended"
    event = AuditEvent.objects.get(action="appointment.status")
    assert event.detail == {"from": "scheduled", "to": "attended"}


def test_a_session_cannot_be_attended_before_it_starts(
    owner: User, appointment: Appointment
) -> None:
    with pytest.raises(ValidationError) as caught:
        services.set_status(owner, appointment, Status.ATTENDED, now=START - timedelta(hours=1))
    assert caught.value.messages == [
        "A session that has not started yet cannot be marked attended."
    ]
    appointment.refresh_from_db()
    assert appointment.status == "scheduled"
    assert not AuditEvent.objects.filter(action="appointment.status").exists()


def test_an_unknown_status_is_refused(owner: User, appointment: Appointment) -> None:
    with pytest.raises(ValidationError):
        services.set_status(owner, appointment, "postponed")


def test_a_future_session_may_be_cancelled(owner: User, appointment: Appointment) -> None:
    services.set_status(owner, appointment, Status.CANCELLED, now=START - timedelta(days=1))
    appointment.refresh_from_db()
    assert appointment.status == "cancelled"


def _form(client: Client, **overrides: str) -> AppointmentForm:
    data = {
        "date": "2026-11-02",
        "start_time": "10:00",
        "duration_minutes": "53",
        "clinician": str(client.primary_clinician_id),
        "service": "psychotherapy",
        "place": "office",
        "telehealth": "",
    }
    data.update(overrides)
    return AppointmentForm(data, client=client)


def test_the_form_joins_the_date_and_time_in_the_practice_time_zone(
    client_record: Client,
) -> None:
    form = _form(client_record)
    assert form.is_valid(), form.errors
    assert form.appointment_data()["scheduled_start"] == START
    assert timezone.localtime(form.appointment_data()["scheduled_start"]).hour == 10


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"date": ""}, "date"),
        ({"duration_minutes": "0"}, "duration_minutes"),
        ({"duration_minutes": "481"}, "duration_minutes"),
        ({"telehealth": "audio", "place": "office"}, "place"),
        ({"service": "massage"}, "service"),
    ],
)
def test_the_form_refuses_bad_input_on_the_field_at_fault(
    client_record: Client, overrides: dict[str, str], field: str
) -> None:
    form = _form(client_record, **overrides)
    assert not form.is_valid()
    assert list(form.errors) == [field]


def test_the_form_offers_only_clinical_members_of_the_practice(
    client_record: Client,
    owner: User,
    colleague: User,
    supervisor: User,
    admin: User,
    outsider: User,
) -> None:
    form = _form(client_record, clinician=str(outsider.pk))
    assert not form.is_valid()
    assert list(form.errors) == ["clinician"]
    field = form.fields["clinician"]
    assert isinstance(field, forms.ModelChoiceField)
    assert field.queryset is not None
    offered = set(field.queryset)
    assert offered == {owner, colleague, supervisor}


def test_the_demo_schedule_is_the_same_for_the_same_seed(
    owner: User, client_record: Client
) -> None:
    today = timezone.localdate()
    made = services.load_demo(owner, [client_record], seed=7, today=today)
    first = list(Appointment.objects.values_list("scheduled_start", "status", "telehealth"))
    Appointment.objects.all().delete()
    services.load_demo(owner, [client_record], seed=7, today=today)
    second = list(Appointment.objects.values_list("scheduled_start", "status", "telehealth"))
    assert made == services.HISTORY_WEEKS + 1  # the past weeks and next week's session
    assert first == second
    upcoming = Appointment.objects.filter(scheduled_start__gt=timezone.now())
    assert set(upcoming.values_list("status", flat=True)) == {"scheduled"}
    assert Appointment.objects.filter(status="attended").count() >= 1
    sessions = list(Appointment.objects.order_by("scheduled_start"))
    assert sessions[0].service == "intake" and sessions[0].status == "attended"
    assert {s.service for s in sessions[1:]} == {"psychotherapy"}
    days = [timezone.localdate(s.scheduled_start) for s in sessions]
    assert days[-2] - days[0] == timedelta(weeks=services.HISTORY_WEEKS - 1)


def test_a_demo_history_can_end_in_the_past_in_its_own_slot(
    owner: User, client_record: Client
) -> None:
    ended = timezone.localdate() - timedelta(days=30)
    made = services.load_demo(
        owner, [client_record], seed=3, today=ended, weeks=10, upcoming=False, first_slot=5
    )
    assert made == 10
    stored = Appointment.objects.values_list("scheduled_start", flat=True)
    starts = [timezone.localtime(start) for start in stored]
    assert max(starts).date() <= ended
    assert {(s.weekday(), s.hour) for s in starts} == {(0, services.DEMO_HOURS[5])}
    assert not Appointment.objects.filter(status="scheduled").exists()
