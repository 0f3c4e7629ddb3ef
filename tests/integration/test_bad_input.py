"""The bad-input suite (issue 13): over a hundred broken, crafted or hostile inputs.

Every case builds its own files in a fresh folder, runs the command line in-process
(:mod:`tests.helpers.bad_input`) and checks: the exit code the README lists for it, one
``error:`` line naming the cause, no traceback, no warning, and every file that was there
before byte-identical afterwards (inputs, the history database, earlier outputs), with no
temporary file left. A few cases that only a real process shows (a hang, a signal, a file
size limit standing in for a full disk) run ``python -m hipcoach`` in
``test_bad_input_process.py``.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tests.helpers.bad_input import (
    analysis_with,
    check_outcome,
    huge_header_npz,
    npz_arrays,
    provenance_with,
    run_cli,
    snapshot,
    write_npz,
)
from tests.helpers.clips import gradient_painter, write_clip

pytestmark = pytest.mark.integration

DATA = Path(__file__).resolve().parents[1] / "data"
BASE_NPZ = DATA / "corpus" / "B01_L_front.npz"
SQUAT_CLIP = DATA / "rendered_standing" / "squat_normal.mp4"
ROUTINE = Path(__file__).resolve().parents[2] / "src" / "hipcoach" / "exercises" / "hip_series.toml"


@dataclass
class Inputs:
    """Good files to break, made once per module."""

    analysis: dict[str, Any]
    screen: dict[str, Any]
    clip: Path
    blank_clip: Path


@dataclass(frozen=True)
class Case:
    """One bad input: how to make it, the command, and what the user must see."""

    id: str
    make: Callable[[Path, Inputs], list[str]]
    code: int
    text: str
    env: dict[str, str] = field(default_factory=dict)


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> Inputs:
    root = tmp_path_factory.mktemp("good")
    out = run_cli(["analyze", str(BASE_NPZ), "--json", str(root / "a.json"), "-q"], cwd=root)
    assert out.code == 0, out.stderr
    npz = root / "squat.npz"
    out = run_cli(["pose", str(SQUAT_CLIP), "--out", str(npz), "-q", "-m", "lite"], cwd=root)
    assert out.code == 0, out.stderr
    out = run_cli(["screen", "squat", str(npz), "--json", str(root / "s.json"), "-q"], cwd=root)
    assert out.code in (0, 9, 10), out.stderr
    clip = root / "clip.mp4"
    shutil.copyfile(SQUAT_CLIP, clip)
    blank = root / "blank.mp4"
    write_clip(blank, [k / 10 for k in range(12)], gradient_painter(96, 64))
    return Inputs(
        analysis=json.loads((root / "a.json").read_text(encoding="utf-8")),
        screen=json.loads((root / "s.json").read_text(encoding="utf-8")),
        clip=clip,
        blank_clip=blank,
    )


# ------------------------------------------------------------------ file makers
def _bytes(name: str, data: bytes) -> Callable[[Path], Path]:
    def make(d: Path) -> Path:
        (d / name).write_bytes(data)
        return d / name

    return make


def _copy(src: Path, name: str) -> Callable[[Path], Path]:
    def make(d: Path) -> Path:
        shutil.copyfile(src, d / name)
        return d / name

    return make


def _fifo(d: Path, name: str = "pipe.mp4") -> Path:
    os.mkfifo(d / name)
    return d / name


def _loop(d: Path, name: str = "loop.mp4") -> Path:
    (d / name).symlink_to(d / name)
    return d / name


def _truncated(src: Path, share: float) -> Callable[[Path], Path]:
    def make(d: Path) -> Path:
        data = src.read_bytes()
        (d / f"cut{src.suffix}").write_bytes(data[: int(len(data) * share)])
        return d / f"cut{src.suffix}"

    return make


def _npz(**changes: Any) -> Callable[[Path], Path]:
    """B01's landmarks with arrays replaced (None: removed)."""

    def make(d: Path) -> Path:
        arrays = npz_arrays(BASE_NPZ)
        for key, value in changes.items():
            if value is None:
                arrays.pop(key)
            else:
                arrays[key] = value(arrays[key]) if callable(value) else value
        return write_npz(d / "bad.npz", **arrays)

    return make


