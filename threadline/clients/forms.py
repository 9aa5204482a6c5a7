from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils import timezone

from threadline.accounts.models import CLINICAL_ROLES, Payer, Practice, User
from threadline.clients.models import Client

OLDEST_BIRTH_YEAR = 1900


class ClientForm(forms.ModelForm[Client]):
    class Meta:
        model = Client
        fields = [
            "legal_first_name",
            "legal_last_name",
            "preferred_name",
            "pronouns",
            "date_of_birth",
            "record_number",
            "email",
            "phone",
            "address",
            "emergency_contact_name",
            "emergency_contact_relationship",
            "emergency_contact_phone",
            "payer",
            "member_id",
            "plan_type",
            "primary_clinician",
            "care_team",
            "status",
        ]
        widgets = {
            "date_of_birth": forms.DateInput(attrs={"type": "date"}),
            "address": forms.Textarea(attrs={"rows": 2}),
            "care_team": forms.CheckboxSelectMultiple,
        }
        help_texts = {
            "record_number": "The second identifier printed beside the name on every document.",
            "care_team": "Colleagues who treat this client besides the primary clinician.",
        }

    def __init__(self, *args: Any, practice: Practice, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.practice = practice
        clinicians = User.objects.filter(
            membership__practice=practice,
            membership__is_active=True,
            membership__role__in=CLINICAL_ROLES,
        ).order_by("full_name")
        for name, queryset in (
            ("primary_clinician", clinicians),
            ("care_team", clinicians),
            ("payer", Payer.objects.filter(practice=practice)),
        ):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = queryset
        if self.instance.pk is None:
            del self.fields["status"]

    def clean_date_of_birth(self) -> date:
        born: date = self.cleaned_data["date_of_birth"]
        if born > timezone.localdate():
            raise forms.ValidationError("The date of birth is in the future.")
        if born.year < OLDEST_BIRTH_YEAR:
            raise forms.ValidationError(f"The date of birth is before {OLDEST_BIRTH_YEAR}.")
        return born

    def clean_record_number(self) -> str:
        number: str = self.cleaned_data["record_number"].strip()
        taken = Client.objects.filter(practice=self.practice, record_number__iexact=number)
        if self.instance.pk is not None:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(
                f"Record number {number} already belongs to another client in this practice."
            )
        return number

    def validate_unique(self) -> None:
        # The practice is not a form field, so the model's (practice, record number) constraint
        # is checked in clean_record_number with a message that says which number is taken.
        self.instance.practice = self.practice
        super().validate_unique()

    def client_data(self) -> tuple[dict[str, Any], list[User]]:
        data = {k: v for k, v in self.cleaned_data.items() if k != "care_team"}
        return data, list(self.cleaned_data.get("care_team") or [])
