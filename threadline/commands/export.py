"""`threadline export fhir|pdf --client RECORD_NUMBER [-o FILE]`: one client's record, out.

Run by someone with access to the server and its database, so it is not checked against a
person's permissions; it is recorded in the audit log as an export by the command line, with
the file's SHA-256.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path

from threadline.cli import setup_django


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("format", choices=["fhir", "pdf"], help="a FHIR R4B bundle or a PDF")
    parser.add_argument("--client", required=True, metavar="RECORD_NUMBER")
    parser.add_argument(
        "--practice", default="", help="the practice's name, when several share the database"
    )
    parser.add_argument("-o", "--output", default="", help="the file to write (default: stdout)")


def run(args: argparse.Namespace) -> int:
    setup_django()
    from threadline.audit.services import record
    from threadline.clients.models import Client

    clients = Client.objects.filter(record_number__iexact=args.client)
    if args.practice:
        clients = clients.filter(practice__name=args.practice)
    found = list(clients.select_related("practice")[:2])
    if not found:
        print(f"threadline export: no client has record number {args.client}", file=sys.stderr)
        return 2
    if len(found) > 1:
        print(
            f"threadline export: record number {args.client} exists in several practices; "
            "name one with --practice",
            file=sys.stderr,
        )
        return 2
    client = found[0]
    if args.format == "fhir":
        from threadline.exports.fhir import check_bundle, client_bundle

        bundle = client_bundle(client)
        problems = check_bundle(bundle)
        if problems:
            for problem in problems:
                print(f"threadline export: {problem}", file=sys.stderr)
            return 1
        data = bundle.model_dump_json(indent=2).encode()
    else:
        from threadline.exports.pdf import record_pdf

        data = record_pdf(client)
    digest = hashlib.sha256(data).hexdigest()
    record(
        f"export.{args.format}",
        client=client,
        obj=client,
        detail={"via": "command line", "sha256": digest, "bytes": len(data)},
    )
    if args.output:
        Path(args.output).write_bytes(data)
        print(f"{args.output}: {len(data)} bytes, sha256 {digest}", file=sys.stderr)
    else:
        sys.stdout.buffer.write(data)
    return 0
