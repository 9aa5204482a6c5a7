"""Staff pages: a client's outside access (review cases, authorizations), and the practice
admin's break-glass designations and review report. Break-glass itself is in
`break_glass_views`; the outside readers' own pages are in `reader_views`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from threadline import access
from threadline.access import Action
from threadline.accounts.models import CLINICAL_ROLES, Membership
from threadline.audit.services import record
from threadline.clients.models import Client
from threadline.lib.http import Request
from threadline.privacy.models import Disclosure
from threadline.reviews import break_glass, policy, services
from threadline.reviews.forms import (
    AttachForm,
    AuthorizationForm,
    DetachForm,
    NewReaderFields,
    ReviewCaseForm,
    RevokeForm,
)
from threadline.reviews.models import (
    BreakGlassGrant,
    CaseDocument,
    ClientAuthorization,
    OutsideReader,
    ReaderKind,
    ReviewCase,
)
from threadline.reviews.services import IssuedInvitation, end_of_day

# List pages show the newest rows and say so, rather than loading a client's whole history.
LIST_LIMIT = 50
REPORT_PAGE = 25


# --- a client's outside access ----------------------------------------------------------------


@login_required
def client_access(request: Request, client_id: int) -> HttpResponse:
    client = access.client_for(request.user, client_id, Action.CLIENT_VIEW)
    record("outside_access.view", actor=request.user, client=client)
    cases = (
        ReviewCase.objects.filter(client=client)
        .select_related("payer", "reviewer__user")
        .order_by("-opened_at", "-id")[:LIST_LIMIT]
    )
    authorizations = (
        ClientAuthorization.objects.filter(client=client)
        .select_related("collaborator__user", "revoked_by")
        .order_by("-recorded_at", "-id")[:LIST_LIMIT]
    )
    return render(
        request,
        "reviews/client_access.html",
        {
            "client": client,
            "cases": cases,
            "authorizations": authorizations,
            "now": timezone.now(),
            "limit": LIST_LIMIT,
            "can_open_case": access.can(request.user, Action.CLIENT_EDIT, client),
            "can_authorize": access.can(request.user, Action.CLINICAL_EDIT, client),
        },
    )


def _reader_from(
    form: NewReaderFields, request: Request, client: Client, existing: OutsideReader | None
) -> tuple[OutsideReader, IssuedInvitation | None]:
    """The reader chosen, or a new one invited (with the link to hand over)."""
    if existing is not None:
        return existing, None
    data = form.cleaned_data
    return services.new_reader(
        request.user,
        client.practice,
        kind=form.reader_kind,
        email=data["email"],
        full_name=data["full_name"],
        organization=data["organization"],
        payer=data.get("payer"),
        now=timezone.now(),
    )


def _issued_page(
    request: Request, client: Client, reader: OutsideReader, issued: IssuedInvitation, back: str
) -> HttpResponse:
    # Rendered, not redirected: the link's secret exists only in this one response.
    link = reverse("reviewer_accept", args=[issued.link_token])
    return render(
        request,
        "reviews/invitation_issued.html",
        {
            "client": client,
            "reader": reader,
            "issued": issued,
            "link": request.build_absolute_uri(link),
            "back": back,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def review_case_new(request: Request, client_id: int) -> HttpResponse:
    client = access.client_for(request.user, client_id, Action.CLIENT_EDIT)
    form = ReviewCaseForm(request.POST or None, client=client)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        now = timezone.now()
        try:
            with transaction.atomic():
                reader, issued = _reader_from(form, request, client, data["reviewer"])
                case = services.open_case(
                    request.user,
                    client,
                    payer=data["payer"],
                    reviewer=reader,
                    purpose=data["purpose"],
                    expires_at=end_of_day(data["expires_on"]),
                    plan_versions=list(data["plan_versions"]),
                    notes=form.resolved_notes,
                    notes_from=data["notes_from"],
                    notes_to=data["notes_to"],
                    now=now,
                )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            back = reverse("review_case_detail", args=[client.pk, case.pk])
            if issued is not None:
                return _issued_page(request, client, reader, issued, back)
            messages.success(
                request,
                f"Review case opened. {reader.user.full_name} can read its documents after "
                "signing in.",
            )
            return redirect(back)
    return render(request, "reviews/case_form.html", {"client": client, "form": form})


def _case(request: Request, client_id: int, case_id: int) -> tuple[Client, ReviewCase]:
    client = access.client_for(request.user, client_id, Action.CLIENT_EDIT)
    case = get_object_or_404(
        ReviewCase.objects.select_related("payer", "reviewer__user", "opened_by", "closed_by"),
        pk=case_id,
        client=client,
    )
    return client, case


@dataclass(frozen=True)
class AttachedRow:
    """One row of the case's documents: the stored row and the words the page uses."""

    row: CaseDocument
    document: policy.Document


