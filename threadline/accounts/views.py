from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login

from threadline import access
from threadline.access import Action
from threadline.accounts import mfa, services
from threadline.accounts.forms import (
    ChangeEmailForm,
    ChangePasswordForm,
    EnrolForm,
    PersonForm,
    PracticeForm,
    ReauthForm,
    RoleForm,
    SecondStepForm,
)
from threadline.accounts.models import Membership
from threadline.lib.http import Request
from threadline.portal.access import client_account_of


@login_required
def home(request: Request) -> HttpResponse:
    member = access.membership_of(request.user)
    if member is None and client_account_of(request.user) is not None:
        return redirect("portal_home")
    if member is None and hasattr(request.user, "outside_reader"):
        return redirect("reviewer_home")  # an insurance reviewer or collaborating clinician
    if member is None:
        return redirect("caseload")  # the caseload page explains that there is no practice
    # Clinicians start from what they owe today; a practice admin sees the same as counts.
    return redirect("work_queue")


@login_required
def people(request: Request) -> HttpResponse:
    access.require(request.user, Action.PEOPLE_MANAGE)
    practice = access.require_membership(request.user).practice
    members = (
        Membership.objects.filter(practice=practice)
        .select_related("user", "user__clinician_profile", "user__clinician_profile__supervisor")
        .order_by("user__full_name")
    )
    return render(request, "accounts/people.html", {"members": members, "roles": RoleForm()})


@login_required
@require_http_methods(["GET", "POST"])
def person_new(request: Request) -> HttpResponse:
    access.require(request.user, Action.PEOPLE_MANAGE)
    practice = access.require_membership(request.user).practice
    form = PersonForm(request.POST or None, practice=practice)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.add_person(
                request.user,
                practice,
                email=data["email"],
                full_name=data["full_name"],
                role=data["role"],
                password=data["password"],
                profile=form.profile(),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"{data['full_name']} can now sign in.")
            return redirect("people")
    return render(request, "accounts/person_form.html", {"form": form})


def _member_for(request: Request, membership_id: int) -> Membership:
    """A membership in the admin's own practice; any other is a 404."""
    practice = access.require_membership(request.user).practice
    return get_object_or_404(
        Membership.objects.select_related("user", "practice"), pk=membership_id, practice=practice
    )


@login_required
@require_POST
def person_role(request: Request, membership_id: int) -> HttpResponse:
    access.require(request.user, Action.PEOPLE_MANAGE)
    member = _member_for(request, membership_id)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose one of the listed roles.")
    elif member.user_id == request.user.pk:
        messages.error(request, "You cannot change your own role; ask another practice admin.")
    else:
        services.change_role(request.user, member, form.cleaned_data["role"])
        messages.success(request, f"{member.user.full_name} is now {member.get_role_display()}.")
    return redirect("people")


@login_required
@require_POST
def person_active(request: Request, membership_id: int) -> HttpResponse:
    access.require(request.user, Action.PEOPLE_MANAGE)
    member = _member_for(request, membership_id)
    if member.user_id == request.user.pk:
        messages.error(request, "You cannot deactivate your own account.")
    else:
        active = request.POST.get("active") == "1"
        services.set_active(request.user, member, active)
        state = "can sign in again" if active else "can no longer sign in"
        messages.success(request, f"{member.user.full_name} {state}.")
    return redirect("people")


@login_required
@require_http_methods(["GET", "POST"])
def practice_settings(request: Request) -> HttpResponse:
    access.require(request.user, Action.PRACTICE_MANAGE)
    practice = access.require_membership(request.user).practice
    form = PracticeForm(request.POST or None, instance=practice)
    if request.method == "POST" and form.is_valid():
        changed = {name: form.cleaned_data[name] for name in form.changed_data}
        services.update_practice(request.user, practice, changed)
        messages.success(request, "Practice settings saved.")
        return redirect("practice_settings")
    return render(request, "accounts/practice_form.html", {"form": form})


# --- the second factor ----------------------------------------------------------------------


def _next_url(request: Request) -> str:
    """Where to go once signed in: the page first asked for, if it is one of ours."""
    target = request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME, "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _second_factor_passed(request: Request, device: Any) -> None:
    otp_login(request, device)
    # A new session id once the second factor is in (ASVS 7.2.4), as at the password step.
    request.session.cycle_key()


@login_required
@require_http_methods(["GET", "POST"])
def mfa_verify(request: Request) -> HttpResponse:
    """The second step of signing in: a code from the authenticator app or a backup code."""
    if request.user.is_verified() or not mfa.has_device(request.user):  # type: ignore[attr-defined]
        return redirect(_next_url(request))
    form = SecondStepForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        assert form.check is not None
        _second_factor_passed(request, form.check.device)
        return redirect(_next_url(request))
    return render(
        request,
        "accounts/mfa_verify.html",
        {"form": form, "next": request.POST.get("next") or request.GET.get("next", "")},
    )


