"""Time the ICD-10-CM picker's search on SQLite and PostgreSQL, beside scans without an index.

Run: .venv/bin/python bench/bench_icd_picker.py [--repeat N]   (`make bench` runs it)

Each backend runs in its own process against a throwaway database: a SQLite file in a temporary
directory (the embedded default, WAL and all), and `threadline_bench` on the PostgreSQL server at
127.0.0.1:5432, created and dropped here (skipped with a note when the server does not answer).
Each process migrates, loads the shipped release with `ensure_default_release()`, then times
`search()` over a fixed list of queries a clinician types, every query `--repeat` times.

Baselines, measured in the same run on the same data:
- linear scan: `CodeSet.search`, the pure in-memory search that reads the code table in order and
  stops at the limit (the one `threadline icd search` uses);
- icontains: the same queries as unindexed `description__icontains` filters in the database.

The target (issue 4) is p95 under 10 ms per search on both backends. Timings are wall clock on a
shared machine: the load average is printed beside them.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_SERVER = "postgres://postgres@127.0.0.1:5432"
PG_DATABASE = "threadline_bench"
TARGET_P95_MS = 10.0
PAGE = 20  # the picker's page, search.DEFAULT_LIMIT (the parent process does not set Django up)

# What a clinician types into the picker: codes whole or in part, words whole or in part, and the
# short prefixes typing passes through on the way ("ge", "gen", "gener").
QUERIES = [
    "F41",
    "F41.1",
    "f411",
    "F32",
    "F33.1",
    "F43",
    "F43.10",
    "F90",
    "F84.0",
    "F10.2",
    "F11.20",
    "F17.210",
    "G47.0",
    "R45.851",
    "Z63",
    "Z91.5",
    "Z62.8",
    "ge",
    "gen",
    "gener",
    "generalized anxiety",
    "generaliz anx",
    "anx",
    "anxiety disorder",
    "panic disorder",
    "social phobia",
    "obsessive compulsive",
    "dep",
    "depress",
    "major depressive",
    "major depressive recurrent severe",
    "bipolar",
    "bipolar ii",
    "cyclothymic",
    "schiz",
    "schizoaffective",
    "psychotic",
    "ptsd",
    "post traumatic stress",
    "adjustment disorder",
    "adjustment disorder with anxiety",
    "insomnia",
    "nightmare",
    "alcohol dependence",
    "alcohol use",
    "opioid use disorder",
    "cannabis",
    "nicotine dependence",
    "stimulant",
    "attention deficit",
    "autism",
    "anorexia",
    "binge eating",
    "borderline personality",
    "suicidal ideation",
    "self harm",
    "grief",
    "child abuse",
    "personal history",
    "family history",
    "su",
    "sub",
    "substance",
    "dis",
    "in remission",
]

# Not what a clinician types, but the costliest shapes for the index: two prefixes that each start
# tens of thousands of codes, and common words whose codes sit late in code order. Reported
# apart from the target.
HARD = ["in", "un", "un fr", "fracture", "closed fracture", "subsequent encounter", "vehicle"]


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def timed(run: Callable[[], object], repeat: int) -> list[float]:
    """Wall times of `run` in milliseconds."""
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def summary(samples: list[float]) -> dict[str, float]:
    return {
        "p50": statistics.median(samples),
        "p95": percentile(samples, 0.95),
        "max": max(samples),
        "n": len(samples),
    }


def measure_backend(repeat: int, baseline_repeat: int) -> dict[str, object]:
    """Run inside a child process whose environment names the database."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "threadline.settings")
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from threadline.diagnoses.indexing import query_words
    from threadline.diagnoses.models import IcdCode
    from threadline.diagnoses.search import DEFAULT_LIMIT, search

    assert DEFAULT_LIMIT == PAGE
    from threadline.diagnoses.services import ensure_default_release
    from threadline.rules.codeset import normalize

    call_command("migrate", verbosity=0)
    start = time.perf_counter()
    release = ensure_default_release()
    load_seconds = time.perf_counter() - start
    day = release.effective_from

    def picker(query: str) -> Callable[[], object]:
        # As the picker's view calls it: the release for the date of service, then the search.
        return lambda: search(query, on=day)

    def icontains(query: str) -> Callable[[], object]:
        codes = IcdCode.objects.filter(release=release)
        if any(char.isdigit() for char in query) and " " not in query.strip():
            codes = codes.filter(code__istartswith=normalize(query))
        else:
            for word in query_words(query):
                codes = codes.filter(description__icontains=word)
        return lambda: list(codes.order_by("id")[: PAGE + 1])

    for query in QUERIES + HARD:
        picker(query)()  # warm the connection and the page cache
    per_query = {query: timed(picker(query), repeat) for query in QUERIES}
    hard = {query: timed(picker(query), repeat) for query in HARD}
    baseline = {query: timed(icontains(query), baseline_repeat) for query in QUERIES}
    with connection.cursor() as cursor:
        sqlite = connection.vendor == "sqlite"
        cursor.execute("SELECT sqlite_version()" if sqlite else "SHOW server_version")
        (server,) = cursor.fetchone()
    return {
        "backend": connection.vendor,
        "server": server,
        "codes": release.code_count,
        "load_seconds": load_seconds,
        "search": summary([t for samples in per_query.values() for t in samples]),
        "slowest": sorted(
            ((query, percentile(samples, 0.95)) for query, samples in per_query.items()),
            key=lambda pair: -pair[1],
        )[:3],
        "hard": {query: summary(samples) for query, samples in hard.items()},
        "icontains": summary([t for samples in baseline.values() for t in samples]),
    }


