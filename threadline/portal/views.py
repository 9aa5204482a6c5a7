from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from threadline import access
from threadline.access import Action
from threadline.clients.models import Client
from threadline.lib.http import Request
from threadline.measures.models import Administration, State
from threadline.plans.models import PlanVersion
from threadline.plans.services import signed_version_in_force
from threadline.portal import services, tokens
from threadline.portal.access import require_client_account, version_for
from threadline.portal.forms import AccountForm, AgreementForm, CodeForm
from threadline.portal.services import InvitationRefused, NameMismatch, Refusal, Route
from threadline.privacy.models import AmendmentRequest, RecordRequest
from threadline.signatures.services import SigningRefused

# The invitation this browser proved it holds (by link, or by code and date of birth).
HELD = "portal_invitation"
# The link's token is swapped for this in the address, as Django's password reset does, so the
# token stays out of the browser's history and of every later request.
OPENED = "set-password"
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _origin(request: HttpRequest) -> dict[str, Any]:
    return {
        "ip": request.META.get("REMOTE_ADDR"),
        "user_agent": request.headers.get("User-Agent", ""),
    }


# --- staff: invite a client ------------------------------------------------------------------


def _version_of(client: Client, raw: str | None) -> PlanVersion | None:
    """The plan version the invitation was made from (for the way back), when it is theirs."""
    if not raw or not raw.isdigit():
        return None
    return PlanVersion.objects.filter(pk=int(raw), plan__client=client).first()


