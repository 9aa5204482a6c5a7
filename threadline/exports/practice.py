"""A whole practice's records as one folder: FHIR ndjson, a PDF per client, a SHA-256 manifest.

    DIR/manifest.json            every other file's path, size and SHA-256; practice, time, counts
    DIR/fhir/<Type>.ndjson       one resource a line, one file per resource type
    DIR/pdf/<record number>.pdf  each client's record set (`record_pdf`)

The FHIR files hold every resource of every client's `client_bundle`, once each: resources that
several clients' bundles share (the Organization, Practitioners) are written once, and must be
identical wherever they appear. Outside a bundle a `urn:uuid:` fullUrl resolves nothing, so
references are rewritten as relative `Type/id` references, which resolve within the folder (the
FHIR Bulk Data ndjson convention). Each client's bundle passes `check_bundle` and each resource
validates against the R4B models before it is written; the first failure stops the export.

Everything is written into a hidden folder beside DIR and renamed to DIR at the end, together with
the audit event (and the disclosures, when the export goes to someone outside the care team): an
export that fails or is interrupted leaves no folder and no record of a disclosure.

Psychotherapy notes are never part of it: neither export reads them, and `check_bundle` refuses a
document typed or titled as one (45 CFR 164.501; standards.md §5.7).
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import sys
import tempfile
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from importlib import metadata
from pathlib import Path
from typing import IO, Any, TextIO

from django.db import transaction
from django.utils import timezone
from fhir.resources.R4B import get_fhir_model_class
from pydantic import ValidationError

from threadline.accounts.models import Practice
from threadline.appointments.models import Appointment
from threadline.appointments.models import Status as SessionStatus
from threadline.audit.services import record
from threadline.clients.models import Client
from threadline.exports.fhir import check_bundle, client_bundle
from threadline.exports.manifest import MANIFEST, FileEntry, entry_for, render
from threadline.exports.pdf import record_pdf
from threadline.lib.progress import progress
from threadline.measures.models import Administration, State
from threadline.notes.models import Note, NoteAddendum
from threadline.notes.models import Status as NoteStatus
from threadline.plans.models import PlanAddendum, PlanVersion, VersionStatus
from threadline.privacy.models import AmendmentRequest, AmendmentStatus, RecipientKind
from threadline.privacy.services import record_disclosure

Json = dict[str, Any]

# A record number becomes a file name: letters, digits, dot, dash, underscore, nothing else.
FILE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


class ExportRefused(Exception):
    """Nothing was written: the target or the request is wrong (the command exits 2)."""


class ExportFailed(Exception):
    """A record did not pass its checks; nothing was kept (the command exits 1)."""


@dataclass(frozen=True)
class Recipient:
    """Someone outside the care team the export is for: each client's export is a disclosure."""

    name: str
    purpose: str


@dataclass(frozen=True)
class Exported:
    folder: Path
    manifest_sha256: str
    clients: int
    resources: dict[str, int]
    files: int


def describe_record(client: Client, formats: str, *, fhir: bool) -> str:
    """What an export of the client's record holds, in words, for the accounting of
    disclosures: "Record export (FHIR bundle): demographics, 2 treatment plan versions, ...".
    """
    versions = PlanVersion.objects.filter(plan__client=client, status=VersionStatus.SIGNED)
    notes = Note.objects.filter(client=client, status=NoteStatus.SIGNED)
    counts = [
        (versions.count(), "treatment plan version", "treatment plan versions"),
        (notes.count(), "note", "notes"),
        (
            PlanAddendum.objects.filter(version__in=versions).count()
            + NoteAddendum.objects.filter(note__in=notes).count(),
            "addendum",
            "addenda",
        ),
        (
            Administration.objects.filter(client=client, state=State.COMPLETE).count(),
            "questionnaire score",
            "questionnaire scores",
        ),
        (
            # Printed with the disputed document in the PDF and a DocumentReference in FHIR.
            AmendmentRequest.objects.filter(client=client, status=AmendmentStatus.DENIED).count(),
            "denied amendment request",
            "denied amendment requests",
        ),
    ]
    if fhir:
        attended = Appointment.objects.filter(client=client, status=SessionStatus.ATTENDED)
        counts.append((attended.count(), "session", "sessions"))
    parts = ["demographics"] + [f"{n} {one if n == 1 else many}" for n, one, many in counts if n]
    return f"Record export ({formats}): {', '.join(parts)}"


