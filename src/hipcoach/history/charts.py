"""The history's charts as data and as inline SVG: pain, form score and band level per
session, and left vs right per exercise.

:func:`pain_values`, :func:`form_values` and :func:`band_values` are the one place that reads
the per-session values; the PNG charts (:mod:`hipcoach.history.plots`) and the SVG charts
here both use them. :func:`chart_svg` draws a :class:`ChartData` as an SVG figure for the web
app's history page: every point is keyboard-focusable with a ``<title>`` tooltip and a
``data-readout`` text ("Mon 05 Jan 18:30 · before: 3 / 10"), every series is a
``<g data-series=...>`` that the legend's buttons show or hide (``static/js/charts.js``). No
inline style or script, so it works under the app's Content-Security-Policy. Every text is
escaped.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

from markupsafe import Markup, escape

from hipcoach.analysis.sides import SideComparison
from hipcoach.config import HistorySettings
from hipcoach.exercises.routine import Routine
from hipcoach.history.stats import SessionSummary
from hipcoach.types import SIDES

PAIN_SERIES: Final[tuple[tuple[str, str, str], ...]] = (
    ("before", "before", "#3e7cb1"),
    ("max_during", "max during", "#b42318"),
    ("after", "after", "#e0a800"),
)
FORM_COLOUR: Final = "#2a9d8f"
BAND_COLOUR: Final = "#8e6bbf"
SIDE_COLOURS: Final[dict[str, str]] = {"left": "#ff8c00", "right": "#00aaff"}
WIDTH: Final = 720.0
HEIGHT: Final = 240.0
LEFT, RIGHT, TOP, BOTTOM = 56.0, 16.0, 14.0, 40.0
_EPOCH: Final = datetime(1970, 1, 1)


@dataclass(frozen=True)
class Point:
    """One value: ``x`` in days since 1970 (local wall clock) or a category index, ``y`` in
    the chart's unit, ``label`` (the date or exercise) and ``value`` as words."""

    x: float
    y: float
    label: str
    value: str
    #: False: the line does not come from the previous point (a session without a value
    #: lies between them, as a gap in the PNG chart).
    joined: bool = True

    @property
    def readout(self) -> str:
        """The text shown on hover or focus."""
        return f"{self.label} · {self.value}"


@dataclass(frozen=True)
class Series:
    """One line (or one set of bars): ``key`` is unique in its chart."""

    key: str
    label: str
    colour: str
    points: tuple[Point, ...]
    step: bool = False


@dataclass(frozen=True)
class ChartData:
    """One chart: bars over ``categories`` when it has any, else lines over time."""

    id: str
    title: str
    description: str
    y_label: str
    y_range: tuple[float, float]
    y_ticks: tuple[tuple[float, str], ...]
    series: tuple[Series, ...]
    categories: tuple[str, ...] = ()
    caption: str = ""
    #: Dashed reference lines: (y, label), e.g. the pain score to ease off at.
    rules: tuple[tuple[float, str], ...] = ()


def day_number(when: datetime) -> float:
    """Days since 1970-01-01 in local wall-clock time (matplotlib's default date unit)."""
    return (when.replace(tzinfo=None) - _EPOCH) / timedelta(days=1)


def _when(s: SessionSummary) -> str:
    stopped = f" (stopped: {s.stop_reason})" if s.stop_reason else ""
    return f"{s.started_at:%a %d %b %H:%M}{stopped}"


def pain_values(sessions: Sequence[SessionSummary]) -> dict[str, list[int | None]]:
    """Per pain series key (``before``, ``max_during``, ``after``): each session's score."""
    return {key: [getattr(s.pain, key) for s in sessions] for key, _, _ in PAIN_SERIES}


def form_values(sessions: Sequence[SessionSummary]) -> list[float | None]:
    """Each session's form score in % (None: no camera/video reading)."""
    return [None if s.form.score is None else 100.0 * s.form.score for s in sessions]


def band_values(sessions: Sequence[SessionSummary]) -> list[int]:
    """Each session's band level (0 = no band)."""
    return [s.band_level for s in sessions]


def _time_series(
    key: str,
    label: str,
    colour: str,
    sessions: Sequence[SessionSummary],
    values: Sequence[float | None],
    fmt: str,
    step: bool = False,
) -> Series:
    points = []
    joined = True
    for s, v in zip(sessions, values, strict=True):
        if v is None:
            joined = False
            continue
        value = f"{label}: {fmt.format(v)}"
        points.append(Point(day_number(s.started_at), float(v), _when(s), value, joined))
        joined = True
    return Series(key, label, colour, tuple(points), step)


