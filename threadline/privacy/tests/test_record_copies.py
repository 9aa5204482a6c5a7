"""The right of access (45 CFR 164.524): the client asks, the clinician releases or denies
within 30 days, and the client downloads exactly the bytes that were released."""

from __future__ import annotations

import hashlib
import io
import json
from datetime import date, datetime, timedelta
from unittest import mock

import pytest
from django.db import IntegrityError, transaction
from django.http import HttpResponse, HttpResponseBase
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from threadline.accounts.models import User
from threadline.audit.models import AuditEvent, Outcome
from threadline.clients.models import Client
from threadline.conftest import make_client, signed_in
from threadline.notes.tests.factories import attended
from threadline.portal.models import ClientAccount
from threadline.portal.tests.factories import client_account, signed_version
from threadline.privacy import services
from threadline.privacy.models import RecordRequest, RecordRequestStatus
from threadline.privacy.services import RightsRefused
from threadline.psychotherapy_notes import services as psychotherapy_notes

MOMENT = datetime(2026, 3, 2, 15, 0, tzinfo=timezone.get_fixed_timezone(0))


@pytest.fixture
def account(client_record: Client) -> ClientAccount:
    signed_version(client_record)
    return client_account(client_record)


def content(response: HttpResponseBase) -> bytes:
    assert isinstance(response, HttpResponse)
    return response.content


def test_a_request_is_due_thirty_days_after_it_is_made(account: ClientAccount) -> None:
    made = services.request_record_copy(account, now=MOMENT)
    assert (made.status, made.due_at) == (RecordRequestStatus.REQUESTED, MOMENT + timedelta(30))
    event = AuditEvent.objects.get(action="privacy.record_copy.request")
    assert (event.client_id, event.object_id) == (account.client_id, str(made.pk))


def test_an_open_request_is_overdue_only_after_its_due_date(account: ClientAccount) -> None:
    made = services.request_record_copy(account, now=MOMENT)
    with mock.patch("django.utils.timezone.now", return_value=MOMENT + timedelta(days=30)):
        assert not made.is_overdue
    with mock.patch("django.utils.timezone.now", return_value=MOMENT + timedelta(days=31)):
        assert made.is_overdue
        released = services.release_record_copy(
            account.client.primary_clinician, made, now=timezone.now()
        )
        assert not released.is_overdue


def test_the_clinicians_list_flags_an_overdue_request(
    account: ClientAccount, client_record: Client, owner: User
) -> None:
    services.request_record_copy(account, now=timezone.now() - timedelta(days=31))
    page = content(signed_in(owner).get(reverse("client_rights", args=[client_record.pk])))
    assert b"overdue" in page


def test_a_second_open_request_is_refused_and_adds_nothing(account: ClientAccount) -> None:
    services.request_record_copy(account, now=MOMENT)
    with pytest.raises(RightsRefused, match="already have a request"):
        services.request_record_copy(account, now=MOMENT + timedelta(hours=1))
    assert RecordRequest.objects.count() == 1


def test_request_release_and_download_give_the_exact_released_bytes(
    account: ClientAccount, client_record: Client, owner: User
) -> None:
    portal = signed_in(account.user)
    made = portal.post(reverse("portal_record_new"))
    request = RecordRequest.objects.get()
    assert made["Location"] == reverse("portal_record", args=[request.pk])

    decision = reverse("client_record_request", args=[client_record.pk, request.pk])
    released = signed_in(owner).post(decision, {"decision": "release"})
    assert released["Location"] == reverse("client_rights", args=[client_record.pk])
    request.refresh_from_db()
    assert (request.status, request.decided_by) == (RecordRequestStatus.RELEASED, owner)

    pdf = content(portal.get(reverse("portal_record_pdf", args=[request.pk])))
    fhir = content(portal.get(reverse("portal_record_fhir", args=[request.pk])))
    assert pdf.startswith(b"%PDF")
    assert hashlib.sha256(pdf).hexdigest() == request.pdf_sha256
    assert hashlib.sha256(fhir).hexdigest() == request.fhir_sha256
    assert json.loads(fhir)["resourceType"] == "Bundle"
    downloads = AuditEvent.objects.filter(action="privacy.record_copy.download")
    assert sorted(e.detail["kind"] for e in downloads) == ["fhir", "pdf"]
    assert all(e.actor_id == account.user_id for e in downloads)
    release = AuditEvent.objects.get(action="privacy.record_copy.release")
    assert release.detail["pdf_sha256"] == request.pdf_sha256
    # The client's own access is not a disclosure.
    assert not client_record.disclosures.exists()