def _pickled(d: Path) -> Path:
    """B01 with a pickled object array (numpy refuses to load it without allow_pickle)."""
    arrays = npz_arrays(BASE_NPZ)
    arrays["width"] = np.array([{"a": 1}], dtype=object)
    with (d / "bad.npz").open("wb") as fh:
        np.savez(fh, allow_pickle=True, **arrays)
    return d / "bad.npz"


def _scaled(factor: float) -> Callable[[Any], Any]:
    return lambda a: a.astype(np.float64) * factor


def _routine(text: str | bytes) -> Callable[[Path], Path]:
    def make(d: Path) -> Path:
        path = d / "routine.toml"
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
        return path

    return make


def _routine_edit(old: str, new: str) -> Callable[[Path], Path]:
    def make(d: Path) -> Path:
        text = ROUTINE.read_text(encoding="utf-8")
        assert old in text, old
        (d / "routine.toml").write_text(text.replace(old, new, 1), encoding="utf-8")
        return d / "routine.toml"

    return make


# ------------------------------------------------------------------ command makers
def analyze(maker: Callable[[Path], Path], *extra: str) -> Callable[[Path, Inputs], list[str]]:
    def make(d: Path, _i: Inputs) -> list[str]:
        return ["analyze", str(maker(d)), "--json", str(d / "out.json"), "-q", *extra]

    return make


def pose(maker: Callable[[Path], Path], *extra: str) -> Callable[[Path, Inputs], list[str]]:
    def make(d: Path, _i: Inputs) -> list[str]:
        return ["pose", str(maker(d)), "--out", str(d / "out.npz"), "-q", "-m", "lite", *extra]

    return make


def screen(
    kind: str, maker: Callable[[Path], Path], *extra: str
) -> Callable[[Path, Inputs], list[str]]:
    def make(d: Path, _i: Inputs) -> list[str]:
        return ["screen", kind, str(maker(d)), "--json", str(d / "out.json"), "-q", *extra]

    return make


def with_routine(maker: Callable[[Path], Path]) -> Callable[[Path, Inputs], list[str]]:
    def make(d: Path, _i: Inputs) -> list[str]:
        return ["analyze", str(BASE_NPZ), "--routine", str(maker(d)), "-q"]

    return make


def import_(
    change: Callable[[Path, Inputs], Path], *extra: str
) -> Callable[[Path, Inputs], list[str]]:
    def make(d: Path, i: Inputs) -> list[str]:
        return ["import", str(change(d, i)), "--db", str(d / "history.sqlite3"), *extra]

    return make


def edited(**changes: Any) -> Callable[[Path, Inputs], Path]:
    return lambda d, i: analysis_with(i.analysis, d / "a.json", **changes)


def raw(text: str | bytes, name: str = "a.json") -> Callable[[Path, Inputs], Path]:
    def make(d: Path, _i: Inputs) -> Path:
        data = text.encode("utf-8") if isinstance(text, str) else text
        (d / name).write_bytes(data)
        return d / name

    return make


def screen_report(change: Callable[[Path, Inputs], Path]) -> Callable[[Path, Inputs], list[str]]:
    def make(d: Path, i: Inputs) -> list[str]:
        path = change(d, i)
        return ["screen", "report", str(path), "--out", str(d / "r.html"), "--no-check"]

    return make


def screen_edited(**changes: Any) -> Callable[[Path, Inputs], Path]:
    def make(d: Path, i: Inputs) -> Path:
        data = json.loads(json.dumps(i.screen))
        data.update(changes)
        (d / "s.json").write_text(json.dumps(data), encoding="utf-8")
        return d / "s.json"

    return make


def db_cmd(make_db: Callable[[Path], Path], *cmd: str) -> Callable[[Path, Inputs], list[str]]:
    def make(d: Path, _i: Inputs) -> list[str]:
        return [*cmd, "--db", str(make_db(d))]

    return make


def _sqlite(version: int) -> Callable[[Path], Path]:
    def make(d: Path) -> Path:
        path = d / "history.sqlite3"
        conn = sqlite3.connect(path)
        conn.execute("CREATE TABLE x (a)")
        conn.execute(f"PRAGMA user_version={version}")
        conn.commit()
        conn.close()
        return path

    return make


