"""The API tokens page: a staff member lists, makes and revokes their own tokens."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from threadline.api import tokens
from threadline.api.forms import TokenForm
from threadline.api.models import ApiToken
from threadline.lib.http import Request


def _require_staff(request: Request) -> None:
    if not tokens.may_hold_tokens(request.user):
        raise PermissionDenied


@login_required
@require_http_methods(["GET", "POST"])
def api_tokens(request: Request) -> HttpResponse:
    _require_staff(request)
    form = TokenForm(request.POST or None)
    issued = None
    if request.method == "POST" and form.is_valid():
        try:
            issued = tokens.create_token(
                request.user, name=form.cleaned_data["name"], days=form.cleaned_data["days"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            form = TokenForm()
    return render(
        request,
        "api/tokens.html",
        {
            "form": form,
            "issued": issued,
            "tokens": ApiToken.objects.filter(user=request.user),
            "now": timezone.now(),
        },
    )


@login_required
@require_POST
def api_token_revoke(request: Request, token_id: int) -> HttpResponse:
    _require_staff(request)
    token = get_object_or_404(ApiToken, pk=token_id, user=request.user)
    tokens.revoke_token(request.user, token)
    messages.success(
        request, f"The token “{token.name}” is revoked; programs using it now get 401."
    )
    return redirect("api_tokens")
