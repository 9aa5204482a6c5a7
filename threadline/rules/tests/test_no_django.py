"""The rules, the reader and the checker import no Django, so they run anywhere, fast."""

from __future__ import annotations

import subprocess
import sys

import pytest

PURE_MODULES = [
    "threadline.rules",
    "threadline.rules.compliance",
    "threadline.rules.smart",
    "threadline.rules.packs",
    "threadline.rules.measures",
    "threadline.rules.thread",
    "threadline.documents",
    "threadline.commands.check",
]


@pytest.mark.parametrize("module", PURE_MODULES)
def test_importing_a_pure_module_imports_no_django(module: str) -> None:
    script = (
        "import importlib, sys\n"
        f"importlib.import_module({module!r})\n"
        "print(sorted(name for name in sys.modules if name.split('.')[0] == 'django'))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "[]"


def test_running_the_checks_reads_no_pack_file_at_import() -> None:
    script = (
        "import threadline.rules.compliance, threadline.rules.packs as p\n"
        "print(p.load_pack.cache_info().currsize)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "0"
