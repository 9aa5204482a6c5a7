"""The outside readers' own pages at /reviewer/: accepting an invitation, their open review
cases and live authorizations, and each document they may read, on screen or as a PDF.

Every page asks `policy` afresh (no caching), so a case closed or an authorization revoked is a
404 at the next request. Every document read or downloaded is a disclosure in the client's
accounting, and is audited.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from threadline.audit.models import Outcome
from threadline.audit.services import record
from threadline.lib.http import Request
from threadline.notes import checks, history
from threadline.notes.models import Kind, Note
from threadline.plans.models import PlanVersion
from threadline.plans.services import addendum_views, signature_views
from threadline.reviews import policy, services
from threadline.reviews.forms import PasswordForm
from threadline.reviews.models import ClientAuthorization, OutsideReader, ReviewCase
from threadline.reviews.policy import Document
from threadline.reviews.services import InvitationRefused

# The invitation this browser proved it holds; the token then leaves the address bar.
HELD = "reader_invitation"
OPENED = "set-password"
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _reader(request: Request) -> OutsideReader:
    """The signed-in outside reader; staff and clients are refused these pages."""
    reader = policy.reader_of(request.user)
    if reader is None:
        record(
            "reviewer.page.view",
            actor=request.user,
            outcome=Outcome.DENIED,
            detail={"reason": "not an outside reader", "path": request.path},
        )
        raise PermissionDenied
    return reader


# --- accepting an invitation ------------------------------------------------------------------


def _refused(request: HttpRequest, refusal: InvitationRefused) -> HttpResponse:
    request.session.pop(HELD, None)
    return render(request, "reviews/invitation_refused.html", {"message": str(refusal)}, status=404)


@never_cache
@require_http_methods(["GET", "POST"])
def reviewer_accept(request: HttpRequest, token: str) -> HttpResponse:
    """Open an invitation link, then choose a password and sign in."""
    if request.user.is_authenticated:
        # Accepting signs this browser in as the reader; it must not silently replace a
        # session already open in it.
        return render(request, "reviews/signed_in.html", status=409)
    now = timezone.now()
    if token != OPENED:
        try:
            invitation = services.verify_link(token, now=now)
        except InvitationRefused as refusal:
            return _refused(request, refusal)
        request.session[HELD] = invitation.pk
        return redirect("reviewer_accept", token=OPENED)
    held = request.session.get(HELD)
    if not isinstance(held, int):
        return _refused(request, InvitationRefused("This invitation link is not valid."))
    try:
        invitation = services.open_invitation(held, now=now)
    except InvitationRefused as refusal:
        return _refused(request, refusal)
    form = PasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            reader = services.accept(
                invitation.pk, password=form.cleaned_data["password"], now=timezone.now()
            )
        except InvitationRefused as refusal:
            return _refused(request, refusal)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            request.session.pop(HELD, None)
            login(request, reader.user, backend=MODEL_BACKEND)
            messages.success(request, "Your password is saved, and you are signed in.")
            return redirect("reviewer_home")
    return render(request, "reviews/accept.html", {"form": form, "reader": invitation.reader})


# --- home -------------------------------------------------------------------------------------


@login_required
def reviewer_home(request: Request) -> HttpResponse:
    reader = _reader(request)
    now = timezone.now()
    record("reviewer.home.view", actor=request.user, practice=reader.practice)
    return render(
        request,
        "reviews/reader_home.html",
        {
            "reader": reader,
            "cases": policy.open_cases(reader, now).order_by("expires_at", "id")[:100],
            "authorizations": policy.live_authorizations(reader, now).order_by(
                "client__legal_last_name", "id"
            )[:100],
        },
    )


# --- documents, shared by both kinds of reader ------------------------------------------------


def _plan_context(version: PlanVersion) -> dict[str, Any]:
    return {
        "version": version,
        "content": version.content,
        "signatures": signature_views(version),
        "addenda": addendum_views(version),
    }


def _note_context(note: Note) -> dict[str, Any]:
    content = note.content
    recorded = {o.get("objective_id"): o for o in content.get("objectives") or []}
    objectives = checks.plan_objectives(note.plan_version)
    headings = history.headings(content.get("format")) if note.kind == Kind.PROGRESS else ()
    return {
        "note": note,
        "content": content,
        "objectives": [{"objective": o, "recorded": recorded.get(o.id)} for o in objectives],
        "unknown_objectives": [i for i in recorded if i not in {o.id for o in objectives}],
        "narrative": [(h, (content.get("sections") or {}).get(h, "")) for h in headings],
        "signatures": signature_views(note),
        "addenda": [
            {"addendum": a, "signatures": signature_views(a)}
            for a in note.addenda.select_related("author")
        ],
    }


def _document_page(
    request: Request, document: Document, client: Any, context: dict[str, Any]
) -> HttpResponse:
    page = _plan_context(document.obj) if document.plan_version else _note_context(document.obj)  # type: ignore[arg-type]
    return render(
        request,
        "reviews/reader_document.html",
        {"document": document, "client": client, **context, **page},
    )


def _pdf(document: Document) -> HttpResponse:
    from threadline.exports.pdf import note_pdf, plan_pdf

    if document.plan_version is not None:
        version = document.plan_version
        data = plan_pdf(version)
        name = f"plan-{version.plan.client.record_number}-v{version.number}.pdf"
    else:
        note = document.obj
        assert isinstance(note, Note)
        data = note_pdf(note)
        name = f"{note.kind}-{note.client.record_number}-{note.pk}.pdf"
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# --- insurance reviewers ----------------------------------------------------------------------


def _case_context(case: ReviewCase) -> dict[str, Any]:
    return {"case": case, "member_id": case.client.member_id, "payer": case.payer}


@login_required
def reviewer_case(request: Request, case_id: int) -> HttpResponse:
    reader = _reader(request)
    case, documents = policy.case_documents_for(reader, case_id, timezone.now())
    record("reviewer.case.view", actor=request.user, client=case.client, obj=case)
    return render(
        request,
        "reviews/reader_case.html",
        {"client": case.client, "documents": documents, **_case_context(case)},
    )


def _case_document(
    request: Request, case_id: int, kind: str, document_id: int, how: str
) -> tuple[ReviewCase, Document]:
    reader = _reader(request)
    now = timezone.now()
    if kind == "plan":
        case, version = policy.case_plan_for(reader, case_id, document_id, now)
        document = Document(version, None)
    else:
        case, note = policy.case_note_for(reader, case_id, document_id, now)
        document = Document(None, note)
    services.record_case_read(reader, case, document, how, now=now)
    return case, document


@login_required
def reviewer_plan(request: Request, case_id: int, version_id: int) -> HttpResponse:
    case, document = _case_document(request, case_id, "plan", version_id, "view")
    return _document_page(request, document, case.client, _case_context(case))


@login_required
def reviewer_plan_pdf(request: Request, case_id: int, version_id: int) -> HttpResponse:
    _, document = _case_document(request, case_id, "plan", version_id, "download")
    return _pdf(document)


@login_required
def reviewer_note(request: Request, case_id: int, note_id: int) -> HttpResponse:
    case, document = _case_document(request, case_id, "note", note_id, "view")
    return _document_page(request, document, case.client, _case_context(case))


@login_required
def reviewer_note_pdf(request: Request, case_id: int, note_id: int) -> HttpResponse:
    _, document = _case_document(request, case_id, "note", note_id, "download")
    return _pdf(document)


# --- collaborating clinicians -----------------------------------------------------------------


def _authorization_context(authorization: ClientAuthorization) -> dict[str, Any]:
    return {"authorization": authorization}


@login_required
def collaborator_client(request: Request, authorization_id: int) -> HttpResponse:
    reader = _reader(request)
    authorization = policy.authorization_for(reader, authorization_id, timezone.now())
    record(
        "collaborator.client.view",
        actor=request.user,
        client=authorization.client,
        obj=authorization,
    )
    return render(
        request,
        "reviews/reader_authorization.html",
        {
            "client": authorization.client,
            "documents": policy.covered_documents(authorization),
            "shows_measures": authorization.covers("measures"),
            **_authorization_context(authorization),
        },
    )


def _authorized_document(
    request: Request, authorization_id: int, kind: str, document_id: int, how: str
) -> tuple[ClientAuthorization, Document]:
    reader = _reader(request)
    now = timezone.now()
    if kind == "plan":
        authorization, version = policy.authorized_plan_for(
            reader, authorization_id, document_id, now
        )
        document = Document(version, None)
    else:
        authorization, note = policy.authorized_note_for(reader, authorization_id, document_id, now)
        document = Document(None, note)
    services.record_authorized_read(reader, authorization, document, how, now=now)
    return authorization, document


@login_required
def collaborator_plan(request: Request, authorization_id: int, version_id: int) -> HttpResponse:
    authorization, document = _authorized_document(
        request, authorization_id, "plan", version_id, "view"
    )
    context = _authorization_context(authorization)
    return _document_page(request, document, authorization.client, context)


@login_required
def collaborator_plan_pdf(request: Request, authorization_id: int, version_id: int) -> HttpResponse:
    _, document = _authorized_document(request, authorization_id, "plan", version_id, "download")
    return _pdf(document)


@login_required
def collaborator_note(request: Request, authorization_id: int, note_id: int) -> HttpResponse:
    authorization, document = _authorized_document(
        request, authorization_id, "note", note_id, "view"
    )
    context = _authorization_context(authorization)
    return _document_page(request, document, authorization.client, context)


@login_required
def collaborator_note_pdf(request: Request, authorization_id: int, note_id: int) -> HttpResponse:
    _, document = _authorized_document(request, authorization_id, "note", note_id, "download")
    return _pdf(document)


@login_required
def collaborator_measures(request: Request, authorization_id: int) -> HttpResponse:
    reader = _reader(request)
    now = timezone.now()
    authorization, given = policy.authorized_measures_for(reader, authorization_id, now)
    scores = list(given[:200])
    services.record_measures_read(reader, authorization, len(scores), now=now)
    return render(
        request,
        "reviews/reader_measures.html",
        {
            "client": authorization.client,
            "scores": scores,
            **_authorization_context(authorization),
        },
    )