def pain_chart(sessions: Sequence[SessionSummary], cfg: HistorySettings) -> ChartData | None:
    """Pain before, at most during and after each session (0..10). None without scores."""
    if not any(s.pain.worst is not None for s in sessions):
        return None
    values = pain_values(sessions)
    series = tuple(
        _time_series(key, label, colour, sessions, values[key], "{:.0f} / 10")
        for key, label, colour in PAIN_SERIES
    )
    return ChartData(
        "pain",
        "Pain per session",
        "Line chart of pain scores 0 to 10 before, at most during and after each session",
        "pain (0-10)",
        (0.0, 10.0),
        tuple((float(v), str(v)) for v in range(0, 11, 2)),
        series,
        caption=f"Pain-free: {cfg.pain_free_max} or less; ease off at {cfg.pain_ease_off} "
        "or more (dashed line).",
        rules=((float(cfg.pain_ease_off), "ease off"),),
    )


def form_chart(sessions: Sequence[SessionSummary], cfg: HistorySettings) -> ChartData | None:
    """Form score per session in %; None when no session has a reading."""
    values = form_values(sessions)
    if all(v is None for v in values):
        return None
    series = _time_series("form", "form score", FORM_COLOUR, sessions, values, "{:.0f}%")
    return ChartData(
        "form",
        "Form score per session",
        "Line chart of the share of reps without a form fault per session, in percent",
        "reps without a fault (%)",
        (0.0, 100.0),
        tuple((float(v), f"{v}%") for v in range(0, 101, 25)),
        (series,),
        caption=f"Clean form: {100.0 * cfg.min_form_score:.0f}% or more (dashed line). "
        "Timer-counted sessions have no reading and no point.",
        rules=((100.0 * cfg.min_form_score, "clean form"),),
    )


def band_chart(sessions: Sequence[SessionSummary], cfg: HistorySettings) -> ChartData | None:
    """Band level per session as steps. None without sessions."""
    if not sessions:
        return None
    levels = band_values(sessions)
    top = max(cfg.max_band_level, *levels)
    names = ["none", *(str(k) for k in range(1, top + 1))]
    series = _time_series("band", "band level", BAND_COLOUR, sessions, levels, "{}", step=True)
    return ChartData(
        "band",
        "Band level",
        "Step chart of the resistance band level per session",
        "band level",
        (0.0, float(top)),
        tuple((float(k), name) for k, name in enumerate(names)),
        (series,),
        caption="0 = no band.",
    )


def _side_series(
    rows: Sequence[SideComparison], side: str, reps: bool, names: Sequence[str]
) -> Series | None:
    points = []
    for k, (row, name) in enumerate(zip(rows, names, strict=True)):
        reading = row.reading(side)  # type: ignore[arg-type]
        if reading is None:
            continue
        if reps:
            points.append(Point(k, float(reading.reps), name, f"{side} leg: {reading.reps} reps"))
        elif reading.median_peak_deg is not None:
            peak = reading.median_peak_deg
            points.append(Point(k, peak, name, f"{side} leg: {peak:.0f}°"))
    if not points:
        return None
    return Series(side, f"{side} leg", SIDE_COLOURS[side], tuple(points))


def side_charts(rows: Sequence[SideComparison], names: Sequence[str]) -> list[ChartData]:
    """Left vs right per exercise (``names``: the exercises' display names, in ``rows``'
    order): total reps, and median peak angle in degrees."""
    out = []
    for reps, chart_id, title, unit in (
        (True, "side-reps", "Reps per leg", "reps (total)"),
        (False, "side-peak", "Median peak angle per leg", "angle (deg)"),
    ):
        series = [_side_series(rows, side, reps, names) for side in SIDES]
        kept = tuple(s for s in series if s is not None)
        if not kept:
            continue
        top = _nice_top(max(p.y for s in kept for p in s.points))
        parts = 4 if (top / 4).is_integer() or not (top / 5).is_integer() else 5
        ticks = tuple((top * k / parts, f"{top * k / parts:g}") for k in range(parts + 1))
        description = f"Bar chart of {unit} per exercise for the left and right leg"
        out.append(
            ChartData(chart_id, title, description, unit, (0.0, top), ticks, kept, tuple(names))
        )
    return out


