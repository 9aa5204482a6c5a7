"""`threadline export practice` and `export verify`: a small practice's records become ndjson that
validates, a PDF per client and a manifest whose hashes match; a failure leaves nothing; verify
names every altered, missing or unexpected file; exports to outsiders are disclosures."""

from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.utils import timezone
from fhir.resources.R4B import get_fhir_model_class
from pypdf import PdfReader

from threadline.accounts.models import Practice, User
from threadline.audit.models import AuditEvent
from threadline.cli import main
from threadline.clients.models import Client
from threadline.conftest import make_client
from threadline.measures import services as measures
from threadline.notes import checks
from threadline.notes import services as notes
from threadline.notes.content import progress_from_form
from threadline.notes.models import Note
from threadline.notes.tests.factories import attended, progress_form, signed_plan
from threadline.plans import services as plans
from threadline.privacy.models import Disclosure

Json = dict[str, Any]
GAD7 = dict.fromkeys(range(1, 8), 2)


@dataclass(frozen=True)
class SmallPractice:
    practice: Practice
    clients: list[Client]
    note: Note  # the first client's signed progress note, with an addendum


def _signed_note(client: Client) -> Note:
    clinician = client.primary_clinician
    plan = signed_plan(client)
    note = notes.start_note(clinician, attended(client, days_ago=3))
    ids = [o.id for o in checks.plan_objectives(plan)]
    body = progress_from_form(progress_form(note.content, ids[:2]), note.content, ids)
    note = notes.save_draft(clinician, note, body, lock_version=note.lock_version)
    return notes.sign_note(clinician, note, stepped_up_at=timezone.now())


@pytest.fixture
def small(practice: Practice, owner: User, client_record: Client) -> SmallPractice:
    second = make_client(practice, owner, "TL-00002", legal_first_name="静", legal_last_name="陈")
    third = make_client(practice, owner, "TL-00003")  # nothing signed yet
    note = _signed_note(client_record)
    notes.add_addendum(owner, note, "Late entry: school called.", stepped_up_at=timezone.now())
    version = signed_plan(second)
    plans.add_addendum(owner, version, "Weekends count too.", stepped_up_at=timezone.now())
    measures.give_in_session(owner, client_record, "gad7", GAD7, appointment=note.appointment)
    return SmallPractice(practice, [client_record, second, third], note)


def _ndjson(folder: Path) -> dict[str, list[Json]]:
    return {
        file.stem: [json.loads(line) for line in file.read_text().splitlines()]
        for file in sorted((folder / "fhir").glob("*.ndjson"))
    }


def _export(target: Path, *extra: str) -> int:
    return main(["export", "practice", "-o", str(target), *extra])


# --- the export --------------------------------------------------------------------------------


