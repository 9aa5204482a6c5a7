"""The ICD-10-CM picker's search partial and the code browser. No client data: no audit event."""

from __future__ import annotations

import re
from datetime import date

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from threadline import access
from threadline.diagnoses import search as icd
from threadline.lib.http import Request

# The picker's id, used to name its status line; anything else is ignored.
_PICKER_ID = re.compile(r"[A-Za-z][\w-]{0,99}")


@login_required
@require_GET
def icd_search(request: Request) -> HttpResponse:
    """The results partial an `_picker.html` include asks for as the clinician types."""
    access.require_membership(request.user)
    picker = request.GET.get("picker", "")
    result = icd.search(request.GET.get("q", ""), on=_date_of_service(request))
    return render(
        request,
        "diagnoses/_results.html",
        {"result": result, "picker": picker if _PICKER_ID.fullmatch(picker) else ""},
    )


@login_required
@require_GET
def icd_browser(request: Request) -> HttpResponse:
    """Look codes up: search, and one code with its header and the codes under it."""
    access.require_membership(request.user)
    day = _date_of_service(request)
    result = icd.search(request.GET.get("q", ""), on=day)
    context = {"result": result, "browse": True}
    if request.htmx:
        return render(request, "diagnoses/_results.html", context)
    wanted = request.GET.get("code", "").strip()
    if wanted and result.release is not None:
        code = icd.lookup(wanted, result.release)
        context |= {"wanted": wanted, "code": code}
        if code is not None:
            context |= {"parent": code.parent, "children": list(code.children.all())}
    return render(request, "diagnoses/browser.html", context)


def _date_of_service(request: Request) -> date:
    """The `on` parameter (YYYY-MM-DD) picks the release for that date; otherwise today."""
    try:
        return date.fromisoformat(request.GET.get("on", ""))
    except ValueError:
        return timezone.localdate()
