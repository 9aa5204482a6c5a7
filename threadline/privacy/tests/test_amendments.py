"""The right to amend (45 CFR 164.526): a request names one signed version; accepting appends
a signed addendum to that version, denying keeps the denial, the client's statement of
disagreement and the clinician's rebuttal linked to it. The signed content never changes."""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from unittest import mock

import pytest
from django.http import HttpResponse, HttpResponseBase
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from threadline.accounts.models import User
from threadline.audit.models import AuditEvent
from threadline.clients.models import Client
from threadline.conftest import PASSWORD, current_code, make_client, signed_in
from threadline.exports.pdf import record_pdf
from threadline.exports.tests.test_pdf import signed_progress_note
from threadline.notes.tests.factories import signed_plan
from threadline.plans.models import PlanAddendum, PlanVersion
from threadline.portal.models import ClientAccount
from threadline.portal.tests.factories import client_account, signed_version
from threadline.privacy import services
from threadline.privacy.models import AmendmentRequest, AmendmentStatus
from threadline.privacy.services import RightsRefused
from threadline.signatures.hashing import content_sha256
from threadline.signatures.services import check_signature, signatures_of

MOMENT = datetime(2026, 3, 2, 15, 0, tzinfo=timezone.get_fixed_timezone(0))
CHANGE = "The plan says I live alone; I live with my sister."
WHY = "My sister helps with the morning routine, which the plan relies on."


@pytest.fixture
def version(client_record: Client) -> PlanVersion:
    return signed_version(client_record)


@pytest.fixture
def account(client_record: Client, version: PlanVersion) -> ClientAccount:
    return client_account(client_record)


def content(response: HttpResponseBase) -> str:
    assert isinstance(response, HttpResponse)
    return response.content.decode()


def ask(account: ClientAccount, version: PlanVersion, now: datetime = MOMENT) -> AmendmentRequest:
    return services.request_amendment(
        account, version, requested_change=CHANGE, reason=WHY, now=now
    )


def decide(client: Client, amendment: AmendmentRequest) -> str:
    return reverse("client_amendment_request", args=[client.pk, amendment.pk])


def test_the_client_files_a_request_on_a_plan_version_due_in_sixty_days(
    account: ClientAccount, version: PlanVersion
) -> None:
    http = signed_in(account.user)
    form = content(http.get(reverse("portal_amendment_new") + f"?document=plan:{version.pk}"))
    assert f'value="plan:{version.pk}" selected' in form
    with mock.patch("django.utils.timezone.now", return_value=MOMENT):
        response = http.post(
            reverse("portal_amendment_new"),
            {"document": f"plan:{version.pk}", "requested_change": CHANGE, "reason": WHY},
        )
    made = AmendmentRequest.objects.get()
    assert response["Location"] == reverse("portal_amendment", args=[made.pk])
    assert (made.plan_version, made.note, made.status) == (version, None, AmendmentStatus.OPEN)
    assert made.due_at == MOMENT + timedelta(days=60)
    assert AuditEvent.objects.filter(action="privacy.amendment.request").count() == 1
    with mock.patch("django.utils.timezone.now", return_value=MOMENT + timedelta(days=61)):
        assert made.is_overdue
        page = content(http.get(reverse("portal_rights")))
    assert "Your clinician will answer by May 1, 2026" in page


def test_an_incomplete_request_says_what_is_missing_and_saves_nothing(
    account: ClientAccount,
) -> None:
    response = signed_in(account.user).post(
        reverse("portal_amendment_new"), {"document": "", "requested_change": "Something."}
    )
    page = content(response)
    assert "Choose the document you would like corrected." in page
    assert "Tell us why it should change." in page
    assert "Something." in page  # what was typed stays
    assert not AmendmentRequest.objects.exists()


def test_a_client_cannot_name_another_clients_document(
    account: ClientAccount, client_record: Client, owner: User
) -> None:
    other = make_client(client_record.practice, owner, "TL-00002", legal_first_name="Robin")
    theirs = signed_version(other)
    response = signed_in(account.user).post(
        reverse("portal_amendment_new"),
        {"document": f"plan:{theirs.pk}", "requested_change": CHANGE, "reason": WHY},
    )
    assert "Select a valid choice" in content(response)
    with pytest.raises(RightsRefused):
        ask(account, theirs)
    assert not AmendmentRequest.objects.exists()


def test_accepting_adds_a_signed_addendum_to_that_exact_version_and_changes_nothing_else(
    account: ClientAccount, client_record: Client, owner: User, version: PlanVersion
) -> None:
    newer = signed_version(client_record)  # a later revision must not receive the addendum
    made = ask(account, version)
    before = PlanVersion.objects.get(pk=version.pk).content
    digest = content_sha256(version.signable())
    text = "Lives with her sister, who helps with the morning routine."
    response = signed_in(owner).post(
        decide(client_record, made),
        {
            "decision": "accept",
            "accept-text": text,
            "accept-password": PASSWORD,
            "accept-code": current_code(owner),
        },
    )
    assert response.status_code == 302
    made.refresh_from_db()
    addendum = made.plan_addendum
    assert addendum is not None
    assert (made.status, made.decided_by, addendum.version_id) == ("accepted", owner, version.pk)
    assert addendum.text.startswith("Amended at the client's request of March 2, 2026.")
    assert addendum.text.endswith(text)
    assert addendum.parent_sha256 == digest
    assert not newer.addenda.exists()
    unchanged = PlanVersion.objects.get(pk=version.pk)
    assert unchanged.content == before
    assert all(check_signature(s, unchanged) == "" for s in signatures_of(unchanged))
    assert [check_signature(s, addendum) for s in signatures_of(addendum)] == [""]
    assert AuditEvent.objects.filter(action="plan.addendum.create").count() == 1
    # The client sees the addendum with the plan it amends.
    page = content(signed_in(account.user).get(reverse("portal_plan", args=[version.pk])))
    assert text in page and "Accepted" in page


