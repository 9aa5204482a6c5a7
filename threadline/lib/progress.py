"""A progress bar for long command-line jobs, written to stderr so stdout stays clean."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from typing import TextIO, TypeVar

T = TypeVar("T")


def progress(items: Iterable[T], total: int, label: str, out: TextIO = sys.stderr) -> Iterator[T]:
    width = 30
    interactive = out.isatty()
    step = max(1, total // 100)
    for done, item in enumerate(items, start=1):
        yield item
        if done == total or done % step == 0:
            filled = width * done // max(total, 1)
            line = f"{label} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}"
            if interactive:
                out.write("\r" + line)
            elif done == total:
                out.write(line)
            out.flush()
    if total:
        out.write("\n")
