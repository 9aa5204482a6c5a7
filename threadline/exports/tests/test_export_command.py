"""`threadline export fhir|pdf --client RECORD_NUMBER`: the file, its hash, the audit event."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from pypdf import PdfReader

from threadline.accounts.models import User
from threadline.audit.models import AuditEvent
from threadline.cli import main
from threadline.clients.models import Client
from threadline.notes.tests.factories import signed_plan


@pytest.mark.parametrize("kind", ["fhir", "pdf"])
def test_a_clients_record_is_exported_and_audited(
    client_record: Client, tmp_path: Path, kind: str
) -> None:
    signed_plan(client_record)
    target = tmp_path / f"record.{kind}"
    assert (
        main(["export", kind, "--client", client_record.record_number.lower(), "-o", str(target)])
        == 0
    )
    data = target.read_bytes()
    if kind == "fhir":
        bundle = json.loads(data)
        assert bundle["resourceType"] == "Bundle"
        assert any(e["resource"]["resourceType"] == "CarePlan" for e in bundle["entry"])
    else:
        text = PdfReader(target).pages[0].extract_text()
        assert client_record.record_number in text
    event = AuditEvent.objects.get(action=f"export.{kind}", client=client_record)
    assert event.detail["sha256"] == hashlib.sha256(data).hexdigest()


def test_an_unknown_record_number_exports_nothing(
    db: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["export", "fhir", "--client", "TL-99999"]) == 2
    assert "no client has record number TL-99999" in capsys.readouterr().err
    assert not AuditEvent.objects.filter(action__startswith="export.").exists()


def test_the_plan_and_note_pages_download_their_pdf_and_audit_it(
    client_record: Client, owner: User
) -> None:
    from django.urls import reverse

    from threadline.conftest import signed_in
    from threadline.notes import services as notes
    from threadline.notes.tests.factories import attended

    version = signed_plan(client_record)
    http = signed_in(owner)
    response = http.get(reverse("plan_pdf", args=[client_record.pk, version.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert AuditEvent.objects.filter(action="plan.version.pdf", client=client_record).exists()
    note = notes.start_note(owner, attended(client_record))
    response = http.get(reverse("note_pdf", args=[client_record.pk, note.pk]))
    assert response.content.startswith(b"%PDF")
    assert AuditEvent.objects.filter(action="note.progress.pdf", client=client_record).exists()
