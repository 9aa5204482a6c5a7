"""The plan pages' forms; the editor itself posts content paths (see `content.from_form`)."""

from __future__ import annotations

from typing import Any

from django import forms

from threadline.accounts.forms import ReauthForm
from threadline.plans import content as plan_content
from threadline.plans.models import RevisionReason


class ReviseForm(forms.Form):
    reason = forms.ChoiceField(choices=[("", "Choose a reason"), *RevisionReason.choices])
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="What changed and why, in a sentence or two.",
    )


EDITOR_CHOICES = {
    "places": [
        ("office", "Office"),
        ("telehealth", "Telehealth"),
        ("home", "Client's home (in person)"),
        ("school", "School"),
        ("community", "Community"),
    ],
    "telehealth_choices": [("", "No (in person)"), ("video", "Video"), ("audio", "Audio only")],
    "ranks": [("primary", "Primary"), ("secondary", "Secondary")],
    "diagnosis_statuses": [("current", "Current"), ("past", "Past")],
    "objective_statuses": [(s, s.capitalize()) for s in plan_content.OBJECTIVE_STATUSES],
    "instruments": [
        ("", "None"),
        *((name, name) for name in ("PHQ-9", "GAD-7", "PCL-5", "AUDIT-C", "PHQ-2")),
    ],
}


class PasswordAgainForm(ReauthForm):
    """Signing asks for the password again, and a current code from anyone with a second
    factor: it confirms that it is this person who signs."""

    password = forms.CharField(
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text="Your password again: it confirms that it is you who signs.",
    )
    purpose = "signing"
    refused = "Nothing was signed."


class SignForm(PasswordAgainForm):
    attest = forms.BooleanField(label="")
    lock_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, attestation: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attest"].label = attestation


class AddendumForm(PasswordAgainForm):
    text = forms.CharField(
        label="Addendum",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Dated and signed on its own; the signed version above it does not change.",
    )
    field_order = ("text", "password")
