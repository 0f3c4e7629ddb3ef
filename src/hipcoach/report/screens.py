"""One combined, self-contained HTML screening report of several screen results.

Plain language per screen: what was measured, what it suggests, the numbers per rep/step,
a chart, camera notes; then the latest ``hipcoach check`` answers when the history has
them; "not a diagnosis" at the top and the bottom. Inline CSS, charts as base64 ``data:``
PNGs, no scripts, no links: it opens offline. Jinja2 autoescapes every text.
"""

from __future__ import annotations

import base64
import math
from dataclasses import dataclass
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import Any, Final

from hipcoach import __version__
from hipcoach.files import write_text
from hipcoach.history.report import CheckView, check_view
from hipcoach.report.figures import html_environment
from hipcoach.report.screen_plots import screen_png
from hipcoach.screens.result import NOT_A_DIAGNOSIS, ScreenResult
from hipcoach.storage import AnswerRow

TITLES: Final = {
    "squat": "Squat: do the knees cave inward?",
    "stance": "Standing on one leg: does the pelvis drop?",
    "gait": "Walking: does the pelvis drop with each step?",
}
MEASURED: Final = {
    "squat": (
        "At the bottom of each squat, the angle between thigh and shin seen from the front "
        "(frontal-plane projection angle, FPPA; + = knee inward) and how far apart the knees "
        "are compared with the ankles (knee-to-ankle ratio)."
    ),
    "stance": (
        "Which leg you stood on, for how long, how much the free side of the pelvis dropped "
        "(+) or rose (-) and how far the trunk leaned over the standing leg."
    ),
    "gait": (
        "Each step and the leg you stood on, and how far the free side of the pelvis dropped "
        "during it, averaged per side."
    ),
}
SUGGESTS: Final = {
    "positive": (
        "This movement pattern is common with weak hip abductors (gluteus medius). It is a "
        "reason to keep strengthening, and to ask a physiotherapist if it comes with pain."
    ),
    "negative": "The measured values were within the usual range for this test.",
    "cannot_rule_out": (
        "This camera check cannot tell you that you do not have this sign: it is known to "
        "miss it (see how it was tested below). Do what the result says instead."
    ),
    "inconclusive": "No finding: the video could not be read for this test (reason below).",
}
_UNITS: Final = (("_deg", "°"), ("_pct", " %"), ("_s", " s"))
#: Plain words for the JSON keys (no units: the values carry them).
LABELS: Final = {
    "rep": "rep", "complete": "full rep", "start_s": "start", "bottom_s": "bottom",
    "end_s": "end", "depth_pct": "depth", "kasr": "knee-to-ankle ratio",
    "fppa_left_deg": "left knee angle (front)", "fppa_right_deg": "right knee angle (front)",
    "fppa_3d_left_deg": "left knee angle (depth check)",
    "fppa_3d_right_deg": "right knee angle (depth check)",
    "valgus_left": "left knee inward", "valgus_right": "right knee inward",
    "fppa_median_deg": "median knee angle", "fppa_max_deg": "largest knee angle",
    "fppa_3d_median_deg": "median knee angle (depth check)", "reps_measured": "reps measured",
    "reps_valgus": "reps with the knee inward", "kasr_median": "median knee-to-ankle ratio",
    "valgus": "knee inward", "hold": "hold", "stance_leg": "standing leg",
    "free_side": "free side", "hold_s": "held for", "pelvic_drop_median_deg": "pelvic drop",
    "pelvic_drop_p90_deg": "pelvic drop (90th percentile)",
    "trunk_lean_toward_stance_deg": "trunk lean over the standing leg",
    "trendelenburg": "Trendelenburg sign", "trunk_compensation": "trunk compensation",
    "tested": "tested", "note": "note", "step": "step", "duration_s": "step time",
    "pelvic_drop_deg": "pelvic drop", "stance_knee_fppa_deg": "standing knee angle",
    "steps": "steps", "pelvic_drop_mean_deg": "mean pelvic drop",
    "pelvic_drop_sd_deg": "spread of the pelvic drop (SD)",
    "stance_knee_fppa_median_deg": "median standing knee angle", "drop_flagged": "drop flagged",
}  # fmt: skip
QUIET_NOTE: Final = {
    "inconclusive": "Greyed values are not readings: this video could not be read for this test.",
    "cannot_rule_out": (
        "Greyed values are not readings of the sign: the camera is known to miss it (see how "
        "this screen was tested)."
    ),
}