def history_charts(
    sessions: Sequence[SessionSummary],
    rows: Sequence[SideComparison],
    routine: Routine,
    cfg: HistorySettings,
) -> list[ChartData]:
    """Every chart of the history that has data: pain, form, left vs right, band level."""
    names = [_exercise_name(routine, r.exercise) for r in rows]
    timeline = [pain_chart(sessions, cfg), form_chart(sessions, cfg)]
    return [
        *(c for c in timeline if c is not None),
        *side_charts(rows, names),
        *(c for c in (band_chart(sessions, cfg),) if c is not None),
    ]


def _exercise_name(routine: Routine, exercise_id: str) -> str:
    return next((e.name for e in routine.exercises if e.id == exercise_id), exercise_id)


def _nice_top(value: float) -> float:
    """The smallest 1/2/2.5/5 x 10^k at or above ``value`` (at least 1)."""
    if value <= 1.0:
        return 1.0
    power = 10.0 ** math.floor(math.log10(value))
    return next(m * power for m in (1.0, 2.0, 2.5, 5.0, 10.0) if m * power >= value)


@dataclass(frozen=True)
class _Frame:
    """Data to SVG coordinates."""

    x0: float
    x1: float
    y0: float
    y1: float

    def x(self, value: float) -> float:
        span = (self.x1 - self.x0) or 1.0
        return LEFT + (value - self.x0) / span * (WIDTH - LEFT - RIGHT)

    def y(self, value: float) -> float:
        span = (self.y1 - self.y0) or 1.0
        return HEIGHT - BOTTOM - (value - self.y0) / span * (HEIGHT - TOP - BOTTOM)


def _frame(chart: ChartData) -> _Frame:
    y0, y1 = chart.y_range
    if chart.categories:
        return _Frame(-0.5, len(chart.categories) - 0.5, y0, y1)
    xs = [p.x for s in chart.series for p in s.points] or [0.0]
    return _Frame(math.floor(min(xs)), math.floor(max(xs)) + 1.0, y0, y1)


def _x_ticks(chart: ChartData, frame: _Frame, max_ticks: int = 8) -> list[tuple[float, str]]:
    """Category names, or whole days ("05 Jan") at their noon, at most ``max_ticks``."""
    if chart.categories:
        return [(float(k), name) for k, name in enumerate(chart.categories)]
    first, last = int(frame.x0), int(frame.x1) - 1
    step = max(1, math.ceil((last - first + 1) / max_ticks))
    return [(d + 0.5, f"{_EPOCH + timedelta(days=d):%d %b}") for d in range(first, last + 1, step)]


