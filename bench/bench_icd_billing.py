"""Time loading the shipped ICD-10-CM release, searching it, and suggesting billing codes.

Run: .venv/bin/python bench/bench_icd_billing.py [--simple-icd]
Baselines are measured in the same run on the same data: decompressing the file alone, and
json.loads of the same rows. --simple-icd also times importing simple-icd-10-cm (once).
"""

from __future__ import annotations

import argparse
import importlib
import json
import statistics
import time
from collections.abc import Callable

from threadline.icd import DEFAULT_PATH, load_release
from threadline.icd.datafile import read_text
from threadline.rules.billing import Encounter, Service, code_for


def best_and_median(run: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Return the best and median wall time of `run`, in milliseconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    return min(times), statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--simple-icd", action="store_true")
    parser.add_argument("--repeat", type=int, default=9)
    args = parser.parse_args()
    rows = [line.split("\t") for line in read_text(DEFAULT_PATH).splitlines() if line[0] != "#"]
    as_json = json.dumps(rows)

    report = {
        "decompress and decode only": lambda: read_text(DEFAULT_PATH),
        "baseline: json.loads of the same rows": lambda: json.loads(as_json),
        "load_release (shipped file)": lambda: load_release(DEFAULT_PATH),
    }
    print(f"{len(rows)} codes in {DEFAULT_PATH.name}; best / median of {args.repeat} runs")
    for name, run in report.items():
        best, median = best_and_median(run, args.repeat)
        print(f"  {name:<40} {best:7.1f} ms / {median:7.1f} ms")

    def first_search() -> None:
        load_release(DEFAULT_PATH).search("generalized anxiety")

    codes = load_release(DEFAULT_PATH)
    codes.search("warm up")
    searches = {
        "load + first word search (builds index)": first_search,
        "word search 'generalized anxiety'": lambda: codes.search("generalized anxiety"),
        "word search 'xyzzy' (scans everything)": lambda: codes.search("xyzzy"),
        "code prefix search 'F43'": lambda: codes.search("F43"),
        "get 'F41.1'": lambda: codes.get("F41.1"),
    }
    for name, run in searches.items():
        best, median = best_and_median(run, args.repeat)
        print(f"  {name:<40} {best:7.3f} ms / {median:7.3f} ms")

    if args.simple_icd:
        start = time.perf_counter()
        importlib.import_module("simple_icd_10_cm")  # parses its XML on import; once per process
        print(f"  {'baseline: import simple_icd_10_cm':<40} {time.perf_counter() - start:7.2f} s")

    encounters = [
        Encounter(Service.PSYCHOTHERAPY, minutes)
        for minutes in range(16, 90)  # every psychotherapy band
    ] + [
        Encounter(Service.PSYCHOTHERAPY_WITH_EM, 40, em_minutes=25, telehealth="video"),
        Encounter(Service.CRISIS, 140, place="elsewhere"),
        Encounter(Service.EM, 9),  # a refusal
    ]
    calls, start = 0, time.perf_counter()
    while time.perf_counter() - start < 1.0:
        for encounter in encounters:
            code_for(encounter)
        calls += len(encounters)
    print(f"  code_for: {calls / (time.perf_counter() - start):,.0f} calls per second")


if __name__ == "__main__":
    main()
