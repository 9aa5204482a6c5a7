"""The one extension (45 CFR 164.524(b)(2)(ii), 164.526(b)(2)(ii)): the clinician may move the
due date of an open request 30 days on, once, before the original date runs out, with a written
reason the client reads in the portal. Every due date shown and every overdue flag follows it."""

from __future__ import annotations

from datetime import datetime, timedelta
from unittest import mock

import pytest
from django.db import IntegrityError, transaction
from django.http import HttpResponse, HttpResponseBase
from django.urls import reverse
from django.utils import timezone

from threadline.accounts.models import User
from threadline.audit.models import AuditEvent
from threadline.clients.models import Client
from threadline.conftest import signed_in
from threadline.plans.models import PlanVersion
from threadline.portal.models import ClientAccount
from threadline.portal.tests.factories import client_account, signed_version
from threadline.privacy import services
from threadline.privacy.models import AmendmentRequest, RecordRequest
from threadline.privacy.services import RightsRefused

MOMENT = datetime(2026, 3, 2, 15, 0, tzinfo=timezone.get_fixed_timezone(0))
REASON = "Your record is large and part of it is held off site; we need more time to gather it."


@pytest.fixture
def version(client_record: Client) -> PlanVersion:
    return signed_version(client_record)


@pytest.fixture
def account(client_record: Client, version: PlanVersion) -> ClientAccount:
    return client_account(client_record)


def content(response: HttpResponseBase) -> str:
    assert isinstance(response, HttpResponse)
    return response.content.decode()


def ask_amendment(account: ClientAccount, version: PlanVersion, now: datetime) -> AmendmentRequest:
    return services.request_amendment(
        account,
        version,
        requested_change="The plan says I live alone; I live with my sister.",
        reason="My sister helps with the morning routine.",
        now=now,
    )


def record_page(client: Client, made: RecordRequest) -> str:
    return reverse("client_record_request", args=[client.pk, made.pk])


def amendment_page(client: Client, made: AmendmentRequest) -> str:
    return reverse("client_amendment_request", args=[client.pk, made.pk])


# --- the service --------------------------------------------------------------------------------


def test_a_copy_is_extended_once_by_thirty_days_keeping_the_original_date(
    account: ClientAccount, owner: User
) -> None:
    made = services.request_record_copy(account, now=MOMENT)
    extended = services.extend_record_copy(
        owner, made, f"  {REASON}  ", now=MOMENT + timedelta(days=29)
    )
    extended.refresh_from_db()
    assert extended.original_due_at == MOMENT + timedelta(days=30)
    assert extended.due_at == MOMENT + timedelta(days=60)
    assert (extended.extended_by, extended.extension_reason) == (owner, REASON)
    assert extended.extended_at == MOMENT + timedelta(days=29)
    assert extended.is_open and extended.is_extended and not extended.can_extend
    event = AuditEvent.objects.get(action="privacy.record_copy.extend")
    assert (event.actor_id, event.client_id, event.object_id) == (
        owner.pk,
        account.client_id,
        str(made.pk),
    )
    assert event.detail == {
        "original_due_at": (MOMENT + timedelta(days=30)).isoformat(),
        "due_at": (MOMENT + timedelta(days=60)).isoformat(),
    }


def test_overdue_follows_the_extended_date(account: ClientAccount, owner: User) -> None:
    made = services.request_record_copy(account, now=MOMENT)
    services.extend_record_copy(owner, made, REASON, now=MOMENT + timedelta(days=1))
    made.refresh_from_db()
    with mock.patch("django.utils.timezone.now", return_value=MOMENT + timedelta(days=31)):
        assert not made.is_overdue
    with mock.patch("django.utils.timezone.now", return_value=MOMENT + timedelta(days=61)):
        assert made.is_overdue


