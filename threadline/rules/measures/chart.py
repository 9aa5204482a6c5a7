"""One instrument's scores over time, drawn as an inline SVG string for the page and the PDF.

The chart is built from plain strings (every text passes through `html.escape`), so it needs no
library and imports no Django. Its parts, from the back:

- one shaded band per severity band, each labelled at its right edge ("Minimal", "Mild", ...),
  so the bands read without colour;
- the objective's baseline (dashed) and target (dotted) as labelled horizontal lines;
- the scores as a line with a round marker at each, each marker with a tooltip;
- attended sessions as short ticks under the time axis.

Colours come from CSS classes (see "Measure charts" in static/css/threadline.css), with the same
colours as presentation attributes for converters that ignore the stylesheet. The time axis runs
from the first score to the last; sessions outside that span are not drawn.

The root carries `role="img"` and is labelled by its <title> and a <desc> that states the data in
words; `data_table` gives the same numbers for a table beside the chart.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from html import escape

from threadline.rules.measures.instruments import DASH, Instrument

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

# Presentation-attribute fallbacks; the stylesheet sets the same colours through its variables.
INK = "#1f2a33"  # --ink
MUTED = "#55626d"  # --muted
LINE = "#d9dde1"  # --line
ACCENT = "#1d5c7a"  # --accent
OK = "#2e6b34"  # --ok
CARD = "#ffffff"  # --card
# Light fills, least to most severe: a grey-green to a pale rose. Muted text stays at 4.5:1 or
# better on each, and the score line at 3:1 or better. Bands past the fifth reuse the last fill.
BAND_FILLS = ("#eef3ef", "#f5f4e8", "#f8eedf", "#f8e6dc", "#f5dfdf")

FONT = "system-ui, sans-serif"
TEXT_SIZE = 11  # axis labels, baseline and target labels
SMALL_SIZE = 10  # band labels
MIN_WIDTH, MIN_HEIGHT = 320, 160


@dataclass(frozen=True, slots=True)
class Point:
    day: date
    score: int


@dataclass(frozen=True, slots=True)
class ChartSpec:
    instrument: Instrument
    points: tuple[Point, ...]  # complete administrations only, any order
    baseline: int | None = None  # an objective's baseline
    target: int | None = None  # an objective's target ("at or below")
    session_days: tuple[date, ...] = ()  # dates of attended sessions, shown as ticks
    title: str = ""  # e.g. "GAD-7 for Rowan Fictor"


def day_label(day: date, *, year: bool = True) -> str:
    """Write a date as "Mar 3, 2026" (or "Mar 3"), the same in every locale."""
    text = f"{MONTHS[day.month - 1]} {day.day}"
    return f"{text}, {day.year}" if year else text


def data_table(spec: ChartSpec) -> list[tuple[date, int, str]]:
    """Return each score, oldest first, as (day, score, band label); the label is "" without
    bands."""
    return [(p.day, p.score, _band_label(spec.instrument, p.score)) for p in _sorted(spec)]


def describe(spec: ChartSpec) -> str:
    """State the chart in words, for its <desc> and for readers who cannot see it.

    "3 scores from Jan 5 to Mar 3, 2026: 16, 12, 9; baseline 16; target 9, reached on Mar 3,
    2026."
    """
    points = _sorted(spec)
    if not points:
        parts = ["No scores yet"]
    else:
        first, last = points[0].day, points[-1].day
        count = f"{len(points)} score{'' if len(points) == 1 else 's'}"
        if first == last:
            span = f"on {day_label(first)}"
        else:
            span = f"from {day_label(first, year=first.year != last.year)} to {day_label(last)}"
        parts = [f"{count} {span}: {', '.join(str(p.score) for p in points)}"]
    if spec.baseline is not None:
        parts.append(f"baseline {spec.baseline}")
    if spec.target is not None:
        target = spec.target
        reached = next((p.day for p in points if p.score <= target), None)
        if reached is not None:
            parts.append(f"target {target}, reached on {day_label(reached)}")
        elif points:
            parts.append(f"target {target}, not yet reached")
        else:
            parts.append(f"target {target}")
    sessions = len(_sessions_shown(spec, points))
    if sessions:
        parts.append(f"{sessions} session{'' if sessions == 1 else 's'} attended in this period")
    return "; ".join(parts) + "."


def render_svg(spec: ChartSpec, *, width: int = 640, height: int = 260) -> str:
    """Return the chart as one <svg> element; the same spec always gives the same string.

    Raises ValueError for a score, baseline or target outside the instrument's range, or for a
    size too small to lay the chart out (under 320 by 160).
    """
    _check(spec, width, height)
    points = _sorted(spec)
    frame = _Frame.build(spec, width, height)
    uid = _chart_id(spec, width, height)
    title = spec.title or f"{spec.instrument.name} scores"
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="measure-chart" role="img" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'aria-labelledby="{uid}-title {uid}-desc" font-family="{FONT}">',
        f'<title id="{uid}-title">{escape(title)}</title>',
        f'<desc id="{uid}-desc">{escape(describe(spec))}</desc>',
    ]
    out += _bands(spec.instrument, frame)
    out += _y_axis(spec.instrument, frame)
    out += _objective_lines(spec, frame)
    out += _x_axis(spec, points, frame)
    out += _scores(spec.instrument, points, frame)
    out.append("</svg>")
    return "\n".join(out)


# --- Layout ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Frame:
    width: int
    height: int
    left: float  # the y axis
    right: float  # the right edge of the plot (and of the bands)
    top: float
    bottom: float  # the x axis
    data_left: float  # scores are drawn between data_left and data_right: the band labels
    data_right: float  # sit right of them, the baseline and target labels left of them
    low: float  # the value at the bottom edge: half a point under the lowest total,
    high: float  # so each whole score owns one equal slice of the height
    first: date | None  # the time axis; None when there are no scores
    last: date | None

    @classmethod
    def build(cls, spec: ChartSpec, width: int, height: int) -> _Frame:
        form = spec.instrument
        left, right, top, bottom = 40.0, width - 8.0, 22.0, height - 46.0
        band_room = max((_text_width(b.label, SMALL_SIZE) for b in form.bands), default=0.0)
        line_room = max((_text_width(t, TEXT_SIZE) for _, t, _, _ in _lines(spec)), default=0.0)
        days = sorted(p.day for p in spec.points)
        return cls(
            width=width,
            height=height,
            left=left,
            right=right,
            top=top,
            bottom=bottom,
            data_left=left + (line_room + 16 if line_room else 16),
            data_right=right - (band_room + 18 if band_room else 16),
            low=form.min_total - 0.5,
            high=form.max_total + 0.5,
            first=days[0] if days else None,
            last=days[-1] if days else None,
        )

    def y(self, value: float) -> float:
        share = (value - self.low) / (self.high - self.low)
        return self.bottom - share * (self.bottom - self.top)

    def x(self, day: date) -> float:
        if self.first is None or self.last is None or self.first == self.last:
            return (self.data_left + self.data_right) / 2
        share = (day - self.first).days / (self.last - self.first).days
        return self.data_left + share * (self.data_right - self.data_left)


def _check(spec: ChartSpec, width: int, height: int) -> None:
    if width < MIN_WIDTH or height < MIN_HEIGHT:
        raise ValueError(
            f"A measure chart needs at least {MIN_WIDTH} by {MIN_HEIGHT}; got {width} by {height}."
        )
    form = spec.instrument
    values: list[tuple[str, int | None]] = [("score", p.score) for p in spec.points]
    values += [("baseline", spec.baseline), ("target", spec.target)]
    for name, value in values:
        if value is not None and not form.min_total <= value <= form.max_total:
            raise ValueError(
                f"A {form.name} {name} must be {form.min_total}{DASH}{form.max_total}; got {value}."
            )


def _sorted(spec: ChartSpec) -> list[Point]:
    return sorted(spec.points, key=lambda p: (p.day, p.score))


def _sessions_shown(spec: ChartSpec, points: list[Point]) -> list[date]:
    if not points:
        return []
    first, last = points[0].day, points[-1].day
    return sorted({day for day in spec.session_days if first <= day <= last})


def _band_label(form: Instrument, score: int) -> str:
    band = form.band_for(score)
    return band.label if band else ""


def _text_width(text: str, size: float) -> float:
    # No font metrics without a renderer: 0.58 em a character is generous for sans-serif text.
    return len(text) * size * 0.58


def _chart_id(spec: ChartSpec, width: int, height: int) -> str:
    # Stable for the same input, distinct for different charts on one page.
    key = repr(
        (
            spec.instrument.key,
            [(p.day.isoformat(), p.score) for p in _sorted(spec)],
            spec.baseline,
            spec.target,
            sorted({d.isoformat() for d in spec.session_days}),
            spec.title,
            width,
            height,
        )
    )
    return "measure-" + hashlib.sha256(key.encode()).hexdigest()[:10]


def _n(value: float) -> str:
    text = f"{value:.1f}"
    text = text.removesuffix(".0")
    return "0" if text == "-0" else text


def _text(
    x: float,
    y: float,
    text: str,
    cls: str,
    *,
    fill: str = MUTED,
    size: int = TEXT_SIZE,
    anchor: str = "start",
    extra: str = "",
) -> str:
    return (
        f'<text class="{cls}" x="{_n(x)}" y="{_n(y)}" font-size="{size}" fill="{fill}" '
        f'text-anchor="{anchor}"{extra}>{escape(text)}</text>'
    )


# --- Parts -----------------------------------------------------------------------------------


def _bands(form: Instrument, f: _Frame) -> list[str]:
    out = ['<g class="bands">']
    for i, band in enumerate(form.bands):
        top, bottom = f.y(band.high + 0.5), f.y(band.low - 0.5)
        fill = BAND_FILLS[min(i, len(BAND_FILLS) - 1)]
        out.append(
            f'<rect class="band band-{i}" x="{_n(f.left)}" y="{_n(top)}" '
            f'width="{_n(f.right - f.left)}" height="{_n(bottom - top)}" fill="{fill}">'
            f"<title>{escape(f'{band.label}: {band.low}{DASH}{band.high}')}</title></rect>"
        )
    for band in form.bands[1:]:
        edge = f.y(band.low - 0.5)
        out.append(
            f'<line class="band-edge" x1="{_n(f.left)}" y1="{_n(edge)}" x2="{_n(f.right)}" '
            f'y2="{_n(edge)}" stroke="{LINE}" stroke-width="1"/>'
        )
    for band in form.bands:
        middle = (f.y(band.high + 0.5) + f.y(band.low - 0.5)) / 2
        out.append(
            _text(
                f.right - 6,
                middle + SMALL_SIZE * 0.35,
                band.label,
                "band-label",
                size=SMALL_SIZE,
                anchor="end",
            )
        )
    out.append("</g>")
    return out


def _y_ticks(form: Instrument, f: _Frame) -> list[int]:
    if form.bands:
        ticks = [band.low for band in form.bands]
    else:
        span = form.max_total - form.min_total
        step = next((s for s in (1, 2, 5, 10, 20, 25, 50) if span / s <= 5), 100)
        ticks = list(range(form.min_total, form.max_total, step))
    # Keep the top of the range, dropping a tick too close under it to print both.
    ticks = [t for t in ticks if f.y(t) - f.y(form.max_total) >= TEXT_SIZE + 1]
    return [*ticks, form.max_total]


def _y_axis(form: Instrument, f: _Frame) -> list[str]:
    out = ['<g class="y-axis">']
    out.append(_text(f.left, 13, f"{form.name} score", "axis-title", fill=INK))
    for tick in _y_ticks(form, f):
        y = f.y(tick)
        if not form.bands:
            out.append(
                f'<line class="grid" x1="{_n(f.left)}" y1="{_n(y)}" x2="{_n(f.right)}" '
                f'y2="{_n(y)}" stroke="{LINE}" stroke-width="1"/>'
            )
        out.append(
            f'<line class="axis" x1="{_n(f.left - 4)}" y1="{_n(y)}" x2="{_n(f.left)}" '
            f'y2="{_n(y)}" stroke="{MUTED}" stroke-width="1"/>'
        )
        out.append(_text(f.left - 7, y + 4, str(tick), "y-label", anchor="end"))
    out.append(
        f'<line class="axis" x1="{_n(f.left)}" y1="{_n(f.top)}" x2="{_n(f.left)}" '
        f'y2="{_n(f.bottom)}" stroke="{MUTED}" stroke-width="1"/>'
    )
    out.append("</g>")
    return out


def _lines(spec: ChartSpec) -> list[tuple[str, str, int, str]]:
    """(class, label, value, dash pattern) of the baseline and target that are set."""
    lines = []
    if spec.baseline is not None:
        lines.append(("baseline", f"Baseline {spec.baseline}", spec.baseline, "6 4"))
    if spec.target is not None:
        lines.append(("target", f"Target {spec.target}", spec.target, "0.1 4"))
    return lines


def _objective_lines(spec: ChartSpec, f: _Frame) -> list[str]:
    lines = sorted(_lines(spec), key=lambda line: f.y(line[2]))  # top of the chart first
    out = []
    previous_y: float | None = None
    for cls, label, value, dash in lines:
        y = f.y(value)
        colour = OK if cls == "target" else MUTED
        # The label sits above its line, or below it when the line above is too close.
        above = previous_y is None or y - previous_y >= TEXT_SIZE + 6
        label_y = y - 4 if above else y + TEXT_SIZE + 2
        label_y = min(max(label_y, f.top + TEXT_SIZE), f.bottom - 3)
        out.append(f'<g class="{cls}-group">')
        out.append(
            f'<line class="{cls}" x1="{_n(f.left)}" y1="{_n(y)}" x2="{_n(f.data_right + 8)}" '
            f'y2="{_n(y)}" stroke="{colour}" stroke-width="{"2" if cls == "target" else "1.5"}" '
            f'stroke-dasharray="{dash}" stroke-linecap="{"round" if cls == "target" else "butt"}"/>'
        )
        out.append(_text(f.left + 5, label_y, label, f"{cls}-label", fill=colour))
        out.append("</g>")
        previous_y = y
    return out


def _x_labels(points: list[Point], f: _Frame) -> list[tuple[date, str, float]]:
    """The dates to print under the axis: the first, the last, and any scores between that fit."""
    if f.first is None or f.last is None:
        return []
    first, last = f.first, f.last
    if first == last:
        return [(first, day_label(first), f.x(first))]
    gap = 10.0

    def box(day: date, text: str) -> tuple[float, float]:
        half = _text_width(text, TEXT_SIZE) / 2
        centre = min(max(f.x(day), 4 + half), f.width - 4 - half)
        return centre - half, centre + half

    end_text = day_label(last)
    end_box = box(last, end_text)
    chosen = [(first, day_label(first))]
    for day in sorted({p.day for p in points} - {first, last}):
        text = day_label(day, year=day.year != chosen[-1][0].year)
        start, stop = box(day, text)
        if start >= box(*chosen[-1])[1] + gap and stop + gap <= end_box[0]:
            chosen.append((day, text))
    chosen.append((last, end_text))
    return [(day, text, sum(box(day, text)) / 2) for day, text in chosen]


def _x_axis(spec: ChartSpec, points: list[Point], f: _Frame) -> list[str]:
    out = ['<g class="x-axis">']
    out.append(
        f'<line class="axis" x1="{_n(f.left)}" y1="{_n(f.bottom)}" x2="{_n(f.right)}" '
        f'y2="{_n(f.bottom)}" stroke="{MUTED}" stroke-width="1"/>'
    )
    for _, text, centre in _x_labels(points, f):
        out.append(_text(centre, f.bottom + 20, text, "x-label", anchor="middle"))
    out.append("</g>")
    sessions = _sessions_shown(spec, points)
    if sessions:
        out.append('<g class="sessions">')
        for day in sessions:
            x = _n(f.x(day))
            out.append(
                f'<line class="session" x1="{x}" y1="{_n(f.bottom + 1)}" x2="{x}" '
                f'y2="{_n(f.bottom + 7)}" stroke="{MUTED}" stroke-width="1.5"/>'
            )
        legend_y = f.height - 6
        out.append(
            f'<line class="session-key" x1="{_n(f.left)}" y1="{_n(legend_y - 9)}" '
            f'x2="{_n(f.left)}" y2="{_n(legend_y - 3)}" stroke="{MUTED}" stroke-width="1.5"/>'
        )
        out.append(_text(f.left + 6, legend_y, "Session attended", "legend"))
        out.append("</g>")
    return out


def _scores(form: Instrument, points: list[Point], f: _Frame) -> list[str]:
    if not points:
        text = "No scores yet"
        x, y = (f.data_left + f.data_right) / 2, (f.top + f.bottom) / 2
        half = _text_width(text, 13) / 2 + 8
        return [
            '<g class="empty">',
            f'<rect class="empty-backdrop" x="{_n(x - half)}" y="{_n(y - 15)}" '
            f'width="{_n(2 * half)}" height="22" rx="4" fill="{CARD}"/>',
            _text(
                x, y, text, "empty-label", size=13, anchor="middle", extra=' font-style="italic"'
            ),
            "</g>",
        ]
    coords = [(f.x(p.day), f.y(p.score)) for p in points]
    out = []
    if len(points) > 1:
        path = " ".join(f"{_n(x)},{_n(y)}" for x, y in coords)
        out.append(
            f'<polyline class="score-line" points="{path}" fill="none" stroke="{ACCENT}" '
            f'stroke-width="2" stroke-linejoin="round" stroke-linecap="round"/>'
        )
    out.append('<g class="markers">')
    for point, (x, y) in zip(points, coords, strict=True):
        band = _band_label(form, point.score)
        tip = f"{day_label(point.day)}: {point.score}" + (f" ({band})" if band else "")
        out.append(
            f'<circle class="marker" cx="{_n(x)}" cy="{_n(y)}" r="4" fill="{ACCENT}" '
            f'stroke="{CARD}" stroke-width="1.5"><title>{escape(tip)}</title></circle>'
        )
    out.append("</g>")
    return out


__all__ = ["ChartSpec", "Point", "data_table", "day_label", "describe", "render_svg"]
