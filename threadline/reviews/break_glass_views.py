"""Break-glass pages for a designated member: open emergency access, and end it early."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from threadline import access
from threadline.audit.models import Outcome
from threadline.audit.services import record
from threadline.lib.http import Request
from threadline.reviews import break_glass
from threadline.reviews.forms import BreakGlassForm
from threadline.reviews.models import BreakGlassGrant


@login_required
@require_http_methods(["GET", "POST"])
def break_glass_open(request: Request) -> HttpResponse:
    member = access.require_membership(request.user)
    if break_glass.designation_of(member) is None:
        record(
            "break_glass.open",
            actor=request.user,
            practice=member.practice,
            outcome=Outcome.DENIED,
            detail={"break_glass": True, "reason": "not designated"},
        )
        raise PermissionDenied
    form = BreakGlassForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            grant = break_glass.open_grant(
                request.user,
                form.cleaned_data["record_number"],
                form.cleaned_data["reason"],
                now=timezone.now(),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            until = timezone.localtime(grant.expires_at)
            messages.warning(
                request,
                f"Emergency access to {grant.client.display_name} is open until {until:%H:%M}. "
                "You can read, not change, the record; everything you open is recorded and "
                "reviewed by the practice admin.",
            )
            return redirect("client_chart", client_id=grant.client_id)
    return render(
        request,
        "reviews/break_glass.html",
        {
            "form": form,
            "open_grants": break_glass.open_grants(request.user, timezone.now()),
            "minutes": int(break_glass.GRANT_LIFETIME.total_seconds() // 60),
        },
    )


@login_required
@require_POST
def break_glass_end(request: Request, grant_id: int) -> HttpResponse:
    grant = get_object_or_404(BreakGlassGrant, pk=grant_id, user=request.user)
    break_glass.end_grant(request.user, grant, now=timezone.now())
    messages.success(request, "Emergency access ended.")
    return redirect("break_glass_open")
