from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.password_validation import validate_password

from threadline.accounts import mfa
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


def code_field() -> forms.CharField:
    return forms.CharField(
        label="Code from your authenticator app",
        max_length=20,
        help_text="The 6-digit code shown now, or one of your backup codes.",
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "off", "spellcheck": "false"}
        ),
        error_messages={"required": "Enter the 6-digit code from your app, or a backup code."},
    )


class SecondStepForm(forms.Form):
    """The second step of signing in: a code, once the password has been accepted."""

    code = code_field()

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.check: mfa.CodeCheck | None = None
        self.fields["code"].widget.attrs["autofocus"] = True

    def clean_code(self) -> str:
        code: str = self.cleaned_data["code"]
        self.check = mfa.check_code(self.user, code, purpose="sign-in")
        if not self.check.accepted:
            raise forms.ValidationError(self.check.problem)
        return code


class EnrolForm(forms.Form):
    code = forms.CharField(
        label="Code from your authenticator app",
        max_length=10,
        help_text="After adding the account, enter the 6-digit code the app shows.",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
        error_messages={"required": "Enter the 6-digit code the app shows for Threadline."},
    )


class ReauthForm(forms.Form):
    """The current password and, for someone with a second factor, a current code: asked again
    before anything that a stolen session should not be able to do (ASVS 7.5.1 and 7.5.3)."""

    password = forms.CharField(
        label="Current password",
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    purpose = "security"
    not_right = "That password is not right."
    # Added to every refusal, so the person knows nothing happened.
    refused = ""

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.asks_code = mfa.has_device(user)
        if self.asks_code:
            self.fields["code"] = code_field()
            names = [name for name in self.fields if name != "code"]
            names.insert(names.index("password") + 1, "code")
            self.order_fields(names)

    def _refusal(self, message: str) -> str:
        return f"{message} {self.refused}".strip()

    def clean_password(self) -> str:
        password: str = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(self._refusal(self.not_right))
        return password

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        # A code is spent only when everything else is right, the password first of all.
        if self.asks_code and not self.errors and data.get("code"):
            check = mfa.check_code(self.user, data["code"], purpose=self.purpose)
            if not check.accepted:
                self.add_error("code", self._refusal(check.problem))
        return data


class ChangePasswordForm(ReauthForm):
    new_password = forms.CharField(
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="At least 12 characters; a passphrase is easiest. Common passwords are refused.",
    )
    new_password_again = forms.CharField(
        label="The new password again",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    field_order = ("new_password", "new_password_again", "password")

    def clean_new_password(self) -> str:
        new_password: str = self.cleaned_data["new_password"]
        validate_password(new_password, self.user)
        return new_password

    def clean(self) -> dict[str, Any]:
        data = self.cleaned_data
        if data.get("new_password") and data.get("new_password_again") != data["new_password"]:
            self.add_error("new_password_again", "The two new passwords are not the same.")
            return data
        return super().clean()


class ChangeEmailForm(ReauthForm):
    email = forms.EmailField(
        label="New email", widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    field_order = ("email", "password")

    def clean_email(self) -> str:
        email: str = self.cleaned_data["email"].strip().lower()
        if email == self.user.email:
            raise forms.ValidationError("That is already your sign-in email.")
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError("An account with this email already exists.")
        return email
