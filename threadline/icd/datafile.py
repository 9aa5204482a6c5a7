"""Read and write Threadline's ICD-10-CM release file: a gzipped, tab-separated list of codes.

The file starts with `#key<TAB>value` header lines (release, effective_from, effective_to,
source), then one `code<TAB>billable<TAB>description` line per category, subcategory and billable
code, in code order (billable is 1 or 0). Chapters and blocks are left out: they never go on a
claim or a plan. `zcat FILE | grep F41` reads it.
"""

from __future__ import annotations

import gzip
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from threadline.rules.codeset import CodeSet, CodeTable, IcdCode

HEADER_KEYS = ("release", "effective_from", "effective_to", "source")


@dataclass(frozen=True)
class Release:
    """What a release file says about itself."""

    name: str
    effective_from: date
    effective_to: date
    source: str

    def __post_init__(self) -> None:
        if self.effective_to < self.effective_from:
            raise ValueError(
                f"effective_to {self.effective_to} is before effective_from {self.effective_from}"
            )
        for text in (self.name, self.source):
            if not text.strip() or "\t" in text or "\n" in text:
                raise ValueError(f"the release name and source must be one line: {text!r}")


def dump(release: Release, codes: Iterable[IcdCode]) -> str:
    """Return a release file's text, before compression."""
    return (
        f"#release\t{release.name}\n"
        f"#effective_from\t{release.effective_from.isoformat()}\n"
        f"#effective_to\t{release.effective_to.isoformat()}\n"
        f"#source\t{release.source}\n"
    ) + CodeTable.from_codes(codes).text()


def write_release(path: Path, release: Release, codes: Iterable[IcdCode]) -> int:
    """Write a release file and return how many codes it holds."""
    text = dump(release, codes)
    buffer = io.BytesIO()
    # mtime=0 and no file name in the gzip header: the same codes give the same bytes.
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, compresslevel=9, mtime=0) as out:
        out.write(text.encode("utf-8"))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buffer.getvalue())
    return text.count("\n") - len(HEADER_KEYS)


def read_text(path: Path) -> str:
    """Return a release file's text, gzipped or not."""
    data = path.read_bytes()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    return data.decode("utf-8")


def load_release(path: str | Path) -> CodeSet:
    """Load a release file written by `write_release`."""
    path = Path(path)
    text = read_text(path)
    header: dict[str, str] = {}
    body = 0
    while text.startswith("#", body):
        end = text.index("\n", body)
        key, _, value = text[body + 1 : end].partition("\t")
        header[key] = value
        body = end + 1
    missing = [key for key in HEADER_KEYS if key not in header]
    if missing:
        raise ValueError(f"{path}: not an ICD-10-CM release file (no {', '.join(missing)})")
    try:
        codes = CodeTable(text[body:])
        effective_from = date.fromisoformat(header["effective_from"])
        effective_to = date.fromisoformat(header["effective_to"])
    except ValueError as error:
        raise ValueError(f"{path}: {error}") from None
    return CodeSet(header["release"], effective_from, effective_to, codes)
