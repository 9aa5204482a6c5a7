"""The client's side of their privacy rights, in the portal: copies, corrections, accounting.

Every page needs a signed-in client account (staff get 403, as on every portal page); a request
of another client is a 404, the same as one that does not exist, and is audited as denied.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import models
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from threadline.audit.models import Outcome
from threadline.audit.services import record
from threadline.lib.http import Request
from threadline.portal.access import require_client_account
from threadline.portal.models import ClientAccount
from threadline.privacy import services
from threadline.privacy.forms import AmendmentRequestForm, StatementForm
from threadline.privacy.models import AmendmentRequest, RecordRequest
from threadline.privacy.services import ACCOUNTING_PERIOD, RightsRefused

Owned = TypeVar("Owned", RecordRequest, AmendmentRequest)


def _own(account: ClientAccount, queryset: models.QuerySet[Owned], pk: int) -> Owned:
    """One of this client's own requests; anyone else's is a 404, audited as denied."""
    found = queryset.filter(pk=pk, client=account.client).first()
    if found is None:
        record(
            "portal.rights.view",
            actor=account.user,
            practice=account.client.practice,
            object_type=queryset.model._meta.label_lower,
            object_id=pk,
            outcome=Outcome.DENIED,
            detail={"reason": "not visible"},
        )
        raise Http404("No such request.")
    return found


def _record_requests() -> models.QuerySet[RecordRequest]:
    # The released files stay in the database until someone downloads them.
    return RecordRequest.objects.defer("pdf", "fhir")


def _amendments() -> models.QuerySet[AmendmentRequest]:
    return AmendmentRequest.objects.select_related(
        "plan_version", "note__appointment", "plan_addendum", "note_addendum"
    )


@login_required
def rights(request: Request) -> HttpResponse:
    account = require_client_account(request.user)
    client = account.client
    services.view_rights(request.user, client, "rights")
    return render(
        request,
        "privacy/portal_rights.html",
        {
            "account": account,
            "record_requests": _record_requests().filter(client=client),
            "amendments": _amendments().filter(client=client),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def record_new(request: Request) -> HttpResponse:
    account = require_client_account(request.user)
    waiting = _record_requests().filter(client=account.client, status="requested").first()
    if request.method == "POST":
        try:
            made = services.request_record_copy(account, now=timezone.now())
        except RightsRefused as refusal:
            messages.info(request, str(refusal))
            return redirect("portal_rights")
        messages.success(
            request,
            "Your request is sent. We will let you know here when your copy is ready, "
            f"by {services.shown_day(made.due_at)} at the latest.",
        )
        return redirect("portal_record", request_id=made.pk)
    return render(
        request,
        "privacy/portal_record_new.html",
        {"account": account, "waiting": waiting, "due_days": services.RECORD_COPY_DUE.days},
    )


@login_required
def record_request(request: Request, request_id: int) -> HttpResponse:
    account = require_client_account(request.user)
    found = _own(account, _record_requests(), request_id)
    record("portal.record_copy.view", actor=request.user, client=account.client, obj=found)
    return render(
        request, "privacy/portal_record.html", {"account": account, "record_request": found}
    )


def _download(request: Request, request_id: int, kind: str) -> HttpResponse:
    account = require_client_account(request.user)
    found = _own(account, RecordRequest.objects.all(), request_id)
    try:
        file = services.download_record_copy(account, found, kind)
    except RightsRefused as refusal:
        raise Http404(str(refusal)) from None
    response = HttpResponse(file.content, content_type=file.content_type)
    response["Content-Disposition"] = f'attachment; filename="{file.filename}"'
    return response


@login_required
def record_pdf(request: Request, request_id: int) -> HttpResponse:
    return _download(request, request_id, "pdf")


@login_required
def record_fhir(request: Request, request_id: int) -> HttpResponse:
    return _download(request, request_id, "fhir")


@login_required
@require_http_methods(["GET", "POST"])
def amendment_new(request: Request) -> HttpResponse:
    account = require_client_account(request.user)
    documents = services.amendable_documents(account.client)
    initial: dict[str, Any] = {"document": request.GET.get("document", "")}
    form = AmendmentRequestForm(request.POST or None, documents=documents, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            made = services.request_amendment(
                account,
                form.cleaned_data["document"],
                requested_change=form.cleaned_data["requested_change"],
                reason=form.cleaned_data["reason"],
                now=timezone.now(),
            )
        except RightsRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(
                request,
                "Your request is sent to your clinician. They will answer by "
                f"{services.shown_day(made.due_at)} at the latest.",
            )
            return redirect("portal_amendment", amendment_id=made.pk)
    return render(
        request,
        "privacy/portal_amendment_new.html",
        {"account": account, "form": form, "documents": documents},
    )


@login_required
@require_http_methods(["GET", "POST"])
def amendment(request: Request, amendment_id: int) -> HttpResponse:
    account = require_client_account(request.user)
    found = _own(account, _amendments(), amendment_id)
    form = StatementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.file_disagreement(
                account, found, form.cleaned_data["statement"], now=timezone.now()
            )
        except RightsRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, "Your statement is on file with the document.")
            return redirect("portal_amendment", amendment_id=found.pk)
    record("portal.amendment.view", actor=request.user, client=account.client, obj=found)
    return render(
        request,
        "privacy/portal_amendment.html",
        {
            "account": account,
            "amendment": found,
            "document": services.describe(found.document),
            "form": form,
        },
    )


@login_required
def disclosures(request: Request) -> HttpResponse:
    account = require_client_account(request.user)
    now = timezone.now()
    services.view_rights(request.user, account.client, "accounting")
    return render(
        request,
        "privacy/portal_disclosures.html",
        {
            "account": account,
            "disclosures": services.accounting_for(account.client, now),
            "since": now - ACCOUNTING_PERIOD,
        },
    )