def _rows(case: ReviewCase) -> tuple[list[AttachedRow], list[AttachedRow]]:
    """The documents the reviewer may read now, and those detached, each in reading order."""
    stored = CaseDocument.objects.filter(case=case).select_related(
        "plan_version__plan", "note__appointment", "attached_by", "detached_by"
    )
    rows = [AttachedRow(r, policy.Document(r.plan_version, r.note)) for r in stored]
    rows.sort(key=lambda r: policy.reading_key(r.document))
    return [r for r in rows if r.row.is_attached], [r for r in rows if not r.row.is_attached]


def _change_documents(
    request: Request, case: ReviewCase, attach_form: AttachForm, detach_form: DetachForm
) -> str | None:
    """Apply an attach or detach asked of an open case; the success message, or None."""
    now = timezone.now()
    if request.POST.get("decision") == "attach":
        if not attach_form.is_valid():
            return None
        data = attach_form.cleaned_data
        try:
            rows = services.attach_documents(
                request.user,
                case,
                plan_versions=list(data["plan_versions"]),
                notes=attach_form.resolved_notes,
                now=now,
            )
        except ValidationError as error:
            attach_form.add_error(None, error)
            return None
        skipped = attach_form.already_attached
        also = (
            f" {skipped} signed note{'s' if skipped > 1 else ''} in that range "
            f"{'were' if skipped > 1 else 'was'} already attached."
            if skipped
            else ""
        )
        count = f"{len(rows)} document{'' if len(rows) == 1 else 's'}"
        return f"{count} attached. The reviewer can read them from their next page.{also}"
    if not detach_form.is_valid():
        return None
    try:
        row, already_read = services.detach_document(
            request.user,
            case,
            detach_form.cleaned_data["document"].pk,
            reason=detach_form.cleaned_data["reason"],
            now=now,
        )
    except ValidationError as error:
        detach_form.add_error(None, error)
        return None
    name = policy.Document(row.plan_version, row.note).describe()
    read = (
        " The reviewer had already read it; those reads stay in the client's accounting of "
        "disclosures."
        if already_read
        else ""
    )
    return f"{name} detached. The reviewer can no longer open it.{read}"


