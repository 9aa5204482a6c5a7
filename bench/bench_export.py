"""How long the bulk practice export takes, beside baselines measured in the same run.

    python bench/bench_export.py [--clients 12] [--repeat 3]

Loads the synthetic demo practice (`threadline.demo.load(seed=7)`, `--clients` clients) into a
throwaway SQLite database and times, each the median of `--repeat` runs after one warm-up:

1. baseline: `client_bundle` for every client, in memory: what any FHIR export costs at least;
2. the same plus `check_bundle` and `record_pdf` for every client, in memory: the work the
   export cannot avoid;
3. `export_practice` into a fresh folder: (2) plus validating each resource on its own, the
   ndjson, the PDFs and the manifest on disk, the audit event and the rename.

The ratios say what the bulk export adds over its parts. Prints results; asserts nothing.
Timings depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def median_s(work: Callable[[], object], repeat: int) -> float:
    work()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def _setup(folder: str, n_clients: int) -> Any:
    os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "threadline.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from threadline import demo

    call_command("migrate", verbosity=0)
    return demo.load(n_clients=n_clients, seed=7)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=12)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        practice = _setup(folder, args.clients)
        from threadline.clients.models import Client
        from threadline.exports.fhir import check_bundle, client_bundle
        from threadline.exports.pdf import record_pdf
        from threadline.exports.practice import export_practice

        clients = list(Client.objects.filter(practice=practice).select_related("practice"))

        def bundles() -> None:
            for client in clients:
                client_bundle(client)

        def parts() -> None:
            for client in clients:
                assert check_bundle(client_bundle(client)) == []
                record_pdf(client)

        runs = iter(range(1_000_000))

        def export() -> Any:
            return export_practice(
                practice, Path(folder) / f"export-{next(runs)}", out=io.StringIO()
            )

        base = median_s(bundles, args.repeat)
        needed = median_s(parts, args.repeat)
        whole = median_s(export, args.repeat)
        last = export()
        size = sum(p.stat().st_size for p in last.folder.rglob("*") if p.is_file())
    resources = sum(last.resources.values())
    print(
        f"export practice, demo ({len(clients)} clients, {resources} FHIR resources, "
        f"{last.files} files, {size / 1024:.0f} KiB), median of {args.repeat}:"
    )
    print(f"  baseline: client_bundle for every client        {base * 1e3:9.1f} ms")
    print(f"  + check_bundle and record_pdf for every client  {needed * 1e3:9.1f} ms")
    print(f"  export_practice (files, manifest, audit)        {whole * 1e3:9.1f} ms")
    print(f"  per client                                      {whole / len(clients) * 1e3:9.1f} ms")
    print(f"  ratio export / client_bundle                    {whole / base:9.1f} x")
    print(f"  ratio export / (bundle + check + pdf)           {whole / needed:9.2f} x")


if __name__ == "__main__":
    main()