def run_child(label: str, env: dict[str, str], args: argparse.Namespace) -> dict | None:
    command = [
        sys.executable,
        __file__,
        "--child",
        "--repeat",
        str(args.repeat),
        "--baseline-repeat",
        str(args.baseline_repeat),
    ]
    done = subprocess.run(  # noqa: S603 (this script, this interpreter)
        command, env={**os.environ, **env}, cwd=ROOT, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        print(f"  {label}: failed\n{done.stderr}", file=sys.stderr)
        return None
    return json.loads(done.stdout.strip().splitlines()[-1])


def postgres_database() -> bool:
    """Create an empty threadline_bench database; False when no server answers."""
    import psycopg

    try:
        with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True, connect_timeout=3) as db:
            db.execute(f"DROP DATABASE IF EXISTS {PG_DATABASE}")
            db.execute(f"CREATE DATABASE {PG_DATABASE}")
    except psycopg.OperationalError as error:
        print(f"  postgresql: skipped, no server at 127.0.0.1:5432 ({error})".splitlines()[0])
        return False
    return True


def drop_postgres_database() -> None:
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True, connect_timeout=3) as db:
        db.execute(f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)")


def linear_scan_baseline(repeat: int) -> dict[str, float]:
    from threadline.icd import load_default

    codes = load_default()
    for query in QUERIES:
        codes.search(query, limit=PAGE + 1)  # builds its search text once

    def scan(query: str) -> Callable[[], object]:
        return lambda: codes.search(query, limit=PAGE + 1)

    samples = [t for query in QUERIES for t in timed(scan(query), repeat)]
    return summary(samples)


def print_report(results: list[dict], scan: dict[str, float], args: argparse.Namespace) -> None:
    print(
        f"{len(QUERIES)} picker queries x {args.repeat} runs per backend "
        f"(baselines x {args.baseline_repeat}); load average {os.getloadavg()[0]:.1f} "
        f"on {os.cpu_count()} CPUs"
    )
    print(
        f"  linear scan, in memory (CodeSet.search): p50 {scan['p50']:7.2f} ms  "
        f"p95 {scan['p95']:7.2f} ms  max {scan['max']:7.2f} ms"
    )
    for result in results:
        search, base = result["search"], result["icontains"]
        print(
            f"  {result['backend']} {result['server']}: {result['codes']:,} codes loaded in "
            f"{result['load_seconds']:.1f} s"
        )
        print(
            f"    picker search (indexed):   p50 {search['p50']:7.2f} ms  p95 {search['p95']:7.2f} "
            f"ms  max {search['max']:7.2f} ms   "
            f"{'meets' if search['p95'] < TARGET_P95_MS else 'MISSES'} p95 < {TARGET_P95_MS:.0f} ms"
        )
        print(
            f"    baseline icontains:        p50 {base['p50']:7.2f} ms  p95 {base['p95']:7.2f} "
            f"ms  max {base['max']:7.2f} ms"
        )
        print(
            f"    speed-up, p50 / p95:  {base['p50'] / search['p50']:5.0f}x / "
            f"{base['p95'] / search['p95']:5.0f}x over icontains;  "
            f"{scan['p50'] / search['p50']:5.1f}x / {scan['p95'] / search['p95']:5.1f}x "
            "over the linear scan"
        )
        slowest = ", ".join(f"{query!r} {p95:.2f}" for query, p95 in result["slowest"])
        print(f"    slowest picker queries (p95 ms): {slowest}")
        hard = ", ".join(f"{query!r} {s['p95']:.1f}" for query, s in result["hard"].items())
        print(f"    hard shapes, outside the target (p95 ms): {hard}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20, help="runs of each picker query")
    parser.add_argument("--baseline-repeat", type=int, default=3, help="runs of each baseline")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure_backend(args.repeat, args.baseline_repeat)))
        return 0

    results = []
    with tempfile.TemporaryDirectory(prefix="threadline-bench-") as var_dir:
        sqlite = run_child("sqlite", {"THREADLINE_VAR_DIR": var_dir}, args)
        if sqlite is not None:
            results.append(sqlite)
    if postgres_database():
        try:
            with tempfile.TemporaryDirectory(prefix="threadline-bench-") as var_dir:
                env = {
                    "THREADLINE_VAR_DIR": var_dir,
                    "DATABASE_URL": f"{PG_SERVER}/{PG_DATABASE}",
                }
                postgres = run_child("postgresql", env, args)
                if postgres is not None:
                    results.append(postgres)
        finally:
            drop_postgres_database()
    print_report(results, linear_scan_baseline(args.baseline_repeat), args)
    return 0 if results else 1


if __name__ == "__main__":
    sys.exit(main())
