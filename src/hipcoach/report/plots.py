"""Charts of an analysis as PNG bytes, plus the colours and labels the report and the
overlay share.

matplotlib is imported inside the chart functions: each figure is drawn on its own Agg
canvas (no display, no global pyplot state, never set at import) and cleared after use.
Angles are in degrees, times in seconds from the start of the recording.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Final

import numpy as np

from hipcoach.analysis.analyze import BlockAnalysis
from hipcoach.analysis.result import AnalysisResult, SetResult
from hipcoach.exercises.routine import Routine
from hipcoach.report.figures import figure, png_bytes, style_axes
from hipcoach.types import SIDES

if TYPE_CHECKING:
    from matplotlib.axes import Axes

#: One colour per exercise (hex RGB), used by the charts, the report and the overlay.
EXERCISE_COLOURS: Final[dict[str, str]] = {
    "small_leg_raise": "#2a9d8f",
    "bicycle_sidekick": "#8e6bbf",
    "big_leg_lift": "#e76f51",
    "leg_circle_ccw": "#d4a017",
    "leg_circle_cw": "#5a8f3c",
}
OTHER_COLOUR: Final = "#888888"
#: The person's left side orange, right side blue (as the skeleton overlay draws them).
SIDE_COLOURS: Final[dict[str, str]] = {"left": "#ff8c00", "right": "#00aaff"}
DIRECTION_TEXT: Final[dict[str, str]] = {
    "ccw": "counter-clockwise (seen from your feet)",
    "cw": "clockwise (seen from your feet)",
}


def exercise_colour(exercise_id: str) -> str:
    """Hex colour of an exercise (grey for an id the palette does not know)."""
    return EXERCISE_COLOURS.get(exercise_id, OTHER_COLOUR)


def hex_rgb(colour: str) -> tuple[int, int, int]:
    """``"#rrggbb"`` -> (r, g, b), each 0..255."""
    value = colour.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def exercise_name(routine: Routine, exercise_id: str) -> str:
    """The routine's display name of an exercise id (the id itself if unknown)."""
    for spec in routine.exercises:
        if spec.id == exercise_id:
            return spec.name
    return exercise_id


def plot_label(text: str) -> str:
    """Text safe for a matplotlib label: a ``$`` from a file never starts mathtext, and
    control characters are dropped."""
    clean = "".join(c for c in text if c >= " " and c != "\x7f")
    return clean.replace("$", r"\$")


def direction_text(direction: str | None) -> str | None:
    """Circle direction as the user reads it, seen from the feet looking toward the head."""
    return DIRECTION_TEXT.get(direction) if direction else None


def exercise_order(result: AnalysisResult, routine: Routine) -> list[str]:
    """Exercise ids found in ``result``, in routine order (unknown ids last)."""
    found = {s.exercise for s in result.sets}
    known = [e.id for e in routine.exercises if e.id in found]
    return known + sorted(found - set(known))


def block_sets(result: AnalysisResult, block: BlockAnalysis) -> list[tuple[int, SetResult]]:
    """(1-based set number, set) of the sets that fall inside one side block."""
    sig = block.signals
    if sig is None or not len(sig.times_s):
        return []
    t0, t1 = float(sig.times_s[0]), float(sig.times_s[-1])
    return [
        (k, s)
        for k, s in enumerate(result.sets, start=1)
        if s.side == block.view.working_leg and t0 - 1e-6 <= s.start_s <= t1 + 1e-6
    ]


def block_angle_png(
    result: AnalysisResult, block: BlockAnalysis, routine: Routine, title: str = ""
) -> bytes | None:
    """Working-leg abduction (deg) over time (s) in one side block, counted reps shaded in
    their exercise's colour and each set labelled "#n" (its row in the set table), with the
    thigh depth cue (deg, + = thigh toward the camera) as a thinner line. None if the
    block has no signals."""
    sig = block.signals
    if sig is None or not len(sig.times_s):
        return None
    with figure(10.0, 3.6) as fig:
        ax = fig.add_subplot()
        style_axes(ax)
        seen: dict[str, None] = {}
        for number, s in block_sets(result, block):
            colour = exercise_colour(s.exercise)
            for a, b in s.rep_times:
                ax.axvspan(a, b, facecolor=colour, alpha=0.3, edgecolor="white", linewidth=0.8)
            ax.annotate(
                f"#{number}",
                xy=(0.5 * (s.start_s + s.end_s), 1.0),
                xycoords=("data", "axes fraction"),
                ha="center",
                va="bottom",
                fontsize=9,
                fontweight="bold",
                color=colour,
            )
            seen.setdefault(s.exercise)
        ax.plot(sig.times_s, sig.abduction_2d_deg, color="#1f2933", linewidth=1.6)
        ax.plot(sig.times_s, sig.thigh_depth_deg, color="#7b8794", linewidth=0.8)
        _block_legend(ax, list(seen), routine)
        ax.set_xlabel("time (s)")
        ax.set_ylabel("angle (deg)")
        ax.set_xlim(float(sig.times_s[0]), float(sig.times_s[-1]))
        if title:
            ax.set_title(title, loc="left", fontsize=11, pad=16)
        return png_bytes(fig)


