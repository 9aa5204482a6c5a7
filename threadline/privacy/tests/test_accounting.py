"""The accounting of disclosures in the portal (45 CFR 164.528): the six years before today."""

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
from threadline.portal.models import ClientAccount
from threadline.portal.tests.factories import client_account
from threadline.privacy.models import RecipientKind
from threadline.privacy.services import record_disclosure

URL = reverse("portal_disclosures")


@pytest.fixture
def account(client_record: Client) -> ClientAccount:
    return client_account(client_record)


def content(response: HttpResponseBase) -> str:
    assert isinstance(response, HttpResponse)
    return response.content.decode()


def disclose(client: Client, by: User, days_ago: int, what: str) -> None:
    record_disclosure(
        client,
        recipient="Lakeshore Health Plan",
        recipient_kind=RecipientKind.REVIEWER,
        purpose="Review of medical necessity",
        description=what,
        by=by,
        at=timezone.now() - timedelta(days=days_ago),
    )


def test_the_list_shows_disclosures_of_the_last_six_years_and_not_older(
    account: ClientAccount, client_record: Client, owner: User
) -> None:
    disclose(client_record, owner, 10, "Progress notes of March")
    disclose(client_record, owner, 6 * 365 - 5, "Treatment plan, version 1")
    disclose(client_record, owner, 6 * 365 + 10, "Intake assessment of long ago")
    page = content(signed_in(account.user).get(URL))
    assert "Progress notes of March" in page
    assert "Treatment plan, version 1" in page
    assert "Intake assessment of long ago" not in page
    assert "Lakeshore Health Plan" in page and "Review of medical necessity" in page
    assert page.index("Progress notes of March") < page.index("Treatment plan, version 1")
    assert AuditEvent.objects.filter(
        action="privacy.accounting.view", client=client_record, actor=account.user
    ).exists()


def test_an_empty_list_says_so_in_plain_words(account: ClientAccount) -> None:
    page = content(signed_in(account.user).get(URL))
    assert "Nothing to list." in page
    assert "<table" not in page


def test_another_clients_disclosures_are_not_listed(
    account: ClientAccount, client_record: Client, owner: User
) -> None:
    other = make_client(client_record.practice, owner, "TL-00002", legal_first_name="Robin")
    disclose(other, owner, 3, "Robin's discharge summary")
    page = content(signed_in(account.user).get(URL))
    assert "Robin's discharge summary" not in page
    assert "Nothing to list." in page
