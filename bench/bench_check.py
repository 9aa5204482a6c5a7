"""How fast the checker is, each number beside a baseline measured in the same run.

    python bench/bench_check.py [--files 1200]

1. In process: the median time to check a full treatment plan (all plan rules, SMART lint,
   review), beside building the same plan's facts from its JSON (json.loads + from_dict), which
   is the least any caller does before the rules run. Target: under 1 ms.
2. `threadline check` on generated files in one run: files per second. Target: 1,000 or more.
3. `threadline check` on one file, start to exit, beside `python -c pass`. Target: under 1 s.

Prints results; asserts nothing. Timings depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from threadline.documents import read_text  # noqa: E402
from threadline.icd import load_default  # noqa: E402
from threadline.rules.facts import PlanFacts  # noqa: E402
from threadline.rules.packs import load_pack  # noqa: E402
from threadline.rules.plan_rules import check_plan  # noqa: E402

EXAMPLES = ROOT / "examples"
TODAY = date(2026, 9, 20)


def median_seconds(work: Callable[[], object], *, repeat: int = 2000, batches: int = 7) -> float:
    """The median, over batches, of the mean time of one call."""
    work()
    samples = []
    for _ in range(batches):
        start = time.perf_counter()
        for _ in range(repeat):
            work()
        samples.append((time.perf_counter() - start) / repeat)
    return statistics.median(samples)


def in_process() -> None:
    text = (EXAMPLES / "plan-complete.txt").read_text()
    plan = read_text(text).facts
    assert isinstance(plan, PlanFacts)
    as_json = json.dumps(plan.to_dict())
    pack, codes = load_pack("medicare"), load_default()
    assert check_plan(plan, pack=pack, codes=codes, today=TODAY) == []

    rules = median_seconds(lambda: check_plan(plan, pack=pack, codes=codes, today=TODAY))
    baseline = median_seconds(lambda: PlanFacts.from_dict(json.loads(as_json)))
    reading = median_seconds(lambda: read_text(text), repeat=500)
    print("In process, one full plan (2 problems, 3 objectives, Medicare pack):")
    print(f"  check_plan (all rules)                  {rules * 1e3:8.3f} ms   target < 1 ms")
    print(f"  baseline: json.loads + PlanFacts.from_dict {baseline * 1e3:5.3f} ms")
    print(f"  for reference: read_text of the plan    {reading * 1e3:8.3f} ms")


def _generate(folder: Path, count: int) -> list[Path]:
    """Variants of the example plan and notes: other names, dates, times and codes."""
    sources = [
        (EXAMPLES / "plan-complete.txt").read_text(),
        (EXAMPLES / "plan-incomplete.md").read_text(),
        (EXAMPLES / "note-complete.txt").read_text(),
        (EXAMPLES / "note-late.txt").read_text(),
        (EXAMPLES / "plan.json").read_text(),
    ]
    suffixes = [".txt", ".md", ".txt", ".txt", ".json"]
    paths = []
    for number in range(count):
        kind = number % len(sources)
        text = sources[kind].replace("Placeholder", f"Placeholder{number}")
        text = text.replace("1:55", f"1:{30 + number % 29:02d}").replace("TL-0001", f"TL-{number}")
        path = folder / f"doc-{number:05d}{suffixes[kind]}"
        path.write_text(text)
        paths.append(path)
    return paths


def _timed(command: list[str]) -> tuple[float, float]:
    """Wall time and the child's CPU time (user + system), which a busy machine disturbs less."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    # Our own console script on files this script generated.
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)  # noqa: S603
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _median(runs: list[tuple[float, float]]) -> tuple[float, float]:
    return statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)


def command_line(count: int) -> None:
    script = Path(sys.executable).parent / "threadline"
    threadline = [str(script)] if script.exists() else [sys.executable, "-m", "threadline.cli"]
    check = [*threadline, "check", "--today", TODAY.isoformat()]
    with tempfile.TemporaryDirectory() as folder:
        paths = _generate(Path(folder), count)
        one = [str(paths[0])]
        startup, startup_cpu = _median([_timed([*check, *one]) for _ in range(7)])
        python, python_cpu = _median([_timed([sys.executable, "-c", "pass"]) for _ in range(7)])
        every = [*check, "--format", "json", *map(str, paths)]
        total, total_cpu = _median([_timed(every) for _ in range(5)])
    print(f"\n`threadline check` on {count} generated files (plans and notes, text/Markdown/JSON):")
    print(f"  one run, all files, wall (CPU)          {total:8.3f} s  ({total_cpu:.3f} s)")
    print(f"  files per second, start-up included     {count / total:8.0f}     target >= 1000")
    steady = count / max(total - startup, 1e-9)
    print(f"  files per second, start-up taken out    {steady:8.0f}")
    print(f"  files per CPU second, start-up included {count / total_cpu:8.0f}")
    print("\nStart-up, one file checked, process start to exit, wall (CPU):")
    print(
        f"  threadline check plan.txt               {startup:8.3f} s  ({startup_cpu:.3f} s)"
        "   target < 1 s"
    )
    print(f"  baseline: python -c pass                {python:8.3f} s  ({python_cpu:.3f} s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=1200)
    args = parser.parse_args()
    in_process()
    command_line(args.files)


if __name__ == "__main__":
    main()
