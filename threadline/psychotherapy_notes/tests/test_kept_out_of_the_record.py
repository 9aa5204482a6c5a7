"""A psychotherapy note never shows in the chart, the portal or an export (45 CFR 164.524,
164.508(a)(2)): a distinctive sentence is written in one and looked for everywhere else."""

from __future__ import annotations

import io
import json
from datetime import date

import pytest
from django.urls import reverse
from pypdf import PdfReader

from threadline.accounts.models import User
from threadline.clients.models import Client
from threadline.conftest import signed_in
from threadline.exports.fhir import client_bundle
from threadline.exports.pdf import record_pdf
from threadline.notes.tests.factories import attended
from threadline.portal.tests.factories import client_account, signed_version
from threadline.psychotherapy_notes import services

# Words that appear nowhere else in the fixtures, so any hit is the note leaking.
SENTENCE = "Marrowfield spoke about the heron in the flooded quarry, and wept."
MARKER = "Marrowfield"


@pytest.fixture
def a_record_with_a_psychotherapy_note(client_record: Client, owner: User) -> Client:
    signed_version(client_record)
    services.write_note(
        owner,
        client_record,
        written_at=date(2026, 3, 2),
        body=SENTENCE,
        session=attended(client_record),
    )
    return client_record


def test_the_note_is_not_on_the_chart(
    a_record_with_a_psychotherapy_note: Client, owner: User, supervisor: User
) -> None:
    chart = reverse("client_chart", args=[a_record_with_a_psychotherapy_note.pk])
    for person in (owner, supervisor):
        page = signed_in(person).get(chart).content.decode()
        assert MARKER not in page


def test_the_note_is_not_in_the_client_portal(a_record_with_a_psychotherapy_note: Client) -> None:
    client = a_record_with_a_psychotherapy_note
    version = signed_version(client)
    http = signed_in(client_account(client).user)
    for url in (
        reverse("portal_home"),
        reverse("portal_plan", args=[version.pk]),
        reverse("portal_print", args=[version.pk]),
        reverse("portal_rights"),
        reverse("portal_disclosures"),
    ):
        response = http.get(url)
        assert response.status_code == 200, url
        assert MARKER not in response.content.decode(), url


def test_the_note_is_not_in_the_record_pdf(a_record_with_a_psychotherapy_note: Client) -> None:
    reader = PdfReader(io.BytesIO(record_pdf(a_record_with_a_psychotherapy_note)))
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "Treatment plan" in text  # the export has the record in it
    assert MARKER not in text


def test_the_note_is_not_in_the_fhir_bundle(a_record_with_a_psychotherapy_note: Client) -> None:
    bundle = client_bundle(a_record_with_a_psychotherapy_note)
    data = json.dumps(bundle.model_dump(mode="json", exclude_none=True))
    assert '"CarePlan"' in data
    assert MARKER not in data
