"""A single self-contained HTML report of one analysis.

Everything is in one file: the charts are PNGs embedded as base64 ``data:`` URIs, the CSS
is inline, there are no scripts and no links to other resources, so the report opens
offline and can be mailed as is. The template is rendered by Jinja2 with autoescaping on:
every text from the recording or the routine file is escaped.
"""

from __future__ import annotations

import base64
import math
from dataclasses import dataclass, field
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import Final, cast

from hipcoach import __version__
from hipcoach.analysis.analyze import BlockAnalysis
from hipcoach.analysis.evidence import MEASURED, UNIT_TEXT, limits, references, rep_evidence
from hipcoach.analysis.result import AnalysisResult, Flag
from hipcoach.analysis.rules import NOT_MEASURABLE
from hipcoach.analysis.sides import peak_text, reps_text
from hipcoach.analysis.view import FIX_PLACEMENT
from hipcoach.exercises.routine import Routine
from hipcoach.exercises.rule_registry import RuleId
from hipcoach.files import write_text
from hipcoach.report import plots
from hipcoach.report.figures import html_environment
from hipcoach.sequence.schema import PoseSequence

TEMPLATE: Final = "template.html.j2"
#: Camera view id -> (name, what it means).
VIEW_TEXT: Final[dict[str, tuple[str, str]]] = {
    "front": ("front", "camera in front of you at about mat height: the supported view"),
    "front_high": ("front, raised", "camera in front of you, looking down"),
    "diagonal": ("diagonal", "body turned 22-55° away from square-on"),
    "feet": ("from the feet or head end", "this view cannot be read"),
    "unknown": ("unknown", "no side-lying body could be read"),
}
#: Said in the report whenever it holds rep thumbnails (``report.thumbnails``).
CONTAINS_PICTURES: Final = (
    "This report contains small pictures of you (one per rep), because --thumbnails was "
    "asked for. Share it only with people you would show the video to."
)


@dataclass(frozen=True)
class FlagLine:
    """One form rule's findings in a set (faults) or the note that it cannot be measured."""

    title: str
    message: str
    reps: str = ""
    values: str = ""


@dataclass(frozen=True)
class SetRow:
    """One row of the set table (angles in degrees)."""

    number: int
    leg: str
    exercise: str
    colour: str
    reps: int
    target: int | None
    peaks: str
    direction: str | None
    start_s: float
    end_s: float
    faults: list[FlagLine] = field(default_factory=list)
    not_measurable: list[FlagLine] = field(default_factory=list)
    #: Why no count is shown (the view cannot support counting); None = counted.
    count_withheld: str | None = None
    #: The form summary that never claims more than was checked (``SetResult.form_text``).
    form_text: str = ""
    #: The exercise's reference values (``analysis.evidence.Reference.text``).
    reference: str = ""

    @property
    def reached(self) -> bool:
        """True when the set reached its target rep count (or has none)."""
        return self.target is None or self.reps >= self.target


@dataclass(frozen=True)
class CompareRow:
    """Left vs right of one exercise: reps and median peak angle (deg)."""

    exercise: str
    left_reps: str
    right_reps: str
    left_peak: str
    right_peak: str
    difference: str


@dataclass(frozen=True)
class Chart:
    """An embedded PNG with its heading and alt text."""

    title: str
    alt: str
    src: str
    caption: str = ""


@dataclass(frozen=True)
class SideBlock:
    """One stretch of lying on one side, as the view reader saw it (times in s)."""

    start_s: float
    end_s: float
    lying_on: str
    working_leg: str
    view: str
    problems: list[str]


def data_uri(png: bytes) -> str:
    """``data:image/png;base64,...`` for PNG bytes."""
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def _deg(value: float) -> str:
    return f"{value:.0f}°" if math.isfinite(value) else "-"


def _peaks(values: list[float]) -> str:
    finite = [v for v in values if math.isfinite(v)]
    if not finite:
        return "-"
    lo, hi, mean = min(finite), max(finite), sum(finite) / len(finite)
    if round(lo) == round(hi):
        return _deg(mean)
    return f"{lo:.0f}-{hi:.0f}° (mean {mean:.0f}°)"


def _rule_title(routine: Routine, rule_id: str) -> str:
    """The routine's title of a rule; its id in words when the routine has no such rule
    (a stored analysis read with another routine file)."""
    try:
        return routine.rule(cast(RuleId, rule_id)).title
    except KeyError:
        return rule_id.replace("_", " ")