@login_required
@require_http_methods(["GET", "POST"])
def review_case_detail(request: Request, client_id: int, case_id: int) -> HttpResponse:
    """The case, what the reviewer has read, and (while it is open) attaching or detaching
    documents: posted here with `decision` = "attach" or "detach"."""
    client, case = _case(request, client_id, case_id)
    is_open = case.is_open(timezone.now())
    posted = request.POST if request.method == "POST" else None
    decision = posted.get("decision") if posted is not None else None
    attach_form = AttachForm(posted if decision == "attach" else None, case=case)
    detach_form = DetachForm(posted if decision == "detach" else None, case=case)
    if posted is not None:
        if decision not in {"attach", "detach"}:
            return HttpResponseBadRequest("Say whether to attach or detach a document.")
        if not is_open:
            messages.error(request, services.CASE_ENDED)
            return redirect("review_case_detail", client_id=client.pk, case_id=case.pk)
        done = _change_documents(request, case, attach_form, detach_form)
        if done is not None:
            messages.success(request, done)
            return redirect("review_case_detail", client_id=client.pk, case_id=case.pk)
        case.refresh_from_db()  # it may have been closed meanwhile
        is_open = case.is_open(timezone.now())
    record("review_case.view", actor=request.user, client=client, obj=case)
    documents, detached = _rows(case)
    # The reviewer's reads of this client while the case was open, from the accounting.
    reads = Disclosure.objects.filter(
        client=client,
        by=case.reviewer.user,
        disclosed_at__gte=case.opened_at,
        disclosed_at__lte=case.ended_at(),
    ).order_by("-disclosed_at", "-id")[:LIST_LIMIT]
    failed_detach = detach_form.data.get("document") if detach_form.is_bound else None
    return render(
        request,
        "reviews/case_detail.html",
        {
            "client": client,
            "case": case,
            "documents": documents,
            "detached": detached,
            "reads": reads,
            "limit": LIST_LIMIT,
            "is_open": is_open,
            "needs_password": not services.has_password(case.reviewer),
            "attach_form": attach_form,
            "detach_form": detach_form,
            "failed_detach": str(failed_detach or ""),
        },
    )


@login_required
@require_POST
def review_case_close(request: Request, client_id: int, case_id: int) -> HttpResponse:
    client, case = _case(request, client_id, case_id)
    services.close_case(request.user, case, now=timezone.now())
    messages.success(request, "The review case is closed. The reviewer can no longer read it.")
    return redirect("review_case_detail", client_id=client.pk, case_id=case.pk)


@login_required
@require_POST
def review_case_invite(request: Request, client_id: int, case_id: int) -> HttpResponse:
    client, case = _case(request, client_id, case_id)
    issued = services.reissue_invitation(request.user, case.reviewer, now=timezone.now())
    back = reverse("review_case_detail", args=[client.pk, case.pk])
    return _issued_page(request, client, case.reviewer, issued, back)


# --- client authorizations --------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def authorization_new(request: Request, client_id: int) -> HttpResponse:
    client = access.client_for(request.user, client_id, Action.CLINICAL_EDIT)
    form = AuthorizationForm(request.POST or None, client=client)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                reader, issued = _reader_from(form, request, client, data["collaborator"])
                services.record_authorization(
                    request.user,
                    client,
                    collaborator=reader,
                    scope=list(data["scope"]),
                    purpose=data["purpose"],
                    given_on=data["given_on"],
                    given_how=data["given_how"],
                    expires_at=end_of_day(data["expires_on"]),
                    now=timezone.now(),
                )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            back = reverse("client_access", args=[client.pk])
            if issued is not None:
                return _issued_page(request, client, reader, issued, back)
            messages.success(request, f"Authorization recorded for {reader.user.full_name}.")
            return redirect(back)
    return render(request, "reviews/authorization_form.html", {"client": client, "form": form})


def _authorization(request: Request, client_id: int, authorization_id: int) -> ClientAuthorization:
    client = access.client_for(request.user, client_id, Action.CLINICAL_EDIT)
    return get_object_or_404(
        ClientAuthorization.objects.select_related("collaborator__user", "client"),
        pk=authorization_id,
        client=client,
    )


@login_required
@require_POST
def authorization_revoke(request: Request, client_id: int, authorization_id: int) -> HttpResponse:
    authorization = _authorization(request, client_id, authorization_id)
    form = RevokeForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    services.revoke_authorization(request.user, authorization, reason=reason, now=timezone.now())
    messages.success(
        request,
        f"Authorization revoked. {authorization.collaborator.user.full_name} can no longer read "
        "this record.",
    )
    return redirect("client_access", client_id=client_id)