@login_required
@require_http_methods(["GET", "POST"])
def mfa_enrol(request: Request) -> HttpResponse:
    """Set up an authenticator app: scan, confirm with a code, then keep the backup codes."""
    if mfa.authenticator_of(request.user) is not None:
        # Replacing an authenticator goes through the security page, with password and code.
        return redirect("account_security")
    device = mfa.pending_authenticator(request.user)
    form = EnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        check, codes = mfa.confirm_enrolment(request.user, device, form.cleaned_data["code"])
        if check.accepted:
            _second_factor_passed(request, check.device)
            return _show_backup_codes(request, codes, continue_to=_next_url(request))
        form.add_error("code", check.problem)
    uri = mfa.provisioning_uri(device)
    return render(
        request,
        "accounts/mfa_enrol.html",
        {
            "form": form,
            # Our own SVG from the qrcode package: one path, no text from the user in markup.
            "qr_svg": mark_safe(mfa.qr_svg(uri)),  # noqa: S308
            "secret": mfa.secret_for_typing(device),
            "required": mfa.requires_mfa(request.user),
            "next": request.POST.get("next") or request.GET.get("next", ""),
        },
    )


def _show_backup_codes(request: Request, codes: list[str], *, continue_to: str) -> HttpResponse:
    """The only time the codes are shown: they are stored as hashes, so never again."""
    return render(
        request, "accounts/backup_codes.html", {"codes": codes, "continue_to": continue_to}
    )


# --- the account's own security page ----------------------------------------------------------


def _security_page(request: Request, **bound: Any) -> HttpResponse:
    user = request.user
    context = {
        "password_form": ChangePasswordForm(user=user, prefix="password"),
        "email_form": ChangeEmailForm(user=user, prefix="email"),
        "codes_form": ReauthForm(user=user, prefix="codes"),
        "reset_form": ReauthForm(user=user, prefix="reset"),
        "authenticator": mfa.authenticator_of(user),
        "backup_codes_left": mfa.backup_codes_left(user),
        "required": mfa.requires_mfa(user),
        **bound,
    }
    return render(request, "accounts/security.html", context, status=400 if bound else 200)


@login_required
def account_security(request: Request) -> HttpResponse:
    return _security_page(request)


@login_required
@require_POST
def account_password(request: Request) -> HttpResponse:
    form = ChangePasswordForm(request.POST, user=request.user, prefix="password")
    if not form.is_valid():
        return _security_page(request, password_form=form)
    services.change_password(request.user, form.cleaned_data["new_password"])
    # This session stays signed in; every other session of the account ends.
    update_session_auth_hash(request, request.user)
    messages.success(request, "Your password is changed. Other sessions have been signed out.")
    return redirect("account_security")


@login_required
@require_POST
def account_email(request: Request) -> HttpResponse:
    form = ChangeEmailForm(request.POST, user=request.user, prefix="email")
    if not form.is_valid():
        return _security_page(request, email_form=form)
    try:
        services.change_email(request.user, form.cleaned_data["email"])
    except ValidationError as error:
        form.add_error("email", error.message_dict.get("email", error.messages))
        return _security_page(request, email_form=form)
    messages.success(request, f"You now sign in as {request.user.email}.")
    return redirect("account_security")


@login_required
@require_POST
def account_backup_codes(request: Request) -> HttpResponse:
    form = ReauthForm(request.POST, user=request.user, prefix="codes")
    if not mfa.has_device(request.user):
        return redirect("mfa_enrol")
    if not form.is_valid():
        return _security_page(request, codes_form=form)
    codes = mfa.regenerate_backup_codes(request.user)
    return _show_backup_codes(request, codes, continue_to=reverse("account_security"))


@login_required
@require_POST
def account_reset_mfa(request: Request) -> HttpResponse:
    """Remove the authenticator and backup codes, to set up a new phone."""
    form = ReauthForm(request.POST, user=request.user, prefix="reset")
    if not mfa.has_device(request.user):
        return redirect("mfa_enrol")
    if not form.is_valid():
        return _security_page(request, reset_form=form)
    mfa.reset(request.user, actor=request.user)
    if mfa.requires_mfa(request.user):
        messages.info(request, "Your authenticator was removed. Set up the new one now.")
        return redirect("mfa_enrol")
    messages.success(request, "Your authenticator and backup codes were removed.")
    return redirect("account_security")


@login_required
@require_POST
def person_mfa_reset(request: Request, membership_id: int) -> HttpResponse:
    """A practice admin clears a colleague's second factor (a lost phone); they enrol again at
    their next sign-in. Check who is asking before doing this: it is what an attacker asks."""
    access.require(request.user, Action.PEOPLE_MANAGE)
    member = _member_for(request, membership_id)
    if member.user_id == request.user.pk:
        messages.error(request, "Reset your own authenticator from your security page.")
    else:
        mfa.reset(member.user, actor=request.user)
        messages.success(
            request, f"{member.user.full_name} will set up an authenticator at their next sign-in."
        )
    return redirect("people")
