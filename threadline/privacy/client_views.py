"""The clinician's side of the client's rights: requests for copies and for amendments, each
with its due date, and the decisions on them. Deciding is for the treating clinicians
(`CLINICAL_EDIT`); a supervisor reads along."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from threadline import access
from threadline.access import Action
from threadline.lib.http import Request
from threadline.privacy import services
from threadline.privacy.forms import (
    AcceptAmendmentForm,
    DenialForm,
    ExtensionForm,
    RebuttalForm,
)
from threadline.privacy.models import AmendmentRequest, RecordRequest
from threadline.privacy.services import RightsRefused
from threadline.signatures.services import SigningRefused


def _origin(request: Request) -> dict[str, Any]:
    return {
        "ip": request.META.get("REMOTE_ADDR"),
        "user_agent": request.headers.get("User-Agent", ""),
    }


def _extended(due_at: datetime) -> str:
    return (
        f"Extended. The new due date is {services.shown_day(due_at)}; the client can read "
        "your reason in the portal."
    )


def _action(request: Request) -> Action:
    return Action.CLINICAL_EDIT if request.method == "POST" else Action.CLINICAL_VIEW


@login_required
def rights(request: Request, client_id: int) -> HttpResponse:
    client = access.client_for(request.user, client_id, Action.CLINICAL_VIEW)
    services.view_rights(request.user, client, "requests")
    return render(
        request,
        "privacy/client_rights.html",
        {
            "client": client,
            "record_requests": RecordRequest.objects.defer("pdf", "fhir")
            .filter(client=client)
            .select_related("decided_by"),
            "amendments": AmendmentRequest.objects.filter(client=client).select_related(
                "plan_version", "note__appointment", "decided_by", "rebuttal_by"
            ),
            "can_decide": access.can(request.user, Action.CLINICAL_EDIT, client),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def record_request(request: Request, client_id: int, request_id: int) -> HttpResponse:
    client = access.client_for(request.user, client_id, _action(request))
    found = get_object_or_404(
        RecordRequest.objects.defer("pdf", "fhir").select_related("decided_by", "extended_by"),
        pk=request_id,
        client=client,
    )
    decision = request.POST.get("decision")
    denial = DenialForm(request.POST if decision == "deny" else None)
    extension = ExtensionForm(request.POST if decision == "extend" else None, prefix="extend")
    problem = ""
    if request.method == "POST":
        try:
            if decision == "release":
                services.release_record_copy(request.user, found, now=timezone.now())
                messages.success(request, "Released. The client can download the copy now.")
                return redirect("client_rights", client_id=client.pk)
            if decision == "deny" and denial.is_valid():
                services.deny_record_copy(
                    request.user, found, denial.cleaned_data["reason"], now=timezone.now()
                )
                messages.success(request, "Denied. The client can read your reason.")
                return redirect("client_rights", client_id=client.pk)
            if decision == "extend" and extension.is_valid():
                made = services.extend_record_copy(
                    request.user, found, extension.cleaned_data["reason"], now=timezone.now()
                )
                messages.success(request, _extended(made.due_at))
                return redirect("client_record_request", client_id=client.pk, request_id=found.pk)
            if decision not in {"release", "deny", "extend"}:
                problem = "Choose to release the copy, to deny the request or to extend it."
        except RightsRefused as refusal:
            problem = str(refusal)
    else:
        services.view_rights(request.user, client, "record_copy")
    return render(
        request,
        "privacy/client_record.html",
        {
            "client": client,
            "record_request": found,
            "denial": denial,
            "extension": extension,
            "extended_due": found.due_at + services.EXTENSION,
            "problem": problem,
            "can_decide": access.can(request.user, Action.CLINICAL_EDIT, client),
        },
        status=400 if problem else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def amendment(request: Request, client_id: int, amendment_id: int) -> HttpResponse:
    client = access.client_for(request.user, client_id, _action(request))
    found = get_object_or_404(
        AmendmentRequest.objects.select_related(
            "plan_version",
            "note__appointment",
            "plan_addendum",
            "note_addendum",
            "decided_by",
            "rebuttal_by",
            "extended_by",
        ),
        pk=amendment_id,
        client=client,
    )
    decision = request.POST.get("decision")
    data = request.POST or None
    accept = AcceptAmendmentForm(
        data if decision == "accept" else None,
        user=request.user,
        prefix="accept",
        initial={"text": found.requested_change},
    )
    denial = DenialForm(data if decision == "deny" else None, prefix="deny")
    rebuttal = RebuttalForm(data if decision == "rebut" else None, prefix="rebut")
    extension = ExtensionForm(data if decision == "extend" else None, prefix="extend")
    problem = ""
    if request.method == "POST":
        now = timezone.now()
        try:
            if decision == "accept" and accept.is_valid():
                services.accept_amendment(
                    request.user,
                    found,
                    accept.cleaned_data["text"],
                    now=now,
                    stepped_up_at=now,
                    **_origin(request),
                )
                messages.success(request, "Accepted. The amendment is signed and added.")
                return redirect(
                    "client_amendment_request", client_id=client.pk, amendment_id=found.pk
                )
            if decision == "deny" and denial.is_valid():
                services.deny_amendment(request.user, found, denial.cleaned_data["reason"], now=now)
                messages.success(request, "Denied. The client can read your reason.")
                return redirect(
                    "client_amendment_request", client_id=client.pk, amendment_id=found.pk
                )
            if decision == "rebut" and rebuttal.is_valid():
                services.add_rebuttal(
                    request.user, found, rebuttal.cleaned_data["rebuttal"], now=now
                )
                messages.success(request, "Rebuttal saved with the client's statement.")
                return redirect(
                    "client_amendment_request", client_id=client.pk, amendment_id=found.pk
                )
            if decision == "extend" and extension.is_valid():
                made = services.extend_amendment(
                    request.user, found, extension.cleaned_data["reason"], now=now
                )
                messages.success(request, _extended(made.due_at))
                return redirect(
                    "client_amendment_request", client_id=client.pk, amendment_id=found.pk
                )
            if decision not in {"accept", "deny", "rebut", "extend"}:
                problem = "Choose to accept the request, to deny it or to extend it."
        except (RightsRefused, SigningRefused) as refusal:
            problem = str(refusal)
    else:
        services.view_rights(request.user, client, "amendment")
    return render(
        request,
        "privacy/client_amendment.html",
        {
            "client": client,
            "amendment": found,
            "document": services.describe(found.document),
            "accept": accept,
            "denial": denial,
            "rebuttal": rebuttal,
            "extension": extension,
            "extended_due": found.due_at + services.EXTENSION,
            "problem": problem,
            "heading": services.amendment_heading(found),
            "can_decide": access.can(request.user, Action.CLINICAL_EDIT, client),
        },
    )
