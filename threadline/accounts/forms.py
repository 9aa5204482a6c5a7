from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.password_validation import validate_password

from threadline.accounts.models import (
    CLINICAL_ROLES,
    Credential,
    Practice,
    Role,
    User,
)


class EmailLoginForm(AuthenticationForm):
    username = forms.EmailField(
        label="Email", widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"})
    )
    error_messages = {
        **AuthenticationForm.error_messages,
        # The same words whether or not the account exists.
        "invalid_login": "That email and password do not match an active account.",
    }


class PersonForm(forms.Form):
    full_name = forms.CharField(max_length=200)
    email = forms.EmailField()
    role = forms.ChoiceField(choices=Role.choices)
    password = forms.CharField(
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="At least 12 characters; a passphrase is easiest. Common passwords are refused.",
    )
    credentials = forms.ChoiceField(choices=[("", "—"), *Credential.choices], required=False)
    license_number = forms.CharField(label="Licence number", max_length=40, required=False)
    license_state = forms.CharField(label="Licence state", max_length=2, required=False)
    npi = forms.CharField(label="NPI", max_length=10, required=False)
    pre_licensed = forms.BooleanField(required=False)
    supervisor = forms.ModelChoiceField(queryset=User.objects.none(), required=False)

    def __init__(self, *args: Any, practice: Practice, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        supervisor_field = self.fields["supervisor"]
        assert isinstance(supervisor_field, forms.ModelChoiceField)
        supervisor_field.queryset = User.objects.filter(
            membership__practice=practice, membership__role=Role.SUPERVISOR
        )

    def clean_email(self) -> str:
        email: str = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError("An account with this email already exists.")
        return email

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password") and data.get("email"):
            try:
                validate_password(
                    data["password"], User(email=data["email"], full_name=data.get("full_name", ""))
                )
            except forms.ValidationError as error:
                self.add_error("password", error)
        if data.get("role") in CLINICAL_ROLES:
            if not data.get("credentials"):
                self.add_error("credentials", "A clinician needs credentials, such as LCSW.")
            if data.get("pre_licensed") and not data.get("supervisor"):
                self.add_error("supervisor", "A pre-licensed clinician needs a supervisor.")
        if data.get("license_state"):
            data["license_state"] = data["license_state"].upper()
        return data

    def profile(self) -> dict[str, Any] | None:
        data = self.cleaned_data
        if data["role"] not in CLINICAL_ROLES:
            return None
        fields = ("credentials", "license_number", "license_state", "npi", "pre_licensed")
        profile = {name: data[name] for name in fields}
        profile["supervisor"] = data["supervisor"] if data["pre_licensed"] else None
        return profile


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)


class PracticeForm(forms.ModelForm[Practice]):
    class Meta:
        model = Practice
        fields = ["name", "address", "phone", "tax_id", "default_pack"]
        widgets = {"address": forms.Textarea(attrs={"rows": 3})}
