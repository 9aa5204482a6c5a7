"""How fast a signed treatment plan prints to PDF, beside a baseline measured in the same run.

    python bench/bench_pdf.py [--repeat 30]

Loads the synthetic demo practice (`threadline.demo.load(seed=7)`) into a throwaway SQLite
database, picks the signed plan version with the most problems, and times `plan_pdf` on it: the
median of `--repeat` runs, after one warm-up run that registers the fonts. The baseline is
reportlab alone drawing one letter page with the same header, footer and fonts and one paragraph
of the plan's text: what any PDF of the record costs at least. Target: plan_pdf under 100 ms.

Prints results; asserts nothing. Timings depend on the machine and its load.
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
TARGET_MS = 100.0


def median_ms(work: Callable[[], object], repeat: int) -> float:
    work()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1e3


def baseline_page(text: str) -> bytes:
    """One page, the same header and footer as the export, one paragraph of the plan."""
    from reportlab.lib.pagesizes import letter
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfgen.canvas import Canvas
    from reportlab.platypus import Paragraph

    from threadline.exports.pdf import MARGIN, fonts

    f = fonts()
    width, height = letter
    buffer = io.BytesIO()
    c = Canvas(buffer, pagesize=letter)
    c.setFont(f.bold, 10.5)
    c.drawString(MARGIN, height - 42, "Avery Testwell")
    c.drawRightString(width - MARGIN, height - 42, "Treatment plan, version 1")
    c.setFont(f.regular, 8.5)
    c.drawString(MARGIN, height - 55, "DOB Apr 2, 1990 · Record no. TL-00001")
    c.drawRightString(width - MARGIN, height - 55, "Effective / date of service Nov 1, 2026")
    c.line(MARGIN, height - 62, width - MARGIN, height - 62)
    style = ParagraphStyle("body", fontName=f.regular, fontSize=9.5, leading=13)
    paragraph = Paragraph(text, style)
    _, used = paragraph.wrap(width - 2 * MARGIN, height)
    paragraph.drawOn(c, MARGIN, height - 78 - used)
    c.line(MARGIN, 44, width - MARGIN, 44)
    c.setFont(f.regular, 8)
    c.drawString(MARGIN, 32, "Riverbend Counseling (demo)")
    c.drawRightString(width - MARGIN, 32, "Page 1 of 1")
    c.save()
    return buffer.getvalue()


def _setup(folder: str) -> Any:
    os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "threadline.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from threadline import demo
    from threadline.plans.models import PlanVersion, VersionStatus

    call_command("migrate", verbosity=0)
    demo.load(seed=7)
    signed = PlanVersion.objects.filter(status=VersionStatus.SIGNED).select_related(
        "plan__client__practice", "author"
    )
    return max(signed, key=lambda v: (len(v.content.get("problems") or []), -v.pk))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        version = _setup(folder)
        from pypdf import PdfReader

        from threadline.exports.pdf import plan_pdf

        data = plan_pdf(version)
        page_count = len(PdfReader(io.BytesIO(data)).pages)
        problems = len(version.content.get("problems") or [])
        text = str(version.content.get("background", {}).get("symptoms", "")) or "Symptoms."
        plan = median_ms(lambda: plan_pdf(version), args.repeat)
        base = median_ms(lambda: baseline_page(text), args.repeat)
    verdict = "yes" if plan < TARGET_MS else "NO"
    print(
        f"plan_pdf, demo signed plan ({problems} problems, {page_count} pages, "
        f"{len(data) / 1024:.0f} KiB), median of {args.repeat}:"
    )
    print(f"  plan_pdf                                 {plan:8.2f} ms   target < {TARGET_MS:.0f}")
    print(f"  baseline: one page, header, footer, text {base:8.2f} ms")
    print(f"  ratio plan_pdf / baseline                {plan / base:8.1f} x")
    print(f"  under {TARGET_MS:.0f} ms                             {verdict:>8}")


if __name__ == "__main__":
    main()
