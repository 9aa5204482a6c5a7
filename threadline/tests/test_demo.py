from __future__ import annotations

import pytest
from django.utils import timezone

from threadline import demo
from threadline.audit.services import verify_chain
from threadline.clients.models import Client
from threadline.plans import services as plans
from threadline.plans.models import PlanVersion
from threadline.rules.review import ReviewState, review_state
from threadline.signatures.services import verify_all

pytestmark = pytest.mark.django_db


def test_the_demo_practice_holds_plans_in_every_state() -> None:
    demo.load(n_clients=12)
    today = timezone.localdate()
    states = set()
    for client in Client.objects.all():
        summary = plans.chart_summary(client, today)
        if summary["plan"] is not None and summary["plan"].is_draft:
            states.add("draft")
        if summary["review_state"] is not None:
            states.add(summary["review_state"])
    assert states == {"draft", ReviewState.CURRENT, ReviewState.DUE_SOON, ReviewState.OVERDUE}
    assert PlanVersion.objects.filter(number=2, status="draft").count() == 1
    assert review_state(today, today) == ReviewState.DUE_SOON


def test_demo_data_is_signed_and_audited_soundly() -> None:
    demo.load(n_clients=6)
    assert list(verify_all()) == []
    assert verify_chain().ok
    assert demo.is_loaded()