def _wrap(text: str, width: int = 20) -> list[str]:
    """``text`` in lines of at most ``width`` characters where it has spaces."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


def _hline(cls: str, y: float, extra: str = "") -> str:
    """A horizontal line across the plot at ``y`` (px), of CSS class ``cls``."""
    return (
        f'<line class="{cls}" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}"{extra}/>'
    )


def _axes(chart: ChartData, frame: _Frame) -> list[str]:
    parts = ['<g class="chart-axes" aria-hidden="true">']
    for value, text in chart.y_ticks:
        y = frame.y(value)
        parts.append(
            _hline("chart-grid", y) + f'<text class="chart-tick" x="{LEFT - 6}" '
            f'y="{y + 4:.1f}" text-anchor="end">{escape(text)}</text>'
        )
    for value, text in _x_ticks(chart, frame):
        x = frame.x(value)
        lines = "".join(
            f'<tspan x="{x:.1f}" dy="{0 if k == 0 else 14}">{escape(line)}</tspan>'
            for k, line in enumerate(_wrap(text))
        )
        parts.append(
            f'<text class="chart-tick" x="{x:.1f}" y="{HEIGHT - BOTTOM + 16}" '
            f'text-anchor="middle">{lines}</text>'
        )
    for value, text in chart.rules:
        y = frame.y(value)
        parts.append(
            _hline("chart-rule", y, ' stroke-dasharray="6 4"') + f'<text class="chart-tick" '
            f'x="{WIDTH - RIGHT - 4}" y="{y - 4:.1f}" text-anchor="end">{escape(text)}</text>'
        )
    parts.append(
        f'<text class="chart-axis-label" x="12" y="{(HEIGHT - BOTTOM + TOP) / 2:.1f}" '
        f'text-anchor="middle" transform="rotate(-90 12 {(HEIGHT - BOTTOM + TOP) / 2:.1f})">'
        f"{escape(chart.y_label)}</text></g>"
    )
    return parts


def _line_path(series: Series, frame: _Frame) -> str:
    coords = [(frame.x(p.x), frame.y(p.y)) for p in series.points]
    if not coords:
        return ""
    d = [f"M{coords[0][0]:.1f},{coords[0][1]:.1f}"]
    for (x, y), point in zip(coords[1:], series.points[1:], strict=True):
        if not point.joined:
            d.append(f"M{x:.1f},{y:.1f}")
        else:
            d.append(f"H{x:.1f} V{y:.1f}" if series.step else f"L{x:.1f},{y:.1f}")
    return (
        f'<path class="chart-line" d="{" ".join(d)}" fill="none" '
        f'stroke="{escape(series.colour)}" stroke-width="2"/>'
    )


def _point_mark(point: Point, series: Series, frame: _Frame, bar: tuple[float, float]) -> str:
    """One focusable mark: a circle, or a bar when ``bar`` (offset, width) has a width."""
    readout = escape(point.readout)
    colour = escape(series.colour)
    common = f'class="chart-point" tabindex="0" role="img" aria-label="{readout}" '
    common += f'data-readout="{readout}" fill="{colour}"'
    offset, width = bar
    if width:
        x = frame.x(point.x) + offset
        top, base = frame.y(point.y), frame.y(0.0)
        return (
            f'<rect {common} x="{x:.1f}" y="{top:.1f}" width="{width:.1f}" '
            f'height="{max(base - top, 1.0):.1f}"><title>{readout}</title></rect>'
        )
    return (
        f'<circle {common} cx="{frame.x(point.x):.1f}" cy="{frame.y(point.y):.1f}" r="5">'
        f"<title>{readout}</title></circle>"
    )


def _series_group(chart: ChartData, k: int, frame: _Frame) -> str:
    series = chart.series[k]
    bar = (0.0, 0.0)
    if chart.categories:
        slot = (frame.x(1.0) - frame.x(0.0)) * 0.8
        width = slot / len(chart.series)
        bar = (-slot / 2 + k * width, width)
    marks = [_point_mark(p, series, frame, bar) for p in series.points]
    line = "" if chart.categories else _line_path(series, frame)
    return (
        f'<g class="chart-series" data-series="{escape(chart.id)}-{escape(series.key)}">'
        f"{line}{''.join(marks)}</g>"
    )


def _legend(chart: ChartData) -> str:
    items = []
    for s in chart.series:
        items.append(
            f'<li><button type="button" class="chart-legend-item" aria-pressed="true" '
            f'data-series="{escape(chart.id)}-{escape(s.key)}">'
            f'<svg width="14" height="14" aria-hidden="true" focusable="false">'
            f'<rect width="14" height="14" rx="3" fill="{escape(s.colour)}"/></svg> '
            f"{escape(s.label)}</button></li>"
        )
    return (
        f'<ul class="chart-legend" aria-label="Show or hide a series of {escape(chart.title)}">'
        f"{''.join(items)}</ul>"
    )


def chart_svg(chart: ChartData) -> Markup:
    """The chart as an HTML ``<figure>``: title, legend buttons, the SVG, a live readout
    of the hovered or focused point, and the caption."""
    frame = _frame(chart)
    groups = [_series_group(chart, k, frame) for k in range(len(chart.series))]
    ident = escape(chart.id)
    svg = (
        f'<svg class="chart-svg" viewBox="0 0 {WIDTH:g} {HEIGHT:g}" role="group" '
        f'aria-label="{escape(chart.description)}">'
        f"{''.join(_axes(chart, frame))}{''.join(groups)}</svg>"
    )
    caption = f'<p class="muted">{escape(chart.caption)}</p>' if chart.caption else ""
    return Markup(
        f'<figure class="chart" id="chart-{ident}" data-chart="{ident}">'
        f"<figcaption><h3>{escape(chart.title)}</h3></figcaption>{_legend(chart)}{svg}"
        f'<p class="chart-readout" aria-live="polite">Point at or tab to a point to read '
        f"its value.</p>{caption}</figure>"
    )
