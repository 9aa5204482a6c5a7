from __future__ import annotations

import argparse
import os
import sys

from threadline.cli import setup_django


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    parser.add_argument("--port", default=os.environ.get("PORT", "8000"))
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--no-demo", action="store_true", help="do not load the demo practice into an empty db"
    )


def run(args: argparse.Namespace) -> int:
    setup_django()
    from django.core.management import call_command

    from threadline import demo
    from threadline.commands.demo import print_logins

    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    # Shipped reference data follows the code: new library entries arrive with an upgrade.
    from threadline.library.services import sync_shipped_library

    sync_shipped_library()
    from threadline.diagnoses.models import IcdRelease
    from threadline.diagnoses.services import ensure_default_release

    if not IcdRelease.objects.exists():
        print("Loading the ICD-10-CM code set into the database (once; about 10 s)...", flush=True)
    ensure_default_release()
    # Demo data only ever goes into an empty database, never over a practice's real data.
    if not args.no_demo and not demo.is_loaded():
        demo.load()
        print("Loaded the demo practice.")
    if _demo_present():
        print_logins()
    print(f"Threadline is serving on http://{args.host}:{args.port}/", flush=True)
    gunicorn = os.path.join(os.path.dirname(sys.executable), "gunicorn")
    os.execv(  # noqa: S606  (replace this process with the server; arguments are ours)
        gunicorn,
        [
            gunicorn,
            "threadline.wsgi:application",
            "--bind",
            f"{args.host}:{args.port}",
            "--workers",
            str(args.workers),
            "--access-logfile",
            "-",
        ],
    )
    return 0


def _demo_present() -> bool:
    from threadline.accounts.models import User
    from threadline.demo import PEOPLE

    return User.objects.filter(email=PEOPLE[0].email).exists()
