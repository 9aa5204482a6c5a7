"""Break-glass: only designated members, only with a reason, reading only, for at most an hour,
every use flagged in the audit log and listed for the practice admin's review."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from threadline import access
from threadline.accounts.models import User
from threadline.audit.models import AuditEvent, Outcome
from threadline.clients.models import Client
from threadline.conftest import signed_in
from threadline.reviews import break_glass
from threadline.reviews.models import BreakGlassDesignation, BreakGlassGrant

pytestmark = pytest.mark.django_db

REASON = "Client called the crisis line tonight and the treating clinician is away on leave."


@pytest.fixture
def designated(colleague: User, admin: User) -> User:
    """A clinician outside the client's care team, named for emergency access."""
    response = signed_in(admin).post(
        reverse("break_glass_designation", args=[colleague.membership.pk]), {"designated": "yes"}
    )
    assert response.status_code == 302
    return colleague


def open_grant(user: User, client: Client) -> BreakGlassGrant:
    response = signed_in(user).post(
        reverse("break_glass_open"), {"record_number": client.record_number, "reason": REASON}
    )
    assert response["Location"] == reverse("client_chart", args=[client.pk])
    return BreakGlassGrant.objects.get(user=user, client=client)


def test_the_admin_names_clinicians_and_the_naming_is_audited(
    designated: User, admin: User
) -> None:
    assert BreakGlassDesignation.objects.get().membership == designated.membership
    assert AuditEvent.objects.filter(action="break_glass.designate", actor=admin).count() == 1
    page = signed_in(admin).get(reverse("practice_access")).content.decode()
    assert "Named " in page


def test_a_practice_admin_cannot_be_named(admin: User) -> None:
    with pytest.raises(ValidationError):
        break_glass.designate(admin, admin.membership, now=timezone.now())


def test_only_designated_members_may_open_the_page(colleague: User, client_record: Client) -> None:
    http = signed_in(colleague)
    assert http.get(reverse("break_glass_open")).status_code == 403
    refused = http.post(
        reverse("break_glass_open"), {"record_number": "TL-00001", "reason": REASON}
    )
    assert refused.status_code == 403
    assert not BreakGlassGrant.objects.exists()
    denied = AuditEvent.objects.filter(action="break_glass.open", outcome=Outcome.DENIED)
    assert denied.count() == 2
    assert all(e.detail["break_glass"] for e in denied)


