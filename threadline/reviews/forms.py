"""Forms for review cases, client authorizations, readers' passwords and break-glass access."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django import forms
from django.utils import timezone

from threadline.accounts.models import Payer
from threadline.clients.models import Client
from threadline.notes.models import Kind
from threadline.plans.models import PlanVersion
from threadline.reviews import policy
from threadline.reviews.break_glass import REASON_HELP
from threadline.reviews.models import CaseDocument, OutsideReader, ReaderKind, ReviewCase, Scope

# A review or an authorization is time-boxed; a longer one is a new decision, made again.
LONGEST = timedelta(days=366)
DATE = forms.DateInput(attrs={"type": "date"})


def _future_day(day: date) -> date:
    today = timezone.localdate()
    if day < today:
        raise forms.ValidationError("Choose today or a later date.")
    if day > today + LONGEST:
        raise forms.ValidationError("Choose a date within a year; it can be renewed later.")
    return day


def _note_range(form: forms.Form, data: dict[str, Any]) -> tuple[date | None, date | None]:
    """The notes' date range, checked: both ends or neither, in order, with a kind ticked."""
    start, end = data.get("notes_from"), data.get("notes_to")
    if (start is None) != (end is None):
        form.add_error("notes_to" if end is None else "notes_from", "Give both dates.")
    elif start and end and start > end:
        form.add_error("notes_to", "The end of the range is before its start.")
    elif start and end and not data.get("note_kinds"):
        form.add_error("note_kinds", "Tick at least one kind of note.")
    return start, end


def _note_kinds_field() -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label="Kinds of note in that range",
        choices=[
            (Kind.PROGRESS.value, "Progress notes"),
            (Kind.DISCHARGE.value, "Discharge summary"),
            (Kind.INTAKE.value, "Intake assessment"),
        ],
        initial=[Kind.PROGRESS.value],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Include the intake assessment only when the payer asked for it.",
    )


class NewReaderFields(forms.Form):
    """Pick a reader the practice already invited, or name a new one to invite."""

    reader_kind: str = ReaderKind.REVIEWER
    email = forms.EmailField(label="Email", required=False)
    full_name = forms.CharField(label="Full name", max_length=200, required=False)
    organization = forms.CharField(label="Organization", max_length=200, required=False)

    def _existing_or_new(self, data: dict[str, Any], existing: str) -> None:
        if data.get(existing) is not None:
            return
        missing = [f for f in ("email", "full_name", "organization") if not data.get(f)]
        for name in missing:
            self.add_error(name, "Needed to invite someone new (or choose a person above).")


