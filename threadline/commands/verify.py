from __future__ import annotations

import argparse

from threadline.commands import audit


def configure(parser: argparse.ArgumentParser) -> None:
    pass


def run(args: argparse.Namespace) -> int:
    # Signatures join this check once documents can be signed; today it is the audit chain.
    return audit.run(argparse.Namespace(action="verify"))
