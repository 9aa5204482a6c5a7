from __future__ import annotations

from django import forms

from threadline.api.tokens import DEFAULT_DAYS, MAX_DAYS


class TokenForm(forms.Form):
    name = forms.CharField(
        max_length=100,
        help_text="The program that will use it, such as “billing export”.",
    )
    days = forms.IntegerField(
        label="Expires after (days)",
        min_value=1,
        max_value=MAX_DAYS,
        initial=DEFAULT_DAYS,
        help_text=f"At most {MAX_DAYS} days; make a new token when it runs out.",
    )
