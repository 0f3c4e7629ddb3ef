"""``hipcoach screen squat|stance|gait VIDEO`` and ``hipcoach screen report``.

Each screen: pose (or load a saved ``.npz``) → screen → table on screen, optional
``--json``, ``--plot`` (PNG chart) and ``--overlay`` (video with the angles). An
inconclusive screen writes its outputs, then exits with :class:`ScreenInconclusive` (exit
9) and the reason and fix; a screen that cannot rule its sign out (the video was read, but
the camera cannot see that sign reliably) exits with :class:`ScreenCannotRuleOut` (exit 10).
``screen report`` combines saved JSON files (and the latest ``hipcoach check`` answers from
the history) into one HTML page.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import Group
from rich.table import Table
from rich.text import Text

from hipcoach.cli.options import settings_for
from hipcoach.cli.pose_cmd import PoseJob, run_pose
from hipcoach.cli.ui import DISCLAIMER, console, frame_progress, print_warning
from hipcoach.config import ModelName, Settings
from hipcoach.errors import ScreenCannotRuleOut, ScreenInconclusive
from hipcoach.files import check_outputs, write_bytes
from hipcoach.screens.gait import screen_gait
from hipcoach.screens.result import ScreenName, ScreenResult, load_result
from hipcoach.screens.squat import screen_squat
from hipcoach.screens.stance import screen_stance
from hipcoach.sequence.io import load
from hipcoach.sequence.schema import PoseSequence
from hipcoach.storage.db import database_files

SCREENS: dict[str, Callable[[PoseSequence, Settings], ScreenResult]] = {
    "squat": screen_squat,
    "stance": screen_stance,
    "gait": screen_gait,
}
_STYLE = {
    "positive": "bold red",
    "negative": "bold green",
    "cannot_rule_out": "bold yellow",
    "inconclusive": "bold yellow",
}


@dataclass(frozen=True)
class ScreenJob:
    """What one ``hipcoach screen`` command was asked to do."""

    screen: ScreenName
    source: str
    settings: Settings
    json_out: Path | None = None
    plot: Path | None = None
    overlay: Path | None = None
    show_progress: bool = True


def _sequence(job: ScreenJob) -> PoseSequence:
    if job.source.lower().endswith(".npz"):
        return load(Path(job.source))
    pose = PoseJob(
        source=job.source,
        out=None,
        overlay=None,
        settings=job.settings,
        show_progress=job.show_progress,
        allow_partial_body=True,  # the screen's own view check says what is cut off
    )
    return run_pose(pose).sequence


def _fmt(key: str, value: Any) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.1f}" if key.endswith(("_deg", "_s", "_pct")) else f"{value:.2f}"
    return str(value)


#: Columns of the terminal table per screen: (item key, header). Every value is in --json.
_COLUMNS: dict[str, tuple[tuple[str, str], ...]] = {
    "squat": (
        ("rep", "rep"),
        ("bottom_s", "bottom (s)"),
        ("depth_pct", "depth (%)"),
        ("kasr", "knee/ankle"),
        ("fppa_left_deg", "FPPA L (°)"),
        ("fppa_3d_left_deg", "3-D L (°)"),
        ("valgus_left", "inward L"),
        ("fppa_right_deg", "FPPA R (°)"),
        ("fppa_3d_right_deg", "3-D R (°)"),
        ("valgus_right", "inward R"),
    ),
    "stance": (
        ("stance_leg", "standing leg"),
        ("hold_s", "hold (s)"),
        ("pelvic_drop_median_deg", "pelvic drop (°)"),
        ("pelvic_drop_p90_deg", "drop p90 (°)"),
        ("trunk_lean_toward_stance_deg", "trunk lean (°)"),
        ("trendelenburg", "Trendelenburg"),
    ),
    "gait": (
        ("step", "step"),
        ("stance_leg", "standing leg"),
        ("start_s", "start (s)"),
        ("duration_s", "length (s)"),
        ("pelvic_drop_deg", "pelvic drop (°)"),
        ("stance_knee_fppa_deg", "knee FPPA (°)"),
    ),
}


def items_table(result: ScreenResult) -> Table:
    """Per rep / hold / step: the main values (all values are in the JSON); greyed, with a
    caption saying so, when the finding is quiet (the numbers are no reading)."""
    table = Table(title=f"{result.screen} screen")
    if not result.readings_trusted:
        table.style = table.header_style = table.title_style = "dim"
        table.caption = f"greyed: not readings ({result.label})"
    present = {k for item in result.items for k in item}
    columns = [c for c in _COLUMNS.get(result.screen, ()) if c[0] in present]
    if not columns:
        columns = [(k, k.replace("_", " ")) for k in dict.fromkeys(present)]
    for _, header in columns:
        table.add_column(header, justify="right")
    for item in result.items:
        table.add_row(
            *(_fmt(k, item.get(k)) for k, _ in columns),
            style=None if result.readings_trusted else "dim",
        )
    return table


def result_view(result: ScreenResult) -> Group:
    """The terminal view: per rep/hold/step table, finding, reason, warnings."""
    parts: list[Any] = []
    if result.items:
        parts.append(items_table(result))
    style = _STYLE[result.finding]
    parts.append(f"[{style}]{result.label}[/]: {result.reason}")
    if result.stance_leg:
        parts.append(f"standing leg: {result.stance_leg}")
    parts += [f"[yellow]note:[/] {w}" for w in result.warnings]
    tested = str(result.evidence.get("headline", ""))
    parts.append(Text(f"{tested} Details: docs/screens.md.", style="dim"))
    parts.append(f"[dim]{DISCLAIMER}[/]")
    return Group(*parts)


def write_outputs(
    job: ScreenJob, seq: PoseSequence, result: ScreenResult
) -> list[tuple[str, Path]]:
    """Write the requested JSON, chart and overlay; returns (what, path) pairs."""
    written: list[tuple[str, Path]] = []
    if job.json_out is not None:
        written.append(("JSON", result.write_json(job.json_out)))
    if job.plot is not None:
        from hipcoach.report.screen_plots import screen_png  # noqa: PLC0415 - matplotlib on use

        png = screen_png(result)
        if png is not None:
            job.plot.parent.mkdir(parents=True, exist_ok=True)
            write_bytes(job.plot, png)
            written.append(("chart", job.plot))
    if job.overlay is not None:
        from hipcoach.report.screen_overlay import write_screen_overlay  # noqa: PLC0415

        with frame_progress(len(seq), "overlay", job.show_progress) as bar:
            task = bar.task_ids[0]
            write_screen_overlay(
                job.source, seq, result, job.overlay, job.settings,
                progress=lambda done, _total: bar.update(task, completed=done),
            )  # fmt: skip
        written.append(("overlay video", job.overlay))
    return written


def run_screen(job: ScreenJob) -> ScreenResult:
    """Pose → screen → outputs; raises ScreenInconclusive (after writing) when no finding."""
    seq = _sequence(job)
    result = SCREENS[job.screen](seq, job.settings)
    result.source = result.source or job.source
    written = write_outputs(job, seq, result)
    console.print(result_view(result))
    for what, path in written:
        console.print(f"{what} written to [bold]{path}[/]")
    if result.finding == "inconclusive":
        raise ScreenInconclusive(
            f"{job.screen} screen inconclusive: {result.reason}", fix=result.fix
        )
    if result.finding == "cannot_rule_out":
        raise ScreenCannotRuleOut(f"{job.screen} screen: cannot rule out", fix=result.fix)
    return result


def run_screen_command(
    screen: ScreenName,
    source: str,
    outputs: tuple[Path | None, Path | None, Path | None],
    model: ModelName,
    quiet: bool,
) -> None:
    """``hipcoach screen squat|stance|gait``: check the outputs (--json, --plot, --overlay),
    then run the screen."""
    json_out, plot, overlay = outputs
    check_outputs([source], {"--json": json_out, "--plot": plot, "--overlay": overlay})
    job = ScreenJob(screen, source, settings_for(model), json_out, plot, overlay, not quiet)
    run_screen(job)


def screen_report(results: list[Path], out: Path, db: Path | None, no_check: bool) -> Path:
    """``hipcoach screen report``: the screening report of ``results`` at ``out``."""
    from hipcoach.report.screens import write_screening  # noqa: PLC0415 - Jinja2, matplotlib
    from hipcoach.storage import open_db  # noqa: PLC0415

    check_outputs([*results, *database_files(db)], {"--out": out})
    loaded = [load_result(p) for p in results]
    latest = None
    if not no_check:
        with open_db(db) as store:
            rows = store.answers("check")
            latest = rows[-1] if rows else None
        if latest is None:
            print_warning("no `hipcoach check` answers in the history; the report says so")
    return write_screening(loaded, out, latest)