@login_required
@require_POST
def authorization_invite(request: Request, client_id: int, authorization_id: int) -> HttpResponse:
    authorization = _authorization(request, client_id, authorization_id)
    reader = authorization.collaborator
    issued = services.reissue_invitation(request.user, reader, now=timezone.now())
    back = reverse("client_access", args=[client_id])
    return _issued_page(request, authorization.client, reader, issued, back)


# --- the practice admin: designations and the break-glass report ------------------------------


@login_required
def practice_access(request: Request) -> HttpResponse:
    access.require(request.user, Action.PRACTICE_MANAGE)
    member = access.require_membership(request.user)
    members = (
        Membership.objects.filter(practice=member.practice, role__in=CLINICAL_ROLES, is_active=True)
        .select_related("user", "break_glass")
        .order_by("user__full_name")
    )
    readers = (
        OutsideReader.objects.filter(practice=member.practice)
        .select_related("user", "payer")
        .order_by("kind", "user__full_name")[:LIST_LIMIT]
    )
    unreviewed = BreakGlassGrant.objects.filter(
        practice=member.practice, reviewed_at__isnull=True
    ).count()
    return render(
        request,
        "reviews/practice_access.html",
        {
            "members": members,
            "readers": readers,
            "limit": LIST_LIMIT,
            "unreviewed": unreviewed,
            "reviewer_kind": ReaderKind.REVIEWER,
        },
    )


@login_required
@require_POST
def break_glass_designation(request: Request, membership_id: int) -> HttpResponse:
    access.require(request.user, Action.PRACTICE_MANAGE)
    practice = access.require_membership(request.user).practice
    membership = get_object_or_404(
        Membership.objects.select_related("user"), pk=membership_id, practice=practice
    )
    now = timezone.now()
    name = membership.user.full_name
    if request.POST.get("designated") == "yes":
        try:
            break_glass.designate(request.user, membership, now=now)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"{name} can now use emergency access.")
    else:
        ended = break_glass.undesignate(request.user, membership, now=now)
        still_open = f" Their open emergency access ({ended}) ended now." if ended else ""
        messages.success(request, f"{name} can no longer use emergency access.{still_open}")
    return redirect("practice_access")


@login_required
def break_glass_report(request: Request) -> HttpResponse:
    access.require(request.user, Action.PRACTICE_MANAGE)
    practice = access.require_membership(request.user).practice
    unreviewed_only = request.GET.get("show") == "unreviewed"
    grants = BreakGlassGrant.objects.filter(practice=practice).select_related(
        "user", "client", "reviewed_by"
    )
    if unreviewed_only:
        grants = grants.filter(reviewed_at__isnull=True)
    # Grants still waiting for review come first, across pages, newest first within each group.
    waiting = ExpressionWrapper(Q(reviewed_at__isnull=True), output_field=BooleanField())
    ordered = grants.annotate(waiting=waiting).order_by("-waiting", "-started_at", "-id")
    page = Paginator(ordered, REPORT_PAGE).get_page(request.GET.get("page"))
    record(
        "break_glass.report.view",
        actor=request.user,
        practice=practice,
        detail={"page": page.number, "unreviewed_only": unreviewed_only},
    )
    context: dict[str, Any] = {
        "page": page,
        "rows": break_glass.with_events(list(page.object_list)),
        "unreviewed_only": unreviewed_only,
        "now": timezone.now(),
    }
    return render(request, "reviews/break_glass_report.html", context)


@login_required
@require_POST
def break_glass_reviewed(request: Request, grant_id: int) -> HttpResponse:
    access.require(request.user, Action.PRACTICE_MANAGE)
    practice = access.require_membership(request.user).practice
    grant = get_object_or_404(BreakGlassGrant, pk=grant_id, practice=practice)
    break_glass.mark_reviewed(request.user, grant, now=timezone.now())
    messages.success(request, "Marked as reviewed.")
    return redirect(f"{reverse('break_glass_report')}#grant-{grant.pk}")
