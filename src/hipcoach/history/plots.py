"""Charts of the history as PNG bytes: pain, form score and band level per session, and
left vs right per exercise.

matplotlib is imported inside the functions: each figure is drawn on its own Agg canvas (no
display, no pyplot state) and cleared after use. Session times are plotted as local wall
clock times; pain is 0..10, form score in %, angles in degrees.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Final

import numpy as np

from hipcoach.analysis.sides import SideComparison
from hipcoach.config import HistorySettings
from hipcoach.exercises.routine import Routine
from hipcoach.history.charts import PAIN_SERIES, band_values, day_number, form_values, pain_values
from hipcoach.history.stats import SessionSummary
from hipcoach.report.figures import figure, png_bytes, style_axes
from hipcoach.report.plots import SIDE_COLOURS, exercise_name, plot_label
from hipcoach.types import SIDES

if TYPE_CHECKING:
    from matplotlib.axes import Axes

_INK: Final = "#1f2933"
PAIN_COLOURS: Final[dict[str, str]] = {key: colour for key, _, colour in PAIN_SERIES}


def _times(sessions: Sequence[SessionSummary]) -> np.ndarray:
    """Session start times as days since 1970-01-01 in local wall-clock time (float days,
    matplotlib's default date unit), so the axis shows local days."""
    return np.array([day_number(s.started_at) for s in sessions], dtype=float)


def _floats(values: Sequence[float | None]) -> list[float]:
    """None as NaN (a gap in a line)."""
    return [np.nan if v is None else float(v) for v in values]


def _date_axis(ax: Axes, x: np.ndarray, max_ticks: int = 10) -> None:
    """Ticks on whole days ("05 Jan"), at most ``max_ticks`` of them."""
    first, last = math.floor(float(x.min())), math.ceil(float(x.max()))
    step = max(1, math.ceil((last - first + 1) / max_ticks))
    ticks = np.arange(first, last + 1, step, dtype=float)
    epoch = datetime(1970, 1, 1)
    ax.set_xticks(ticks, [f"{epoch + timedelta(days=float(t)):%d %b}" for t in ticks])
    ax.set_xlim(first - 0.5, last + 0.5)


def pain_png(sessions: Sequence[SessionSummary], cfg: HistorySettings) -> bytes | None:
    """Pain before, at most during and after each session (0..10). None without scores."""
    if not any(s.pain.worst is not None for s in sessions):
        return None
    x = _times(sessions)
    with figure(10.0, 3.4) as fig:
        ax = fig.add_subplot()
        style_axes(ax)
        ax.axhspan(-0.5, cfg.pain_free_max + 0.5, color="#e8f5e9", zorder=0)
        ax.axhline(cfg.pain_ease_off, color="#b42318", linestyle="--", linewidth=1.0)
        values = pain_values(sessions)
        for key, label, _ in PAIN_SERIES:
            y = _floats(values[key])
            ax.plot(
                x, y, marker="o", markersize=4, linewidth=1.4, color=PAIN_COLOURS[key], label=label
            )
        for s, t in zip(sessions, x, strict=True):
            if s.stop_reason:
                ax.annotate(
                    "stopped", (t, 10.0), ha="center", va="top", fontsize=8, color="#b42318"
                )
        ax.set_ylim(-0.5, 10.5)
        ax.set_ylabel("pain (0-10)")
        _date_axis(ax, x)
        ax.legend(loc="upper right", fontsize=8, ncols=3, frameon=False)
        ax.text(
            0.005,
            0.02,
            f"green band: pain-free (≤ {cfg.pain_free_max}); dashed: ease off "
            f"(≥ {cfg.pain_ease_off})",
            transform=ax.transAxes,
            fontsize=8,
            color="#616e7c",
        )
        return png_bytes(fig)


def form_png(sessions: Sequence[SessionSummary], cfg: HistorySettings) -> bytes | None:
    """Form score per session (% of camera/video reps without a fault); sessions without a
    reading are marked along the bottom. None when no session has a reading."""
    if not any(s.form.score is not None for s in sessions):
        return None
    x = _times(sessions)
    y = _floats(form_values(sessions))
    with figure(10.0, 3.2) as fig:
        ax = fig.add_subplot()
        style_axes(ax)
        read = [(t, v) for t, v in zip(x, y, strict=True) if np.isfinite(v)]
        ax.plot([t for t, _ in read], [v for _, v in read], color="#2a9d8f", linewidth=1.4)
        ax.scatter(
            [t for t, _ in read],
            [v for _, v in read],
            color="#2a9d8f",
            s=18,
            zorder=3,
            label="form score",
        )
        none = [t for t, v in zip(x, y, strict=True) if not np.isfinite(v)]
        if none:
            ax.scatter(
                none,
                [2.0] * len(none),
                marker="x",
                color="#7b8794",
                s=24,
                label="no reading (timer-counted)",
            )
        ax.axhline(
            100.0 * cfg.min_form_score,
            color=_INK,
            linestyle="--",
            linewidth=1.0,
            label=f"clean form ({100.0 * cfg.min_form_score:.0f}%)",
        )
        ax.set_ylim(0.0, 105.0)
        ax.set_ylabel("reps without a fault (%)")
        _date_axis(ax, x)
        ax.legend(loc="lower right", fontsize=8, ncols=3, frameon=False)
        return png_bytes(fig)


def band_png(sessions: Sequence[SessionSummary], cfg: HistorySettings) -> bytes | None:
    """Band level (0 = no band) per session as steps. None without sessions."""
    if not sessions:
        return None
    x = _times(sessions)
    levels = band_values(sessions)
    with figure(10.0, 2.2) as fig:
        ax = fig.add_subplot()
        style_axes(ax)
        ax.step(x, levels, where="post", color="#8e6bbf", linewidth=1.8)
        ax.scatter(x, levels, color="#8e6bbf", s=16, zorder=3)
        top = max(cfg.max_band_level, *levels)
        ax.set_yticks(range(top + 1), ["none", *(str(k) for k in range(1, top + 1))])
        ax.set_ylim(-0.4, top + 0.4)
        ax.set_ylabel("band level")
        _date_axis(ax, x)
        return png_bytes(fig)


def _bar_label(value: float, unit: str) -> str:
    return "-" if not np.isfinite(value) else f"{value:.0f}{unit}"


def asymmetry_png(rows: Sequence[SideComparison], routine: Routine) -> bytes | None:
    """Per exercise, left vs right: total reps (left panel) and median peak angle in degrees
    (right panel). None without rows."""
    if not rows:
        return None
    y = np.arange(len(rows))[::-1].astype(float)
    height = 0.38
    with figure(10.0, 1.3 + 0.62 * len(rows)) as fig:
        reps_ax, peak_ax = fig.subplots(1, 2, sharey=True)
        for k, side in enumerate(SIDES):
            offset = (0.5 - k) * height
            readings = [a.reading(side) for a in rows]
            if all(r is None for r in readings):
                continue  # a leg with no data gets no bars, so no legend entry either
            reps = [np.nan if r is None else float(r.reps) for r in readings]
            peaks = [
                np.nan if r is None or r.median_peak_deg is None else r.median_peak_deg
                for r in readings
            ]
            for ax, vals, unit in ((reps_ax, reps, ""), (peak_ax, peaks, "°")):
                bars = ax.barh(
                    y + offset,
                    np.nan_to_num(vals),
                    height,
                    color=SIDE_COLOURS[side],
                    label=f"{side} leg",
                )
                ax.bar_label(
                    bars, labels=[_bar_label(v, unit) for v in vals], padding=3, fontsize=8
                )
        reps_ax.set_yticks(y, [plot_label(exercise_name(routine, a.exercise)) for a in rows])
        reps_ax.set_xlabel("reps (total)")
        peak_ax.set_xlabel("median peak angle (deg)")
        for ax in (reps_ax, peak_ax):
            style_axes(ax)
            ax.grid(False, axis="y")
            ax.margins(x=0.15)
        fig.legend(
            *reps_ax.get_legend_handles_labels(), loc="outside upper center", ncols=2, fontsize=8
        )
        return png_bytes(fig)