def _rep_text(reps: list[int]) -> str:
    """``[1, 2, 3, 6]`` -> ``"reps 1-3, 6"``; no reps -> ``"whole set"``."""
    if not reps:
        return "whole set"
    runs: list[list[int]] = []
    for r in reps:
        if runs and r == runs[-1][-1] + 1:
            runs[-1].append(r)
        else:
            runs.append([r])
    text = ", ".join(f"{a[0]}-{a[-1]}" if len(a) > 1 else str(a[0]) for a in runs)
    return ("rep " if len(reps) == 1 else "reps ") + text


def _value_text(values: list[float], unit: str) -> str:
    """Measured values as one number or a "min-max" range, with the unit."""
    if not values:
        return ""
    symbol, digits = UNIT_TEXT.get(unit, (f" {unit}", 1))
    lo, hi = f"{min(values):.{digits}f}", f"{max(values):.{digits}f}"
    return f"{lo}{symbol}" if lo == hi else f"{lo}-{hi}{symbol}"


def flag_lines(flags: list[Flag], routine: Routine) -> tuple[list[FlagLine], list[FlagLine]]:
    """(faults grouped per rule with their reps and values, "not measurable" notes)."""
    faults: dict[str, list[Flag]] = {}
    notes: list[FlagLine] = []
    for f in flags:
        if f.measurable:
            faults.setdefault(f.rule, []).append(f)
            continue
        message = f.message or f"{_rule_title(routine, f.rule)}: {NOT_MEASURABLE}"
        if NOT_MEASURABLE not in message:
            message += f" ({NOT_MEASURABLE})"
        notes.append(FlagLine(_rule_title(routine, f.rule), message))
    lines = []
    for rule, found in faults.items():
        reps = sorted({f.rep for f in found if f.rep is not None})
        values = [f.value for f in found if f.value is not None and math.isfinite(f.value)]
        lines.append(
            FlagLine(
                title=_rule_title(routine, rule),
                message=next((f.message for f in found if f.message), ""),
                reps=_rep_text(reps),
                values=_value_text(values, found[0].unit),
            )
        )
    return lines, notes


def set_rows(result: AnalysisResult, routine: Routine) -> list[SetRow]:
    """The set table, one row per set in time order."""
    refs = {r.exercise: r.text() for r in references(routine)}
    rows = []
    for k, s in enumerate(result.sets, start=1):
        faults, notes = flag_lines(s.flags, routine)
        rows.append(
            SetRow(
                number=k,
                leg=s.side,
                exercise=plots.exercise_name(routine, s.exercise),
                colour=plots.exercise_colour(s.exercise),
                reps=s.reps,
                target=s.target_reps,
                peaks=_peaks(s.peak_angle_deg),
                direction=(
                    "not measurable from this view"
                    if s.direction_withheld
                    else plots.direction_text(s.direction)
                ),
                start_s=s.start_s,
                end_s=s.end_s,
                faults=faults,
                not_measurable=notes,
                count_withheld=s.count_withheld,
                form_text=s.form_text(),
                reference=refs.get(s.exercise, ""),
            )
        )
    return rows


def compare_rows(result: AnalysisResult, routine: Routine) -> list[CompareRow]:
    """Left vs right per exercise (``analysis.sides``), in routine order ("-" where a side
    is missing)."""
    comp = {c.exercise: c for c in result.comparison()}
    rows = []
    for e in plots.exercise_order(result, routine):
        c = comp.get(e)
        if c is None:  # only sets whose count was withheld
            continue
        rows.append(
            CompareRow(
                exercise=plots.exercise_name(routine, e),
                left_reps=reps_text(c.left),
                right_reps=reps_text(c.right),
                left_peak=peak_text(c.left),
                right_peak=peak_text(c.right),
                difference=c.peak_words(),
            )
        )
    return rows


def side_blocks(blocks: list[BlockAnalysis], seq: PoseSequence) -> list[SideBlock]:
    """The side blocks with their time span and what the view reader found."""
    times = seq.times_s
    return [
        SideBlock(
            start_s=float(times[b.block.start]),
            end_s=float(times[b.block.stop - 1]),
            lying_on=b.view.lying_on or "-",
            working_leg=b.view.working_leg or "-",
            view=b.view.view,
            problems=list(b.view.problems),
        )
        for b in blocks
        if 0 <= b.block.start < b.block.stop <= len(times)
    ]


def _block_title(block: BlockAnalysis, seq: PoseSequence) -> str:
    t0, t1 = float(seq.times_s[block.block.start]), float(seq.times_s[block.block.stop - 1])
    leg = (block.view.working_leg or "?").capitalize()
    lying = block.view.lying_on or "?"
    return f"{leg} leg working (lying on your {lying} side), {t0:.0f}-{t1:.0f} s"


