from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from threadline.accounts.models import Payer, Practice, User
from threadline.audit.models import AuditEvent
from threadline.clients.models import Client
from threadline.conftest import make_client, signed_in


def _form(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "legal_first_name": "Rowan",
        "legal_last_name": "Samplin",
        "date_of_birth": "1988-02-29",
        "record_number": "TL-00042",
    }
    data.update(overrides)
    return data


def test_the_caseload_lists_only_the_clinicians_clients(
    client_record: Client, owner: User, colleague: User, practice: Practice
) -> None:
    make_client(practice, colleague, "TL-00002", legal_last_name="Othersby")
    page = signed_in(owner).get(reverse("caseload")).content.decode()
    assert "TL-00001" in page
    assert "TL-00002" not in page


def test_search_matches_names_and_record_numbers(
    client_record: Client, owner: User, practice: Practice
) -> None:
    make_client(practice, owner, "TL-00007", legal_first_name="Quinn", legal_last_name="Mockford")
    http = signed_in(owner)
    by_name = http.get(reverse("caseload"), {"q": "quinn mock"}).content.decode()
    assert "TL-00007" in by_name and "TL-00001" not in by_name
    by_number = http.get(reverse("caseload"), {"q": "tl-00001"}).content.decode()
    assert "TL-00001" in by_number and "TL-00007" not in by_number


def test_search_as_you_type_returns_only_the_rows(client_record: Client, owner: User) -> None:
    response = signed_in(owner).get(reverse("caseload"), {"q": "Avery"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "<tr>" in body and "<html" not in body


def test_a_supervisor_sees_the_supervisees_clients_but_may_not_edit(
    client_record: Client, supervisor: User
) -> None:
    http = signed_in(supervisor)
    assert http.get(reverse("client_chart", args=[client_record.pk])).status_code == 200
    assert http.get(reverse("client_edit", args=[client_record.pk])).status_code == 403
    denied = AuditEvent.objects.filter(action="access.client.edit", outcome="denied").get()
    assert denied.client == client_record


def test_a_practice_admin_sees_demographics_but_not_the_clinical_record(
    client_record: Client, admin: User
) -> None:
    page = signed_in(admin).get(reverse("client_chart", args=[client_record.pk])).content.decode()
    assert "TL-00001" in page
    assert "Treatment plan" not in page
    assert "not their clinical record" in page


def test_opening_a_chart_is_audited_and_not_cached(client_record: Client, owner: User) -> None:
    response = signed_in(owner).get(reverse("client_chart", args=[client_record.pk]))
    assert "no-store" in response["Cache-Control"]
    event = AuditEvent.objects.get(action="client.chart.view")
    assert (event.actor, event.client, event.detail) == (owner, client_record, {"clinical": True})


def test_creating_a_client_saves_and_audits(owner: User, colleague: User, payer: Payer) -> None:
    data = _form(primary_clinician=owner.pk, care_team=[colleague.pk], payer=payer.pk)
    response = signed_in(owner).post(reverse("client_new"), data)
    client = Client.objects.get(record_number="TL-00042")
    assert response.status_code == 302
    assert response["Location"] == reverse("client_chart", args=[client.pk])
    assert list(client.care_team.all()) == [colleague]
    assert client.rule_pack == "medicare"
    assert AuditEvent.objects.filter(action="client.create", client=client).count() == 1


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"record_number": "tl-00001"}, "record_number", "already belongs to another client"),
        ({"date_of_birth": "2999-01-01"}, "date_of_birth", "in the future"),
        ({"date_of_birth": "1850-01-01"}, "date_of_birth", "before 1900"),
        ({"date_of_birth": "1990-02-30"}, "date_of_birth", "Enter a valid date"),
        ({"legal_last_name": ""}, "legal_last_name", "This field is required"),
    ],
)
def test_bad_client_input_is_refused_with_a_message_and_kept(
    client_record: Client, owner: User, overrides: dict[str, Any], field: str, message: str
) -> None:
    data = _form(primary_clinician=owner.pk, **overrides)
    response = signed_in(owner).post(reverse("client_new"), data)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert "Rowan" in response.content.decode()  # nothing typed is lost
    assert Client.objects.count() == 1


def test_a_clinician_from_another_practice_is_not_a_valid_primary(
    owner: User, outsider: User
) -> None:
    response = signed_in(owner).post(reverse("client_new"), _form(primary_clinician=outsider.pk))
    assert "primary_clinician" in response.context["form"].errors
    assert not Client.objects.exists()


def test_editing_records_the_changed_fields_only(client_record: Client, owner: User) -> None:
    data = _form(
        legal_first_name="Avery",
        legal_last_name="Testwell",
        date_of_birth="1990-04-02",
        record_number="TL-00001",
        primary_clinician=owner.pk,
        status="active",
        pronouns="they/them",
    )
    response = signed_in(owner).post(reverse("client_edit", args=[client_record.pk]), data)
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="client.update")
    assert event.detail == {"fields": ["pronouns"]}


def test_the_new_client_form_suggests_the_next_record_number(
    client_record: Client, owner: User
) -> None:
    response = signed_in(owner).get(reverse("client_new"))
    assert response.context["form"].initial["record_number"] == "TL-00002"
