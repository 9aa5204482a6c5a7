"""Rebuild the shipped ICD-10-CM release file from the simple-icd-10-cm package.

Run `python -m threadline.icd.build` after upgrading simple-icd-10-cm; `--check` says whether the
committed file still matches. simple-icd-10-cm is only needed here: importing it takes about
three seconds, so nothing at run time does.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from importlib import metadata
from pathlib import Path

from threadline.icd import DEFAULT_PATH
from threadline.icd.datafile import Release, dump, read_text, write_release
from threadline.rules.codeset import IcdCode

# simple-icd-10-cm 1.5.0 ships the CDC files of the April 1, 2026 update to FY2026. That update is
# in force for dates of service from 1 April 2026 until FY2027 takes over on 1 October 2026.
DEFAULT_RELEASE_NAME = "ICD-10-CM FY2026 (April 1, 2026 update)"
DEFAULT_EFFECTIVE_FROM = date(2026, 4, 1)
DEFAULT_EFFECTIVE_TO = date(2026, 9, 30)


def default_release() -> Release:
    """Describe the release the installed simple-icd-10-cm ships."""
    version = metadata.version("simple-icd-10-cm")
    return Release(
        name=DEFAULT_RELEASE_NAME,
        effective_from=DEFAULT_EFFECTIVE_FROM,
        effective_to=DEFAULT_EFFECTIVE_TO,
        source=f"CDC/NCHS April 1, 2026 files as shipped in simple-icd-10-cm {version}",
    )


def codes_from_package() -> list[IcdCode]:
    """Return every category, subcategory and billable code simple-icd-10-cm knows."""
    import simple_icd_10_cm as cm  # three seconds to import, so only when building

    codes = []
    for code in dict.fromkeys(cm.get_all_codes(with_dots=True)):
        # is_valid_item is also true for chapters and blocks; billable means a leaf code.
        if cm.is_category_or_subcategory(code):
            codes.append(IcdCode(code, cm.get_description(code), cm.is_leaf(code)))
    return codes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m threadline.icd.build", description=__doc__)
    parser.add_argument("-o", "--output", type=Path, default=DEFAULT_PATH)
    parser.add_argument("--check", action="store_true", help="compare, do not write")
    args = parser.parse_args(argv)
    release, codes = default_release(), codes_from_package()
    if args.check:
        same = args.output.exists() and read_text(args.output) == dump(release, codes)
        print(f"{args.output}: {'up to date' if same else 'differs from simple-icd-10-cm'}")
        return 0 if same else 1
    count = write_release(args.output, release, codes)
    print(f"{args.output}: {count} codes, {release.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