def charts(
    result: AnalysisResult, blocks: list[BlockAnalysis], seq: PoseSequence, routine: Routine
) -> list[Chart]:
    """All charts of the report (none when no set was found)."""
    if not result.sets:
        return []
    out: list[Chart] = []
    summary = plots.summary_png(result, routine)
    if summary is not None:
        out.append(_summary_chart(result, routine, summary))
    asym = plots.asymmetry_png(result, routine)
    if asym is not None:
        parts = [
            f"{plots.exercise_name(routine, e)} {d:+.1f}°"
            for e, d in plots.asymmetry(result, routine)
        ]
        out.append(
            Chart(
                "Left vs right asymmetry",
                "Bar chart of the left minus right median peak angle per exercise, in degrees: "
                + "; ".join(parts),
                data_uri(asym),
                "Bars to the right: the left leg went higher; to the left: the right leg did.",
            )
        )
    for block in blocks:
        title = _block_title(block, seq)
        png = plots.block_angle_png(result, block, routine)
        if png is None:
            continue
        sets = plots.block_sets(result, block)
        listed = ", ".join(
            f"#{n} {plots.exercise_name(routine, s.exercise)} "
            + (f"({s.reps} reps)" if s.counted else "(not counted)")
            for n, s in sets
        )
        out.append(
            Chart(
                title,
                f"Line chart of the {block.view.working_leg} leg's raise angle in degrees over "
                f"time in seconds, counted reps shaded: {listed or 'no reps counted'}",
                data_uri(png),
                "Shaded bands: counted reps, coloured by exercise; #n: row in the set table. "
                "Dark line: leg raise angle; thin grey line: thigh depth cue (thigh forward +).",
            )
        )
    return out


def _summary_chart(result: AnalysisResult, routine: Routine, png: bytes) -> Chart:
    comp = {c.exercise: c for c in result.comparison()}
    parts = []
    for e in plots.exercise_order(result, routine):
        c = comp.get(e)
        for side in ("left", "right"):
            reading = None if c is None else c.reading(side)
            if reading is not None:
                parts.append(
                    f"{plots.exercise_name(routine, e)}, {side} leg: {reading.reps} reps, "
                    f"median peak {peak_text(reading)}"
                )
    return Chart(
        "Reps and range of motion per leg",
        "Bar charts of reps against the target and median peak angle per exercise and leg: "
        + "; ".join(parts),
        data_uri(png),
        "Orange: left leg, blue: right leg. The dark tick marks each exercise's target.",
    )


def _fixes(result: AnalysisResult, blocks: list[BlockAnalysis]) -> list[str]:
    fixes = list(dict.fromkeys(b.view.fix for b in blocks if b.view.fix))
    if result.problems and not fixes:
        fixes = [FIX_PLACEMENT]
    return fixes


def render_report(
    result: AnalysisResult,
    blocks: list[BlockAnalysis],
    seq: PoseSequence,
    routine: Routine,
    generated: datetime | None = None,
    thumbnails: dict[tuple[int, int], str] | None = None,
) -> str:
    """The report's HTML text (see the module docstring)."""
    text = resources.files("hipcoach.report").joinpath(TEMPLATE).read_text(encoding="utf-8")
    template = html_environment().from_string(text)
    rows = set_rows(result, routine)
    titles: dict[str, str] = {r.id: r.title for r in routine.rules}
    when = (generated or datetime.now().astimezone()).strftime("%Y-%m-%d %H:%M")
    return template.render(
        title="Hip series report",
        source=result.source or seq.provenance.source or "(unknown source)",
        generated=when,
        version=__version__,
        safety=routine.safety,
        routine_name=routine.name,
        duration_s=result.duration_s or seq.duration_s,
        frames=len(seq),
        view=VIEW_TEXT.get(result.view, (result.view, "")),
        lying_on=result.lying_on,
        working_legs=result.working_legs,
        problems=list(result.problems),
        fixes=_fixes(result, blocks),
        blocks=side_blocks(blocks, seq),
        rows=rows,
        total_reps=sum(r.reps for r in rows if r.count_withheld is None),
        compare=compare_rows(result, routine),
        charts=charts(result, blocks, seq, routine),
        both_sides=len(set(result.working_legs)) == 2,
        limits=limits(result, titles),
        accuracy_measured=MEASURED,
        reps=rep_evidence(result, titles),
        thumbnails=thumbnails or {},
        contains_pictures=CONTAINS_PICTURES if thumbnails else "",
    )


def write_report(
    result: AnalysisResult,
    blocks: list[BlockAnalysis],
    seq: PoseSequence,
    routine: Routine,
    path: Path,
    *,
    generated: datetime | None = None,
    thumbnails: dict[tuple[int, int], str] | None = None,
) -> Path:
    """Write the self-contained HTML report to ``path`` (UTF-8); returns ``path``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_text(path, render_report(result, blocks, seq, routine, generated, thumbnails))
    return path
