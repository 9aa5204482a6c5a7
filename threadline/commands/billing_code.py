"""`threadline billing-code`: the CPT code(s) a documented session supports."""

from __future__ import annotations

import argparse
import json
import sys

from threadline.rules.billing import (
    PLACES,
    TELEHEALTH_MODES,
    BillingResult,
    Encounter,
    Service,
    code_for,
)

HELP = "the CPT code(s), add-ons, modifier and POS a session supports"


def configure(parser: argparse.ArgumentParser) -> None:
    """Declare the session facts the suggester reads."""
    parser.epilog = "Minutes come from the documented start and stop times, never the slot length."
    parser.add_argument(
        "--service", choices=[service.value for service in Service], default=Service.PSYCHOTHERAPY
    )
    parser.add_argument("--minutes", type=int, required=True, help="documented minutes of service")
    parser.add_argument("--new-patient", action="store_true", help="for E/M levels")
    parser.add_argument("--place", choices=PLACES, default="office", help="where the client was")
    parser.add_argument("--telehealth", choices=TELEHEALTH_MODES, help="omit for in person")
    parser.add_argument("--interactive-complexity", action="store_true", help="add 90785")
    parser.add_argument(
        "--em-minutes", type=int, help="the E/M's own total time, for psychotherapy_with_em"
    )
    parser.add_argument("--format", choices=["text", "json"], default="text")
    parser.add_argument("--explain", action="store_true", help="print the reasons under the codes")


def run(args: argparse.Namespace) -> int:
    """Print the suggestion; exit 1 when no code fits and 2 when the facts are impossible."""
    try:
        encounter = Encounter(
            service=Service(args.service),
            minutes=args.minutes,
            new_patient=args.new_patient,
            place=args.place,
            telehealth=args.telehealth,
            interactive_complexity=args.interactive_complexity,
            em_minutes=args.em_minutes,
        )
    except ValueError as error:
        print(f"threadline billing-code: {error}", file=sys.stderr)
        return 2
    result = code_for(encounter)
    if args.format == "json":
        print(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
    elif result.refusal is None:
        print(code_line(result))
        if args.explain:
            for reason in result.reasons:
                print(f"  {reason}")
    if result.refusal is not None:
        reasons = result.reasons if args.explain else (result.refusal,)
        for reason in reasons:
            print(reason, file=sys.stderr)
        return 1
    return 0


def code_line(result: BillingResult) -> str:
    """Write the codes as one line: "90834", "99213 + 90836", "90839-95 + 90840-95 x2 POS 10"."""
    parts = []
    for line in result.lines:
        part = "-".join((line.code, *line.modifiers))
        parts.append(part if line.units == 1 else f"{part} x{line.units}")
    text = " + ".join(parts)
    # In-person office (POS 11) is the common case and stays bare, so scripts can read the code.
    if result.place_of_service not in (None, "11"):
        text += f" POS {result.place_of_service}"
    return text
