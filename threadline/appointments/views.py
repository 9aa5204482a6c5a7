from __future__ import annotations

from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from threadline import access
from threadline.access import Action
from threadline.appointments import services
from threadline.appointments.forms import AppointmentForm, StatusForm
from threadline.appointments.models import Appointment, Status
from threadline.audit.models import Outcome
from threadline.audit.services import record
from threadline.lib.http import Request


def _appointment(request: Request, client_id: int, appointment_id: int) -> Appointment:
    client = access.client_for(request.user, client_id, Action.CLINICAL_EDIT)
    return get_object_or_404(
        Appointment.objects.select_related("client__practice", "clinician"),
        pk=appointment_id,
        client=client,
    )


@login_required
def appointment_list(request: Request, client_id: int) -> HttpResponse:
    client = access.client_for(request.user, client_id, Action.CLINICAL_VIEW)
    appointments = list(
        client.appointments.select_related("clinician", "note").order_by("-scheduled_start", "-id")
    )
    services.list_viewed(request.user, appointments, client=client, view="client")
    return render(
        request,
        "appointments/client_list.html",
        {
            "client": client,
            "appointments": appointments,
            "can_edit": access.can(request.user, Action.CLINICAL_EDIT, client),
            "statuses": Status.choices,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def appointment_new(request: Request, client_id: int) -> HttpResponse:
    client = access.client_for(request.user, client_id, Action.CLINICAL_EDIT)
    form = AppointmentForm(
        request.POST or None,
        client=client,
        initial={"clinician": request.user, "date": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.schedule(request.user, client, form.appointment_data())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("appointment_list", client_id=client.pk)
    return render(
        request, "appointments/form.html", {"form": form, "client": client, "appointment": None}
    )


@login_required
@require_http_methods(["GET", "POST"])
def appointment_edit(request: Request, client_id: int, appointment_id: int) -> HttpResponse:
    appointment = _appointment(request, client_id, appointment_id)
    client = appointment.client
    form = AppointmentForm(request.POST or None, instance=appointment, client=client)
    if request.method == "POST" and form.is_valid():
        try:
            services.update(request.user, appointment, form.appointment_data())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("appointment_list", client_id=client.pk)
    return render(
        request,
        "appointments/form.html",
        {"form": form, "client": client, "appointment": appointment},
    )


@login_required
@require_POST
def appointment_status(request: Request, client_id: int, appointment_id: int) -> HttpResponse:
    appointment = _appointment(request, client_id, appointment_id)
    form = StatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a status for the session.")
    else:
        try:
            services.set_status(request.user, appointment, form.cleaned_data["status"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"Session marked {appointment.get_status_display()}.")
    return redirect("appointment_list", client_id=client_id)


def _require_clinical_member(request: Request) -> None:
    member = access.require_membership(request.user)
    if not member.is_clinical:
        record(
            "access.schedule.view",
            actor=request.user,
            practice=member.practice,
            outcome=Outcome.DENIED,
        )
        raise PermissionDenied


def _day(value: str | None, default: date) -> date:
    try:
        return date.fromisoformat(value) if value else default
    except ValueError:
        return default


@login_required
def schedule_day(request: Request) -> HttpResponse:
    _require_clinical_member(request)
    day = _day(request.GET.get("day"), timezone.localdate())
    appointments = services.schedule_of(request.user, day, 1)
    services.list_viewed(request.user, appointments, view="day")
    return render(
        request,
        "appointments/schedule_day.html",
        {
            "day": day,
            "appointments": appointments,
            "previous": day - timedelta(days=1),
            "next": day + timedelta(days=1),
        },
    )


@login_required
def schedule_week(request: Request) -> HttpResponse:
    _require_clinical_member(request)
    today = timezone.localdate()
    start = _day(request.GET.get("start"), today - timedelta(days=today.weekday()))
    appointments = services.schedule_of(request.user, start, 7)
    services.list_viewed(request.user, appointments, view="week")
    days = [
        (
            start + timedelta(days=offset),
            [
                appointment
                for appointment in appointments
                if timezone.localtime(appointment.scheduled_start).date()
                == start + timedelta(days=offset)
            ],
        )
        for offset in range(7)
    ]
    return render(
        request,
        "appointments/schedule_week.html",
        {
            "start": start,
            "end": start + timedelta(days=6),
            "days": days,
            "previous": start - timedelta(days=7),
            "next": start + timedelta(days=7),
        },
    )