def find_practice(name_or_id: str) -> Practice:
    """The practice named (or numbered) `name_or_id`; with nothing given, the only one."""
    practices = Practice.objects.all()
    if not name_or_id:
        found = list(practices[:2])
        if len(found) == 1:
            return found[0]
        raise ExportRefused(
            "No practice in this database." if not found else "Name the practice with --practice."
        )
    by_name = list(practices.filter(name__iexact=name_or_id)[:2])
    if len(by_name) == 1:
        return by_name[0]
    if not by_name and name_or_id.isdigit():
        by_id = practices.filter(pk=int(name_or_id)).first()
        if by_id is not None:
            return by_id
    if len(by_name) > 1:
        raise ExportRefused(f"Several practices are named {name_or_id!r}; give its number.")
    raise ExportRefused(f"No practice is named or numbered {name_or_id!r}.")


def _check_target(target: Path) -> None:
    if target.is_symlink() or (target.exists() and not target.is_dir()):
        raise ExportRefused(f"{target} is not a directory; name a new or empty one.")
    if target.is_dir() and any(target.iterdir()):
        raise ExportRefused(f"{target} is not empty; name a new or empty directory.")
    if not target.parent.is_dir():
        raise ExportRefused(f"{target.parent} does not exist; create it first.")


def _relative_references(node: Any, urls: dict[str, str], referenced: set[str]) -> None:
    """Rewrite every `urn:uuid:` reference as `Type/id`, in place; note what is referenced."""
    if isinstance(node, dict):
        reference = node.get("reference")
        if isinstance(reference, str):
            node["reference"] = urls.get(reference, reference)
            referenced.add(node["reference"])
        for value in node.values():
            if isinstance(value, dict | list):
                _relative_references(value, urls, referenced)
    elif isinstance(node, list):
        for value in node:
            _relative_references(value, urls, referenced)