def test_signed_out_visitors_are_sent_to_sign_in(client_record: Client) -> None:
    for url, method in (
        (reverse("break_glass_open"), "get"),
        (reverse("break_glass_end", args=[1]), "post"),
        (reverse("break_glass_reviewed", args=[1]), "post"),
    ):
        response = getattr(HttpClient(), method)(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login")), url


@pytest.mark.parametrize(
    "reason",
    ["", "Emergency.", "Need to see the record now", "x" * 40],
)
def test_a_reason_of_at_least_a_sentence_is_required(
    reason: str, designated: User, client_record: Client
) -> None:
    response = signed_in(designated).post(
        reverse("break_glass_open"), {"record_number": "TL-00001", "reason": reason}
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not BreakGlassGrant.objects.exists()


def test_an_unknown_record_number_is_refused(designated: User, client_record: Client) -> None:
    response = signed_in(designated).post(
        reverse("break_glass_open"), {"record_number": "TL-99999", "reason": REASON}
    )
    assert "No client in your practice has this record number" in response.content.decode()
    assert not BreakGlassGrant.objects.exists()


def test_another_practices_record_cannot_be_opened(
    designated: User, outsider: User, other_practice: object
) -> None:
    from threadline.conftest import make_client

    make_client(other_practice, outsider, "HT-00001")  # type: ignore[arg-type]
    response = signed_in(designated).post(
        reverse("break_glass_open"), {"record_number": "HT-00001", "reason": REASON}
    )
    assert response.status_code == 200
    assert not BreakGlassGrant.objects.exists()


def test_a_grant_opens_the_record_for_reading_only_and_flags_every_access(
    designated: User, client_record: Client
) -> None:
    grant = open_grant(designated, client_record)
    assert grant.expires_at - grant.started_at == timedelta(minutes=60)
    http = signed_in(designated)
    assert http.get(reverse("client_chart", args=[client_record.pk])).status_code == 200
    assert http.get(reverse("client_notes", args=[client_record.pk])).status_code == 200
    assert http.get(reverse("client_edit", args=[client_record.pk])).status_code == 403
    assert http.post(reverse("client_edit", args=[client_record.pk]), {}).status_code == 403
    flagged = AuditEvent.objects.filter(actor=designated, client=client_record)
    allowed = flagged.filter(action="access.break_glass", outcome=Outcome.ALLOWED)
    assert {e.detail["action"] for e in allowed} >= {"client.view", "clinical.view"}
    assert all(e.detail == {**e.detail, "break_glass": True, "grant": grant.pk} for e in allowed)
    refused = flagged.filter(action="access.client.edit", outcome=Outcome.DENIED)
    assert refused.count() == 2
    assert all(e.detail["break_glass"] for e in refused)


def test_the_caseload_offers_emergency_access_only_to_designated_members(
    designated: User, owner: User
) -> None:
    link = reverse("break_glass_open")
    assert link in signed_in(designated).get(reverse("caseload")).content.decode()
    assert link not in signed_in(owner).get(reverse("caseload")).content.decode()


def test_the_client_does_not_join_the_caseload(designated: User, client_record: Client) -> None:
    open_grant(designated, client_record)
    page = signed_in(designated).get(reverse("caseload")).content.decode()
    assert "TL-00001" not in page
    assert not access.visible_clients(designated).exists()


def test_a_grant_ends_after_sixty_minutes(designated: User, client_record: Client) -> None:
    grant = open_grant(designated, client_record)
    http = signed_in(designated)
    chart = reverse("client_chart", args=[client_record.pk])
    last_minute = grant.started_at + timedelta(minutes=59, seconds=59)
    with mock.patch("django.utils.timezone.now", return_value=last_minute):
        assert http.get(chart).status_code == 200
    with mock.patch("django.utils.timezone.now", return_value=grant.expires_at):
        assert http.get(chart).status_code == 404
    assert access.client_actions(designated, client_record, now=grant.expires_at) == frozenset()


def test_a_grant_can_be_ended_early_only_by_its_holder(
    designated: User, client_record: Client, supervisor: User
) -> None:
    grant = open_grant(designated, client_record)
    end = reverse("break_glass_end", args=[grant.pk])
    assert signed_in(supervisor).post(end).status_code == 404
    assert signed_in(designated).post(end).status_code == 302
    grant.refresh_from_db()
    assert grant.ended_at is not None
    chart = reverse("client_chart", args=[client_record.pk])
    assert signed_in(designated).get(chart).status_code == 404
    assert AuditEvent.objects.filter(action="break_glass.end", actor=designated).count() == 1


def test_removing_the_designation_ends_open_grants(
    designated: User, client_record: Client, admin: User
) -> None:
    grant = open_grant(designated, client_record)
    signed_in(admin).post(
        reverse("break_glass_designation", args=[designated.membership.pk]), {"designated": "no"}
    )
    grant.refresh_from_db()
    assert grant.ended_at is not None
    assert signed_in(designated).get(reverse("break_glass_open")).status_code == 403


def test_the_grant_check_costs_one_query(designated: User, client_record: Client) -> None:
    """The ordinary relationships are asked first; the grant adds one query, never more."""
    without = _queries(designated, client_record)
    open_grant(designated, client_record)
    with_grant = _queries(designated, client_record)
    assert with_grant == without
    fresh = User.objects.select_related("membership").get(pk=designated.pk)
    assert access.client_actions(fresh, client_record) == access.BREAK_GLASS


def _queries(user: User, client: Client) -> int:
    fresh = User.objects.select_related("membership").get(pk=user.pk)
    with CaptureQueriesContext(connection) as queries:
        access.client_actions(fresh, client)
    return len(queries)


def test_the_report_lists_each_grant_with_its_events_and_can_be_marked_reviewed(
    designated: User, client_record: Client, admin: User
) -> None:
    grant = open_grant(designated, client_record)
    signed_in(designated).get(reverse("client_chart", args=[client_record.pk]))
    http = signed_in(admin)
    page = http.get(reverse("break_glass_report")).content.decode()
    assert f"{designated.full_name} opened record TL-00001" in page
    assert REASON in page
    assert "access.break_glass" in page and "client.chart.view" in page
    assert "Mark as reviewed" in page
    response = http.post(reverse("break_glass_reviewed", args=[grant.pk]))
    assert response.status_code == 302
    grant.refresh_from_db()
    assert grant.reviewed_by == admin and grant.reviewed_at is not None
    assert AuditEvent.objects.filter(action="break_glass.review", actor=admin).count() == 1
    unreviewed = http.get(reverse("break_glass_report") + "?show=unreviewed").content.decode()
    assert "TL-00001" not in unreviewed


def test_only_the_practice_admin_marks_grants_reviewed(
    designated: User, client_record: Client, owner: User, outsider_admin: User
) -> None:
    grant = open_grant(designated, client_record)
    url = reverse("break_glass_reviewed", args=[grant.pk])
    assert signed_in(owner).post(url).status_code == 403
    assert signed_in(outsider_admin).post(url).status_code == 404
    grant.refresh_from_db()
    assert grant.reviewed_at is None
