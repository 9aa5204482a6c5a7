from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from django import forms
from django.utils import timezone

from threadline.accounts.models import CLINICAL_ROLES, User
from threadline.appointments.models import (
    DEFAULT_MINUTES,
    MAX_MINUTES,
    MIN_MINUTES,
    Appointment,
    Status,
)
from threadline.clients.models import Client


class AppointmentForm(forms.ModelForm[Appointment]):
    date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    start_time = forms.TimeField(label="Start time", widget=forms.TimeInput(attrs={"type": "time"}))
    duration_minutes = forms.IntegerField(
        label="Length (minutes)",
        min_value=MIN_MINUTES,
        max_value=MAX_MINUTES,
        initial=DEFAULT_MINUTES,
    )

    class Meta:
        model = Appointment
        fields = ["clinician", "service", "duration_minutes", "place", "telehealth"]
        help_texts = {
            "place": "Where the client is; a telehealth session is at home or elsewhere.",
        }

    field_order = [
        "date",
        "start_time",
        "duration_minutes",
        "clinician",
        "service",
        "place",
        "telehealth",
    ]

    def __init__(self, *args: Any, client: Client, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.client = client
        clinician = self.fields["clinician"]
        assert isinstance(clinician, forms.ModelChoiceField)
        clinician.queryset = User.objects.filter(
            membership__practice=client.practice,
            membership__is_active=True,
            membership__role__in=CLINICAL_ROLES,
        ).order_by("full_name")
        if self.instance.pk is not None:
            local = timezone.localtime(self.instance.scheduled_start)
            self.initial.setdefault("date", local.date())
            self.initial.setdefault("start_time", local.time().replace(second=0, microsecond=0))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        day: date | None = cleaned.get("date")
        start: time | None = cleaned.get("start_time")
        if day is not None and start is not None:
            self.instance.scheduled_start = timezone.make_aware(datetime.combine(day, start))
        return cleaned

    def appointment_data(self) -> dict[str, Any]:
        data = {name: self.cleaned_data[name] for name in self._meta.fields or ()}
        data["scheduled_start"] = self.instance.scheduled_start
        return data


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=Status.choices)