@dataclass
class _NdjsonFiles:
    """One ndjson file per resource type, each hashed as it is written."""

    folder: Path
    handles: dict[str, tuple[IO[bytes], Any, list[int]]] = field(default_factory=dict)
    written: dict[str, str] = field(default_factory=dict)  # "Type/id" -> SHA-256 of its line
    referenced: set[str] = field(default_factory=set)
    counts: Counter[str] = field(default_factory=Counter)

    def add(self, resource: Json, record_number: str) -> None:
        kind, key = resource["resourceType"], f"{resource['resourceType']}/{resource['id']}"
        line = json.dumps(resource, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"
        digest = hashlib.sha256(line).hexdigest()
        if key in self.written:
            if self.written[key] != digest:
                raise ExportFailed(
                    f"{key} differs between two clients' records (the second is "
                    f"{record_number}); nothing was exported."
                )
            return
        try:
            get_fhir_model_class(kind).model_validate(resource)
        except ValidationError as error:
            raise ExportFailed(f"{record_number}: {key} is not valid FHIR R4B: {error}") from None
        if kind not in self.handles:
            self.handles[kind] = (
                (self.folder / f"{kind}.ndjson").open("wb"),
                hashlib.sha256(),
                [0],
            )
        out, hasher, size = self.handles[kind]
        out.write(line)
        hasher.update(line)
        size[0] += len(line)
        self.written[key] = digest
        self.counts[kind] += 1

    def close(self) -> list[FileEntry]:
        entries = []
        for kind, (handle, hasher, size) in sorted(self.handles.items()):
            handle.close()
            entries.append(FileEntry(f"fhir/{kind}.ndjson", size[0], hasher.hexdigest()))
        return entries

    def dangling(self) -> list[str]:
        return sorted(self.referenced - set(self.written))


def _write_client(
    client: Client, ndjson: _NdjsonFiles, pdf_folder: Path, now: datetime
) -> FileEntry:
    bundle = client_bundle(client, now=now)
    problems = check_bundle(bundle)
    if problems:
        raise ExportFailed(
            f"{client.record_number}'s record did not pass its checks, so nothing was exported: "
            + " ".join(problems)
        )
    data = bundle.model_dump(mode="json", exclude_none=True)
    entries = data.get("entry") or []
    urls = {e["fullUrl"]: f"{e['resource']['resourceType']}/{e['resource']['id']}" for e in entries}
    for entry in entries:
        resource = entry["resource"]
        _relative_references(resource, urls, ndjson.referenced)
        ndjson.add(resource, client.record_number)
    pdf = record_pdf(client)
    path = f"pdf/{client.record_number}.pdf"
    (pdf_folder / f"{client.record_number}.pdf").write_bytes(pdf)
    return entry_for(path, pdf)


def _version() -> str:
    try:
        return metadata.version("threadline")
    except metadata.PackageNotFoundError:
        return "unknown"


def export_practice(
    practice: Practice,
    target: Path,
    *,
    recipient: Recipient | None = None,
    now: datetime | None = None,
    out: TextIO | None = None,
) -> Exported:
    """Write the practice's records into `target` (new or empty), audit the export and, for an
    outside recipient, record a disclosure per client: all of it, or none of it."""
    _check_target(target)
    now = now or timezone.now()
    clients = list(
        Client.objects.filter(practice=practice)
        .select_related("practice", "primary_clinician")
        .order_by("record_number")
    )
    for client in clients:
        if not FILE_NAME.match(client.record_number):
            raise ExportRefused(
                f"The record number {client.record_number!r} cannot be a file name; use letters, "
                "digits, dots, dashes and underscores."
            )
    staging = Path(
        tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".partial", dir=target.parent)
    )
    renamed = False
    try:
        (staging / "fhir").mkdir()
        (staging / "pdf").mkdir()
        ndjson = _NdjsonFiles(staging / "fhir")
        files: list[FileEntry] = []
        try:
            for client in progress(
                clients, len(clients), "Exporting records", out=out or sys.stderr
            ):
                files.append(_write_client(client, ndjson, staging / "pdf", now))
        finally:
            files += ndjson.close()
        dangling = ndjson.dangling()
        if dangling:
            raise ExportFailed(f"References to {', '.join(dangling)} resolve to nothing exported.")
        resources = dict(sorted(ndjson.counts.items()))
        manifest = render(
            {
                "practice": {"id": practice.pk, "name": practice.name},
                "created_at": now.isoformat(),
                "tool": {"name": "threadline", "version": _version()},
                "fhir": {"version": "4.3.0 (R4B)", "references": "relative (Type/id)"},
                "recipient": (
                    {"name": recipient.name, "purpose": recipient.purpose} if recipient else None
                ),
                "counts": {
                    "clients": len(clients),
                    "pdfs": len(clients),
                    "resources": resources,
                    "files": len(files),
                },
            },
            files,
        )
        (staging / MANIFEST).write_bytes(manifest)
        digest = hashlib.sha256(manifest).hexdigest()
        with transaction.atomic():
            _record(practice, clients, digest, resources, len(files), recipient, now)
            staging.rename(target)  # replaces an empty directory; the last step
            renamed = True
    except BaseException:
        # Interrupted or failed, before the rename or in the commit after it: keep nothing.
        shutil.rmtree(target if renamed else staging, ignore_errors=True)
        raise
    return Exported(target, digest, len(clients), resources, len(files))


def _record(
    practice: Practice,
    clients: Iterable[Client],
    digest: str,
    resources: dict[str, int],
    files: int,
    recipient: Recipient | None,
    now: datetime,
) -> None:
    clients = list(clients)
    detail: Json = {
        "via": "command line",
        "manifest_sha256": digest,
        "clients": len(clients),
        "client_ids": [c.pk for c in clients],
        "files": files,
        "resources": resources,
    }
    if recipient is not None:
        detail["recipient"] = recipient.name
    record("export.practice", practice=practice, detail=detail)
    if recipient is None:
        return
    for client in clients:
        record_disclosure(
            client,
            recipient=recipient.name,
            recipient_kind=RecipientKind.EXPORT,
            purpose=recipient.purpose,
            description=describe_record(client, "FHIR and PDF", fhir=True),
            obj=client,
            at=now,
        )