def test_a_practice_exports_as_ndjson_pdfs_and_a_manifest_that_match(
    small: SmallPractice, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "export"
    assert _export(target) == 0
    resources = _ndjson(target)
    assert {"Patient", "Organization", "Practitioner", "CarePlan", "DocumentReference"} <= set(
        resources
    )
    keys = [f"{r['resourceType']}/{r['id']}" for rs in resources.values() for r in rs]
    assert len(keys) == len(set(keys))  # each resource once
    assert len(resources["Organization"]) == 1
    assert len(resources["Patient"]) == 3
    for kind, items in resources.items():
        for resource in items:
            assert resource["resourceType"] == kind
            get_fhir_model_class(kind).model_validate(resource)
    references = {
        node["reference"]
        for rs in resources.values()
        for r in rs
        for node in _nodes(r)
        if isinstance(node.get("reference"), str)
    }
    assert references and references <= set(keys)  # relative, and all resolve
    addenda = [d for d in resources["DocumentReference"] if "addendum" in d["id"]]
    assert len(addenda) == 2
    manifest = json.loads((target / "manifest.json").read_text())
    assert manifest["practice"] == {"id": small.practice.pk, "name": small.practice.name}
    assert manifest["counts"]["clients"] == 3
    assert manifest["counts"]["resources"]["Patient"] == 3
    listed = {f["path"]: f for f in manifest["files"]}
    on_disk = {p.relative_to(target).as_posix() for p in target.rglob("*") if p.is_file()} - {
        "manifest.json"
    }
    assert set(listed) == on_disk
    assert {"pdf/TL-00001.pdf", "pdf/TL-00002.pdf", "pdf/TL-00003.pdf"} <= set(listed)
    for path, entry in listed.items():
        data = (target / path).read_bytes()
        assert entry == {
            "path": path,
            "bytes": len(data),
            "sha256": hashlib.sha256(data).hexdigest(),
        }
    first_page = PdfReader(target / "pdf" / "TL-00002.pdf").pages[0].extract_text()
    assert small.clients[1].legal_name in first_page and "TL-00002" in first_page
    event = AuditEvent.objects.get(action="export.practice")
    digest = hashlib.sha256((target / "manifest.json").read_bytes()).hexdigest()
    assert event.detail["manifest_sha256"] == digest
    assert event.detail["clients"] == 3
    assert event.detail["files"] == len(listed)
    assert event.practice_id == small.practice.pk
    assert not Disclosure.objects.exists()  # no recipient: internal, audited only
    err = capsys.readouterr().err
    assert "Exporting records [" in err and "3/3" in err
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def _nodes(node: Any) -> list[Json]:
    found: list[Json] = []
    if isinstance(node, dict):
        found.append(node)
        for value in node.values():
            found += _nodes(value)
    elif isinstance(node, list):
        for value in node:
            found += _nodes(value)
    return found


def test_psychotherapy_note_content_stops_the_export_and_leaves_nothing(
    small: SmallPractice, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from threadline.exports import fhir

    real = fhir.client_bundle

    def tampered(client: Client, **kwargs: Any) -> Any:
        bundle = real(client, **kwargs)
        for entry in bundle.entry or []:
            resource: Any = entry.resource
            if resource.get_resource_type() == "DocumentReference":
                resource.description = "Psychotherapy notes"
        return bundle

    target = tmp_path / "export"
    with mock.patch("threadline.exports.practice.client_bundle", tampered):
        assert _export(target) == 1
    assert "psychotherapy (process) note" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []
    assert not AuditEvent.objects.filter(action="export.practice").exists()


def test_a_failure_half_way_leaves_no_folder_and_no_disclosure(
    small: SmallPractice, tmp_path: Path
) -> None:
    from threadline.exports import pdf

    calls = []

    def failing(client: Client) -> bytes:
        calls.append(client.record_number)
        if len(calls) == 2:
            raise OSError("disk full")
        return pdf.record_pdf(client)

    target = tmp_path / "export"
    with (
        mock.patch("threadline.exports.practice.record_pdf", failing),
        pytest.raises(OSError, match="disk full"),
    ):
        _export(target, "--recipient", "Dr. Lee", "--purpose", "Continuity of care")
    assert calls == ["TL-00001", "TL-00002"]
    assert list(tmp_path.iterdir()) == []  # neither DIR nor the hidden staging folder
    assert not AuditEvent.objects.filter(action="export.practice").exists()
    assert not Disclosure.objects.exists()


def test_an_interruption_leaves_nothing(small: SmallPractice, tmp_path: Path) -> None:
    target = tmp_path / "export"
    with (
        mock.patch("threadline.exports.practice.record_pdf", side_effect=KeyboardInterrupt),
        pytest.raises(KeyboardInterrupt),
    ):
        _export(target)
    assert list(tmp_path.iterdir()) == []


def test_a_non_empty_folder_is_refused_and_kept(
    small: SmallPractice, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "export"
    target.mkdir()
    (target / "keep.txt").write_text("mine")
    assert _export(target) == 2
    assert "is not empty" in capsys.readouterr().err
    assert [p.name for p in target.iterdir()] == ["keep.txt"]
    assert not AuditEvent.objects.filter(action="export.practice").exists()


def test_an_empty_folder_is_filled(small: SmallPractice, tmp_path: Path) -> None:
    target = tmp_path / "export"
    target.mkdir()
    assert _export(target, "--practice", str(small.practice.pk)) == 0
    assert (target / "manifest.json").is_file()


def test_an_unknown_practice_is_refused(
    small: SmallPractice, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _export(tmp_path / "export", "--practice", "Nowhere Clinic") == 2
    assert "No practice is named or numbered 'Nowhere Clinic'" in capsys.readouterr().err


# --- disclosures -------------------------------------------------------------------------------


def test_an_export_to_an_outsider_records_a_disclosure_per_client(
    small: SmallPractice, tmp_path: Path
) -> None:
    assert (
        _export(tmp_path / "export", "--recipient", "Dr. Lee", "--purpose", "Continuity of care")
        == 0
    )
    disclosures = {d.client_id: d for d in Disclosure.objects.all()}
    assert set(disclosures) == {c.pk for c in small.clients}
    first = disclosures[small.clients[0].pk]
    assert (first.recipient, first.recipient_kind, first.purpose) == (
        "Dr. Lee",
        "export",
        "Continuity of care",
    )
    assert first.description == (
        "Record export (FHIR and PDF): demographics, 1 treatment plan version, 1 note, "
        "1 addendum, 1 questionnaire score, 1 session"
    )
    assert disclosures[small.clients[2].pk].description == (
        "Record export (FHIR and PDF): demographics"
    )
    assert first.by is None  # the command line has no signed-in user
    event = AuditEvent.objects.get(action="export.practice")
    assert event.detail["recipient"] == "Dr. Lee"
    manifest = json.loads((tmp_path / "export" / "manifest.json").read_text())
    assert manifest["recipient"] == {"name": "Dr. Lee", "purpose": "Continuity of care"}


@pytest.mark.parametrize("kind", ["fhir", "pdf"])
def test_a_single_client_export_to_an_outsider_is_a_disclosure(
    small: SmallPractice, tmp_path: Path, kind: str
) -> None:
    client = small.clients[0]
    target = tmp_path / f"record.{kind}"
    argv = ["export", kind, "--client", client.record_number, "-o", str(target)]
    assert main([*argv, "--recipient", "Acme Insurance", "--purpose", "Claim review"]) == 0
    (disclosure,) = Disclosure.objects.filter(client=client)
    assert disclosure.recipient == "Acme Insurance"
    assert disclosure.description.startswith(
        "Record export (FHIR bundle): " if kind == "fhir" else "Record export (PDF): "
    )
    assert main(argv) == 0  # internal: audited, no second disclosure
    assert Disclosure.objects.filter(client=client).count() == 1
    assert AuditEvent.objects.filter(action=f"export.{kind}", client=client).count() == 2


@pytest.mark.parametrize("given", [["--recipient", "Dr. Lee"], ["--purpose", "Continuity"]])
def test_recipient_and_purpose_come_together(
    small: SmallPractice, tmp_path: Path, given: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert _export(tmp_path / "export", *given) == 2
    assert "--recipient and --purpose go together" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


# --- verify ------------------------------------------------------------------------------------


@pytest.fixture
def exported(small: SmallPractice, tmp_path: Path) -> Path:
    target = tmp_path / "export"
    assert _export(target) == 0
    return target


def _verify(folder: Path) -> int:
    return main(["export", "verify", str(folder)])


def test_a_clean_export_verifies(exported: Path, capsys: pytest.CaptureFixture[str]) -> None:
    files = len(json.loads((exported / "manifest.json").read_text())["files"])
    assert _verify(exported) == 0
    assert f"{files} files verified" in capsys.readouterr().out


def test_one_altered_byte_is_named(exported: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pdf = exported / "pdf" / "TL-00002.pdf"
    data = bytearray(pdf.read_bytes())
    data[len(data) // 2] ^= 0x01
    pdf.write_bytes(bytes(data))
    assert _verify(exported) == 1
    err = capsys.readouterr().err
    assert "altered: pdf/TL-00002.pdf" in err
    assert "TL-00001.pdf" not in err


def test_a_deleted_file_is_named(exported: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (exported / "fhir" / "Patient.ndjson").unlink()
    assert _verify(exported) == 1
    assert "missing: fhir/Patient.ndjson" in capsys.readouterr().err


def test_an_extra_file_is_named(exported: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (exported / "pdf" / "TL-99999.pdf").write_bytes(b"%PDF-1.4")
    assert _verify(exported) == 1
    assert "unexpected: pdf/TL-99999.pdf" in capsys.readouterr().err


def test_a_linked_file_is_not_followed(
    exported: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pdf = exported / "pdf" / "TL-00001.pdf"
    outside = tmp_path / "elsewhere.pdf"
    shutil.move(pdf, outside)
    pdf.symlink_to(outside)  # same bytes, but not in the folder
    assert _verify(exported) == 1
    assert "altered: pdf/TL-00001.pdf (a link" in capsys.readouterr().err


def _rewrite_manifest(folder: Path, change: Any) -> None:
    path = folder / "manifest.json"
    manifest = json.loads(path.read_text())
    change(manifest)
    path.write_text(json.dumps(manifest))


@pytest.mark.parametrize(
    ("damage", "expected"),
    [
        (lambda folder: (folder / "manifest.json").unlink(), "has no manifest.json"),
        (lambda folder: (folder / "manifest.json").write_text("{not json"), "not valid JSON"),
        (
            lambda folder: _rewrite_manifest(folder, lambda m: m.pop("files")),
            "has no list of files",
        ),
        (
            lambda folder: _rewrite_manifest(folder, lambda m: m.update(format="other/2")),
            "not a Threadline export manifest",
        ),
        (
            lambda folder: _rewrite_manifest(folder, lambda m: m["files"][0].update(sha256="abc")),
            "has no SHA-256",
        ),
        (
            lambda folder: _rewrite_manifest(folder, lambda m: m["files"].append(m["files"][0])),
            "twice",
        ),
    ],
    ids=["missing", "not json", "no files", "other format", "bad hash", "listed twice"],
)
def test_a_missing_or_malformed_manifest_exits_2(
    exported: Path, damage: Any, expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    damage(exported)
    assert _verify(exported) == 2
    assert expected in capsys.readouterr().err


@pytest.mark.parametrize(
    "path", ["../secret.txt", "pdf/../../secret.txt", "/etc/passwd", "pdf\\..\\x", "./x", ""]
)
def test_a_manifest_path_outside_the_folder_is_refused(
    exported: Path, tmp_path: Path, path: str, capsys: pytest.CaptureFixture[str]
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("outside")
    digest = hashlib.sha256(b"outside").hexdigest()
    _rewrite_manifest(
        exported,
        lambda m: m["files"].append({"path": path, "bytes": 7, "sha256": digest}),
    )
    assert _verify(exported) == 2
    assert "not a plain path inside the export folder" in capsys.readouterr().err


def test_verify_needs_no_database(exported: Path, tmp_path: Path) -> None:
    moved = tmp_path / "received"
    shutil.copytree(exported, moved)
    with mock.patch("threadline.commands.export.setup_django", side_effect=AssertionError):
        assert _verify(moved) == 0
