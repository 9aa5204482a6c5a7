"""`threadline export`: records out of Threadline, each with its SHA-256.

    threadline export fhir --client RECORD_NUMBER [-o FILE]   one client's FHIR R4 bundle
    threadline export pdf --client RECORD_NUMBER [-o FILE]    one client's record as a PDF
    threadline export practice -o DIR [--practice NAME_OR_ID] every client's: ndjson, PDFs, manifest
    threadline export verify DIR                              check a folder against its manifest

Run by someone with access to the server and its database, so it is not checked against a
person's permissions; each export is recorded in the audit log as made by the command line, with
the SHA-256 of what was written. `--recipient NAME --purpose TEXT` says the export goes outside
the care team: a disclosure is then recorded for each client exported, for their accounting of
disclosures (45 CFR 164.528). Without them the export is internal and only audited.

`verify` reads only the folder, never the database: whoever receives an export can run it.
Exit codes: 0 done (or all files verified), 1 a record failed its checks (or a file does not
match the manifest), 2 the request or the manifest is wrong.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path
from typing import Any

from threadline.cli import setup_django

PREFIX = "threadline export"


def _for_outside(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--recipient",
        default="",
        metavar="NAME",
        help="who outside the care team receives it (records a disclosure per client)",
    )
    parser.add_argument(
        "--purpose", default="", metavar="TEXT", help="why they receive it (with --recipient)"
    )


def configure(parser: argparse.ArgumentParser) -> None:
    kinds = parser.add_subparsers(dest="kind", required=True, metavar="{fhir,pdf,practice,verify}")
    for kind, text in (
        ("fhir", "one client's record as a FHIR R4 bundle (JSON)"),
        ("pdf", "one client's record set as a PDF"),
    ):
        one = kinds.add_parser(kind, help=text, description=text)
        one.add_argument("--client", required=True, metavar="RECORD_NUMBER")
        one.add_argument(
            "--practice",
            default="",
            metavar="NAME_OR_ID",
            help="the practice, when several share the database",
        )
        one.add_argument("-o", "--output", default="", help="the file to write (default: stdout)")
        _for_outside(one)
    text = "every client's record: FHIR ndjson, a PDF each, and a SHA-256 manifest"
    whole = kinds.add_parser("practice", help=text, description=text)
    whole.add_argument(
        "-o", "--output", required=True, metavar="DIR", help="a new or empty directory"
    )
    whole.add_argument(
        "--practice", default="", metavar="NAME_OR_ID", help="needed when there are several"
    )
    _for_outside(whole)
    text = "recompute every file's SHA-256 against the folder's manifest.json"
    check = kinds.add_parser("verify", help=text, description=text)
    check.add_argument("folder", metavar="DIR")


def _fail(message: str, code: int) -> int:
    print(f"{PREFIX}: {message}", file=sys.stderr)
    return code


def run(args: argparse.Namespace) -> int:
    if args.kind == "verify":
        return verify(Path(args.folder))
    recipient, purpose = args.recipient.strip(), args.purpose.strip()
    if bool(recipient) != bool(purpose):
        return _fail(
            "--recipient and --purpose go together: say who receives the export and why.", 2
        )
    setup_django()
    from threadline.exports.practice import ExportFailed, ExportRefused, Recipient

    outside = Recipient(recipient, purpose) if recipient else None
    try:
        if args.kind == "practice":
            return practice(args, outside)
        return one_client(args, outside)
    except ExportRefused as refused:
        return _fail(str(refused), 2)
    except ExportFailed as failed:
        return _fail(str(failed), 1)


def practice(args: argparse.Namespace, outside: Any) -> int:
    from threadline.exports.practice import export_practice, find_practice

    exported = export_practice(find_practice(args.practice), Path(args.output), recipient=outside)
    total = sum(exported.resources.values())
    print(
        f"{exported.folder}: {exported.clients} clients, {total} FHIR resources, "
        f"{exported.files} files; manifest sha256 {exported.manifest_sha256}",
        file=sys.stderr,
    )
    if outside is not None:
        print(f"Disclosure to {outside.name} recorded for each client.", file=sys.stderr)
    return 0


def one_client(args: argparse.Namespace, outside: Any) -> int:
    from django.db import transaction

    from threadline.audit.services import record
    from threadline.clients.models import Client
    from threadline.exports.practice import ExportFailed, ExportRefused, describe_record
    from threadline.privacy.models import RecipientKind
    from threadline.privacy.services import record_disclosure

    clients = Client.objects.filter(record_number__iexact=args.client)
    if args.practice:
        from threadline.exports.practice import find_practice

        clients = clients.filter(practice=find_practice(args.practice))
    found = list(clients.select_related("practice")[:2])
    if not found:
        raise ExportRefused(f"no client has record number {args.client}")
    if len(found) > 1:
        raise ExportRefused(
            f"record number {args.client} exists in several practices; name one with --practice"
        )
    client = found[0]
    if args.kind == "fhir":
        from threadline.exports.fhir import check_bundle, client_bundle

        bundle = client_bundle(client)
        problems = check_bundle(bundle)
        if problems:
            raise ExportFailed(" ".join(problems))
        data = bundle.model_dump_json(indent=2).encode()
        formats = "FHIR bundle"
    else:
        from threadline.exports.pdf import record_pdf

        data = record_pdf(client)
        formats = "PDF"
    digest = hashlib.sha256(data).hexdigest()
    detail: dict[str, Any] = {"via": "command line", "sha256": digest, "bytes": len(data)}
    if outside is not None:
        detail["recipient"] = outside.name
    # The audit event and the disclosure stand only if the file was written.
    with transaction.atomic():
        record(f"export.{args.kind}", client=client, obj=client, detail=detail)
        if outside is not None:
            record_disclosure(
                client,
                recipient=outside.name,
                recipient_kind=RecipientKind.EXPORT,
                purpose=outside.purpose,
                description=describe_record(client, formats, fhir=args.kind == "fhir"),
                obj=client,
            )
        if args.output:
            Path(args.output).write_bytes(data)
        else:
            sys.stdout.buffer.write(data)
    if args.output:
        print(f"{args.output}: {len(data)} bytes, sha256 {digest}", file=sys.stderr)
    return 0


def verify(folder: Path) -> int:
    from threadline.exports.manifest import ManifestError
    from threadline.exports.manifest import verify as check

    try:
        result = check(folder)
    except ManifestError as error:
        return _fail(f"verify: {error}", 2)
    for problem in result.problems:
        print(f"{PREFIX} verify: {problem}", file=sys.stderr)
    if result.problems:
        count = len(result.problems)
        print(
            f"{count} problem{'s' if count != 1 else ''}; {result.verified} files verified.",
            file=sys.stderr,
        )
        return 1
    print(f"{result.verified} files verified (manifest sha256 {result.manifest_sha256}).")
    return 0
