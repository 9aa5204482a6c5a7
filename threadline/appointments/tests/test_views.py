from __future__ import annotations

from datetime import datetime, timedelta

from django.urls import reverse
from django.utils import timezone

from threadline.accounts.models import Practice, User
from threadline.appointments import services
from threadline.appointments.models import Appointment
from threadline.audit.models import AuditEvent
from threadline.clients.models import Client
from threadline.conftest import make_client, signed_in


def _at(day: str, hour: int) -> datetime:
    return timezone.make_aware(datetime.fromisoformat(f"{day}T{hour:02d}:00"))


def _session(clinician: User, client: Client, start: datetime) -> Appointment:
    return services.schedule(
        clinician,
        client,
        {"clinician": clinician, "scheduled_start": start, "service": "psychotherapy"},
    )


def test_the_owner_sees_the_clients_sessions_and_the_read_is_audited(
    owner: User, client_record: Client
) -> None:
    appointment = _session(owner, client_record, _at("2026-11-02", 10))
    response = signed_in(owner).get(reverse("appointment_list", args=[client_record.pk]))
    assert response.status_code == 200
    assert "Mon Nov 2, 2026" in response.content.decode()
    event = AuditEvent.objects.get(action="appointment.list.view")
    assert (event.client, event.detail) == (
        client_record,
        {"view": "client", "shown": [appointment.pk]},
    )


def test_others_are_refused_the_clients_sessions(
    client_record: Client, colleague: User, admin: User, outsider: User
) -> None:
    url = reverse("appointment_list", args=[client_record.pk])
    assert signed_in(colleague).get(url).status_code == 404
    assert signed_in(admin).get(url).status_code == 403
    assert signed_in(outsider).get(url).status_code == 404


def test_a_supervisor_reads_the_sessions_but_may_not_schedule(
    client_record: Client, supervisor: User
) -> None:
    http = signed_in(supervisor)
    assert http.get(reverse("appointment_list", args=[client_record.pk])).status_code == 200
    assert http.get(reverse("appointment_new", args=[client_record.pk])).status_code == 403


def test_scheduling_through_the_form_creates_the_session(
    owner: User, client_record: Client
) -> None:
    response = signed_in(owner).post(
        reverse("appointment_new", args=[client_record.pk]),
        {
            "date": "2026-11-03",
            "start_time": "14:30",
            "duration_minutes": "45",
            "clinician": str(owner.pk),
            "service": "psychotherapy",
            "place": "home",
            "telehealth": "video",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("appointment_list", args=[client_record.pk])
    stored = Appointment.objects.get()
    assert (stored.scheduled_start, stored.duration_minutes, stored.telehealth) == (
        _at("2026-11-03", 14) + timedelta(minutes=30),
        45,
        "video",
    )


def test_bad_input_shows_the_form_again_and_saves_nothing(
    owner: User, client_record: Client
) -> None:
    response = signed_in(owner).post(
        reverse("appointment_new", args=[client_record.pk]),
        {"date": "", "start_time": "10:00", "duration_minutes": "53", "clinician": str(owner.pk)},
    )
    assert response.status_code == 200
    assert not Appointment.objects.exists()


def test_editing_a_session_of_another_client_is_404(
    owner: User, client_record: Client, practice: Practice
) -> None:
    other = make_client(practice, owner, "TL-00002")
    appointment = _session(owner, other, _at("2026-11-02", 10))
    url = reverse("appointment_edit", args=[client_record.pk, appointment.pk])
    assert signed_in(owner).get(url).status_code == 404


def test_marking_a_past_session_attended(owner: User, client_record: Client) -> None:
    appointment = _session(owner, client_record, timezone.now() - timedelta(hours=2))
    response = signed_in(owner).post(
        reverse("appointment_status", args=[client_record.pk, appointment.pk]),
        {"status": "attended"},
    )
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.status == "attended"
    assert AuditEvent.objects.filter(action="appointment.status").count() == 1


def test_a_future_session_cannot_be_marked_attended(owner: User, client_record: Client) -> None:
    appointment = _session(owner, client_record, timezone.now() + timedelta(days=2))
    http = signed_in(owner)
    url = reverse("appointment_status", args=[client_record.pk, appointment.pk])
    page = http.post(url, {"status": "attended"}, follow=True).content.decode()
    appointment.refresh_from_db()
    assert appointment.status == "scheduled"
    assert "cannot be marked attended" in page


def test_the_day_schedule_shows_only_the_clinicians_own_sessions(
    owner: User, colleague: User, client_record: Client, practice: Practice
) -> None:
    theirs = make_client(practice, colleague, "TL-00002", legal_first_name="Quinn")
    mine = _session(owner, client_record, _at("2026-11-02", 10))
    _session(colleague, theirs, _at("2026-11-02", 11))
    _session(owner, client_record, _at("2026-11-03", 10))
    response = signed_in(owner).get(reverse("schedule_day"), {"day": "2026-11-02"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Avery Testwell" in page and "TL-00001" in page
    assert "TL-00002" not in page and "Quinn" not in page
    event = AuditEvent.objects.get(action="appointment.list.view")
    assert event.detail == {"view": "day", "shown": [mine.pk]}


def test_the_week_schedule_shows_the_seven_days_from_the_start(
    owner: User, client_record: Client
) -> None:
    monday = _session(owner, client_record, _at("2026-11-02", 9))
    sunday = _session(owner, client_record, _at("2026-11-08", 20))
    _session(owner, client_record, _at("2026-11-09", 9))
    signed_in(owner).get(reverse("schedule_week"), {"start": "2026-11-02"})
    event = AuditEvent.objects.get(action="appointment.list.view")
    assert event.detail == {"view": "week", "shown": [monday.pk, sunday.pk]}


def test_a_practice_admin_has_no_schedule(admin: User) -> None:
    assert signed_in(admin).get(reverse("schedule_day")).status_code == 403
    assert signed_in(admin).get(reverse("schedule_week")).status_code == 403


def test_the_chart_shows_the_latest_sessions_to_clinicians_only(
    owner: User, admin: User, client_record: Client
) -> None:
    _session(owner, client_record, _at("2026-11-02", 10))
    url = reverse("client_chart", args=[client_record.pk])
    assert "Mon Nov 2, 2026" in signed_in(owner).get(url).content.decode()
    assert "Mon Nov 2, 2026" not in signed_in(admin).get(url).content.decode()
