from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from threadline import access
from threadline.access import Action
from threadline.appointments import services as appointment_services
from threadline.clients import services
from threadline.clients.forms import ClientForm
from threadline.clients.models import Client
from threadline.lib.http import Request
from threadline.plans import services as plan_services
from threadline.reviews.break_glass import designation_of

CASELOAD_LIMIT = 200


@login_required
def caseload(request: Request) -> HttpResponse:
    access.require(request.user, Action.CLIENT_LIST)
    query = request.GET.get("q", "").strip()
    clients = list(
        access.visible_clients(request.user)
        .search(query)
        .select_related("payer", "primary_clinician")[:CASELOAD_LIMIT]
    )
    services.list_caseload(request.user, clients, query)
    context = {"clients": clients, "query": query, "limit": CASELOAD_LIMIT}
    if request.htmx:
        return render(request, "clients/_caseload_rows.html", context)
    # A member named for emergency access finds it where they look for a client.
    member = access.membership_of(request.user)
    context["may_break_glass"] = member is not None and designation_of(member) is not None
    return render(request, "clients/caseload.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def client_new(request: Request) -> HttpResponse:
    access.require(request.user, Action.CLIENT_CREATE)
    member = access.require_membership(request.user)
    practice = member.practice
    form = ClientForm(
        request.POST or None,
        practice=practice,
        initial={
            "record_number": services.suggest_record_number(practice),
            "primary_clinician": request.user if member.is_clinical else None,
        },
    )
    if request.method == "POST" and form.is_valid():
        data, care_team = form.client_data()
        try:
            client = services.create_client(request.user, practice, data, care_team)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("client_chart", client_id=client.pk)
    return render(request, "clients/client_form.html", {"form": form, "client": None})


@login_required
@require_http_methods(["GET", "POST"])
def client_edit(request: Request, client_id: int) -> HttpResponse:
    client = access.client_for(request.user, client_id, Action.CLIENT_EDIT)
    form = ClientForm(request.POST or None, instance=client, practice=client.practice)
    if request.method == "POST" and form.is_valid():
        data, care_team = form.client_data()
        try:
            services.update_client(request.user, client, data, care_team)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("client_chart", client_id=client.pk)
    return render(request, "clients/client_form.html", {"form": form, "client": client})


def measure_summary(client: Client) -> dict[str, Any]:
    """The chart's measures card: open safety alerts first, then each instrument's latest."""
    from threadline.measures.models import Administration, SafetyAlert, State

    latest: dict[str, Administration] = {}
    for given in client.administrations.filter(state=State.COMPLETE).order_by("answered_at"):
        latest[given.instrument] = given
    return {
        "open_alerts": list(SafetyAlert.objects.filter(client=client, cleared_at__isnull=True)),
        "latest_scores": list(latest.values()),
    }


@login_required
def client_chart(request: Request, client_id: int) -> HttpResponse:
    client = access.client_for(request.user, client_id, Action.CLIENT_VIEW)
    clinical = access.can(request.user, Action.CLINICAL_VIEW, client)
    services.open_chart(request.user, client, clinical=clinical)
    care_team = client.care_team.order_by("full_name")
    plan = plan_services.chart_summary(client, timezone.localdate()) if clinical else {}
    sessions = appointment_services.recent_for_chart(client) if clinical else []
    measures = measure_summary(client) if clinical else {}
    return render(
        request,
        "clients/chart.html",
        {
            "client": client,
            "clinical": clinical,
            "care_team": care_team,
            "can_edit": access.can(request.user, Action.CLIENT_EDIT, client),
            "sessions": sessions,
            **plan,
            **measures,
        },
    )
