"""Changing an open review case's documents: attaching more when the payer asks, detaching one
attached by mistake (with a reason), and what the reviewer sees at their next request."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from threadline.accounts.models import User
from threadline.audit.models import AuditEvent
from threadline.clients.models import Client
from threadline.conftest import make_client, signed_in
from threadline.notes.models import Kind, Note, Status
from threadline.plans.models import PlanVersion, TreatmentPlan, VersionStatus
from threadline.privacy.models import Disclosure
from threadline.reviews import services
from threadline.reviews.models import CaseDocument, ReviewCase
from threadline.reviews.tests.factories import review_case, signed_note, signed_plan_version

pytestmark = pytest.mark.django_db

MISSING = 987654


def days_ago(n: int) -> date:
    return timezone.localdate() - timedelta(days=n)


def draft_plan_version(client: Client) -> PlanVersion:
    clinician = client.primary_clinician
    plan = TreatmentPlan.objects.create(client=client, created_by=clinician)
    return PlanVersion.objects.create(
        plan=plan,
        number=1,
        status=VersionStatus.DRAFT,
        content={},
        author=clinician,
        updated_by=clinician,
    )


def draft_note(client: Client) -> Note:
    """A discharge summary still in draft (it documents no session, so needs no appointment)."""
    clinician = client.primary_clinician
    return Note.objects.create(
        client=client,
        kind=Kind.DISCHARGE,
        status=Status.DRAFT,
        content={},
        author=clinician,
        updated_by=clinician,
    )


def attached_ids(case: ReviewCase) -> set[tuple[str, int]]:
    rows = CaseDocument.objects.filter(case=case, detached_at__isnull=True)
    return {("plan", r.plan_version_id) if r.plan_version_id else ("note", r.note_id) for r in rows}  # type: ignore[misc]


@pytest.fixture
def case(client_record: Client) -> ReviewCase:
    return review_case(client_record, documents=[signed_plan_version(client_record, days_ago(60))])


# --- the services --------------------------------------------------------------------------------


def test_attaching_adds_the_documents_and_is_audited(case: ReviewCase, owner: User) -> None:
    version = signed_plan_version(case.client, days_ago(20))
    note = signed_note(case.client, days_ago(5))
    now = timezone.now()
    rows = services.attach_documents(owner, case, plan_versions=[version], notes=[note], now=now)
    assert {(r.attached_by, r.attached_at) for r in rows} == {(owner, now)}
    assert {("plan", version.pk), ("note", note.pk)} <= attached_ids(case)
    event = AuditEvent.objects.get(action="review_case.attach")
    assert event.actor == owner and event.client == case.client
    assert event.object_id == str(case.pk)
    assert event.detail == {"plan_versions": [version.pk], "notes": [note.pk]}


def test_a_document_already_attached_is_refused(case: ReviewCase, owner: User) -> None:
    note = signed_note(case.client, days_ago(5))
    now = timezone.now()
    services.attach_documents(owner, case, plan_versions=[], notes=[note], now=now)
    with pytest.raises(ValidationError, match="Already attached to this case: Progress note of"):
        services.attach_documents(owner, case, plan_versions=[], notes=[note], now=now)
    assert CaseDocument.objects.filter(case=case, note=note).count() == 1
    assert AuditEvent.objects.filter(action="review_case.attach").count() == 1


def test_another_clients_or_an_unsigned_document_is_refused(case: ReviewCase, owner: User) -> None:
    other = make_client(case.client.practice, owner, "TL-00088")
    now = timezone.now()
    for offered in (
        {"plan_versions": [signed_plan_version(other)], "notes": []},
        {"plan_versions": [], "notes": [signed_note(other, days_ago(3))]},
        {"plan_versions": [draft_plan_version(case.client)], "notes": []},
        {"plan_versions": [], "notes": [draft_note(case.client)]},
    ):
        with pytest.raises(ValidationError, match="Only this client's signed"):
            services.attach_documents(owner, case, now=now, **offered)
    with pytest.raises(ValidationError, match="Choose at least one"):
        services.attach_documents(owner, case, plan_versions=[], notes=[], now=now)
    assert CaseDocument.objects.filter(case=case).count() == 1
    assert not AuditEvent.objects.filter(action="review_case.attach").exists()


def test_a_closed_or_expired_case_takes_no_changes(case: ReviewCase, owner: User) -> None:
    note = signed_note(case.client, days_ago(5))
    row = CaseDocument.objects.get(case=case)
    after_expiry = case.expires_at + timedelta(seconds=1)
    with pytest.raises(ValidationError, match="has ended"):
        services.attach_documents(owner, case, plan_versions=[], notes=[note], now=after_expiry)
    with pytest.raises(ValidationError, match="has ended"):
        services.detach_document(owner, case, row.pk, reason="Wrong episode", now=after_expiry)
    services.close_case(owner, case, now=timezone.now())
    with pytest.raises(ValidationError, match="has ended"):
        services.attach_documents(owner, case, plan_versions=[], notes=[note], now=timezone.now())
    with pytest.raises(ValidationError, match="has ended"):
        services.detach_document(owner, case, row.pk, reason="Wrong episode", now=timezone.now())
    assert attached_ids(case) == {("plan", row.plan_version_id)}


def test_detaching_keeps_the_row_the_reason_and_the_reviewers_reads(
    case: ReviewCase, owner: User
) -> None:
    row = CaseDocument.objects.get(case=case)
    assert row.plan_version is not None
    reviewer = signed_in(case.reviewer.user)
    assert (
        reviewer.get(reverse("reviewer_plan", args=[case.pk, row.plan_version.pk])).status_code
        == 200
    )
    with pytest.raises(ValidationError, match="Say why"):
        services.detach_document(owner, case, row.pk, reason="  ", now=timezone.now())
    now = timezone.now()
    _, already_read = services.detach_document(
        owner, case, row.pk, reason=" Belongs to an earlier episode ", now=now
    )
    assert already_read
    row.refresh_from_db()
    assert (row.detached_at, row.detached_by, row.detach_reason) == (
        now,
        owner,
        "Belongs to an earlier episode",
    )
    assert attached_ids(case) == set()
    event = AuditEvent.objects.get(action="review_case.detach")
    assert event.detail == {
        "document": row.pk,
        "plan": row.plan_version.pk,
        "reason": "Belongs to an earlier episode",
        "read_by_reviewer": True,
    }
    # The read before the detach stays in the audit log and in the accounting.
    assert Disclosure.objects.filter(client=case.client, by=case.reviewer.user).count() == 1
    assert AuditEvent.objects.filter(action="reviewer.plan.view").count() == 1
    with pytest.raises(ValidationError, match="not attached to this case"):
        services.detach_document(owner, case, row.pk, reason="Again", now=timezone.now())
    # Detached by mistake? It can be attached again.
    services.attach_documents(owner, case, plan_versions=[row.plan_version], notes=[], now=now)
    assert attached_ids(case) == {("plan", row.plan_version.pk)}


def test_a_document_of_another_case_cannot_be_detached(case: ReviewCase, owner: User) -> None:
    other = review_case(case.client, documents=[signed_note(case.client, days_ago(4))])
    elsewhere = CaseDocument.objects.get(case=other)
    with pytest.raises(ValidationError, match="not attached to this case"):
        services.detach_document(owner, case, elsewhere.pk, reason="Mistake", now=timezone.now())
    assert CaseDocument.objects.get(pk=elsewhere.pk).detached_at is None


# --- the case page -------------------------------------------------------------------------------


def detail(case: ReviewCase) -> str:
    return reverse("review_case_detail", args=[case.client_id, case.pk])


def test_the_manager_attaches_and_the_reviewer_reads_it_at_the_next_request(
    case: ReviewCase, owner: User
) -> None:
    reviewer = signed_in(case.reviewer.user)
    before = reviewer.get(reverse("reviewer_case", args=[case.pk])).content.decode()
    version = signed_plan_version(case.client, days_ago(20))
    inside = signed_note(case.client, days_ago(6))
    signed_note(case.client, days_ago(40))  # outside the range
    assert reverse("reviewer_note", args=[case.pk, inside.pk]) not in before
    assert reviewer.get(reverse("reviewer_note", args=[case.pk, inside.pk])).status_code == 404

    page = signed_in(owner).get(detail(case))
    offered = {pk for pk, _ in page.context["attach_form"].fields["plan_versions"].choices}
    assert {v.value for v in offered} == {version.pk}  # the attached version is not offered
    response = signed_in(owner).post(
        detail(case),
        {
            "decision": "attach",
            "plan_versions": [version.pk],
            "notes_from": days_ago(10).isoformat(),
            "notes_to": days_ago(1).isoformat(),
            "note_kinds": [Kind.PROGRESS.value],
        },
        follow=True,
    )
    assert "2 documents attached." in response.content.decode()
    assert attached_ids(case) >= {("plan", version.pk), ("note", inside.pk)}
    assert len(attached_ids(case)) == 3

    after = reviewer.get(reverse("reviewer_case", args=[case.pk])).content.decode()
    assert reverse("reviewer_note", args=[case.pk, inside.pk]) in after
    assert reverse("reviewer_plan", args=[case.pk, version.pk]) in after
    assert reviewer.get(reverse("reviewer_note", args=[case.pk, inside.pk])).status_code == 200


def test_a_range_of_notes_already_attached_says_so(case: ReviewCase, owner: User) -> None:
    note = signed_note(case.client, days_ago(6))
    services.attach_documents(owner, case, plan_versions=[], notes=[note], now=timezone.now())
    data = {
        "decision": "attach",
        "notes_from": days_ago(10).isoformat(),
        "notes_to": days_ago(1).isoformat(),
        "note_kinds": [Kind.PROGRESS.value],
    }
    response = signed_in(owner).post(detail(case), data)
    assert response.status_code == 200
    assert "already attached" in response.content.decode()
    assert CaseDocument.objects.filter(case=case, note=note).count() == 1


def test_another_clients_plan_is_refused_like_a_missing_one(case: ReviewCase, owner: User) -> None:
    other = make_client(case.client.practice, owner, "TL-00089", legal_last_name="Elsewhere")
    http = signed_in(owner)
    answers = []
    for pk in (signed_plan_version(other).pk, MISSING):
        response = http.post(detail(case), {"decision": "attach", "plan_versions": [pk]})
        assert response.status_code == 200
        assert "Elsewhere" not in response.content.decode()
        errors = response.context["attach_form"].errors["plan_versions"]
        answers.append([e.replace(str(pk), "<id>") for e in errors])
    assert answers[0] and answers[0] == answers[1]
    assert CaseDocument.objects.filter(case=case).count() == 1


def test_the_manager_detaches_and_the_reviewer_no_longer_sees_it(
    case: ReviewCase, owner: User
) -> None:
    note = signed_note(case.client, days_ago(6), text="Narrative of the wrong client episode.")
    services.attach_documents(owner, case, plan_versions=[], notes=[note], now=timezone.now())
    row = CaseDocument.objects.get(case=case, note=note)
    reviewer = signed_in(case.reviewer.user)
    note_url = reverse("reviewer_note", args=[case.pk, note.pk])
    assert reviewer.get(note_url).status_code == 200

    http = signed_in(owner)
    missing_reason = http.post(detail(case), {"decision": "detach", "document": row.pk})
    assert "Say why it is detached" in missing_reason.content.decode()
    assert CaseDocument.objects.get(pk=row.pk).detached_at is None

    done = http.post(
        detail(case),
        {"decision": "detach", "document": row.pk, "reason": "Attached by mistake"},
        follow=True,
    )
    html = done.content.decode()
    assert "detached. The reviewer can no longer open it." in html
    assert "already read it" in html
    assert "Attached by mistake" in html  # listed under Detached, with the reason

    assert reviewer.get(note_url).status_code == 404
    listing = reviewer.get(reverse("reviewer_case", args=[case.pk])).content.decode()
    assert note_url not in listing
    # The read before the detach is still in the accounting and on the staff page.
    assert Disclosure.objects.filter(client=case.client, by=case.reviewer.user).count() == 1
    assert "viewed in a payer review" in html


def test_a_colleague_outside_the_care_team_gets_404_and_changes_nothing(
    case: ReviewCase, colleague: User, owner: User
) -> None:
    note = signed_note(case.client, days_ago(6))
    row = CaseDocument.objects.get(case=case)
    http = signed_in(colleague)
    attach = {
        "decision": "attach",
        "notes_from": days_ago(10).isoformat(),
        "notes_to": days_ago(1).isoformat(),
        "note_kinds": [Kind.PROGRESS.value],
    }
    assert http.post(detail(case), attach).status_code == 404
    detach = {"decision": "detach", "document": row.pk, "reason": "Mistake"}
    assert http.post(detail(case), detach).status_code == 404
    assert attached_ids(case) == {("plan", row.plan_version_id)}
    assert not CaseDocument.objects.filter(note=note).exists()
    assert not AuditEvent.objects.filter(
        action__in=["review_case.attach", "review_case.detach"]
    ).exists()


def test_the_practice_admin_may_attach_and_a_supervisor_may_not(
    case: ReviewCase, admin: User, supervisor: User
) -> None:
    note = signed_note(case.client, days_ago(6))
    data = {
        "decision": "attach",
        "notes_from": days_ago(10).isoformat(),
        "notes_to": days_ago(1).isoformat(),
        "note_kinds": [Kind.PROGRESS.value],
    }
    assert signed_in(supervisor).post(detail(case), data).status_code == 403
    assert signed_in(admin).post(detail(case), data).status_code == 302
    assert ("note", note.pk) in attached_ids(case)


def test_a_closed_case_offers_no_changes_and_refuses_them(case: ReviewCase, owner: User) -> None:
    note = signed_note(case.client, days_ago(6))
    services.close_case(owner, case, now=timezone.now())
    http = signed_in(owner)
    page = http.get(detail(case)).content.decode()
    assert 'name="decision"' not in page
    data = {
        "decision": "attach",
        "notes_from": days_ago(10).isoformat(),
        "notes_to": days_ago(1).isoformat(),
        "note_kinds": [Kind.PROGRESS.value],
    }
    response = http.post(detail(case), data, follow=True)
    assert "has ended" in response.content.decode()
    assert not CaseDocument.objects.filter(note=note).exists()
    assert http.post(detail(case), {"decision": "other"}).status_code == 400
