from __future__ import annotations

from typing import Any

from django import forms


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Invitation code",
        max_length=20,
        help_text="The 8 letters and numbers your clinician gave you, such as ABCD-2345.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )
    date_of_birth = forms.DateField(
        label="Your date of birth",
        widget=forms.DateInput(attrs={"type": "date", "autocomplete": "bday"}),
    )


class AccountForm(forms.Form):
    """A new account's email and password, or (for an existing account) a new password."""

    email = forms.EmailField(
        label="Your email",
        help_text="You sign in with this email from now on.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password = forms.CharField(
        label="Choose a password",
        help_text="At least 12 characters; a passphrase is easiest. Common passwords are refused.",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password_again = forms.CharField(
        label="The same password again",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, has_account: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.has_account = has_account
        if has_account:
            del self.fields["email"]
            self.fields["password"].label = "Choose a new password"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password") and data.get("password_again") != data["password"]:
            self.add_error("password_again", "The two passwords are not the same.")
        return data


class AgreementForm(forms.Form):
    esign_consent = forms.BooleanField(required=False)
    reviewed = forms.BooleanField(
        label="I have reviewed this plan and agree",
        error_messages={"required": "Tick the box to say you have reviewed the plan and agree."},
    )
    typed_name = forms.CharField(
        label="Type your full name to sign",
        max_length=200,
        help_text="Typing your name here is your signature on this version of the plan.",
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )

    def __init__(self, *args: Any, consent_needed: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Asked once per account, before its first electronic signature.
        if consent_needed:
            from threadline.portal.services import ESIGN_CONSENT_TEXT

            self.fields["esign_consent"].label = ESIGN_CONSENT_TEXT
            self.fields["esign_consent"].required = True
            self.fields["esign_consent"].error_messages["required"] = (
                "Tick the box to agree to electronic records and signatures, or ask your clinic "
                "for a paper copy to sign."
            )
        else:
            del self.fields["esign_consent"]