def test_a_second_extension_is_refused(account: ClientAccount, owner: User) -> None:
    made = services.request_record_copy(account, now=MOMENT)
    services.extend_record_copy(owner, made, REASON, now=MOMENT + timedelta(days=2))
    with pytest.raises(RightsRefused, match="already extended once"):
        services.extend_record_copy(owner, made, "Still more.", now=MOMENT + timedelta(days=3))
    made.refresh_from_db()
    assert made.due_at == MOMENT + timedelta(days=60)
    assert AuditEvent.objects.filter(action="privacy.record_copy.extend").count() == 1


def test_no_extension_after_the_original_due_date(account: ClientAccount, owner: User) -> None:
    made = services.request_record_copy(account, now=MOMENT)
    with pytest.raises(RightsRefused, match="can no longer be extended"):
        services.extend_record_copy(owner, made, REASON, now=MOMENT + timedelta(days=30, hours=1))
    made.refresh_from_db()
    assert (made.due_at, made.original_due_at) == (MOMENT + timedelta(days=30), None)
    # On the due date itself the notice still reaches the client in time.
    services.extend_record_copy(owner, made, REASON, now=MOMENT + timedelta(days=30))


def test_an_extension_needs_a_reason(account: ClientAccount, owner: User) -> None:
    made = services.request_record_copy(account, now=MOMENT)
    with pytest.raises(RightsRefused, match="Write why more time is needed"):
        services.extend_record_copy(owner, made, "   ", now=MOMENT)
    made.refresh_from_db()
    assert not made.is_extended


def test_a_decided_request_is_not_extended(account: ClientAccount, owner: User) -> None:
    made = services.request_record_copy(account, now=MOMENT)
    services.deny_record_copy(owner, made, "A court order limits access.", now=MOMENT)
    with pytest.raises(RightsRefused, match="already denied"):
        services.extend_record_copy(owner, made, REASON, now=MOMENT)


def test_an_amendment_is_extended_from_sixty_to_ninety_days(
    account: ClientAccount, version: PlanVersion, owner: User
) -> None:
    made = ask_amendment(account, version, MOMENT)
    services.extend_amendment(owner, made, REASON, now=MOMENT + timedelta(days=59))
    made.refresh_from_db()
    assert (made.original_due_at, made.due_at) == (
        MOMENT + timedelta(days=60),
        MOMENT + timedelta(days=90),
    )
    assert AuditEvent.objects.filter(action="privacy.amendment.extend").count() == 1
    with pytest.raises(RightsRefused, match="already extended once"):
        services.extend_amendment(owner, made, REASON, now=MOMENT + timedelta(days=60))


def test_the_database_refuses_an_extension_without_its_reason(
    account: ClientAccount, owner: User
) -> None:
    made = services.request_record_copy(account, now=MOMENT)
    with pytest.raises(IntegrityError), transaction.atomic():
        RecordRequest.objects.filter(pk=made.pk).update(
            original_due_at=made.due_at,
            due_at=made.due_at + timedelta(days=30),
            extended_at=MOMENT,
            extended_by=owner,
        )


# --- the pages ----------------------------------------------------------------------------------


def test_the_clinician_extends_a_copy_and_the_client_reads_the_new_date_and_why(
    account: ClientAccount, client_record: Client, owner: User
) -> None:
    made = services.request_record_copy(account, now=timezone.now() - timedelta(days=5))
    clinician = signed_in(owner)
    page = content(clinician.get(record_page(client_record, made)))
    assert "Extend by 30 days" in page
    assert services.shown_day(made.due_at + timedelta(days=30)) in page

    response = clinician.post(
        record_page(client_record, made), {"decision": "extend", "extend-reason": REASON}
    )
    assert response["Location"] == record_page(client_record, made)
    made.refresh_from_db()
    new_day = services.shown_day(made.due_at)
    assert made.extended_by == owner
    page = content(clinician.get(record_page(client_record, made)))
    assert "Extend by 30 days" not in page
    assert REASON in page
    assert "extended from" in page
    listed = content(clinician.get(reverse("client_rights", args=[client_record.pk])))
    assert "(extended)" in listed

    portal = signed_in(account.user)
    mine = content(portal.get(reverse("portal_record", args=[made.pk])))
    assert f"We will answer by {new_day} (the clinic needed more time)" in mine
    assert REASON in mine
    assert services.shown_day(made.original_due_at or made.due_at) in mine
    assert f"We will answer by {new_day}" in content(portal.get(reverse("portal_rights")))

    again = clinician.post(
        record_page(client_record, made), {"decision": "extend", "extend-reason": "More."}
    )
    assert again.status_code == 400
    assert "already extended once" in content(again)
    assert AuditEvent.objects.filter(action="privacy.record_copy.extend").count() == 1


