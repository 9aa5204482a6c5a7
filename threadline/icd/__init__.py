"""The ICD-10-CM code set Threadline ships, and loading other releases (plain Python, no Django).

`load_default()` reads a compact file generated once by `python -m threadline.icd.build`, so no
process pays for importing simple-icd-10-cm. README.md beside this file says more.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from threadline.icd.datafile import load_release
from threadline.rules.codeset import CodeSet

DEFAULT_PATH = Path(__file__).parent / "data" / "icd10cm-2026-04.tsv.gz"

__all__ = ["DEFAULT_PATH", "load_default", "load_release"]


@cache
def load_default() -> CodeSet:
    """Return the shipped release, read once per process."""
    return load_release(DEFAULT_PATH)