def test_accepting_needs_the_password_again_and_a_wrong_one_adds_nothing(
    account: ClientAccount, client_record: Client, owner: User, version: PlanVersion
) -> None:
    made = ask(account, version)
    response = signed_in(owner).post(
        decide(client_record, made),
        {
            "decision": "accept",
            "accept-text": "Corrected.",
            "accept-password": "not it",
            "accept-code": current_code(owner),
        },
    )
    assert "That password is not right. Nothing was signed." in content(response)
    made.refresh_from_db()
    assert made.status == AmendmentStatus.OPEN
    assert not PlanAddendum.objects.exists()


def test_a_note_can_be_amended_too(client_record: Client, owner: User) -> None:
    other = make_client(client_record.practice, owner, "TL-00003", legal_first_name="Sam")
    note = signed_progress_note(other, signed_plan(other))
    made = services.request_amendment(
        client_account(other), note, requested_change=CHANGE, reason=WHY, now=MOMENT
    )
    assert services.describe(note).startswith("Progress note for the session of ")
    services.accept_amendment(
        owner, made, "Lives with her sister.", now=timezone.now(), stepped_up_at=timezone.now()
    )
    made.refresh_from_db()
    assert made.note_addendum is not None and made.note_addendum.note_id == note.pk


def test_a_denial_is_shown_and_the_clients_statement_and_the_rebuttal_stay_linked(
    account: ClientAccount, client_record: Client, owner: User, version: PlanVersion
) -> None:
    made = ask(account, version)
    clinic = signed_in(owner)
    missing = clinic.post(decide(client_record, made), {"decision": "deny", "deny-reason": ""})
    assert "Write the reason for the denial" in content(missing)
    reason = "The plan records what you told me at intake; I believe it is accurate."
    clinic.post(decide(client_record, made), {"decision": "deny", "deny-reason": reason})
    made.refresh_from_db()
    assert (made.status, made.denial_reason) == (AmendmentStatus.DENIED, reason)
    assert not PlanAddendum.objects.exists()

    portal = signed_in(account.user)
    page = content(portal.get(reverse("portal_amendment", args=[made.pk])))
    assert reason in page and "statement of disagreement" in page.lower()
    statement = "I moved in with my sister in January, before the intake."
    portal.post(reverse("portal_amendment", args=[made.pk]), {"statement": statement})
    rebuttal = "Intake took place on January 5; the move was discussed later."
    clinic.post(decide(client_record, made), {"decision": "rebut", "rebut-rebuttal": rebuttal})

    made.refresh_from_db()
    assert (made.disagreement, made.rebuttal, made.rebuttal_by) == (statement, rebuttal, owner)
    assert list(version.amendment_requests.all()) == [made]
    for page in (
        content(clinic.get(decide(client_record, made))),
        content(portal.get(reverse("portal_amendment", args=[made.pk]))),
    ):
        assert reason in page and statement in page and rebuttal in page
    rights = content(clinic.get(reverse("client_rights", args=[client_record.pk])))
    assert "statement of disagreement · rebuttal" in rights
    # Later copies of the record carry the request, the denial, the statement and the rebuttal.
    copy = " ".join(
        " ".join((page.extract_text() or "").split())
        for page in PdfReader(io.BytesIO(record_pdf(client_record))).pages
    )
    for text in (CHANGE, reason, statement, rebuttal, "Amendment requests denied"):
        assert " ".join(text.split()) in copy
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"privacy.amendment.deny", "privacy.amendment.disagree", "privacy.amendment.rebut"} <= (
        actions
    )


def test_a_statement_answers_only_a_denial_and_only_once(
    account: ClientAccount, owner: User, version: PlanVersion
) -> None:
    made = ask(account, version)
    with pytest.raises(RightsRefused, match="answers a denied request"):
        services.file_disagreement(account, made, "I disagree.", now=MOMENT)
    services.deny_amendment(owner, made, "Accurate as written.", now=MOMENT)
    services.file_disagreement(account, made, "I disagree.", now=MOMENT)
    with pytest.raises(RightsRefused, match="already on file"):
        services.file_disagreement(account, made, "Again.", now=MOMENT)
    with pytest.raises(RightsRefused, match="already denied"):
        services.accept_amendment(owner, made, "Text.", now=MOMENT, stepped_up_at=MOMENT)


def test_another_client_and_another_clinician_cannot_see_or_act(
    account: ClientAccount,
    client_record: Client,
    owner: User,
    colleague: User,
    version: PlanVersion,
) -> None:
    made = ask(account, version)
    other = make_client(client_record.practice, owner, "TL-00002", legal_first_name="Robin")
    stranger = signed_in(client_account(other).user)
    url = reverse("portal_amendment", args=[made.pk])
    assert stranger.get(url).status_code == 404
    assert stranger.post(url, {"statement": "Not mine."}).status_code == 404
    colleague_post = signed_in(colleague).post(
        decide(client_record, made), {"decision": "deny", "deny-reason": "No."}
    )
    assert colleague_post.status_code == 404
    made.refresh_from_db()
    assert (made.status, made.disagreement) == (AmendmentStatus.OPEN, "")
