from __future__ import annotations

import argparse

from threadline.cli import setup_django


def configure(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", required=True)
    sub.add_parser("verify", help="walk the hash chain and name the first bad entry")


def run(args: argparse.Namespace) -> int:
    setup_django()
    from threadline.audit.services import verify_chain

    report = verify_chain()
    if report.ok:
        print(f"audit chain intact: {report.checked} entries verified")
        return 0
    print(f"audit chain broken at entry #{report.broken_id}: {report.problem}")
    print(f"({report.checked} entries before it verified)")
    return 1
