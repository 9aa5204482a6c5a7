from __future__ import annotations

from typing import Any

import pytest
from django.http import StreamingHttpResponse
from django.urls import reverse

from threadline.accounts.models import Role, User
from threadline.audit.models import AuditEvent
from threadline.clients.models import Client
from threadline.conftest import signed_in


def _person(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "full_name": "Jordan Placeholt",
        "email": "jordan@riverbend.test",
        "role": Role.CLINICIAN,
        "password": "maple kettle harbour",
        "credentials": "LPC",
    }
    data.update(overrides)
    return data


def test_an_admin_adds_a_clinician_who_can_then_sign_in(admin: User) -> None:
    response = signed_in(admin).post(reverse("person_new"), _person())
    assert response.status_code == 302
    jordan = User.objects.get(email="jordan@riverbend.test")
    assert jordan.clinician_profile.credentials == "LPC"
    assert jordan.check_password("maple kettle harbour")
    assert AuditEvent.objects.filter(action="user.create", object_id=str(jordan.pk)).exists()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"password": "short pass"}, "password", "at least 12 characters"),
        ({"password": "password1234"}, "password", "too common"),
        ({"email": "OWNER@riverbend.test"}, "email", "already exists"),
        ({"credentials": ""}, "credentials", "needs credentials"),
        ({"pre_licensed": "on"}, "supervisor", "needs a supervisor"),
    ],
)
def test_bad_people_input_is_refused_with_a_message(
    admin: User, owner: User, overrides: dict[str, Any], field: str, message: str
) -> None:
    response = signed_in(admin).post(reverse("person_new"), _person(**overrides))
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert not User.objects.filter(email="jordan@riverbend.test").exists()


def test_changing_a_role_is_an_audited_privilege_change(admin: User, colleague: User) -> None:
    url = reverse("person_role", args=[colleague.membership.pk])
    signed_in(admin).post(url, {"role": Role.SUPERVISOR})
    colleague.membership.refresh_from_db()
    assert colleague.membership.role == Role.SUPERVISOR
    event = AuditEvent.objects.get(action="user.role.change")
    assert event.detail == {"from": "clinician", "to": "supervisor"}


def test_a_deactivated_person_loses_access_at_the_next_request(
    admin: User, colleague: User
) -> None:
    their_session = signed_in(colleague)
    assert their_session.get(reverse("caseload")).status_code == 200
    signed_in(admin).post(reverse("person_active", args=[colleague.membership.pk]), {"active": "0"})
    assert their_session.get(reverse("caseload")).status_code == 302
    assert AuditEvent.objects.filter(action="user.deactivate").exists()


def test_an_admin_cannot_demote_themselves(admin: User) -> None:
    signed_in(admin).post(reverse("person_role", args=[admin.membership.pk]), {"role": "clinician"})
    admin.membership.refresh_from_db()
    assert admin.membership.role == Role.PRACTICE_ADMIN


def test_the_audit_log_filters_sorts_and_exports(
    admin: User, owner: User, client_record: Client
) -> None:
    signed_in(owner).get(reverse("client_chart", args=[client_record.pk]))
    http = signed_in(admin)
    page = http.get(reverse("audit_log"), {"client": "TL-00001", "sort": "action"})
    events = list(page.context["page"])
    assert [e.action for e in events] == ["client.chart.view"]
    export = http.get(reverse("audit_log"), {"format": "csv"})
    assert isinstance(export, StreamingHttpResponse)
    csv = b"".join(export.streaming_content)
    assert b"client.chart.view" in csv and csv.startswith(b"id,time_utc,user")
    bad = http.get(reverse("audit_log"), {"start": "2026-05-02", "end": "2026-05-01"})
    assert bad.status_code == 400
