"""HTML report and analysis overlay, built from synthetic side-lying sessions."""

from __future__ import annotations

import base64
import json
import re
import struct
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import av
import numpy as np
import pytest
from markupsafe import escape
from typer.testing import CliRunner

from hipcoach.analysis.analyze import NO_EXERCISE, BlockAnalysis, analyze_sequence
from hipcoach.analysis.evidence import analysis_document
from hipcoach.analysis.result import AnalysisResult, Flag
from hipcoach.cli.app import app
from hipcoach.errors import InputError
from hipcoach.exercises.routine import Routine, load_routine
from hipcoach.report import write_analysis_overlay, write_report
from hipcoach.report.html import CONTAINS_PICTURES, flag_lines, render_report
from hipcoach.report.overlay import (
    SET_TAIL_S,
    Panel,
    Timeline,
    draw_panel,
    overlay_source,
    panel_on_right,
)
from hipcoach.report.plots import asymmetry_png, summary_png
from hipcoach.report.thumbnails import THUMB_WIDTH_PX, rep_middles, rep_thumbnails
from hipcoach.sequence.io import save
from hipcoach.sequence.schema import PoseSequence, Provenance
from hipcoach.synth.sidelying import SideLyingScript, generate
from tests.helpers.clips import write_clip

TWO_SIDES: list[dict[str, Any]] = [
    {"kind": "rest", "s": 1.0},
    {"kind": "small_leg_raise", "reps": 4, "toes_up_deg": {"deg": 35.0, "reps": [3]}},
    {"kind": "rest", "s": 2.0},
    {"kind": "leg_circle", "direction": "ccw", "reps": 3},
    {"kind": "rest", "s": 1.0},
    {"kind": "switch_side"},
    {"kind": "rest", "s": 1.0},
    {"kind": "small_leg_raise", "reps": 3, "peak_deg": 16.0},
    {"kind": "rest", "s": 1.0},
]
OVERLAY_SCRIPT: list[dict[str, Any]] = [
    {"kind": "rest", "s": 1.5},
    {"kind": "leg_circle", "direction": "ccw", "reps": 3},
    {"kind": "rest", "s": 2.0},
    {"kind": "small_leg_raise", "reps": 3, "toes_up_deg": {"deg": 35.0, "reps": [2]}},
    {"kind": "rest", "s": 1.5},
]
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
DATA_PNG = re.compile(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"')


@dataclass(frozen=True)
class Analysed:
    result: AnalysisResult
    blocks: list[BlockAnalysis]
    seq: PoseSequence
    routine: Routine


def _analyse(segments: list[dict[str, Any]], fps: float = 30.0) -> Analysed:
    session = generate(
        SideLyingScript(segments=segments, side_lying_on="left", view="front", fps=fps)
    )
    routine = load_routine()
    result, blocks = analyze_sequence(session.sequence, routine)
    return Analysed(result, blocks, session.sequence, routine)


@pytest.fixture(scope="module")
def two_sides() -> Analysed:
    a = _analyse(TWO_SIDES)
    assert [s.side for s in a.result.sets] == ["right", "right", "left"]
    return a


@pytest.fixture(scope="module")
def report_html(two_sides: Analysed, tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("report") / "report.html"
    a = two_sides
    out = write_report(a.result, a.blocks, a.seq, a.routine, path)
    assert out == path and path.is_file()
    return path.read_text(encoding="utf-8")


def _png_size(png: bytes) -> tuple[int, int]:
    assert png.startswith(PNG_SIGNATURE)
    assert png[12:16] == b"IHDR"
    width, height = struct.unpack(">II", png[16:24])
    return int(width), int(height)


def test_report_lists_every_set(two_sides: Analysed, report_html: str) -> None:
    rows = re.findall(r'<tr class="set-row">(.*?)</tr>', report_html, flags=re.S)
    assert len(rows) == len(two_sides.result.sets) == 3
    assert "Small side-lying leg raises" in rows[0] and "4 / 10" in rows[0]
    assert "Small leg circles, counter-clockwise" in rows[1]
    assert "counter-clockwise (seen from your feet)" in rows[1]
    assert "Foot turned up" in rows[0] and "rep 3" in rows[0]
    assert "not measurable from this view" in rows[0]
    assert "3 / 10" in rows[2] and ">left<" in rows[2]
    assert str(escape(two_sides.routine.safety.not_medical_device)) in report_html
    assert 'id="comparison"' in report_html and "right 4° higher" in report_html


def test_report_embeds_decodable_pngs_with_alt_text(report_html: str) -> None:
    pngs = [base64.b64decode(m, validate=True) for m in DATA_PNG.findall(report_html)]
    # reps/peak summary, asymmetry, one angle chart per side block
    assert len(pngs) == 4
    for png in pngs:
        width, height = _png_size(png)
        assert width > 200 and height > 100
    imgs = re.findall(r"<img [^>]*>", report_html)
    assert len(imgs) == 4
    assert all(re.search(r'alt="[^"]{20,}"', tag) for tag in imgs)


def test_report_is_self_contained(report_html: str) -> None:
    assert re.search(r"https?://", report_html) is None
    assert "<script" not in report_html.lower()
    assert "<link" not in report_html.lower()
    srcs = re.findall(r'src="([^"]*)"', report_html)
    assert srcs and all(s.startswith("data:image/png;base64,") for s in srcs)


def test_report_escapes_text_from_the_recording(two_sides: Analysed, tmp_path: Path) -> None:
    a = two_sides
    evil = replace(a.result, source='<script>alert("x")</script>.mp4')
    html = write_report(evil, a.blocks, a.seq, a.routine, tmp_path / "r.html").read_text()
    assert "<script>" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;.mp4" in html


def test_report_without_sets_shows_the_problems(tmp_path: Path) -> None:
    a = _analyse([{"kind": "rest", "s": 4.0}])
    assert not a.result.sets and NO_EXERCISE in a.result.problems
    html = write_report(a.result, a.blocks, a.seq, a.routine, tmp_path / "none.html").read_text()
    assert NO_EXERCISE in html and "Fix:" in html
    assert "<img" not in html and "set-row" not in html
    assert re.search(r"https?://", html) is None


def test_flag_lines_group_faults_and_keep_unmeasurable_notes() -> None:
    routine = load_routine()
    flags = [
        Flag("tempo", 1, 0.81, "s", True, "Slow down."),
        Flag("tempo", 2, 0.79, "s", True, "Slow down."),
        Flag("tempo", 4, 0.80, "s", True, "Slow down."),
        Flag("pelvis_roll", None, None, "deg", False, ""),
    ]
    faults, notes = flag_lines(flags, routine)
    assert len(faults) == 1
    assert (faults[0].title, faults[0].reps, faults[0].values) == (
        "Too fast",
        "reps 1-2, 4",
        "0.8 s",
    )
    assert notes[0].message == "Pelvis rolling forward or back: not measurable from this view"


def test_one_leg_has_no_asymmetry_chart(overlay_case: tuple[Analysed, Path]) -> None:
    a, _ = overlay_case
    assert a.result.working_legs == ["right"]
    assert asymmetry_png(a.result, a.routine) is None
    png = summary_png(a.result, a.routine)
    assert png is not None and _png_size(png)[0] > 200


# --- overlay ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def overlay_case(tmp_path_factory: pytest.TempPathFactory) -> tuple[Analysed, Path]:
    """A synthetic session at 15 fps and a plain grey video (half the landmarks' size) with
    exactly the same frame times."""
    a = _analyse(OVERLAY_SCRIPT, fps=15.0)
    assert [s.exercise for s in a.result.sets] == ["leg_circle_ccw", "small_leg_raise"]
    clip = tmp_path_factory.mktemp("overlay") / "clip.mp4"
    times = [float(t) for t in a.seq.times_s]
    write_clip(clip, times, lambda i, t: np.full((240, 320, 3), 90, np.uint8), rate=15.0)
    return a, clip


def _decode(path: Path) -> tuple[list[np.ndarray], list[float]]:
    with av.open(str(path)) as container:
        frames = list(container.decode(video=0))
    return [f.to_ndarray(format="rgb24") for f in frames], [float(f.time) for f in frames]


def test_overlay_keeps_frames_and_times_and_draws_the_panel(
    overlay_case: tuple[Analysed, Path], tmp_path: Path
) -> None:
    a, clip = overlay_case
    out = tmp_path / "overlay.mp4"
    calls: list[tuple[int, int | None]] = []
    n = write_analysis_overlay(
        clip, a.seq, a.result, a.blocks, a.routine, out, progress=lambda d, t: calls.append((d, t))
    )
    frames, times = _decode(out)
    source_frames, source_times = _decode(clip)
    assert n == len(frames) == len(source_frames) == len(a.seq)
    np.testing.assert_allclose(times, source_times, atol=2e-3)
    assert calls[-1][0] == n

    def frame_at(t: float) -> np.ndarray:
        return frames[int(np.argmin(np.abs(np.asarray(times) - t)))].astype(np.int16)

    circle = a.result.sets[0]
    rest = frame_at(0.5)
    rep = frame_at(circle.rep_times[1][0] + 0.2)
    right = panel_on_right(a.seq, 0.5)  # the corner away from the feet
    panel = (slice(150, 235), slice(160, 315) if right else slice(5, 160))
    assert np.abs(rest[panel] - 90).mean() > 20  # a dark panel over the grey picture
    assert np.abs(rep[panel] - rest[panel]).mean() > 10  # "rest" vs exercise, rep, cue
    # the skeleton is drawn away from the panel (landmarks scaled to the smaller frame)
    assert np.abs(rest[:150, :] - 90).max() > 100


def test_timeline_panels() -> None:
    a = _analyse(OVERLAY_SCRIPT, fps=15.0)
    tl = Timeline(a.result, a.routine)
    circle, raises = a.result.sets
    rest = tl.panel_at(0.2)
    assert rest.resting and rest.headline == "rest"
    assert rest.lines == ("next: Small leg circles, counter-clockwise - right leg",)
    second = tl.panel_at(circle.rep_times[1][0] + 0.1)
    assert not second.resting and second.headline == "Small leg circles, counter-clockwise"
    assert second.lines[0] == "right leg - rep 2 / 5"
    assert second.lines[1] == "counter-clockwise (seen from your feet)"
    flagged = tl.panel_at(raises.rep_times[2][0] + 0.1)  # after rep 2, which had toes up
    assert flagged.lines[0] == "right leg - rep 3 / 10"
    assert flagged.lines[-1].startswith("rep 2: ")
    movement = tl.panel_at(raises.rep_times[0][0] + 0.1)
    assert movement.lines[-1] == a.routine.exercise("small_leg_raise").cues.movement
    finished = tl.panel_at(raises.end_s + 0.5)  # the leg may still be coming down
    assert not finished.resting and finished.lines == (f"right leg - set done: {raises.reps} reps",)
    assert tl.panel_at(raises.end_s + SET_TAIL_S + 0.1).lines == ("done: 2 sets",)


def test_panel_goes_to_the_corner_away_from_the_feet() -> None:
    a = _analyse(OVERLAY_SCRIPT, fps=15.0)
    seq = a.seq
    feet_x = np.nanmedian(seq.image_xy[:, [27, 28], 0])
    assert panel_on_right(seq, 0.5) == (feet_x < 0.5 * seq.width)
    mirrored = replace(seq, image_xy=seq.image_xy * [[-1.0, 1.0]] + [[seq.width, 0.0]])
    assert panel_on_right(mirrored, 0.5) != panel_on_right(seq, 0.5)
    img = np.zeros((240, 320, 3), np.uint8)
    panel = Panel("rest", ("next",), (150, 150, 150), True)
    left, right = draw_panel(img.copy(), panel), draw_panel(img.copy(), panel, right=True)
    assert left[200:, :40].any() and not left[200:, -40:].any()
    assert right[200:, -40:].any() and not right[200:, :40].any()


def test_overlay_needs_a_video(overlay_case: tuple[Analysed, Path]) -> None:
    a, clip = overlay_case
    with pytest.raises(InputError):
        overlay_source("saved.npz", a.seq)
    with pytest.raises(InputError):
        overlay_source("0", a.seq)
    linked = replace(a.seq, provenance=Provenance(source=str(clip)))
    assert overlay_source("saved.npz", linked) == str(clip)


def test_cli_analyze_writes_report_and_overlay(
    overlay_case: tuple[Analysed, Path], tmp_path: Path
) -> None:
    a, clip = overlay_case
    npz = tmp_path / "landmarks.npz"
    save(replace(a.seq, provenance=Provenance(source=str(clip))), npz)
    report, overlay = tmp_path / "out" / "report.html", tmp_path / "out" / "overlay.mp4"
    args = ["analyze", str(npz), "--report", str(report), "--overlay", str(overlay), "-q"]
    res = CliRunner().invoke(app, args)
    assert res.exit_code == 0, res.output
    assert report.is_file() and overlay.is_file()
    assert "report written to" in res.output and "overlay video written to" in res.output
    assert len(_decode(overlay)[0]) == len(a.seq)


def test_thumbnails_are_opt_in_one_per_counted_rep_and_only_in_the_report(
    overlay_case: tuple[Analysed, Path], tmp_path: Path
) -> None:
    a, clip = overlay_case
    thumbs = rep_thumbnails(clip, a.seq, a.result)
    counted = sum(len(s.rep_times) for s in a.result.sets if s.counted)
    assert len(thumbs) == counted == len(rep_middles(a.result))
    first = next(iter(thumbs.values()))
    png = base64.b64decode(first.removeprefix("data:image/png;base64,"))
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert int.from_bytes(png[16:20], "big") == THUMB_WIDTH_PX  # IHDR width
    plain = render_report(a.result, a.blocks, a.seq, a.routine)
    assert "data:image/png" in plain  # the charts
    assert CONTAINS_PICTURES not in plain and 'class="thumb"' not in plain
    shown = render_report(a.result, a.blocks, a.seq, a.routine, thumbnails=thumbs)
    assert CONTAINS_PICTURES in shown and shown.count('class="thumb"') == counted
    doc = json.dumps(analysis_document(a.result, a.routine))
    assert "data:image" not in doc


def test_thumbnails_need_a_report(overlay_case: tuple[Analysed, Path], tmp_path: Path) -> None:
    _, clip = overlay_case
    res = CliRunner().invoke(app, ["analyze", str(clip), "--thumbnails", "-q"])
    assert res.exit_code == 2 and "--thumbnails needs --report" in res.output