def test_a_copy_cannot_be_downloaded_before_it_is_released(account: ClientAccount) -> None:
    made = services.request_record_copy(account, now=MOMENT)
    response = signed_in(account.user).get(reverse("portal_record_pdf", args=[made.pk]))
    assert response.status_code == 404


def test_a_released_copy_leaves_out_psychotherapy_notes(
    account: ClientAccount, client_record: Client, owner: User
) -> None:
    psychotherapy_notes.write_note(
        owner,
        client_record,
        written_at=date(2026, 3, 2),
        body="Quillmere talked about the lighthouse keeper.",
        session=attended(client_record),
    )
    made = services.request_record_copy(account, now=timezone.now())
    released = services.release_record_copy(owner, made, now=timezone.now())
    assert released.pdf is not None and released.fhir is not None
    text = " ".join(
        page.extract_text() for page in PdfReader(io.BytesIO(bytes(released.pdf))).pages
    )
    assert "Quillmere" not in text
    assert b"Quillmere" not in bytes(released.fhir)


def test_a_denial_needs_a_reason_and_the_client_reads_it_with_how_to_ask_for_review(
    account: ClientAccount, client_record: Client, owner: User
) -> None:
    made = services.request_record_copy(account, now=MOMENT)
    decision = reverse("client_record_request", args=[client_record.pk, made.pk])
    empty = signed_in(owner).post(decision, {"decision": "deny", "reason": "  "})
    assert b"Write the reason for the denial" in content(empty)
    made.refresh_from_db()
    assert made.status == RecordRequestStatus.REQUESTED

    reason = "A court order in your case limits access to this record until April."
    signed_in(owner).post(decision, {"decision": "deny", "reason": reason})
    made.refresh_from_db()
    assert (made.status, made.denial_reason, made.pdf_sha256) == ("denied", reason, "")
    page = content(signed_in(account.user).get(reverse("portal_record", args=[made.pk])))
    assert reason.encode() in page
    assert b"ask for this decision to be reviewed" in page


def test_a_decided_request_cannot_be_decided_again(account: ClientAccount, owner: User) -> None:
    made = services.request_record_copy(account, now=MOMENT)
    services.deny_record_copy(owner, made, "Reason.", now=MOMENT)
    with pytest.raises(RightsRefused, match="already denied"):
        services.release_record_copy(owner, made, now=MOMENT)


def test_the_database_refuses_a_release_without_files(account: ClientAccount, owner: User) -> None:
    made = services.request_record_copy(account, now=MOMENT)
    with pytest.raises(IntegrityError), transaction.atomic():
        RecordRequest.objects.filter(pk=made.pk).update(
            status=RecordRequestStatus.RELEASED, decided_by=owner, decided_at=MOMENT
        )


def test_another_client_and_another_clinician_get_404(
    account: ClientAccount, client_record: Client, owner: User, colleague: User
) -> None:
    made = services.request_record_copy(account, now=MOMENT)
    services.release_record_copy(owner, made, now=timezone.now())
    other = make_client(client_record.practice, owner, "TL-00002", legal_first_name="Robin")
    stranger = signed_in(client_account(other).user)
    for name in ("portal_record", "portal_record_pdf", "portal_record_fhir"):
        assert stranger.get(reverse(name, args=[made.pk])).status_code == 404
    assert (
        AuditEvent.objects.filter(
            action="portal.rights.view", outcome=Outcome.DENIED, object_id=str(made.pk)
        ).count()
        == 3
    )
    decision = reverse("client_record_request", args=[client_record.pk, made.pk])
    assert signed_in(colleague).post(decision, {"decision": "release"}).status_code == 404
    # The other client's own page lists nothing of the first client's.
    assert b"Request of" not in content(stranger.get(reverse("portal_rights")))


def test_a_supervisor_reads_the_request_but_may_not_decide(
    account: ClientAccount, client_record: Client, supervisor: User
) -> None:
    made = services.request_record_copy(account, now=MOMENT)
    decision = reverse("client_record_request", args=[client_record.pk, made.pk])
    page = content(signed_in(supervisor).get(decision))
    assert b"Release the copy" not in page
    assert signed_in(supervisor).post(decision, {"decision": "release"}).status_code == 403
