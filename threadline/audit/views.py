from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import UTC, datetime, time

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone

from threadline import access
from threadline.access import Action
from threadline.accounts.models import User
from threadline.audit.models import AuditEvent
from threadline.audit.services import record
from threadline.lib.http import Request

SORTABLE = {
    "time": "occurred_at",
    "user": "actor_label",
    "client": "client__record_number",
    "action": "action",
    "outcome": "outcome",
}
PAGE_SIZE = 50


class AuditFilterForm(forms.Form):
    start = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    user = forms.ModelChoiceField(queryset=User.objects.none(), required=False)
    client = forms.CharField(required=False, label="Client record number", max_length=20)
    action = forms.CharField(required=False, max_length=80, help_text="Such as client.chart")
    sort = forms.ChoiceField(
        required=False,
        choices=[(key, key) for key in SORTABLE] + [("-" + key, key) for key in SORTABLE],
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            self.add_error("end", "The end date is before the start date.")
        return data


def _filtered(form: AuditFilterForm, practice_id: int) -> QuerySet[AuditEvent]:
    events = AuditEvent.objects.filter(practice_id=practice_id).select_related("client")
    data = form.cleaned_data
    zone = timezone.get_current_timezone()
    if data.get("start"):
        events = events.filter(occurred_at__gte=datetime.combine(data["start"], time.min, zone))
    if data.get("end"):
        events = events.filter(occurred_at__lte=datetime.combine(data["end"], time.max, zone))
    if data.get("user"):
        events = events.filter(actor=data["user"])
    if data.get("client"):
        events = events.filter(client__record_number__iexact=data["client"])
    if data.get("action"):
        events = events.filter(action__startswith=data["action"])
    sort = data.get("sort") or "-time"
    field = SORTABLE[sort.lstrip("-")]
    return events.order_by(("-" if sort.startswith("-") else "") + field, "-id")


@login_required
def audit_log(request: Request) -> HttpResponse | StreamingHttpResponse:
    access.require(request.user, Action.AUDIT_VIEW)
    practice = access.require_membership(request.user).practice
    form = AuditFilterForm(request.GET or {"sort": "-time"})
    user_field = form.fields["user"]
    assert isinstance(user_field, forms.ModelChoiceField)
    user_field.queryset = User.objects.filter(membership__practice=practice).order_by("full_name")
    if not form.is_valid():
        return render(request, "audit/log.html", {"form": form, "page": None}, status=400)
    events = _filtered(form, practice.pk)
    record("audit.view", actor=request.user, detail={"filters": request.GET.dict()})
    if request.GET.get("format") == "csv":
        return _csv(events)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("sort", None)
    return render(
        request,
        "audit/log.html",
        {
            "form": form,
            "page": page,
            "sort": form.cleaned_data.get("sort") or "-time",
            "base_query": query.urlencode(),
            "columns": list(SORTABLE),
        },
    )


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv(events: QuerySet[AuditEvent]) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())
    header = [
        "id",
        "time_utc",
        "user",
        "action",
        "client_record_number",
        "object_type",
        "object_id",
        "outcome",
        "request_id",
        "ip",
        "hash",
    ]

    def rows() -> Iterator[str]:
        yield writer.writerow(header)
        for event in events.iterator(chunk_size=2000):
            yield writer.writerow(
                [
                    event.pk,
                    event.occurred_at.astimezone(UTC).isoformat(),
                    event.actor_label,
                    event.action,
                    event.client.record_number if event.client else "",
                    event.object_type,
                    event.object_id,
                    event.outcome,
                    event.request_id,
                    event.ip or "",
                    event.hash,
                ]
            )

    response = StreamingHttpResponse(rows(), content_type="text/csv")
    response["Content-Disposition"] = 'attachment; filename="threadline-audit.csv"'
    return response