@login_required
@require_http_methods(["GET", "POST"])
def invite(request: Request, client_id: int) -> HttpResponse:
    client = access.client_for(request.user, client_id, Action.CLINICAL_EDIT)
    version = _version_of(client, request.GET.get("version") or request.POST.get("version"))
    context: dict[str, Any] = {
        "client": client,
        "version": version,
        "account": services.existing_account(client),
        "link_days": services.LINK_LIFETIME.days,
        "code_hours": int(services.CODE_LIFETIME.total_seconds() // 3600),
    }
    if request.method == "POST":
        issued = services.invite(request.user, client, now=timezone.now(), version=version)
        # Rendered, not redirected: the secrets exist only in this one response.
        context.update(
            issued=issued,
            link=request.build_absolute_uri(reverse("portal_accept", args=[issued.link_token])),
            code=tokens.shown_code(issued.code),
            join=request.build_absolute_uri(reverse("portal_join")),
        )
        return render(request, "portal/invitation_issued.html", context)
    return render(request, "portal/invite.html", context)


# --- the client: accept an invitation --------------------------------------------------------


def _refused(request: HttpRequest, refusal: InvitationRefused) -> HttpResponse:
    request.session.pop(HELD, None)
    status = 404 if refusal.reason == Refusal.UNKNOWN else 410
    return render(request, "portal/refused.html", {"message": str(refusal)}, status=status)


def _already_signed_in(request: HttpRequest) -> HttpResponse | None:
    # Accepting signs the browser in as the client; it must not silently replace a clinician's
    # session (or a client's) that is open in it.
    if request.user.is_authenticated:
        return render(request, "portal/signed_in.html", status=409)
    return None


@require_http_methods(["GET", "POST"])
def accept(request: HttpRequest, token: str) -> HttpResponse:
    """Open an invitation link, then choose a password (or a new one) and sign in."""
    if (busy := _already_signed_in(request)) is not None:
        return busy
    now = timezone.now()
    if token != OPENED:
        try:
            invitation = services.verify_link(token, now=now)
        except InvitationRefused as refusal:
            return _refused(request, refusal)
        request.session[HELD] = {"id": invitation.pk, "route": Route.LINK.value}
        return redirect("portal_accept", token=OPENED)
    held = request.session.get(HELD)
    if not isinstance(held, dict):
        return _refused(request, InvitationRefused(Refusal.UNKNOWN))
    route = Route(held["route"])
    try:
        invitation = services.open_invitation(held["id"], route, now=now)
    except InvitationRefused as refusal:
        return _refused(request, refusal)
    account = services.existing_account(invitation.client)
    form = AccountForm(
        request.POST or None,
        has_account=account is not None,
        initial={"email": invitation.client.email},
    )
    if request.method == "POST" and form.is_valid():
        try:
            account = services.accept(
                invitation.pk,
                route,
                email=form.cleaned_data.get("email", ""),
                password=form.cleaned_data["password"],
                now=timezone.now(),
            )
        except InvitationRefused as refusal:
            return _refused(request, refusal)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            request.session.pop(HELD, None)
            login(request, account.user, backend=MODEL_BACKEND)
            done = "Your new password is saved" if form.has_account else "Your account is ready"
            messages.success(request, f"{done}, and you are signed in.")
            return redirect("portal_home")
    return render(
        request,
        "portal/accept.html",
        {"form": form, "account": account, "client": invitation.client},
    )


@require_http_methods(["GET", "POST"])
def join(request: HttpRequest) -> HttpResponse:
    """The code route: the code from the session, and the date of birth as a second factor."""
    if (busy := _already_signed_in(request)) is not None:
        return busy
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.verify_code(
                form.cleaned_data["code"], form.cleaned_data["date_of_birth"], now=timezone.now()
            )
        except InvitationRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            request.session[HELD] = {"id": invitation.pk, "route": Route.CODE.value}
            return redirect("portal_accept", token=OPENED)
    return render(request, "portal/join.html", {"form": form})


# --- the client: their plan -----------------------------------------------------------------


@login_required
def home(request: Request) -> HttpResponse:
    account = require_client_account(request.user)
    version = signed_version_in_force(account.client)
    plan = services.client_plan(version) if version is not None else None
    questionnaires = Administration.objects.filter(
        client=account.client, state=State.PENDING, link_expires_at__gt=timezone.now()
    ).order_by("link_expires_at", "pk")
    services.view_home(account)
    return render(
        request,
        "portal/home.html",
        {
            "account": account,
            "plan": plan,
            "questionnaires": questionnaires,
            # The open requests under the client's privacy rights, each with its due date.
            "open_record_requests": RecordRequest.objects.defer("pdf", "fhir").filter(
                client=account.client, status="requested"
            ),
            "open_amendments": AmendmentRequest.objects.filter(
                client=account.client, status="open"
            ).select_related("plan_version", "note__appointment"),
        },
    )


def _plan_page(
    request: Request, account: Any, version: PlanVersion, form: AgreementForm
) -> HttpResponse:
    services.view_plan(account, version)
    return render(
        request,
        "portal/plan.html",
        {
            "account": account,
            "plan": services.client_plan(version),
            "form": form,
            # Signed additions (amendments the client asked for among them), and the client's
            # requests about this version with their answers, shown with the plan they concern.
            "addenda": version.addenda.all(),
            "amendments": version.amendment_requests.all(),
        },
    )


@login_required
def plan(request: Request, version_id: int) -> HttpResponse:
    account = require_client_account(request.user)
    version = version_for(account, version_id)
    return _plan_page(
        request, account, version, AgreementForm(consent_needed=account.esign_consent_at is None)
    )


@login_required
@require_POST
def agree(request: Request, version_id: int) -> HttpResponse:
    account = require_client_account(request.user)
    version = version_for(account, version_id)
    form = AgreementForm(request.POST, consent_needed=account.esign_consent_at is None)
    if form.is_valid():
        try:
            services.agree(
                account,
                version,
                typed_name=form.cleaned_data["typed_name"],
                now=timezone.now(),
                esign_consent=form.cleaned_data.get("esign_consent", False),
                **_origin(request),
            )
        except NameMismatch as refusal:
            form.add_error("typed_name", str(refusal))
        except SigningRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, "Thank you. Your agreement to this plan is signed.")
            return redirect("portal_plan", version_id=version.pk)
    return _plan_page(request, account, version, form)


@login_required
def print_plan(request: Request, version_id: int) -> HttpResponse:
    account = require_client_account(request.user)
    version = version_for(account, version_id)
    services.view_plan(account, version, "print")
    return render(
        request, "portal/print.html", {"account": account, "plan": services.client_plan(version)}
    )


@login_required
def plan_pdf(request: Request, version_id: int) -> HttpResponse:
    """The version the client sees, as the same PDF the clinic keeps."""
    from threadline.exports.pdf import plan_pdf as render_pdf

    account = require_client_account(request.user)
    version = version_for(account, version_id)
    data = render_pdf(version)
    services.view_plan(account, version, "pdf")
    response = HttpResponse(data, content_type="application/pdf")
    name = f"treatment-plan-v{version.number}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