def test_the_extend_form_says_what_to_fix_when_the_reason_is_missing(
    account: ClientAccount, client_record: Client, owner: User
) -> None:
    made = services.request_record_copy(account, now=timezone.now())
    response = signed_in(owner).post(
        record_page(client_record, made), {"decision": "extend", "extend-reason": " "}
    )
    assert "Write why more time is needed" in content(response)
    made.refresh_from_db()
    assert not made.is_extended


def test_past_the_due_date_the_page_offers_no_extension_and_refuses_one(
    account: ClientAccount, client_record: Client, owner: User
) -> None:
    made = services.request_record_copy(account, now=timezone.now() - timedelta(days=31))
    clinician = signed_in(owner)
    page = content(clinician.get(record_page(client_record, made)))
    assert "Extend by 30 days" not in page
    assert "can no longer be extended" in page
    response = clinician.post(
        record_page(client_record, made), {"decision": "extend", "extend-reason": REASON}
    )
    assert response.status_code == 400
    assert "can no longer be extended" in content(response)
    made.refresh_from_db()
    assert made.is_overdue and not made.is_extended


def test_a_supervisor_reads_but_may_not_extend(
    account: ClientAccount, client_record: Client, supervisor: User
) -> None:
    made = services.request_record_copy(account, now=timezone.now())
    page = content(signed_in(supervisor).get(record_page(client_record, made)))
    assert "Extend by 30 days" not in page
    response = signed_in(supervisor).post(
        record_page(client_record, made), {"decision": "extend", "extend-reason": REASON}
    )
    assert response.status_code == 403
    made.refresh_from_db()
    assert not made.is_extended


def test_the_clinician_extends_an_amendment_and_the_client_reads_it(
    account: ClientAccount, client_record: Client, version: PlanVersion, owner: User
) -> None:
    made = ask_amendment(account, version, timezone.now() - timedelta(days=10))
    clinician = signed_in(owner)
    assert "Extend by 30 days" in content(clinician.get(amendment_page(client_record, made)))
    response = clinician.post(
        amendment_page(client_record, made), {"decision": "extend", "extend-reason": REASON}
    )
    assert response["Location"] == amendment_page(client_record, made)
    made.refresh_from_db()
    assert made.original_due_at is not None
    assert made.due_at == made.original_due_at + timedelta(days=30)
    page = content(clinician.get(amendment_page(client_record, made)))
    assert "Extend by 30 days" not in page
    assert f"{owner.full_name} moved the answer date" in page
    event = AuditEvent.objects.get(action="privacy.amendment.extend")
    assert (event.actor_id, event.object_id) == (owner.pk, str(made.pk))

    portal = signed_in(account.user)
    mine = content(portal.get(reverse("portal_amendment", args=[made.pk])))
    new_day = services.shown_day(made.due_at)
    assert f"Your clinician will answer by {new_day} (they needed more time)" in mine
    assert "your clinician moved the answer date" in mine
    assert REASON in mine
    # The client is not told who on the staff did it, only that their clinician did.
    assert owner.full_name not in mine.split("More time needed")[1].split("</dd>")[0]
