"""The chart of one instrument's scores for the measures page (and later the PDF export)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from threadline.appointments.models import Status as SessionStatus
from threadline.clients.models import Client
from threadline.measures.models import Administration


def chart_for(
    client: Client, form: Any, administrations: list[Administration], objective: Any = None
) -> SafeString:
    """Inline SVG: scores with the bands, the bound objective's baseline and target, sessions."""
    from threadline.rules.measures.chart import ChartSpec, Point, render_svg

    points = tuple(
        Point(a.answered_on, a.total)
        for a in administrations
        if a.total is not None and a.answered_on is not None
    )
    sessions = tuple(
        timezone.localdate(start)
        for start in client.appointments.filter(status=SessionStatus.ATTENDED).values_list(
            "scheduled_start", flat=True
        )
    )
    spec = ChartSpec(
        instrument=form,
        points=points,
        baseline=objective.baseline if objective else None,
        target=objective.target if objective else None,
        session_days=sessions,
        title=f"{form.name} for {client.display_name}",
    )
    # render_svg escapes every text it writes, so the markup is safe to place in the page.
    return mark_safe(render_svg(spec))  # noqa: S308
