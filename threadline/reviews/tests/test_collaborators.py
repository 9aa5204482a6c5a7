"""Client authorizations for collaborating clinicians: recording one, what its scope lets the
collaborator read, revocation at the next request, and each read in the accounting."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from threadline.accounts.models import User
from threadline.audit.models import AuditEvent
from threadline.clients.models import Client
from threadline.conftest import signed_in
from threadline.measures import services as measures
from threadline.notes.models import Kind
from threadline.privacy.models import RecipientKind
from threadline.privacy.services import accounting_for
from threadline.reviews.models import ClientAuthorization, Scope
from threadline.reviews.tests.factories import (
    authorization,
    collaborator,
    signed_note,
    signed_plan_version,
)

pytestmark = pytest.mark.django_db


def test_recording_an_authorization_offers_no_psychotherapy_notes_and_needs_an_expiry(
    client_record: Client, owner: User
) -> None:
    url = reverse("authorization_new", args=[client_record.pk])
    http = signed_in(owner)
    page = http.get(url).content.decode()
    offered = set(http.get(url).context["form"].fields["scope"].choices)
    assert {value for value, _ in offered} == {
        "plans",
        "progress",
        "intake",
        "discharge",
        "measures",
    }
    assert 'value="psychotherapy' not in page
    data = {
        "email": "dr.rivera@eastside.test",
        "full_name": "Dana Rivera",
        "organization": "Eastside Psychiatry",
        "scope": ["plans", "progress"],
        "purpose": "Coordination of care with the client's psychiatrist",
        "given_on": timezone.localdate().isoformat(),
        "given_how": "Signed release form dated today, scanned to the chart",
    }
    missing = http.post(url, data)
    assert "expires_on" in missing.context["form"].errors
    assert not ClientAuthorization.objects.exists()
    data["expires_on"] = (timezone.localdate() + timedelta(days=90)).isoformat()
    issued = http.post(url, data)
    assert issued.status_code == 200 and "/reviewer/invitation/" in issued.content.decode()
    recorded = ClientAuthorization.objects.get()
    assert recorded.scope == ["plans", "progress"]
    assert recorded.recorded_by == owner
    assert recorded.collaborator.user.email == "dr.rivera@eastside.test"
    assert AuditEvent.objects.filter(action="authorization.record", client=client_record).exists()


def test_the_scope_decides_which_record_types_the_collaborator_reads(
    client_record: Client,
) -> None:
    plan = signed_plan_version(client_record)
    day = timezone.localdate() - timedelta(days=5)
    progress = signed_note(client_record, day)
    intake = signed_note(client_record, day - timedelta(days=30), kind=Kind.INTAKE)
    discharge = signed_note(client_record, day + timedelta(days=1), kind=Kind.DISCHARGE)
    grant = authorization(client_record, scope=[Scope.PROGRESS, Scope.DISCHARGE])
    http = signed_in(grant.collaborator.user)
    page = http.get(reverse("collaborator_client", args=[grant.pk])).content.decode()
    assert reverse("collaborator_note", args=[grant.pk, progress.pk]) in page
    assert reverse("collaborator_note", args=[grant.pk, discharge.pk]) in page
    assert f"/notes/{intake.pk}/" not in page
    assert "/plans/" not in page and "/measures/" not in page
    assert http.get(reverse("collaborator_note", args=[grant.pk, intake.pk])).status_code == 404
    assert http.get(reverse("collaborator_plan", args=[grant.pk, plan.pk])).status_code == 404
    assert http.get(reverse("collaborator_measures", args=[grant.pk])).status_code == 404
    assert http.get(reverse("collaborator_note", args=[grant.pk, progress.pk])).status_code == 200


def test_measures_in_scope_show_the_scores_and_are_disclosed(
    client_record: Client, owner: User
) -> None:
    at = timezone.now() - timedelta(days=2)
    measures.give_in_session(owner, client_record, "phq9", dict.fromkeys(range(1, 10), 1), at=at)
    grant = authorization(client_record, scope=[Scope.MEASURES])
    page = signed_in(grant.collaborator.user).get(reverse("collaborator_measures", args=[grant.pk]))
    assert page.status_code == 200
    assert "<td>9</td>" in page.content.decode()
    (disclosure,) = accounting_for(client_record)
    assert disclosure.recipient_kind == RecipientKind.COLLABORATOR
    assert disclosure.description.startswith("Questionnaire scores (1)")


def test_revoking_records_who_and_when_and_stops_the_next_request(
    client_record: Client, owner: User
) -> None:
    plan = signed_plan_version(client_record)
    grant = authorization(client_record)
    reader = signed_in(grant.collaborator.user)
    url = reverse("collaborator_plan", args=[grant.pk, plan.pk])
    assert reader.get(url).status_code == 200
    revoke = reverse("authorization_revoke", args=[client_record.pk, grant.pk])
    assert (
        signed_in(owner).post(revoke, {"reason": "Client asked to stop sharing"}).status_code == 302
    )
    grant.refresh_from_db()
    assert grant.revoked_by == owner and grant.revoked_at is not None
    assert grant.revoke_reason == "Client asked to stop sharing"
    assert reader.get(url).status_code == 404
    assert reader.get(reverse("collaborator_client", args=[grant.pk])).status_code == 404
    assert AuditEvent.objects.filter(action="authorization.revoke", client=client_record).exists()


def test_collaborator_reads_are_disclosures_under_the_authorization(
    client_record: Client,
) -> None:
    plan = signed_plan_version(client_record)
    note = signed_note(client_record, timezone.localdate() - timedelta(days=1))
    grant = authorization(client_record)
    http = signed_in(grant.collaborator.user)
    for url in (
        reverse("collaborator_plan", args=[grant.pk, plan.pk]),
        reverse("collaborator_plan_pdf", args=[grant.pk, plan.pk]),
        reverse("collaborator_note", args=[grant.pk, note.pk]),
        reverse("collaborator_note_pdf", args=[grant.pk, note.pk]),
    ):
        assert http.get(url).status_code == 200
    accounting = list(accounting_for(client_record))
    assert len(accounting) == 4
    assert {d.recipient for d in accounting} == {grant.collaborator.recipient}
    assert {d.recipient_kind for d in accounting} == {RecipientKind.COLLABORATOR}
    assert {d.purpose for d in accounting} == {grant.purpose}


def test_a_collaborator_of_one_client_cannot_reach_another(
    client_record: Client, practice: object
) -> None:
    grant = authorization(client_record)
    stranger = collaborator(client_record, "dr.stranger@elsewhere.test")
    http = signed_in(stranger.user)
    assert http.get(reverse("collaborator_client", args=[grant.pk])).status_code == 404
    assert "TL-00001" not in http.get(reverse("reviewer_home")).content.decode()
