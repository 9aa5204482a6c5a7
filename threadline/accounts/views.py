from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from threadline import access
from threadline.access import Action
from threadline.accounts import services
from threadline.accounts.forms import PersonForm, PracticeForm, RoleForm
from threadline.accounts.models import Membership
from threadline.lib.http import Request
from threadline.portal.access import client_account_of


@login_required
def home(request: Request) -> HttpResponse:
    member = access.membership_of(request.user)
    if member is None and client_account_of(request.user) is not None:
        return redirect("portal_home")
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
