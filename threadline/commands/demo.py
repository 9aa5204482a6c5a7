from __future__ import annotations

import argparse
import sys

from threadline.cli import setup_django


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--clients", type=int, default=12, help="how many clients (default 12)")
    parser.add_argument("--seed", type=int, default=7, help="random seed for repeatable data")


def run(args: argparse.Namespace) -> int:
    if args.clients < 0:
        print("threadline demo: --clients must be 0 or more", file=sys.stderr)
        return 2
    setup_django()
    from threadline import demo

    if demo.is_loaded():
        print("threadline demo: the database already holds a practice; nothing loaded.")
        return 1
    demo.load(args.clients, seed=args.seed, show_progress=True)
    print_logins()
    return 0


def print_logins() -> None:
    from threadline.demo import DEMO_PASSWORD, PEOPLE

    print("Demo logins (password for all: " + DEMO_PASSWORD + "):")
    for person in PEOPLE:
        print(f"  {person.email:<34} {person.full_name} ({person.role.replace('_', ' ')})")
    print(
        "  Staff set up an authenticator app (scan the QR code) at their first sign-in, then enter "
        "its 6-digit code each time."
    )
