from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from threadline.appointments.models import Appointment, Status
from threadline.clients.models import Client

# Enough to reach back over a long course of weekly sessions without a huge menu.
SESSIONS_OFFERED = 60


class SessionChoice(forms.ModelChoiceField[Appointment]):
    def label_from_instance(self, obj: Appointment) -> str:
        start = timezone.localtime(obj.scheduled_start)
        return f"{start:%b} {start.day}, {start:%Y} · {obj.get_service_display()}"


class PsychotherapyNoteForm(forms.Form):
    written_at = forms.DateField(
        label="Date",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": "Give the date of the note.", "invalid": "Use a date."},
    )
    session = SessionChoice(
        queryset=Appointment.objects.none(),
        required=False,
        label="Session",
        empty_label="No particular session",
        help_text="Optional. The session these notes are about.",
    )
    body = forms.CharField(
        label="Notes",
        widget=forms.Textarea(attrs={"rows": 14}),
        strip=True,
        error_messages={"required": "Write the note before saving it."},
        help_text="Your impressions, hypotheses and the content of the conversation. "
        "Diagnosis, risk, progress and the plan belong in the progress note instead.",
    )

    def __init__(
        self,
        *args: Any,
        client: Client,
        author: Any,
        linked: Appointment | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        # Sessions this clinician held with this client, most recent first, and the one the
        # note is already linked to even if it has since dropped out of that list.
        recent = Appointment.objects.filter(
            client=client, clinician=author, status=Status.ATTENDED
        ).order_by("-scheduled_start")
        offered = list(recent.values_list("pk", flat=True)[:SESSIONS_OFFERED])
        if linked is not None:
            offered.append(linked.pk)
        session_field = self.fields["session"]
        assert isinstance(session_field, SessionChoice)
        session_field.queryset = Appointment.objects.filter(pk__in=offered).order_by(
            "-scheduled_start"
        )
