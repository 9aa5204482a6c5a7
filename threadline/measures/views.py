"""The client's measures page: scores and charts, giving a questionnaire in session or through
the portal, the schedule, and clearing safety alerts."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.views.decorators.http import require_http_methods, require_POST

from threadline import access
from threadline.access import Action
from threadline.audit.services import record
from threadline.clients.models import Client
from threadline.lib.http import Request
from threadline.measures import services
from threadline.measures.models import Administration, Cadence, SafetyAlert, State
from threadline.measures.progress import bound_objectives
from threadline.notes.services import plan_in_force
from threadline.rules.measures import INSTRUMENTS


def _instrument(key: str) -> Any:
    if key not in INSTRUMENTS:
        raise Http404
    return INSTRUMENTS[key]


def measure_rows(client: Client) -> list[dict[str, Any]]:
    """Each instrument given to the client, oldest score first, with its chart."""
    from threadline.measures.charts import chart_for

    given = list(
        Administration.objects.filter(client=client)
        .exclude(state=State.PENDING)
        .order_by("answered_at", "id")
    )
    plan = plan_in_force(client, None)
    bound = bound_objectives(client, plan)
    rows = []
    for key, form in INSTRUMENTS.items():
        own = [a for a in given if a.instrument == key]
        if not own:
            continue
        objective = next((b for b in bound if b.instrument == key), None)
        rows.append(
            {
                "form": form,
                "administrations": own,
                "chart": chart_for(client, form, own, objective),
                "objective": objective,
            }
        )
    return rows


@login_required
def measures_home(request: Request, client_id: int) -> HttpResponse:
    client = access.client_for(request.user, client_id, Action.CLINICAL_VIEW)
    services.view_measures(request.user, client)
    today = timezone.localdate()
    return render(
        request,
        "measures/home.html",
        {
            "client": client,
            "rows": measure_rows(client),
            "alerts": SafetyAlert.objects.filter(client=client, cleared_at__isnull=True)
            .select_related("administration")
            .order_by("raised_at"),
            "pending": client.administrations.filter(
                state=State.PENDING, link_expires_at__gt=timezone.now()
            ),
            "due": services.due_measures(client, today=today),
            "bound": bound_objectives(client, plan_in_force(client, None)),
            "schedules": client.measure_schedules.all(),
            "instruments": list(INSTRUMENTS.values()),
            "cadences": Cadence.choices,
            "today": today,
            "can_edit": access.can(request.user, Action.CLINICAL_EDIT, client),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def measure_give(request: Request, client_id: int, instrument: str) -> HttpResponse:
    """The clinician enters the client's answers, item by item."""
    client = access.client_for(request.user, client_id, Action.CLINICAL_EDIT)
    form = _instrument(instrument)
    chosen: dict[str, str] = {}
    error = ""
    if request.method == "POST":
        chosen = {k: request.POST.get(k, "") for k in request.POST if k.startswith("item_")}
        try:
            answers = services.read_answers(instrument, request.POST)
            administration = services.give_in_session(request.user, client, instrument, answers)
        except ValidationError as invalid:
            error = " ".join(invalid.messages)
        else:
            if administration.state == State.COMPLETE:
                band = administration.band or "no severity band"
                messages.success(request, f"{form.name} recorded: {administration.total} ({band}).")
            else:
                messages.warning(
                    request,
                    f"{form.name} kept as incomplete: items left blank are not scored.",
                )
            if administration.safety_alert:
                messages.error(
                    request,
                    "Safety alert: the answer to the self-harm question was above 0. Assess "
                    "safety today and document it to clear the alert.",
                )
            return redirect("measures_home", client_id=client.pk)
    return render(
        request,
        "measures/give.html",
        {
            "client": client,
            "form": form,
            "error": error,
            # What was picked stays picked when the form comes back with an error.
            "items": [
                {
                    "item": item,
                    "options": [
                        (option, chosen.get(f"item_{item.number}") == str(option.value))
                        for option in item.options
                    ],
                }
                for item in form.items
            ],
        },
        status=400 if error else 200,
    )


@login_required
@require_POST
def measure_send(request: Request, client_id: int, instrument: str) -> HttpResponse:
    client = access.client_for(request.user, client_id, Action.CLINICAL_EDIT)
    form = _instrument(instrument)
    issued = services.send_to_portal(request.user, client, instrument)
    link = request.build_absolute_uri(reverse("portal_questionnaire", args=[issued.token]))
    messages.success(
        request,
        f"{form.name} is waiting in {client.display_name}'s portal until "
        f"{timezone.localtime(issued.administration.link_expires_at):%b %-d}. "
        f"Their own link, shown once: {link}",
    )
    return redirect("measures_home", client_id=client.pk)


@login_required
@require_POST
def measure_schedule(request: Request, client_id: int) -> HttpResponse:
    client = access.client_for(request.user, client_id, Action.CLINICAL_EDIT)
    key = request.POST.get("instrument", "")
    raw = request.POST.get("every", "1").strip()
    try:
        services.set_schedule(
            request.user,
            client,
            key,
            cadence=request.POST.get("cadence", ""),
            every=int(raw) if raw.isdigit() else 0,
            active=request.POST.get("active", "on") == "on",
        )
    except ValidationError as invalid:
        messages.error(request, " ".join(invalid.messages))
    else:
        messages.success(request, "Schedule saved.")
    return redirect("measures_home", client_id=client.pk)


@login_required
@require_POST
def alert_clear(request: Request, client_id: int, alert_id: int) -> HttpResponse:
    client = access.client_for(request.user, client_id, Action.CLINICAL_EDIT)
    alert = get_object_or_404(SafetyAlert, pk=alert_id, client=client)
    assessed_on: date | None = parse_date(request.POST.get("assessed_on", ""))
    try:
        if assessed_on is None:
            raise ValidationError("Give the date the safety assessment was done.")
        services.clear_alert(
            request.user,
            alert,
            assessment=request.POST.get("assessment", ""),
            assessed_on=assessed_on,
        )
    except services.Refused as refused:
        messages.info(request, str(refused))
    except ValidationError as invalid:
        messages.error(request, " ".join(invalid.messages))
    else:
        messages.success(request, "Safety assessment documented; the alert is cleared.")
    return redirect("measures_home", client_id=client.pk)


@login_required
def practice_outcomes_page(request: Request) -> HttpResponse:
    """Counts only, so a practice admin may see them; clinicians see them too."""
    from threadline.measures.outcomes import practice_outcomes

    member = access.require_membership(request.user)
    tables = practice_outcomes(member.practice)
    record("measure.outcomes.view", actor=request.user, detail={"instruments": len(tables)})
    return render(request, "measures/outcomes.html", {"tables": tables})
