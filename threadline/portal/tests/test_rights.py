"""The portal's part in the client's rights: the home page section, and the plan as a PDF."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.http import HttpResponse, HttpResponseBase
from django.urls import reverse
from django.utils import timezone

from threadline.accounts.models import User
from threadline.audit.models import AuditEvent
from threadline.clients.models import Client
from threadline.conftest import make_client, signed_in
from threadline.plans.models import PlanVersion
from threadline.portal.models import ClientAccount
from threadline.portal.tests.factories import client_account, signed_version
from threadline.privacy import services


@pytest.fixture
def version(client_record: Client) -> PlanVersion:
    return signed_version(client_record)


@pytest.fixture
def account(client_record: Client, version: PlanVersion) -> ClientAccount:
    return client_account(client_record)


def content(response: HttpResponseBase) -> str:
    assert isinstance(response, HttpResponse)
    return response.content.decode()


def test_the_home_page_links_every_right_and_shows_open_requests_with_due_dates(
    account: ClientAccount, version: PlanVersion
) -> None:
    http = signed_in(account.user)
    page = content(http.get(reverse("portal_home")))
    assert "Your records and privacy rights" in page
    for name in ("portal_record_new", "portal_amendment_new", "portal_disclosures"):
        assert f'href="{reverse(name)}"' in page
    assert "is waiting" not in page

    asked = timezone.now() - timedelta(days=2)
    copy = services.request_record_copy(account, now=asked)
    fix = services.request_amendment(
        account, version, requested_change="A date is wrong.", reason="It was May.", now=asked
    )
    page = content(http.get(reverse("portal_home")))
    assert f"We will answer by {services.shown_day(copy.due_at)}" in page
    assert f"Your clinician will answer by {services.shown_day(fix.due_at)}" in page


def test_the_plan_page_offers_the_pdf_of_the_version_shown(
    account: ClientAccount, version: PlanVersion
) -> None:
    page = content(signed_in(account.user).get(reverse("portal_plan", args=[version.pk])))
    assert f'href="{reverse("portal_plan_pdf", args=[version.pk])}"' in page


def test_the_plan_pdf_downloads_and_is_audited(
    account: ClientAccount, version: PlanVersion, client_record: Client
) -> None:
    response = signed_in(account.user).get(reverse("portal_plan_pdf", args=[version.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="treatment-plan-v1.pdf"'
    assert isinstance(response, HttpResponse) and response.content.startswith(b"%PDF")
    event = AuditEvent.objects.get(action="portal.plan.view", detail__how="pdf")
    assert (event.actor_id, event.client_id, event.object_id) == (
        account.user_id,
        client_record.pk,
        str(version.pk),
    )


def test_another_clients_plan_pdf_is_404(
    version: PlanVersion, client_record: Client, owner: User
) -> None:
    other = make_client(client_record.practice, owner, "TL-00002", legal_first_name="Robin")
    http = signed_in(client_account(other).user)
    assert http.get(reverse("portal_plan_pdf", args=[version.pk])).status_code == 404