def _block_legend(ax: Axes, exercises: list[str], routine: Routine) -> None:
    from matplotlib.lines import Line2D  # noqa: PLC0415
    from matplotlib.patches import Patch  # noqa: PLC0415

    handles: list[Line2D | Patch] = [
        Line2D([], [], color="#1f2933", linewidth=1.6, label="leg raise angle (abduction)"),
        Line2D([], [], color="#7b8794", linewidth=0.8, label="thigh depth cue (forward +)"),
    ]
    handles += [
        Patch(color=exercise_colour(e), alpha=0.5, label=plot_label(exercise_name(routine, e)))
        for e in exercises
    ]
    ax.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(1.01, 1.0),
        fontsize=8,
        frameon=False,
    )


def _side_values(result: AnalysisResult, exercises: list[str]) -> dict[str, dict[str, list[float]]]:
    """Per side: total reps and median peak angle (deg, NaN if none) per exercise."""
    comp = {c.exercise: c for c in result.comparison()}
    out: dict[str, dict[str, list[float]]] = {}
    for side in SIDES:
        readings = [None if e not in comp else comp[e].reading(side) for e in exercises]
        out[side] = {
            "reps": [0.0 if r is None else float(r.reps) for r in readings],
            "peak": [
                math.nan if r is None or r.median_peak_deg is None else r.median_peak_deg
                for r in readings
            ],
        }
    return out


def summary_png(result: AnalysisResult, routine: Routine) -> bytes | None:
    """Per exercise, left vs right side by side (only the legs analysed): reps against the
    target (left panel) and median peak angle in degrees (right panel). None without sets."""
    exercises = exercise_order(result, routine)
    if not exercises:
        return None
    values = _side_values(result, exercises)
    targets = [
        next((s.target_reps for s in result.sets if s.exercise == e), None) for e in exercises
    ]
    y = np.arange(len(exercises))[::-1].astype(float)
    sides = [side for side in SIDES if side in result.working_legs]
    height = 0.38 if len(sides) == 2 else 0.5
    with figure(10.0, 1.2 + 0.62 * len(exercises)) as fig:
        reps_ax, peak_ax = fig.subplots(1, 2, sharey=True)
        for k, side in enumerate(sides):
            offset = (0.5 * (len(sides) - 1) - k) * height
            for ax, key in ((reps_ax, "reps"), (peak_ax, "peak")):
                vals = np.nan_to_num(np.asarray(values[side][key], float))
                bars = ax.barh(y + offset, vals, height, color=SIDE_COLOURS[side], label=side)
                labels = [_bar_label(v, key) for v in values[side][key]]
                ax.bar_label(bars, labels=labels, padding=3, fontsize=8)
        for yi, target in zip(y, targets, strict=True):
            if target:
                reps_ax.plot([target, target], [yi - 0.45, yi + 0.45], color="#1f2933", lw=1.5)
        reps_ax.plot([], [], color="#1f2933", lw=1.5, label="target")
        reps_ax.set_yticks(y, [plot_label(exercise_name(routine, e)) for e in exercises])
        reps_ax.set_xlabel("reps")
        peak_ax.set_xlabel("median peak angle (deg)")
        for ax in (reps_ax, peak_ax):
            style_axes(ax)
            ax.grid(False, axis="y")
            ax.margins(x=0.15)
        fig.legend(
            *reps_ax.get_legend_handles_labels(), loc="outside upper center", ncols=3, fontsize=8
        )
        return png_bytes(fig)


def _bar_label(value: float, key: str) -> str:
    if not math.isfinite(value):
        return "-"
    return f"{value:.0f}" if key == "reps" else f"{value:.0f}°"


def _signed_deg(value: float) -> str:
    return "0°" if abs(value) < 0.05 else f"{value:+.1f}°"


def asymmetry(result: AnalysisResult, routine: Routine) -> list[tuple[str, float]]:
    """(exercise id, left minus right median peak angle in deg; ``analysis.sides``) for
    exercises done and measured with both legs, in routine order."""
    comp = {c.exercise: c for c in result.comparison()}
    out = []
    for e in exercise_order(result, routine):
        diff = comp[e].peak_diff_deg if e in comp else None
        if diff is not None:
            out.append((e, diff))
    return out


def asymmetry_png(result: AnalysisResult, routine: Routine) -> bytes | None:
    """Left minus right median peak angle (deg) per exercise, bars coloured by the side that
    went higher. None unless both legs were analysed."""
    rows = asymmetry(result, routine)
    if not rows:
        return None
    diffs = np.array([d for _, d in rows])
    y = np.arange(len(rows))[::-1].astype(float)
    with figure(10.0, 1.3 + 0.45 * len(rows)) as fig:
        ax = fig.add_subplot()
        style_axes(ax)
        colours = [SIDE_COLOURS["left" if d >= 0 else "right"] for d in diffs]
        bars = ax.barh(y, diffs, 0.55, color=colours)
        ax.bar_label(bars, labels=[_signed_deg(d) for d in diffs], padding=3, fontsize=8)
        ax.axvline(0.0, color="#1f2933", linewidth=1.0)
        limit = max(5.0, float(np.abs(diffs).max()) * 1.35)
        ax.set_xlim(-limit, limit)
        ax.set_yticks(y, [plot_label(exercise_name(routine, e)) for e, _ in rows])
        ax.grid(False, axis="y")
        ax.set_xlabel("left minus right median peak angle (deg)")
        ax.text(0.01, 1.02, "◀ right leg higher", transform=ax.transAxes, fontsize=8, ha="left")
        ax.text(0.99, 1.02, "left leg higher ▶", transform=ax.transAxes, fontsize=8, ha="right")
        return png_bytes(fig)