TEMPLATE = "screens.html.j2"
"""The Jinja2 template of the combined screening report, next to this module."""


@dataclass(frozen=True)
class Section:
    """One screen as shown in the report."""

    title: str
    finding: str
    label: str
    reason: str
    measured: str
    suggests: str
    fix: str | None
    warnings: list[str]
    columns: list[str]
    rows: list[list[str]]
    sides: list[tuple[str, str]]
    chart: str | None
    source: str
    stance_leg: str | None
    quiet_note: str | None
    fix_label: str
    evidence: str


def _cell(key: str, value: Any) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "no reading"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        for suffix, unit in _UNITS:
            if key.endswith(suffix):
                return f"{value:.1f}{unit}"
        return f"{value:.2f}"
    return str(value)


def _heading(key: str) -> str:
    """Plain words for a JSON key (the values carry the units, so none here)."""
    if key in LABELS:
        return LABELS[key]
    for suffix, _ in _UNITS:
        if key.endswith(suffix):
            key = key[: -len(suffix)]
    return key.replace("_", " ")


def _sides(result: ScreenResult) -> list[tuple[str, str]]:
    out = []
    for side in ("left", "right"):
        values = result.per_side.get(side) or {}
        text = "; ".join(f"{_heading(k)}: {_cell(k, v)}" for k, v in values.items())
        out.append((f"{side} leg", text or "no reading"))
    return out


def section(result: ScreenResult) -> Section:
    """The report section of one result."""
    columns = list(dict.fromkeys(k for item in result.items for k in item))
    png = screen_png(result) if result.items or result.series else None
    chart = "data:image/png;base64," + base64.b64encode(png).decode("ascii") if png else None
    return Section(
        title=TITLES[result.screen],
        finding=result.finding,
        label=result.label,
        reason=result.reason,
        measured=MEASURED[result.screen],
        suggests=SUGGESTS[result.finding],
        fix=result.fix,
        warnings=list(result.warnings),
        columns=[_heading(c) for c in columns],
        rows=[[_cell(c, item.get(c)) for c in columns] for item in result.items],
        sides=_sides(result),
        chart=chart,
        source=result.source,
        stance_leg=result.stance_leg,
        quiet_note=QUIET_NOTE.get(result.finding),
        fix_label="What to do" if result.finding == "cannot_rule_out" else "To film it again",
        evidence=str(result.evidence.get("summary", "")),
    )


def render_screening(
    results: list[ScreenResult],
    latest_check: AnswerRow | None = None,
    generated: datetime | None = None,
) -> str:
    """The report's HTML text."""
    text = resources.files("hipcoach.report").joinpath(TEMPLATE).read_text(encoding="utf-8")
    env = html_environment()
    check: CheckView | None = check_view(latest_check)
    when = (generated or datetime.now().astimezone()).strftime("%Y-%m-%d %H:%M")
    return env.from_string(text).render(
        title="Hip screening report",
        generated=when,
        version=__version__,
        disclaimer=NOT_A_DIAGNOSIS,
        sections=[section(r) for r in results],
        check=check,
    )


def write_screening(
    results: list[ScreenResult],
    path: Path,
    latest_check: AnswerRow | None = None,
    generated: datetime | None = None,
) -> Path:
    """Write the combined report to ``path`` (UTF-8); returns ``path``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_text(path, render_screening(results, latest_check, generated), private=True)
    return path
