from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from threadline.appointments.models import Appointment, Status
from threadline.clients.models import Client
from threadline.psychotherapy_notes import releases
from threadline.psychotherapy_notes.models import PsychotherapyNote
from threadline.rules.measures.chart import day_label

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


DATE = forms.DateInput(attrs={"type": "date"})


class NoteChoice(forms.ModelMultipleChoiceField[PsychotherapyNote]):
    def label_from_instance(self, obj: PsychotherapyNote) -> str:
        # The date and the session, never the text: enough for the author to tell them apart.
        label = f"Note of {day_label(obj.written_at)}"
        if obj.session is not None:
            start = timezone.localtime(obj.session.scheduled_start)
            label += f" · session of {day_label(start.date())}, {obj.session.get_service_display()}"
        return label


class ReleaseForm(forms.Form):
    notes = NoteChoice(
        queryset=PsychotherapyNote.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        label="Notes the authorization covers",
        error_messages={
            "required": releases.NO_NOTES,
            "invalid_choice": releases.NOT_YOURS,
            "invalid_pk_value": releases.NOT_YOURS,
        },
        help_text="Only your own notes about this client are offered. Tick only those the "
        "authorization describes.",
    )
    recipient_name = forms.CharField(
        label="Recipient",
        max_length=100,
        error_messages={"required": releases.NO_RECIPIENT},
        help_text="The person or organization the authorization names.",
    )
    recipient_address = forms.CharField(
        label="Recipient's address",
        max_length=98,
        required=False,
        help_text="If you know it. It goes into the client's accounting of disclosures.",
    )
    purpose = forms.CharField(
        label="Purpose",
        max_length=300,
        error_messages={"required": releases.NO_PURPOSE},
        help_text="As the authorization states it, such as: at the client's request, or "
        "evaluation for a disability claim.",
    )
    given_on = forms.DateField(
        label="Date the client signed the authorization",
        widget=DATE,
        error_messages={
            "required": "Give the date the client signed the authorization.",
            "invalid": "Use a date.",
        },
    )
    given_how = forms.CharField(
        label="The authorization",
        max_length=300,
        error_messages={"required": releases.NO_AUTHORIZATION},
        help_text="For example: signed authorization form dated Mar 3, 2026, scanned to the "
        "chart. It must be an authorization for psychotherapy notes on its own: it may be "
        "combined only with another authorization for psychotherapy notes, never with a consent "
        "to treatment or a release of other records (45 CFR 164.508(b)(3)(ii)).",
    )
    expires_on = forms.DateField(
        label="Authorization expires on",
        widget=DATE,
        error_messages={
            "required": "Give the expiry date the authorization states.",
            "invalid": "Use a date.",
        },
        help_text="The notes can be downloaded through the end of this day, unless you revoke "
        "the release first.",
    )

    def __init__(self, *args: Any, notes: QuerySet[PsychotherapyNote], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["notes"]
        assert isinstance(field, NoteChoice)
        field.queryset = notes

    def clean_given_on(self) -> date:
        day: date = self.cleaned_data["given_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(releases.SIGNED_LATER)
        return day

    def clean_expires_on(self) -> date:
        day: date = self.cleaned_data["expires_on"]
        if day <= timezone.localdate():
            raise forms.ValidationError(releases.ENDED)
        return day


class RevokeReleaseForm(forms.Form):
    reason = forms.CharField(label="Reason (optional)", max_length=300, required=False)
