"""The `threadline` command: one entry point for the clinic's command-line tools.

Each subcommand lives in `threadline/commands/<name>.py` with `HELP`, `configure(parser)` and
`run(args) -> int`. Only the chosen subcommand is imported, so `threadline check` starts without
loading Django.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

COMMANDS: dict[str, str] = {
    "serve": "migrate, load the demo practice into an empty database, serve the app",
    "demo": "load a synthetic demo practice (any scale)",
    "check": "check plans and notes written anywhere; exit 1 when any has an error",
    "billing-code": "the CPT code(s), add-ons, modifier and POS a session supports",
    "icd": "search, show or load the ICD-10-CM code set",
    "audit": "verify the hash-chained audit log",
    "verify": "re-verify every signature hash and the audit chain",
    "export": "a client's or a whole practice's records (FHIR, PDF, SHA-256 manifest); verify",
    "manage": "pass through to Django's management commands",
}


def _module_name(command: str) -> str:
    return "threadline.commands." + command.replace("-", "_")


def _usage() -> str:
    width = max(len(name) for name in COMMANDS)
    lines = ["usage: threadline COMMAND [...]", "", "commands:"]
    lines += [f"  {name.ljust(width)}  {text}" for name, text in COMMANDS.items()]
    lines += ["", "`threadline COMMAND --help` says more."]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in {"-h", "--help", "help"}:
        print(_usage())
        return 0
    command, rest = argv[0], argv[1:]
    if command not in COMMANDS:
        print(f"threadline: unknown command {command!r}\n\n{_usage()}", file=sys.stderr)
        return 2
    if command == "manage":
        return manage(rest)
    module = importlib.import_module(_module_name(command))
    parser = argparse.ArgumentParser(prog=f"threadline {command}", description=COMMANDS[command])
    module.configure(parser)
    args = parser.parse_args(rest)
    return int(module.run(args) or 0)


def setup_django() -> None:
    """Load settings and apps for the commands that need the database."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "threadline.settings")
    import django

    django.setup()


def manage(args: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "threadline.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["threadline manage", *args])
    return 0


if __name__ == "__main__":
    sys.exit(main())
