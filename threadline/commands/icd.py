"""`threadline icd`: search, show or load the ICD-10-CM code set."""

from __future__ import annotations

import argparse
import json
import re
import sys
from datetime import date
from pathlib import Path

from threadline.icd import cdc, load_default, load_release
from threadline.icd.datafile import Release, write_release
from threadline.rules.codeset import CodeSet, IcdCode

HELP = "search, show or load the ICD-10-CM code set"


def configure(parser: argparse.ArgumentParser) -> None:
    """Declare the search, show and load subcommands."""
    commands = parser.add_subparsers(dest="action", required=True, metavar="ACTION")

    search = commands.add_parser("search", help="find codes by code prefix or words")
    search.add_argument("query", nargs="+", help='"F41", "f41.1" or words: generalized anxiety')
    search.add_argument("--limit", type=int, default=20)
    _add_common(search)

    show = commands.add_parser("show", help="one code, whether it is billable, and its children")
    show.add_argument("code")
    _add_common(show)

    load = commands.add_parser("load", help="build a release file from CDC/NCHS release files")
    load.add_argument("--order", type=Path, help="icd10cm_order_YYYY.txt (needs nothing else)")
    load.add_argument("--codes", type=Path, help="icd10cm_codes_YYYY.txt (with --tabular)")
    load.add_argument("--tabular", type=Path, help="icd10cm_tabular_YYYY.xml (with --codes)")
    load.add_argument("--release", required=True, help='e.g. "ICD-10-CM FY2027"')
    load.add_argument("--effective-from", required=True, type=date.fromisoformat)
    load.add_argument("--effective-to", required=True, type=date.fromisoformat)
    load.add_argument("-o", "--output", type=Path, help="default: icd10cm-<release>.tsv.gz here")


def _add_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", type=Path, help="a release file other than the shipped one")
    parser.add_argument("--format", choices=["text", "json"], default="text")


def run(args: argparse.Namespace) -> int:
    """Run the chosen action."""
    if args.action == "load":
        return _load(args)
    codes = load_release(args.data) if args.data else load_default()
    if args.action == "search":
        return _search(codes, " ".join(args.query), args.limit, args.format)
    return _show(codes, args.code, args.format)


def _search(codes: CodeSet, query: str, limit: int, format: str) -> int:
    found = codes.search(query, limit=limit)
    if format == "json":
        print(json.dumps([_as_dict(code) for code in found], indent=2, ensure_ascii=False))
    else:
        for code in found:
            print(_as_line(code))
    if not found:
        print(f"no code in {codes.release} matches {query!r}", file=sys.stderr)
        return 1
    return 0


def _show(codes: CodeSet, wanted: str, format: str) -> int:
    code = codes.get(wanted)
    if code is None:
        print(f"{wanted!r} is not a code in {codes.release}", file=sys.stderr)
        return 1
    children = codes.children(code.code)
    if format == "json":
        data = {**_as_dict(code), "release": codes.release}
        data["children"] = [_as_dict(child) for child in children]
        print(json.dumps(data, indent=2, ensure_ascii=False))
        return 0
    print(f"{code.code}  {code.description}")
    parent = codes.parent(code.code)
    if parent is not None:
        print(f"under {parent.code}  {parent.description}")
    if code.billable:
        print("billable")
    else:
        print("not billable: pick a more specific code such as:")
        for child in children:
            print(f"  {_as_line(child)}")
    print(
        f"release: {codes.release}, dates of service {codes.effective_from} to {codes.effective_to}"
    )
    return 0


def _load(args: argparse.Namespace) -> int:
    try:
        release = Release(args.release, args.effective_from, args.effective_to, _source(args))
        if args.order and not (args.codes or args.tabular):
            codes = cdc.read_order(args.order)
        elif args.codes and args.tabular and not args.order:
            codes = cdc.codes_with_headers(
                cdc.read_codes(args.codes), cdc.read_tabular(args.tabular)
            )
        else:
            raise ValueError("give either --order, or --codes and --tabular together")
        output = args.output or Path(f"icd10cm-{_slug(args.release)}.tsv.gz")
        count = write_release(output, release, codes)
        load_release(output)  # read it back, so a bad file fails here and not in the clinic
    except (OSError, ValueError) as error:
        print(f"threadline icd load: {error}", file=sys.stderr)
        return 2
    billable = sum(code.billable for code in codes)
    print(f"{output}: {count} codes ({billable} billable), {release.name}")
    return 0


def _source(args: argparse.Namespace) -> str:
    files = [args.order, args.codes, args.tabular]
    return "CDC/NCHS files " + ", ".join(path.name for path in files if path)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _as_line(code: IcdCode) -> str:
    flag = "" if code.billable else "  [not billable]"
    return f"{code.code:<8}  {code.description}{flag}"


def _as_dict(code: IcdCode) -> dict[str, object]:
    return {"code": code.code, "description": code.description, "billable": code.billable}
