"""Forms of the rights pages: the client's requests and the clinician's decisions."""

from __future__ import annotations

from typing import Any

from django import forms

from threadline.notes.models import Note
from threadline.plans.forms import PasswordAgainForm
from threadline.plans.models import PlanVersion
from threadline.privacy.services import describe


class AmendmentRequestForm(forms.Form):
    document = forms.ChoiceField(
        label="Which document",
        help_text="Choose the document you would like corrected.",
        error_messages={"required": "Choose the document you would like corrected."},
    )
    requested_change = forms.CharField(
        label="What should change",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Say which part is not right and what it should say instead.",
        error_messages={"required": "Tell us what should change."},
    )
    reason = forms.CharField(
        label="Why",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="A sentence or two is enough.",
        error_messages={"required": "Tell us why it should change."},
    )

    def __init__(
        self, *args: Any, documents: list[tuple[str, PlanVersion | Note]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.documents = dict(documents)
        field = self.fields["document"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            ("", "Choose a document"),
            *((key, describe(document)) for key, document in documents),
        ]

    def clean_document(self) -> PlanVersion | Note:
        return self.documents[self.cleaned_data["document"]]


class StatementForm(forms.Form):
    statement = forms.CharField(
        label="Your statement of disagreement",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Say why you disagree with the decision. It will be kept with the document "
        "and included whenever that part of your record is shared.",
        error_messages={"required": "Write your statement before sending it."},
    )


class DenialForm(forms.Form):
    reason = forms.CharField(
        label="Reason for the denial",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Written for the client, in plain words; they read it in the portal.",
        error_messages={"required": "Write the reason for the denial; the client will read it."},
    )


class AcceptAmendmentForm(PasswordAgainForm):
    text = forms.CharField(
        label="Amendment",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Added to the document as a signed addendum; the signed document itself "
        "does not change.",
        error_messages={"required": "Write the amendment as it should be added."},
    )
    field_order = ("text", "password")


class RebuttalForm(forms.Form):
    rebuttal = forms.CharField(
        label="Rebuttal",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Optional. Kept with the client's statement; the client can read it.",
        error_messages={"required": "Write the rebuttal before saving it."},
    )


class ExtensionForm(forms.Form):
    reason = forms.CharField(
        label="Why more time is needed",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Written for the client, in plain words: they read it in the portal with the "
        "new date. A request can be extended once, by 30 days, before its due date.",
        error_messages={
            "required": "Write why more time is needed; the client reads it with the new date."
        },
    )
