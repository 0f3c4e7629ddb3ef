"""Charts of screen results as PNG bytes (matplotlib on its own Agg canvas, never pyplot).

Each chart reads only the JSON form of a result (``series`` and ``items``), so the combined
report can be drawn from saved files. Angles in degrees, times in seconds. When the finding
is quiet (inconclusive, cannot rule out) every line is grey, no threshold is drawn and the
chart is stamped "not readings" with the finding.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from hipcoach.report.figures import figure, png_bytes, style_axes
from hipcoach.report.plots import SIDE_COLOURS
from hipcoach.screens.result import ScreenResult

if TYPE_CHECKING:
    from matplotlib.axes import Axes


def _values(series: dict[str, list[Any]], key: str) -> list[float]:
    """The series ``key`` as floats; all NaN (one per time) when it is missing."""
    n = len(series.get("t_s", []))
    values = series.get(key)
    if values is None or len(values) != n:
        return [math.nan] * n
    return [math.nan if v is None else float(v) for v in values]


QUIET_GREY = "#b5b9c0"


def _colour(result: ScreenResult, colour: str) -> str:
    """``colour`` for readings, grey when the numbers are no reading."""
    return colour if result.readings_trusted else QUIET_GREY


def _threshold(ax: Axes, result: ScreenResult, value: float, label: str) -> None:
    """The flag threshold (dashed red), left out when the numbers are no reading."""
    if result.readings_trusted:
        ax.axhline(value, color="#c0392b", linestyle="--", linewidth=1.2, label=label)


def _stamp(ax: Axes, result: ScreenResult) -> None:
    """Mark a quiet chart: the finding and "not readings" across the plot."""
    if result.readings_trusted:
        return
    ax.text(
        0.5,
        0.5,
        f"{result.label}: not readings",
        transform=ax.transAxes,
        ha="center",
        va="center",
        fontsize=18,
        color="#6b7280",
        alpha=0.8,
        bbox={"facecolor": "white", "edgecolor": "#9ca3af", "alpha": 0.85},
    )
    ax.set_title(
        f"{result.screen} screen: {result.label} (greyed values are not readings)",
        fontsize=10,
        color="#4b5563",
    )


def squat_png(result: ScreenResult) -> bytes | None:
    """FPPA of each knee over time with the rep bottoms marked, and the valgus threshold."""
    t = _values(result.series, "t_s")
    if not t:
        return None
    with figure(8.0, 3.2) as fig:
        ax = fig.add_subplot()
        for side in ("left", "right"):
            ax.plot(
                t,
                _values(result.series, f"fppa_{side}_deg"),
                color=_colour(result, SIDE_COLOURS[side]),
                label=f"{side} knee angle",
            )
        for item in result.items:
            bottom = _num(item, "bottom_s")
            if bottom is not None:
                ax.axvline(bottom, color="#999999", linewidth=0.8)
        _threshold(ax, result, result.thresholds.get("fppa_valgus_deg", 13.0), "valgus threshold")
        _stamp(ax, result)
        ax.set_xlabel("time (s)")
        ax.set_ylabel("knee angle from the front (°, + = inward)")
        ax.legend(fontsize=8, loc="best")
        style_axes(ax)
        return png_bytes(fig)


def _num(item: dict[str, Any], key: str) -> float | None:
    """A finite number of an item, or None (missing, null or not a number)."""
    value = item.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None


def stance_png(result: ScreenResult) -> bytes | None:
    """Hip line (free-side drop) and trunk lean over time, holds shaded."""
    t = _values(result.series, "t_s")
    if not t:
        return None
    with figure(8.0, 3.2) as fig:
        ax = fig.add_subplot()
        ax.plot(
            t,
            _values(result.series, "hip_line_left_down_deg"),
            color=_colour(result, "#264653"),
            label="hip line (+ = left hip lower)",
        )
        ax.plot(
            t,
            _values(result.series, "trunk_lean_left_deg"),
            color=_colour(result, "#e9c46a"),
            label="trunk lean (+ = toward the left)",
            linestyle="-" if result.readings_trusted else ":",
        )
        for item in result.items:
            start, end = _num(item, "start_s"), _num(item, "end_s")
            if start is not None and end is not None:
                ax.axvspan(start, end, color="#dddddd", alpha=0.5)
        ax.axhline(0.0, color="#777777", linewidth=0.8)
        _stamp(ax, result)
        ax.set_xlabel("time (s)")
        ax.set_ylabel("angle (°)")
        ax.legend(fontsize=8, loc="best")
        style_axes(ax)
        return png_bytes(fig)


def gait_png(result: ScreenResult) -> bytes | None:
    """Peak pelvic drop of the free side, step by step, coloured by stance leg."""
    if not result.items:
        return None
    with figure(8.0, 3.0) as fig:
        ax = fig.add_subplot()
        for item in result.items:
            value, step = _num(item, "pelvic_drop_deg"), _num(item, "step")
            leg = item.get("stance_leg")
            if step is None or leg not in SIDE_COLOURS:
                continue  # not a step this version writes
            ax.bar(
                step,
                math.nan if value is None else value,
                color=_colour(result, SIDE_COLOURS[str(leg)]),
            )
        _threshold(ax, result, result.thresholds.get("gait_drop_deg", 7.0), "flag threshold")
        _stamp(ax, result)
        ax.set_xlabel(
            "step (colour: stance leg, orange left, blue right)"
            if result.readings_trusted
            else "step"
        )
        ax.set_ylabel("free-side pelvic drop (°)")
        if result.readings_trusted:
            ax.legend(fontsize=8)
        style_axes(ax)
        return png_bytes(fig)


def screen_png(result: ScreenResult) -> bytes | None:
    """The chart of one result (None when there is nothing to draw)."""
    draw = {"squat": squat_png, "stance": stance_png, "gait": gait_png}[result.screen]
    return draw(result)