def args(*argv: str) -> Callable[[Path, Inputs], list[str]]:
    """A fixed command; ``{d}`` is the case folder, ``{npz}`` the good landmarks."""
    return lambda d, _i: [a.format(d=d, npz=BASE_NPZ) for a in argv]


BLANK = "blank.mp4"
NPZ = BASE_NPZ
JUNK = bytes(range(256)) * 40
TEXT = b"not a video\n" * 50
NESTED = "[" * 100_000 + "]" * 100_000

# fmt: off
CASES: list[Case] = [
    # ---- videos -------------------------------------------------------------------------
    Case("video-missing", pose(lambda d: d / "nope.mp4"), 2, "file not found"),
    Case("video-empty", pose(_bytes("e.mp4", b"")), 2, "empty"),
    Case("video-text", pose(_bytes("notes.mp4", TEXT)), 2, "cannot read notes.mp4"),
    Case("video-junk", pose(_bytes("junk.mp4", JUNK)), 2, "cannot read"),
    Case("video-txt-suffix", pose(_bytes("notes.txt", TEXT)), 2, "not a video"),
    Case("video-brackets-name", pose(_bytes("nope[x].mp4", JUNK)), 2, "nope[x].mp4"),
    Case("video-markup-name", pose(_bytes("[bold red]x.mp4", b"")), 2, "[bold red]x.mp4"),
    Case("video-fifo", pose(_fifo), 2, "not a regular file"),
    Case("video-symlink-loop", pose(_loop), 2, "symbolic link"),
    Case("video-empty-folder", pose(lambda d: (d / "frames").mkdir() or d / "frames"), 2,
         "no images"),
    Case("video-folder-of-text", pose(lambda d: ((d / "f").mkdir(),
                                                (d / "f" / "a.txt").write_text("x"))
                                      and d / "f"), 2, "no images"),
    Case("video-truncated-head", pose(_truncated(SQUAT_CLIP, 0.02)), 2, "cannot read"),
    Case("video-no-person", lambda d, i: ["pose", str(i.blank_clip), "--out", str(d / "o.npz"),
                                          "-q", "-m", "lite"], 4, "no person"),
    Case("video-analyze-junk", analyze(_bytes("junk.mp4", JUNK)), 2, "cannot read"),
    Case("video-analyze-missing", analyze(lambda d: d / "nope.mp4"), 2, "file not found"),
    Case("video-screen-junk", screen("squat", _bytes("junk.mp4", JUNK)), 2, "cannot read"),
    Case("video-screen-empty", screen("stance", _bytes("e.mp4", b"")), 2, "empty"),
    Case("video-screen-fifo", screen("gait", _fifo), 2, "not a regular file"),
    Case("camera-missing", args("pose", "7", "--out", "{d}/o.npz", "-q"), 2, "camera"),
    # ---- landmark files (.npz / .csv) ---------------------------------------------------
    Case("npz-empty-zip", analyze(_bytes("e.npz", b"PK\x05\x06" + bytes(18))), 2, "missing"),
    Case("npz-zero-bytes", analyze(_bytes("e.npz", b"")), 2, "empty"),
    Case("npz-text", analyze(_bytes("t.npz", TEXT)), 2, "not a hipcoach .npz"),
    Case("npz-truncated", analyze(_truncated(NPZ, 0.5)), 2, "damaged"),
    Case("npz-missing-key", analyze(_npz(world=None)), 2, "missing world"),
    Case("npz-object-array", analyze(_pickled), 2, "plausible"),
    Case("npz-huge-header", lambda d, _i: ["analyze", str(huge_header_npz(d / "h.npz", NPZ)),
                                           "-q"], 2, "plausible"),
    Case("npz-inf-provenance", lambda d, _i: ["analyze", str(provenance_with(
        NPZ, d / "p.npz", '{"rotation_deg": Infinity}')), "-q"], 2, "plausible"),
    Case("npz-nan-provenance", lambda d, _i: ["analyze", str(provenance_with(
        NPZ, d / "p.npz", '{"frames_with_others": NaN}')), "-q"], 2, "plausible"),
    Case("npz-provenance-list", lambda d, _i: ["analyze", str(provenance_with(
        NPZ, d / "p.npz", "[1, 2]")), "-q"], 2, "plausible"),
    Case("npz-provenance-not-json", lambda d, _i: ["analyze", str(provenance_with(
        NPZ, d / "p.npz", "{oops")), "-q"], 2, "damaged"),
    Case("npz-provenance-huge-rotation", lambda d, _i: ["analyze", str(provenance_with(
        NPZ, d / "p.npz", '{"rotation_deg": 1e308}')), "-q"], 2, "plausible"),
    Case("npz-huge-coordinates", analyze(_npz(image_xy=_scaled(1e30))), 2, "plausible"),
    Case("npz-1e300-world", analyze(_npz(world=_scaled(1e300))), 2, "plausible"),
    Case("npz-negative-visibility", analyze(_npz(visibility=_scaled(-1.0))), 2, "plausible"),
    Case("npz-times-backwards", analyze(_npz(times_s=lambda a: a[::-1].copy())), 2,
         "increasing"),
    Case("npz-times-huge", analyze(_npz(times_s=lambda a: a + 1e9)), 2, "plausible"),
    Case("npz-version-99", analyze(_npz(format_version=np.array(99))), 2, "upgrade"),
    Case("npz-version-0", analyze(_npz(format_version=np.array(0))), 2, "damaged"),
    Case("npz-width-0", analyze(_npz(width=np.array(0))), 2, "plausible"),
    Case("npz-width-float", analyze(_npz(width=np.array(3.5))), 2, "damaged"),
    Case("npz-shape-mismatch", analyze(_npz(image_z=lambda a: a[:-1])), 2, "plausible"),
    Case("npz-zero-frames", analyze(_npz(**{k: (lambda a: a[:0]) for k in (
        "times_s", "image_xy", "image_z", "visibility", "presence", "world", "detected")})),
         4, "no frames"),
    Case("npz-nobody", analyze(_npz(detected=np.zeros_like,
                                    image_xy=lambda a: np.full_like(a, np.nan))), 4, ""),
    Case("npz-single-npy", analyze(lambda d: (np.save(d / "a.npy", np.zeros(3)),
                                              (d / "a.npy").rename(d / "a.npz"))[1]), 2,
         "single NumPy array"),
    Case("npz-as-screen-input", screen("squat", _npz(width=None)), 2, "missing width"),
    Case("csv-as-analyze-input", analyze(_bytes("l.csv", b"time_s\n1\n")), 2, ""),
    # ---- routine files ------------------------------------------------------------------
    Case("routine-missing", with_routine(lambda d: d / "nope.toml"), 5, "not found"),
    Case("routine-empty", with_routine(_routine("")), 5, "routine"),
    Case("routine-syntax", with_routine(_routine("[routine\nname = 1")), 5, "line"),
    Case("routine-binary", with_routine(_routine(JUNK)), 5, "routine"),
    Case("routine-not-utf8", with_routine(_routine(b"name = \"\xff\xfe\"\n")), 5, "routine"),
    Case("routine-folder", with_routine(lambda d: (d / "r").mkdir() or d / "r"), 5, "folder"),
    Case("routine-fifo", with_routine(lambda d: _fifo(d, "r.toml")), 5, "not a regular file"),
    Case("routine-huge", with_routine(_routine("# x\n" * 400_000)), 5, "1 MB"),
    Case("routine-symlink-loop", with_routine(lambda d: _loop(d, "r.toml")), 5, "link"),
    Case("routine-unknown-key", with_routine(_routine_edit("[", "surprise = 1\n[")), 5, ""),
    Case("routine-nan-threshold", with_routine(_routine_edit("threshold = ", "threshold = nan #")),
         5, ""),
    Case("routine-inf-threshold", with_routine(_routine_edit("threshold = ", "threshold = inf #")),
         5, ""),
    Case("routine-text-threshold", with_routine(_routine_edit("threshold = ",
                                                              'threshold = "high" #')), 5, ""),
    Case("routine-negative-reps", with_routine(_routine_edit("reps = ", "reps = -3 #")), 5, ""),
    Case("routine-huge-reps", with_routine(_routine_edit("reps = ", "reps = 99999999999 #")),
         5, ""),
    # ---- analysis JSON given to `import` ------------------------------------------------
    Case("import-missing", import_(lambda d, _i: d / "nope.json"), 2, "not found"),
    Case("import-folder", import_(lambda d, _i: (d / "f").mkdir() or d / "f"), 2, "folder"),
    Case("import-fifo", import_(lambda d, _i: _fifo(d, "a.json")), 2, "not a regular file"),
    Case("import-symlink-loop", import_(lambda d, _i: _loop(d, "a.json")), 2, "link"),
    Case("import-empty", import_(raw("")), 2, "json"),
    Case("import-not-json", import_(raw("hello")), 2, "json"),
    Case("import-not-utf8", import_(raw(b"\xff\xfe{}")), 2, "json"),
    Case("import-array", import_(raw("[1, 2, 3]")), 2, ""),
    Case("import-deep-nesting", import_(raw(NESTED)), 2, ""),
    Case("import-huge-file", import_(raw(" " * 60_000_000 + "{}")), 2, "MB"),
    Case("import-reps-2e40", import_(edited(set_reps=2**40)), 2, "reps"),
    Case("import-reps-negative", import_(edited(set_reps=-1)), 2, "reps"),
    Case("import-reps-inf", import_(edited(set_reps=float("inf"))), 2, ""),
    Case("import-reps-nan", import_(edited(set_reps=float("nan"))), 2, ""),
    Case("import-reps-text", import_(edited(set_reps="ten")), 2, "reps"),
    Case("import-duration-huge", import_(edited(duration_s=1e300)), 2, ""),
    Case("import-duration-negative", import_(edited(duration_s=-5)), 2, ""),
    Case("import-start-after-end", import_(edited(set_start_s=50.0, set_end_s=10.0)), 2, ""),
    Case("import-name-markup", import_(edited(set_exercise="[/red]")), 2, ""),
    Case("import-name-escape", import_(edited(set_exercise="\x1b[31mred")), 2, ""),
    Case("import-name-long", import_(edited(set_exercise="x" * 10_000)), 2, ""),
    Case("import-side-bogus", import_(edited(set_side="up")), 2, ""),
    Case("import-sets-not-list", import_(edited(sets={"a": 1})), 2, ""),
    Case("import-sets-missing", import_(edited(sets=None)), 2, ""),
    Case("import-screen-json", import_(lambda d, i: (d / "s.json").write_text(
        json.dumps(i.screen)) and d / "s.json"), 2, ""),
    Case("import-date-9999", import_(edited(), "--started-at", "9999-12-31T23:59:59"), 2,
         "date"),
    Case("import-date-0001", import_(edited(), "--started-at", "0001-01-01T00:00:00"), 2,
         "date"),
    Case("import-date-garbage", import_(edited(), "--started-at", "yesterday"), 2, ""),
    # ---- screen JSON given to `screen report` -------------------------------------------
    Case("screen-report-missing", screen_report(lambda d, _i: d / "nope.json"), 2, "not found"),
    Case("screen-report-not-json", screen_report(raw("nope", "s.json")), 2, "json"),
    Case("screen-report-array", screen_report(raw("[]", "s.json")), 2, ""),
    Case("screen-report-deep", screen_report(raw(NESTED, "s.json")), 2, ""),
    Case("screen-report-bad-screen", screen_report(screen_edited(screen="dance")), 2, ""),
    Case("screen-report-bad-finding", screen_report(screen_edited(finding="[/red]")), 2, ""),
    Case("screen-report-items-junk", screen_report(screen_edited(items="x")), 2, ""),
    Case("screen-report-per-side-junk", screen_report(screen_edited(per_side=[1])), 2, ""),
    Case("screen-report-duration-inf", screen_report(lambda d, i: raw(
        json.dumps(i.screen).replace('"duration_s": ', '"duration_s": Infinity, "x": '),
        "s.json")(d, i)), 2, ""),
    Case("screen-report-analysis-json", screen_report(lambda d, i: (d / "s.json").write_text(
        json.dumps(i.analysis)) and d / "s.json"), 2, ""),
    Case("screen-report-folder", screen_report(lambda d, _i: (d / "f").mkdir() or d / "f"), 2,
         "folder"),
    # ---- history database ---------------------------------------------------------------
    Case("db-text-file", db_cmd(_bytes("h.sqlite3", TEXT), "history"), 7, "database"),
    Case("db-junk", db_cmd(_bytes("h.sqlite3", JUNK), "report", "--out", "r.html"), 7,
         "database"),
    Case("db-folder", db_cmd(lambda d: (d / "h").mkdir() or d / "h", "history"), 7, ""),
    Case("db-header-only", db_cmd(_bytes("h.sqlite3", b"SQLite format 3\x00" + bytes(84)),
                                  "history"), 7, "database"),
    Case("db-newer", db_cmd(_sqlite(999), "history"), 7, "newer"),
    Case("db-under-a-file", db_cmd(lambda d: (d / "f").write_text("x") and d / "f" / "h.db",
                                   "history"), 7, ""),
    Case("db-env-folder", args("history"), 7, "", env={"HIPCOACH_DB": "/"}),
    # ---- output paths -------------------------------------------------------------------
    Case("out-json-onto-input", lambda d, i: ["analyze", str(_copy(NPZ, "l.npz")(d)),
                                              "--json", str(d / "l.npz"), "-q"], 5, "input"),
    Case("out-overlay-onto-clip", lambda d, i: ["pose", str(_copy(i.clip, "c.mp4")(d)),
                                                "--overlay", str(d / "c.mp4"), "-q"], 5, "input"),
    Case("out-json-is-folder", args("analyze", "{npz}", "--json", "{d}", "-q"), 5, "folder"),
    Case("out-same-twice", args("analyze", "{npz}", "--json", "{d}/a.out", "--report",
                                "{d}/a.out", "-q"), 5, ""),
    Case("out-unknown-suffix", args("pose", "{npz}", "--out", "{d}/l.xyz", "-q"), 2, ""),
    Case("out-under-a-file", lambda d, _i: (d / "f").write_text("keep") and [
        "analyze", str(NPZ), "--json", str(d / "f" / "a.json"), "-q"], 5, "cannot be made"),
    Case("out-report-onto-db", lambda d, _i: (d / "h.db").write_bytes(b"") or [
        "report", "--db", str(d / "h.db"), "--out", str(d / "h.db")], 5, ""),
    Case("out-csv-onto-db", lambda d, _i: ["history", "--db", str(d / "h.db"), "--csv",
                                           str(d / "h.db")], 5, ""),
    Case("out-demo-dir-is-file", lambda d, _i: (d / "f").write_text("keep") and [
        "demo", "--out-dir", str(d / "f")], 5, ""),
    Case("out-screen-plot-folder", lambda d, _i: ["screen", "squat", str(NPZ), "--plot",
                                                  str(d), "-q"], 5, "folder"),
    # ---- options ------------------------------------------------------------------------
    Case("opt-max-seconds-0", args("pose", "{npz}", "--max-seconds", "0"), 2, ""),
    Case("opt-max-seconds-nan", args("pose", "{npz}", "--max-seconds", "nan"), 2, ""),
    Case("opt-max-seconds-neg", args("pose", "{npz}", "--max-seconds", "-3"), 2, ""),
    Case("opt-max-people-0", args("pose", "{npz}", "--max-people", "0"), 5, "max_people"),
    Case("opt-max-people-99", args("pose", "{npz}", "--max-people", "99"), 5, "max_people"),
    Case("opt-model-bogus", args("pose", "{npz}", "--model", "huge"), 2, ""),
    Case("opt-camera-negative", args("session", "--camera", "-1", "--mute"), 2, ""),
    Case("opt-band-11", args("session", "--band", "11", "--mute"), 2, ""),
    Case("opt-start-side", args("session", "--start-side", "up", "--mute"), 2, ""),
    Case("opt-unknown", args("analyze", "{npz}", "--frobnicate"), 2, ""),
    Case("opt-no-command-arg", args("analyze"), 2, ""),
    Case("opt-models-dir-missing", args("pose", "{d}/x.mp4", "-q"), 2, "",
         env={"HIPCOACH_MODELS_DIR": "/nonexistent"}),
    # ---- interactive commands with no input ---------------------------------------------
    Case("check-no-input", args("check", "--db", "{d}/h.db"), 2, "nothing was saved"),
]
# fmt: on


def test_the_suite_has_over_a_hundred_cases() -> None:
    assert len(CASES) >= 100
    assert len({c.id for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_bad_input(case: Case, inputs: Inputs, tmp_path: Path) -> None:
    argv = case.make(tmp_path, inputs)
    before = snapshot(tmp_path)
    outcome = run_cli(argv, cwd=tmp_path, env=case.env)
    check_outcome(outcome, case.code, case.text, before, snapshot(tmp_path))