class ReviewCaseForm(NewReaderFields):
    payer = forms.ModelChoiceField(Payer.objects.none(), label="Payer")
    purpose = forms.CharField(
        label="Purpose of the review",
        max_length=300,
        help_text="As the payer stated it, such as: medical necessity review for continued "
        "outpatient sessions.",
    )
    expires_on = forms.DateField(
        label="Access ends after",
        widget=DATE,
        help_text="The reviewer can read the documents through the end of this day.",
    )
    plan_versions = forms.ModelMultipleChoiceField(
        PlanVersion.objects.none(),
        label="Signed plan versions",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    notes_from = forms.DateField(label="Notes from", widget=DATE, required=False)
    notes_to = forms.DateField(label="Notes through", widget=DATE, required=False)
    note_kinds = _note_kinds_field()
    reviewer = forms.ModelChoiceField(
        OutsideReader.objects.none(),
        label="Reviewer",
        required=False,
        empty_label="Invite a new reviewer",
    )

    def __init__(self, *args: Any, client: Client, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.client = client
        self.resolved_notes: list[Any] = []
        payers = Payer.objects.filter(practice_id=client.practice_id).order_by("name")
        self.fields["payer"].queryset = payers  # type: ignore[attr-defined]
        self.fields["payer"].initial = client.payer_id
        self.fields["plan_versions"].queryset = policy.signed_plan_versions(client)  # type: ignore[attr-defined]
        self.fields["plan_versions"].label_from_instance = _version_label  # type: ignore[attr-defined]
        reviewers = OutsideReader.objects.filter(
            practice_id=client.practice_id, kind=ReaderKind.REVIEWER
        ).select_related("user", "payer")
        self.fields["reviewer"].queryset = reviewers  # type: ignore[attr-defined]
        self.fields["reviewer"].label_from_instance = _reviewer_label  # type: ignore[attr-defined]
        self.fields["email"].label = "New reviewer's email"
        self.fields["full_name"].label = "New reviewer's full name"
        self.fields["organization"].label = "New reviewer's organization"

    def clean_expires_on(self) -> date:
        day: date = self.cleaned_data["expires_on"]
        return _future_day(day)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = _note_range(self, data)
        reviewer, payer = data.get("reviewer"), data.get("payer")
        if reviewer is not None and payer is not None and reviewer.payer_id != payer.pk:
            self.add_error(
                "reviewer", f"{reviewer.user.full_name} reviews for another payer, not {payer}."
            )
        self._existing_or_new(data, "reviewer")
        if not self.errors:
            self.resolved_notes = policy.signed_notes_between(
                self.client, list(data.get("note_kinds") or []), start, end
            )
            if not data.get("plan_versions") and not self.resolved_notes:
                raise forms.ValidationError(
                    "Nothing to review yet: tick a plan version, or give a date range that "
                    "holds signed notes."
                )
        return data


class AttachForm(forms.Form):
    """More of the client's signed documents for an open case, chosen as when it was opened:
    plan versions by ticking them, notes by a date range. Those already attached are left out."""

    plan_versions = forms.ModelMultipleChoiceField(
        PlanVersion.objects.none(),
        label="Signed plan versions not yet attached",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    notes_from = forms.DateField(label="Notes from", widget=DATE, required=False)
    notes_to = forms.DateField(label="Notes through", widget=DATE, required=False)
    note_kinds = _note_kinds_field()

    def __init__(self, *args: Any, case: ReviewCase, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.case = case
        self.resolved_notes: list[Any] = []
        self.already_attached = 0  # notes in the range that the case already holds
        attached = policy.attached(case)
        self.attached_notes = set(attached.values_list("note_id", flat=True))
        versions = policy.signed_plan_versions(case.client).exclude(
            pk__in=attached.filter(plan_version__isnull=False).values("plan_version")
        )
        self.fields["plan_versions"].queryset = versions  # type: ignore[attr-defined]
        self.fields["plan_versions"].label_from_instance = _version_label  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = _note_range(self, data)
        if self.errors:
            return data
        in_range = policy.signed_notes_between(
            self.case.client, list(data.get("note_kinds") or []), start, end
        )
        self.resolved_notes = [n for n in in_range if n.pk not in self.attached_notes]
        self.already_attached = len(in_range) - len(self.resolved_notes)
        if not data.get("plan_versions") and not self.resolved_notes:
            if self.already_attached:
                raise forms.ValidationError(
                    "Every signed note in that range is already attached. Give another range, "
                    "or tick a plan version."
                )
            raise forms.ValidationError(
                "Nothing to attach: tick a plan version, or give a date range that holds signed "
                "notes."
            )
        return data


class DetachForm(forms.Form):
    """Take one attached document out of an open case, with the reason kept on the record."""

    document = forms.ModelChoiceField(
        CaseDocument.objects.none(),
        widget=forms.HiddenInput,
        error_messages={
            "invalid_choice": "That document is not attached to this case (it may have been "
            "detached already).",
            "required": "Choose the document to detach.",
        },
    )
    reason = forms.CharField(
        label="Reason for detaching",
        max_length=300,
        error_messages={
            "required": "Say why it is detached, such as: attached by mistake, another episode."
        },
    )

    def __init__(self, *args: Any, case: ReviewCase, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["document"].queryset = policy.attached(case)  # type: ignore[attr-defined]


def _version_label(version: PlanVersion) -> str:
    day = policy.Document(version, None).day
    signed = f"signed {timezone.localdate(version.signed_at):%Y-%m-%d}" if version.signed_at else ""
    effective = f"effective {day:%Y-%m-%d}, " if day else ""
    return f"Version {version.number} ({effective}{signed})"


def _reviewer_label(reader: OutsideReader) -> str:
    payer = f" — reviews for {reader.payer}" if reader.payer_id else ""
    return f"{reader.user.full_name}, {reader.organization}{payer}"


class AuthorizationForm(NewReaderFields):
    reader_kind = ReaderKind.COLLABORATOR
    collaborator = forms.ModelChoiceField(
        OutsideReader.objects.none(),
        label="Collaborating clinician",
        required=False,
        empty_label="Invite a new collaborating clinician",
    )
    scope = forms.MultipleChoiceField(
        label="Record types the client agreed to share",
        choices=Scope.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Tick at least one record type the client agreed to."},
        help_text="Psychotherapy notes are never shared this way; they need their own "
        "authorization.",
    )
    purpose = forms.CharField(
        label="Purpose",
        max_length=300,
        help_text="As the client agreed it, such as: coordination of care with their psychiatrist.",
    )
    given_on = forms.DateField(label="Date the client gave it", widget=DATE)
    given_how = forms.CharField(
        label="How the client gave it",
        max_length=300,
        help_text="For example: signed release form dated Mar 3, 2026, scanned to the chart.",
    )
    expires_on = forms.DateField(
        label="Authorization ends after",
        widget=DATE,
        help_text="Required. The collaborator can read through the end of this day.",
    )

    def __init__(self, *args: Any, client: Client, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        collaborators = OutsideReader.objects.filter(
            practice_id=client.practice_id, kind=ReaderKind.COLLABORATOR
        ).select_related("user")
        self.fields["collaborator"].queryset = collaborators  # type: ignore[attr-defined]
        self.fields["collaborator"].label_from_instance = _reviewer_label  # type: ignore[attr-defined]
        self.fields["email"].label = "New collaborator's email"
        self.fields["full_name"].label = "New collaborator's full name"
        self.fields["organization"].label = "New collaborator's practice or organization"

    def clean_given_on(self) -> date:
        day: date = self.cleaned_data["given_on"]
        if day > timezone.localdate():
            raise forms.ValidationError("The date the client gave it cannot be in the future.")
        return day

    def clean_expires_on(self) -> date:
        day: date = self.cleaned_data["expires_on"]
        return _future_day(day)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        self._existing_or_new(data, "collaborator")
        return data


class RevokeForm(forms.Form):
    reason = forms.CharField(label="Reason (optional)", max_length=300, required=False)


class PasswordForm(forms.Form):
    password = forms.CharField(
        label="Choose a password",
        help_text="At least 12 characters; a passphrase is easiest. Common passwords are refused.",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password_again = forms.CharField(
        label="The same password again",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password") and data.get("password_again") != data["password"]:
            self.add_error("password_again", "The two passwords are not the same.")
        return data


class BreakGlassForm(forms.Form):
    record_number = forms.CharField(label="Record number", max_length=20)
    reason = forms.CharField(
        label="Reason",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=REASON_HELP,
    )
