from __future__ import annotations

import argparse

from threadline.cli import setup_django
from threadline.commands import audit


def configure(parser: argparse.ArgumentParser) -> None:
    pass


def run(args: argparse.Namespace) -> int:
    """Recompute every signature's hash and HMAC, then walk the audit chain."""
    setup_django()
    from threadline.signatures.services import verify_all

    checked_ok = True
    for broken in verify_all():
        checked_ok = False
        signature = broken.signature
        print(
            f"signature #{signature.pk} on {signature.document_type.model} "
            f"#{signature.document_id} ({signature.get_meaning_display()}, "
            f"{signature.printed_name}): {broken.problem}"
        )
    if checked_ok:
        print("signatures intact")
    chain = audit.run(argparse.Namespace(action="verify"))
    return 0 if checked_ok and chain == 0 else 1
